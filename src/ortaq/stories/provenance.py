"""Provenance of a story: who published which version when, and what copies what.

Pure functions over plain records (dicts or objects with the attributes below), so the
store can feed rows straight in:

    member, uri, version, time, language, copy_of (uri or None), similarity (optional)

`timeline` orders the versions by time, marks the first appearance, each member's first
version, corrections (a later version of the same uri) and copies (copy_of set by the
duplicates index). `word_diff` is a word-level diff between two versions in the same
language.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

_TOKENS = re.compile(r"\S+")

Op = str  # "equal", "insert", "delete"


def word_diff(a: str, b: str) -> list[tuple[Op, str]]:
    """Word-level diff of `a` into `b`: ("equal" | "delete" | "insert", words).

    A replaced run is reported as its deletion followed by its insertion; adjacent runs
    of the same op are merged. Joining the "equal" and "delete" texts gives `a`'s words,
    the "equal" and "insert" texts `b`'s."""
    words_a, words_b = _TOKENS.findall(a), _TOKENS.findall(b)
    matcher = difflib.SequenceMatcher(None, words_a, words_b, autojunk=False)
    out: list[tuple[Op, str]] = []

    def emit(op: Op, words: list[str]) -> None:
        if not words:
            return
        text = " ".join(words)
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + " " + text)
        else:
            out.append((op, text))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            emit("equal", words_a[i1:i2])
        else:
            emit("delete", words_a[i1:i2])
            emit("insert", words_b[j1:j2])
    return out


def _get(record: Any, name: str, default: Any = None) -> Any:
    if isinstance(record, Mapping):
        return record.get(name, default)
    return getattr(record, name, default)


def _time_key(value: Any) -> float:
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, str):
        return datetime.fromisoformat(value).timestamp()
    return float(value) if value is not None else float("inf")


def timeline(records: Iterable[Any]) -> dict[str, Any]:
    """The story's versions in time order, with first appearance, copies and corrections."""
    rows = sorted(
        records,
        key=lambda r: (_time_key(_get(r, "time")), str(_get(r, "uri")), _get(r, "version", 1)),
    )
    entries: list[dict[str, Any]] = []
    first_by_member: dict[str, str] = {}
    last_version: dict[tuple[Any, str], dict[str, Any]] = {}  # (member, uri): an item
    for row in rows:
        uri, member = str(_get(row, "uri")), _get(row, "member")
        time = _get(row, "time")
        entry: dict[str, Any] = {
            "member": member,
            "uri": uri,
            "version": _get(row, "version", 1),
            "time": time.isoformat() if isinstance(time, datetime) else time,
            "language": _get(row, "language"),
            "first_appearance": not entries,
            "member_first": member not in first_by_member,
            "corrects": None,
            "copy_of": _get(row, "copy_of"),
        }
        if _get(row, "similarity") is not None:
            entry["similarity"] = _get(row, "similarity")
        previous = last_version.get((member, uri))
        if previous is not None:
            entry["corrects"] = {"uri": uri, "version": previous["version"]}
        if member is not None:
            first_by_member.setdefault(member, uri)
        last_version[(member, uri)] = entry
        entries.append(entry)
    return {
        "first": entries[0] if entries else None,
        "members": list(first_by_member),
        "languages": sorted({e["language"] for e in entries if e["language"]}),
        "versions": entries,
        "copies": [
            {"uri": e["uri"], "version": e["version"], "copy_of": e["copy_of"]}
            for e in entries
            if e["copy_of"]
        ],
        "corrections": [
            {"uri": e["uri"], "version": e["version"], "corrects": e["corrects"]}
            for e in entries
            if e["corrects"]
        ],
    }
