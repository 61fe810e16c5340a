"""Occasion-aware clustering: time spans, dates named, people, undated items."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ortaq.model import Derived, Item
from ortaq.stories.clustering import StoryIndex, dates_apart
from ortaq.stories.features import Features, text_features
from ortaq.stories.occasion import DAY, Span, item_span, month_days, span_of

SIGNING = (
    "Kabar and the Emirates News Agency WAM signed a memorandum on news exchange in Abu "
    "Dhabi on {when}. Director Mederbek Shermetaliev and Mohammed Jalal Al Rayssi signed "
    "the document; 12 journalists will train at the Kabar newsroom in Bishkek."
)
SIGNING_RU = (
    "Кабар и информационное агентство Эмиратов WAM подписали меморандум об обмене "
    "новостями в Абу-Даби {when}. Документ подписали директор Медербек Шерметалиев и "
    "Мохаммед Джалал Аль Райси; 12 журналистов пройдут стажировку в Бишкеке."
)


def _day(year: int, month: int, day: int) -> Span | None:
    return span_of(date(year, month, day).isoformat(), "day")


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_a_day_and_its_month_and_year_contain_the_day(day: date) -> None:
    start = datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()
    spans = [span_of(day.isoformat(), "day"), span_of(day.isoformat()[:7], "month")]
    spans.append(span_of(str(day.year), "year"))
    for span in spans:
        assert span is not None and span.start <= start < span.end
    day_span, month_span, _ = spans
    assert day_span is not None and day_span.end - day_span.start == DAY
    assert month_span is not None and 28 * DAY <= month_span.end - month_span.start <= 31 * DAY
    assert month_days(day_span) == {f"d:{day.month:02d}-{day.day:02d}"}


@given(st.text(max_size=12), st.sampled_from(["minute", "day", "month", "year", "?"]))
def test_span_of_never_raises(value: str, precision: str) -> None:
    span = span_of(value, precision)
    assert span is None or span.start <= span.end


def test_dates_apart_round_the_year() -> None:
    assert dates_apart({"d:03-14"}, {"d:10-26"}, 3)
    assert not dates_apart({"d:03-14"}, {"d:03-16"}, 3)
    assert not dates_apart({"d:12-31"}, {"d:01-02"}, 3)  # across new year
    assert not dates_apart({"d:03-14", "d:06-14"}, {"d:06-14"}, 3)  # one shared is enough
    assert not dates_apart(set(), {"d:10-26"}, 3)  # no date named: no conflict


def test_item_span_from_stated_time_or_derived_date() -> None:
    stated = Item(uri="a", versioncreated=datetime(2024, 9, 16, 9, 30, tzinfo=UTC))
    assert item_span(stated) == Span.at(stated.versioncreated or 0.0)
    derived = Item(uri="b")
    derived.derived["published"] = Derived(
        {"value": "2019-10", "precision": "month", "method": "header"}, "header"
    )
    assert item_span(derived) == span_of("2019-10", "month")
    # the read stage filled the times from a month-only date: still the whole month
    filled = Item(uri="c", versioncreated=datetime(2019, 10, 1, 12, tzinfo=UTC))
    filled.derived["times"] = Derived({"precision": "month"}, "read:header")
    assert item_span(filled) == span_of("2019-10", "month")
    assert item_span(Item(uri="d")) is None


def test_same_parties_on_another_date_start_a_new_story() -> None:
    index = StoryIndex()
    first = index.add("en", text_features(SIGNING.format(when="21 March"), "en"), _day(2019, 3, 21))
    ru = index.add("ru", text_features(SIGNING_RU.format(when="21 марта"), "ru"), _day(2019, 3, 21))
    assert ru.story_id == first.story_id
    # the same parties and words a year and a half later: another occasion
    later = index.add(
        "later", text_features(SIGNING.format(when="19 November"), "en"), _day(2020, 11, 19)
    )
    assert later.new_story
    # undated, but naming another day than the story's: another occasion as well
    undated = index.add("undated", text_features(SIGNING.format(when="2 June"), "en"), None)
    assert undated.story_id not in {first.story_id, later.story_id}


def test_undated_item_is_placed_by_what_it_says() -> None:
    index = StoryIndex()
    first = index.add("en", text_features(SIGNING.format(when="21 March"), "en"), _day(2019, 3, 21))
    undated = index.add("ru", text_features(SIGNING_RU.format(when="21 марта"), "ru"), None)
    assert undated.story_id == first.story_id


def test_different_people_are_another_occasion() -> None:
    shared = {"w:en:sign": 2, "w:en:memorandum": 2, "w:en:agenc": 3}
    cross = {"s:kbr": 2, "s:wm": 2, "c5:memor": 2}
    index = StoryIndex()
    index.add("a", Features("en", shared, cross, frozenset({"s:srmtlf", "s:mdrbk"})), None)
    same = index.add("b", Features("en", shared, cross, frozenset({"s:srmtlf"})), None)
    other = index.add("c", Features("en", shared, cross, frozenset({"s:grf", "s:fd"})), None)
    assert not same.new_story
    assert other.new_story


def test_a_common_key_is_never_dropped_from_the_search() -> None:
    """Once the index is large, every key of a story is common; its copies still find it
    (a cut-off at 5 % of the items once 50 existed left them nothing to search with)."""
    texts = [
        SIGNING.format(when="21 March"),
        "Galatasaray beat Fenerbahce 3-1 in Istanbul; Icardi scored twice before 52,000 fans.",
        "The central bank of Brazil raised its benchmark rate to 11.25 percent in Brasilia.",
    ]
    index = StoryIndex()
    start = datetime(2019, 3, 21, tzinfo=UTC)
    for n in range(150):
        moment = start + timedelta(minutes=n)
        decision = index.add(f"copy-{n}", text_features(texts[n % 3], "en"), moment)
        assert n < 3 or not decision.new_story
    assert len(index.stories) == 3


# -- the link decision: who took part ---------------------------------------------------

AGENCY = "e:org:news-agency"  # one agency, in every item below: weak evidence alone
PARTICIPANTS = st.sets(st.sampled_from([f"e:person:p{n}" for n in range(12)]), min_size=1)


def _report(language: str, participants: frozenset[str], filed: str | None = None) -> Features:
    """An agency's report: its house style (the same words every time), the agency, and
    the occasion's participants as linked entity ids."""
    terms = {f"w:{language}:{w}": 2 for w in ("agenc", "memorandum", "cooper", "sign")}
    cross = {AGENCY: 3, "c5:memor": 2, **{p: 1 for p in participants}}
    return Features(language, terms, cross, filed=filed)


