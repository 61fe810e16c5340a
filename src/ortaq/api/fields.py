"""Request types that accept what the OpenAPI document declares, and nothing else.

Pydantic's lax mode would read `0` as false, `"300"` as 300 and `0.5` as a Unix time;
the document promises JSON booleans, integers and RFC 3339 date-times, so the API holds
to it (a client that sends something else gets a 422, not a guess).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


def _rfc3339(value: object) -> object:
    if isinstance(value, datetime) or (isinstance(value, str) and _RFC3339.fullmatch(value)):
        return value
    raise ValueError("expected an RFC 3339 date-time, e.g. 2026-03-02T09:00:00Z")


# strict=False: from a string (JSON has no date type), which strict mode refuses.
DateTime = Annotated[datetime, BeforeValidator(_rfc3339), Field(strict=False)]


class RequestBody(BaseModel):
    """A JSON request body: no coercion between JSON types."""

    model_config = ConfigDict(strict=True)
