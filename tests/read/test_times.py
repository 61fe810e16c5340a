"""An item's own times come from its date line when the input states none, and reach
the consumers: the store, the Atom feed, the stored stories and their provenance timeline."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import feedparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ortaq.chain import default_chain, process
from ortaq.exchange.outputs import default_outputs
from ortaq.ingest import ingest_bytes
from ortaq.model import Hints, Item
from ortaq.read import stage
from ortaq.store import Store
from ortaq.store.stories import list_stories
from ortaq.viewer import OPERATOR

BODY = (
    "ST. PETERSBURG, July 27. /TASS/. TASS Director General signed cooperation "
    "memorandums with heads of several African news agencies.\n"
    "The memorandums provide for the exchange of news and photographs.\n"
)
HEADLINE = "TASS signs memorandums with African agencies"


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)


def realnews_layout(headline: str, date_line: str | None, body: str = BODY) -> str:
    """Headline on line 1, then `date ...` on its own line (../shared/realnews)."""
    return f"{headline}\n" + (f"date {date_line}\n" if date_line else "") + body


def samples_layout(headline: str, date_line: str, body: str = BODY) -> str:
    """` date ...` header with the headline on the same line (../shared/samples)."""
    return f" date {date_line} {headline}\n{body}"


def read(text: str | bytes, **hints: object) -> Item:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return process(raw, Hints(source_name="item.txt", **hints))  # type: ignore[arg-type]


@pytest.mark.parametrize("layout", [realnews_layout, samples_layout])
def test_plain_text_item_gets_its_times_from_its_date_line(layout: object) -> None:
    item = read(layout(HEADLINE, "2023-07-27"))  # type: ignore[operator]
    assert item.firstcreated == item.versioncreated == noon(date(2023, 7, 27))
    times = item.derived["times"]
    assert times.method == "read:header" and times.value["precision"] == "day"
    assert times.value["time_of_day"] == "assumed 12:00 UTC"
    assert item.derived["published"].value["value"] == "2023-07-27"
    assert not any(p.startswith("date ") for p in [item.headline or "", *item.body])


def test_month_only_date_line_is_refined_by_the_dateline_day() -> None:
    item = read(realnews_layout(HEADLINE, "2023-07"))
    assert item.derived["published"].value == {
        "value": "2023-07-27",
        "precision": "day",
        "method": "header+dateline",
    }
    assert item.versioncreated == noon(date(2023, 7, 27))


def test_month_only_date_does_not_invent_a_day_silently() -> None:
    body = "The agencies signed a memorandum on the exchange of news and photographs.\n"
    item = read(realnews_layout(HEADLINE, "2023-12", body))
    assert item.derived["published"].value["precision"] == "month"
    assert item.versioncreated == noon(date(2023, 12, 1))
    assert item.derived["times"].value["precision"] == "month"


def test_year_only_date_fills_nothing() -> None:
    item = read(samples_layout(HEADLINE, "2023").replace(" date 2023 ", " date 2023-13 "))
    assert item.versioncreated is None and "times" not in item.derived


def test_without_date_line_a_complete_dateline_date_gives_the_times() -> None:
    body = "SHARJAH, March 21st, 2019 (WAM) -- The Emirates News Agency signed a memorandum.\n"
    item = read(realnews_layout(HEADLINE, None, body))
    assert "published" not in item.derived  # the guideline: no date line, no publication date
    assert item.derived["dateline_date"].value["value"] == "2019-03-21"
    assert item.derived["dateline_date"].value["year_from"] == "dateline"
    assert item.firstcreated == noon(date(2019, 3, 21))
    assert item.derived["times"].method == "read:dateline"


def test_dateline_without_year_and_without_date_line_gives_no_time() -> None:
    item = read(realnews_layout(HEADLINE, None))
    assert item.derived["dateline"].value["place"] == "ST. PETERSBURG"
    assert item.derived["dateline_date"].value["value"] is None
    assert item.firstcreated is None and item.versioncreated is None


def test_a_stated_time_is_never_overridden() -> None:
    stated = datetime(2023, 7, 28, 8, 15, tzinfo=UTC)
    item = read(realnews_layout(HEADLINE, "2023-07-27"), published=stated)
    assert item.firstcreated == item.versioncreated == stated
    assert "times" not in item.derived
    assert item.derived["published"].value["method"] == "metadata"


def test_times_the_stage_filled_are_not_read_as_metadata_later() -> None:
    once = read(realnews_layout(HEADLINE, "2023-07-27"))
    again = stage(replace(once, derived=dict(once.derived)))
    assert again.versioncreated == once.versioncreated
    assert again.derived["published"].method == "header"
    assert again.derived["times"] == once.derived["times"]


# --- byte-order marks and long headers -------------------------------------------------


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom", "utf-32"]


def encoded(text: str, encoding: str) -> bytes:
    if encoding == "utf-16-be-bom":
        return b"\xfe\xff" + text.encode("utf-16-be")
    return text.encode(encoding)


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("layout", [realnews_layout, samples_layout])
def test_byte_order_mark_does_not_hide_the_date_line(encoding: str, layout: object) -> None:
    item = read(encoded(layout(HEADLINE, "2021-02-01"), encoding))  # type: ignore[operator]
    assert item.stage_data.get("scraper_header_date") == "2021-02-01"
    assert item.versioncreated == noon(date(2021, 2, 1))


def test_marks_at_a_line_start_do_not_hide_the_date_line() -> None:
    text = "\ufeff" + HEADLINE + "\n\ufeff\u200bdate 2021-02-01\n" + BODY
    assert read(text).versioncreated == noon(date(2021, 2, 1))


def test_a_long_headline_does_not_hide_the_date_line() -> None:
    """Found by lines, not in a window of the first bytes."""
    headline = " ".join(["Agencies"] * 3000)  # ~27 KB on line 1
    item = read(realnews_layout(headline, "2021-02-01"))
    assert item.versioncreated == noon(date(2021, 2, 1))


def test_a_date_line_deep_in_the_body_is_text() -> None:
    text = f"{HEADLINE}\n{BODY}date 2021-02-01\n{BODY}"
    item = read(text)
    assert item.versioncreated is None
    assert "date 2021-02-01" in item.body


@settings(max_examples=60, deadline=None)
@given(
    day=st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)),
    encoding=st.sampled_from(ENCODINGS),
    samples=st.booleans(),
)
def test_any_date_line_becomes_noon_utc_of_that_day(
    day: date, encoding: str, samples: bool
) -> None:
    layout = samples_layout if samples else realnews_layout
    body = "Agencies signed a memorandum on the exchange of news and photographs.\n"
    item = read(encoded(layout(HEADLINE, day.isoformat(), body), encoding))
    assert item.versioncreated == item.firstcreated == noon(day)
    assert item.derived["published"].value["value"] == day.isoformat()


# --- consumers -------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path}/times.db")
    yield opened
    opened.close()


def test_times_reach_the_store_atom_and_the_story_desk(store: Store) -> None:
    """Two copies of one story filed today, published two days apart (one occasion, in
    the story window): the older one is the first appearance, and the Atom feed says when
    each was published."""
    chain = default_chain()
    for name, day in (("late.txt", "2023-07-29"), ("early.txt", "2023-07-27")):
        raw = realnews_layout(HEADLINE, day).encode("utf-8")
        ingest_bytes(store, chain, raw, Hints(source_name=name, provider="tass"))
    stored = {s.item.source_name: s for s in store.iter_items(OPERATOR)}
    early, late = stored["early.txt"], stored["late.txt"]
    assert early.item.versioncreated == noon(date(2023, 7, 27))
    assert late.item.versioncreated == noon(date(2023, 7, 29))
    assert abs(early.ingested_at - late.ingested_at) < timedelta(hours=1)

    atom = feedparser.parse(default_outputs().get("atom").render_item(early))
    assert atom.entries[0].updated_parsed[:3] == (2023, 7, 27)

    views = list_stories(store, OPERATOR)
    view = next(v for v in views if len(v.items) == 2)
    assert {entry["versioncreated"] for entry in view.to_json()["items"]} == {
        noon(date(2023, 7, 27)).isoformat(),
        noon(date(2023, 7, 29)).isoformat(),
    }
    first = view.timeline()["first"]
    assert first["uri"] == early.item.uri
    assert first["time"] == noon(date(2023, 7, 27)).isoformat()