@settings(max_examples=60, deadline=None)
@given(PARTICIPANTS)
def test_the_same_participants_join_whatever_the_language(people: set[str]) -> None:
    index = StoryIndex()
    first = index.add("en", _report("en", frozenset(people)), None)
    ar = index.add("ar", Features("ar", {"w:ar:x": 1}, {p: 1 for p in people}), None)
    assert ar.story_id == first.story_id
    assert ar.occasion == pytest.approx(1.0)


@settings(max_examples=60, deadline=None)
@given(PARTICIPANTS, PARTICIPANTS)
def test_other_participants_are_another_occasion(a: set[str], b: set[str]) -> None:
    """Undated reports in one house style, with the agency and no participant in common:
    content alone never joins them (it would, on words: mono is 1.0)."""
    assume(not a & b)
    index = StoryIndex()
    first = index.add("a", _report("en", frozenset(a)), None)
    second = index.add("b", _report("en", frozenset(b)), None)
    assert second.new_story and second.story_id != first.story_id


@settings(max_examples=60, deadline=None)
@given(PARTICIPANTS, st.sampled_from(["AE", "SA", "RU"]), st.sampled_from(["AE", "SA", "RU"]))
def test_reports_filed_from_other_countries_are_other_occasions(
    people: set[str], here: str, there: str
) -> None:
    index = StoryIndex()
    first = index.add("a", _report("en", frozenset(people), filed=here), None)
    second = index.add("b", _report("en", frozenset(people), filed=there), None)
    assert (second.story_id == first.story_id) == (here == there)


def test_some_shared_participants_need_the_time_checked() -> None:
    """Half the participants shared and the same words: a join when both are dated within
    the window, not when the item is undated (another meeting of the same parties)."""
    a = frozenset({"e:person:p1", "e:person:p2", "e:person:p3", "e:person:p4"})
    b = frozenset({"e:person:p1", "e:person:p5", "e:person:p6", "e:person:p7"})
    dated, undated = _with_other_news(), _with_other_news()
    first = dated.add("a", _report("en", a), _day(2024, 5, 2))
    second = dated.add("b", _report("en", b), _day(2024, 5, 2))
    assert second.occasion is not None and 0.2 <= second.occasion < 0.4
    assert second.story_id == first.story_id
    undated.add("a", _report("en", a), _day(2024, 5, 2))
    assert undated.add("b", _report("en", b), None).new_story


def _with_other_news() -> StoryIndex:
    """An index that has seen other news (years before), so IDF is not that of two items."""
    index = StoryIndex()
    for n in range(10):
        other = Features("en", {f"w:en:other{n}": 1}, {f"e:org:other{n}": 1})
        index.add(f"other-{n}", other, _day(2000 + n, 1, 1))
    return index


def test_participants_survive_a_snapshot_and_an_old_one() -> None:
    people = frozenset({"e:person:p1", "e:person:p2"})
    index = StoryIndex()
    index.add("a", _report("en", people, filed="AE"), None)
    state = index.to_state()
    again = StoryIndex.from_state(state)
    assert again.add("b", _report("ar", people), None).story_id == index.story_of("a")
    # a snapshot saved before participants were kept: rebuilt from the centroid's ids
    for story in state["stories"].values():
        del story["specific"], story["filed"]
    old = StoryIndex.from_state(state)
    assert old.add("b", _report("ar", people), None).story_id == index.story_of("a")
    assert old.add("c", _report("en", frozenset({"e:person:p9"})), None).new_story
