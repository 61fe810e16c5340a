"""Readable summaries for the terminal: what `ortaq read`, `entities`, `cooperation` and
`stories` print by default (rich tables); `--json` keeps the full JSON of each.

Only presentation: each function takes the same JSON report the `--json` output prints,
so the table never shows anything the JSON does not hold.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rich.table import Table

MAX_CELL = 160  # a body paragraph is cut here: the summary is for a glance


def _cell(value: Any) -> str:
    """A JSON value as one readable cell."""
    if value is None or value == [] or value == {}:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {_cell(v)}" for k, v in value.items() if _cell(v))
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    text = str(value)
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def reading_table(report: Mapping[str, Any]) -> Table:
    """`ortaq read`: one row per field the read stage derived (empty ones left out)."""
    table = Table(title=str(report.get("source", "")), show_header=True, title_justify="left")
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    for key, value in report.items():
        if key == "body" and isinstance(value, list):
            value = f"{len(value)} paragraphs: {_cell(value[0]) if value else ''}"
        if key != "source" and _cell(value):
            table.add_row(key, _cell(value))
    return table


def entities_table(report: Mapping[str, Any]) -> Table:
    """`ortaq entities`: one row per mention."""
    countries = ", ".join(report.get("countries") or [])
    title = f"{report.get('source', '')} [{report.get('language') or '?'}] {countries}".strip()
    table = Table(title=title, title_justify="left")
    for column in ("text", "type", "entity", "canonical", "country", "role"):
        table.add_column(column, overflow="fold")
    for mention in report.get("mentions") or ():
        table.add_row(*(_cell(mention.get(key)) for key in
                        ("text", "type", "entity_id", "canonical", "country", "role")))  # fmt: skip
    return table


def _parties(event: Mapping[str, Any]) -> str:
    sides: dict[str, list[str]] = {}
    for party in event.get("parties") or ():
        sides.setdefault(str(party.get("side") or "?"), []).append(str(party.get("name")))
    return " ↔ ".join(", ".join(names) for _, names in sorted(sides.items()))


def cooperation_table(report: Mapping[str, Any]) -> Table:
    """`ortaq cooperation`: one row per event, with the sentence that gives it."""
    title = f"{report.get('source', '')} [{report.get('language') or '?'}]"
    table = Table(title=title, title_justify="left")
    for column in ("type", "status", "parties", "when", "evidence"):
        table.add_column(column, overflow="fold")
    for event in report.get("events") or ():
        when = (
            (event.get("when") or {}).get("value")
            if isinstance(event.get("when"), Mapping)
            else event.get("when")
        )
        evidence = (event.get("evidence") or {}).get("text")
        table.add_row(_cell(event.get("type")), _cell(event.get("status")), _parties(event),
                      _cell(when), _cell(evidence))  # fmt: skip
    return table


def stories_table(stories: Iterable[Mapping[str, Any]]) -> Table:
    """`ortaq stories list`: one row per story, its latest headlines by language."""
    table = Table(title="stories", title_justify="left")
    for column in ("story", "items", "languages", "headlines"):
        table.add_column(column, overflow="fold")
    for story in stories:
        items = story.get("items") or []
        headlines = " | ".join(
            f"[{i.get('language')}] {i.get('headline') or '(no headline)'}"[:70] for i in items[:3]
        )
        table.add_row(str(story.get("id")), str(len(items)), ",".join(story.get("languages") or []),
                      headlines)  # fmt: skip
    return table


TIMELINE = ("time", "member", "language", "version", "uri", "first_appearance",
            "member_first", "corrects", "copy_of")  # fmt: skip


def timeline_table(story: Mapping[str, Any]) -> Table:
    """`ortaq stories show`: the provenance timeline, one row per version published."""
    timeline = story.get("timeline") or {}
    title = f"{story.get('id')}: {', '.join(timeline.get('members') or [])}"
    table = Table(title=title, title_justify="left")
    for column in TIMELINE:
        table.add_column(column.replace("_", " "), overflow="fold")
    for version in timeline.get("versions") or ():
        table.add_row(*(_cell(version.get(column)) for column in TIMELINE))
    return table
