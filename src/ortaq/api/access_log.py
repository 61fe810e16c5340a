"""uvicorn's access log without query values: a token sent as `?access_token=` (refused,
but sent all the same), a search or a password must not be written to disk.

Every parameter value becomes `[redacted]`; a parameter name stays only if it looks like
one of ours (lower-case letters and `_`, at most 32), since a bare `?<token>` is a name.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

from uvicorn.config import LOGGING_CONFIG

REDACTED = "[redacted]"
_PLAIN_NAME = re.compile(r"[a-z_]{1,32}")
_TARGET_ARG = 2  # uvicorn logs (client, method, path with query, HTTP version, status)


def redact_target(target: str) -> str:
    """The request target with every query value (and every odd name) replaced."""
    path, mark, query = target.partition("?")
    if not mark:
        return path
    kept = []
    for part in query.split("&"):
        if not part:
            continue
        name, equals, _ = part.partition("=")
        shown = name if _PLAIN_NAME.fullmatch(name) else REDACTED
        kept.append(f"{shown}={REDACTED}" if equals else shown)
    return f"{path}?{'&'.join(kept)}"


class RedactQuery(logging.Filter):
    """A filter for the `uvicorn.access` logger: redacts the target before any handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) > _TARGET_ARG:
            target = args[_TARGET_ARG]
            if isinstance(target, str):
                record.args = (*args[:_TARGET_ARG], redact_target(target), *args[3:])
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's own logging configuration, with `RedactQuery` on the access logger."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["redact_query"] = {"()": RedactQuery}
    config["loggers"]["uvicorn.access"]["filters"] = ["redact_query"]
    return config
