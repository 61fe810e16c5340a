"""The newsroom's pages without a browser: the wire, items, stories, search and
entities, each read through the store's policy as the signed-in member."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest.mock import patch

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ortaq.api import newsroom
from ortaq.exchange.searches import list_searches
from ortaq.store import Store
from ortaq.store import stories as story_module
from ortaq.store.stories import StoryFilter, StoryView, list_stories, parse_story_id
from ortaq.viewer import Viewer
from tests.newsroom.conftest import browser_client, copy_store, csrf_of

STORY_LINK = re.compile(r'href="/stories/(story-\d+)"')
ITEM_LINK = re.compile(r'href="/items/(\d+)"')


def wire_stories(client: TestClient, query: str = "") -> list[str]:
    page = client.get("/" + query)
    assert page.status_code == 200
    return STORY_LINK.findall(page.text)


def test_the_wire_lists_what_the_policy_gives_each_member(
    demo_store: Store, operator: TestClient, khaleej: TestClient
) -> None:
    theirs = wire_stories(khaleej)
    views = list_stories(demo_store, "khaleej-wire", limit=200)
    assert theirs == [v.id for v in views]
    everything = {v.id: v for v in list_stories(demo_store, Viewer.as_operator(), limit=200)}
    narrower = [v for v in views if len(v.versions) < len(everything[v.id].versions)]
    assert narrower, "the demo agreements hide some versions from Khaleej Wire"
    for view in narrower:  # the story page shows what the policy gives, no more
        page = khaleej.get(f"/stories/{view.id}").text
        hidden = {s.id for s in everything[view.id].items} - {s.id for s in view.items}
        assert hidden and not any(f'href="/items/{i}"' in page for i in hidden)


def test_a_language_filter_keeps_stories_with_a_version_in_it(operator: TestClient) -> None:
    kazakh = wire_stories(operator, "?language=kk")
    assert kazakh and set(kazakh) < set(wire_stories(operator))
    for story in kazakh:
        assert 'lang="kk"' in operator.get(f"/stories/{story}").text


def test_member_and_date_filters(operator: TestClient, demo_store: Store) -> None:
    blank = "?language=&member=&country=&since=&until="  # the form with nothing chosen
    assert wire_stories(operator, blank) == wire_stories(operator)
    assert operator.get("/?since=2026-02-31").status_code == 422
    assert wire_stories(operator, "?member=no-such-member") == []
    assert wire_stories(operator, "?since=2100-01-01") == []
    assert wire_stories(operator, "?until=1990-01-01") == []
    tassili = wire_stories(operator, "?member=tassili-info")
    for story in tassili:
        assert "tassili-info" in operator.get(f"/stories/{story}").text


def test_paging_reaches_every_story_once(
    operator: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    everything = wire_stories(operator)
    monkeypatch.setattr(newsroom, "PAGE", 4)
    seen, query = [], ""
    while True:
        page = operator.get("/" + query).text
        seen += STORY_LINK.findall(page)
        older = re.search(r'href="/\?before=(\d+)"', page)
        if older is None:
            break
        query = f"?before={older.group(1)}"
    assert seen == everything and len(seen) > 8


def test_fresh_rows_are_only_newer_stories(operator: TestClient) -> None:
    everything = wire_stories(operator)
    middle = int(everything[len(everything) // 2].removeprefix("story-"))
    fresh = operator.get("/wire/fresh", params={"after": middle}).text
    found = STORY_LINK.findall(fresh)
    assert found and all(int(s.removeprefix("story-")) > middle for s in found)
    assert f'hx-get="/wire/fresh?after={max(int(s[6:]) for s in found)}' in fresh


def test_an_arabic_item_reads_right_to_left_with_entities_linked(operator: TestClient) -> None:
    story = wire_stories(operator, "?language=ar")[0]
    item_id = re.findall(r'lang="ar" dir="rtl"[^>]*>.*?href="/items/(\d+)"',
                         operator.get(f"/stories/{story}").text, re.S)[0]  # fmt: skip
    page = operator.get(f"/items/{item_id}").text
    assert re.search(r'<article class="item" lang="ar" dir="rtl">', page)
    assert re.search(r'<mark class="entity entity-\w+"><a href="/entities/', page)
    assert "How Ortaq read it" in page and "Arabic" in page
    assert "{'" not in page  # readable fields, no raw dicts


def test_a_corrected_item_shows_its_word_level_changes(
    operator: TestClient, demo_store: Store
) -> None:
    corrected = next(
        stored for v in list_stories(demo_store, Viewer.as_operator(), limit=200)
        for stored in v.versions if stored.item.version > 1
    )  # fmt: skip
    page = operator.get(f"/items/{corrected.id}").text
    assert "Changes from version" in page
    assert "<ins>" in page or "<del>" in page


def test_an_embargo_shows_its_banner_before_it_lifts(demo_database: Path, tmp_path: Path) -> None:
    probe = copy_store(demo_database, tmp_path)
    embargoed = next(
        stored for v in list_stories(probe, Viewer.as_operator(), limit=200)
        for stored in v.versions if stored.item.embargoed
    )  # fmt: skip
    probe.close()
    assert embargoed.item.embargoed is not None
    before = embargoed.item.embargoed - timedelta(hours=2)
    store = Store.open(f"sqlite:///{tmp_path / 'newsroom.db'}", clock=lambda: before)
    page = browser_client(store, "admin").get(f"/items/{embargoed.id}").text
    assert 'class="embargo"' in page and "data-countdown" in page
    after = Store.open(f"sqlite:///{tmp_path / 'newsroom.db'}",
                       clock=lambda: datetime.now(UTC))  # fmt: skip
    later = browser_client(after, "admin").get(f"/items/{embargoed.id}").text
    assert 'class="embargo"' not in later


def test_a_story_shows_every_version_side_by_side(operator: TestClient, demo_store: Store) -> None:
    view = max(list_stories(demo_store, Viewer.as_operator(), limit=200),
               key=lambda v: len({s.item.language for s in v.items}))  # fmt: skip
    page = operator.get(f"/stories/{view.id}").text
    for stored in view.items:
        assert f'href="/items/{stored.id}"' in page
        assert f'lang="{stored.item.language}"' in page
    assert "Provenance" in page and "first appearance" in page


def test_a_latin_query_finds_and_marks_a_cyrillic_headline(operator: TestClient) -> None:
    page = operator.get("/search", params={"q": "Almaty"}).text
    marked = re.findall(r"<mark>([^<]+)</mark>", page)
    assert any(re.search("[А-Яа-яӘәҚқ]", word) for word in marked), marked


def test_a_member_saves_a_search_as_a_feed(dala: TestClient, demo_store: Store) -> None:
    page = dala.get("/search", params={"q": "Almaty"}).text
    form = {"name": "quakes", "q": "Almaty", "language": "", "csrf": csrf_of(page)}
    saved = dala.post("/search/save", data=form, follow_redirects=False)
    assert saved.status_code == 303
    assert [s["name"] for s in list_searches(demo_store, "dala-press")] == ["quakes"]
    assert "quakes" in dala.get(saved.headers["location"]).text
    forged = dala.post("/search/save", data={**form, "csrf": "x"})
    assert forged.status_code == 403


def test_an_entity_page_has_its_names_items_and_partners(operator: TestClient) -> None:
    page = operator.get("/entities/country:KZ", params={"name": "Kazakhstan"}).text
    names = re.findall(r'<li dir="auto">([^<]+)</li>', page)
    scripts = {bool(re.search("[А-Яа-я]", n)) for n in names}
    assert scripts == {True, False}, names  # Cyrillic and Latin names
    assert len(ITEM_LINK.findall(page)) >= 2


def test_an_entity_no_readable_item_mentions_is_a_404(operator: TestClient) -> None:
    assert operator.get("/entities/org:nobody", params={"name": "Nobody"}).status_code == 404


VIEWERS = ["dala-press", "khaleej-wire", "tassili-info", "volga-wire"]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    viewer=st.sampled_from(VIEWERS),
    language=st.sampled_from([None, "kk", "ar", "fr", "tr", "az", "ru", "en", "de"]),
    member=st.sampled_from([None, *VIEWERS, "kopru-haber"]),
    batch=st.sampled_from([1, 3, 500]),
    page=st.integers(1, 6),
)
def test_the_wire_filter_keeps_exactly_the_stories_with_a_matching_version(
    demo_store: Store, viewer: str, language: str | None, member: str | None, batch: int,
    page: int,
) -> None:  # fmt: skip
    """Against the whole list, filtered by hand: a story stays when one version the
    viewer reads has the language and the sender, pages of any size and candidate
    batches of any size reach each once; summaries list the same versions."""
    everything = list_stories(demo_store, viewer, limit=500)
    only = StoryFilter(language=language, member=member)
    listed: list[StoryView] = []
    before = None
    with patch.object(story_module, "CANDIDATES", batch):
        while True:
            found = list_stories(demo_store, viewer, limit=page, before=before, only=only,
                                 summaries=True)  # fmt: skip
            listed += found
            if len(found) < page:
                break
            before = parse_story_id(found[-1].id)
    expected = [
        view.id for view in everything
        if any((language is None or s.item.language == language)
               and (member is None or s.item.provider == member) for s in view.versions)
    ]  # fmt: skip
    assert [view.id for view in listed] == expected
    full = {view.id: [s.id for s in view.versions] for view in everything}
    assert all([s.id for s in view.versions] == full[view.id] for view in listed)
