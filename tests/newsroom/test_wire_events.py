"""The wire's cooperation filter (`?type=&status=`) through the pages, as members of the
demo corpus: a member finds only stories whose versions it may read report the event, so
a type that only items hidden from it report gives it nothing."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from ortaq.exchange.accounts import create_user
from ortaq.store import Store
from ortaq.store.stories import list_stories
from ortaq.viewer import Viewer
from tests.newsroom.conftest import browser_client, sign_in

STORY_LINK = re.compile(r'href="/stories/(story-\d+)"')


def wire_stories(client: TestClient, query: str) -> list[str]:
    page = client.get("/" + query)
    assert page.status_code == 200, page.text
    return STORY_LINK.findall(page.text)


def reported(store: Store, viewer: Any) -> dict[tuple[str, str], list[str]]:
    """(type, status) -> the stories (newest first) with a version the viewer reads that
    reports it, from the whole items' JSON."""
    found: dict[tuple[str, str], list[str]] = {}
    for view in list_stories(store, viewer, limit=500):
        pairs = {
            (event["type"], event["status"])
            for version in view.versions
            for event in version.item.stage_data.get("cooperation", [])
        }
        for pair in pairs:
            found.setdefault(pair, []).append(view.id)
    return found


def stories_with(
    found: dict[tuple[str, str], list[str]], kind: str | None, status: str | None
) -> list[str]:
    ids = {
        story
        for (k, s), stories in found.items()
        if (kind is None or k == kind) and (status is None or s == status)
        for story in stories
    }
    return sorted(ids, key=lambda story: -int(story.split("-")[1]))


def volga(store: Store) -> TestClient:
    """A reader of Volga Wire, whose agreements give it far fewer items than others."""
    create_user(store, "volga", "a long password", "reader", member="volga-wire")
    client = browser_client(store, None)
    sign_in(client, "volga", "a long password")
    return client


def test_the_type_filter_lists_the_stories_whose_readable_versions_report_it(
    demo_store: Store, khaleej: TestClient
) -> None:
    found = reported(demo_store, "khaleej-wire")
    kinds = sorted({kind for kind, _ in found})
    assert len(kinds) >= 5
    for kind in kinds:
        assert wire_stories(khaleej, f"?type={kind}") == stories_with(found, kind, None)
    for status in sorted({status for _, status in found}):
        assert wire_stories(khaleej, f"?status={status}") == stories_with(found, None, status)
    kind, status = next(iter(found))
    assert wire_stories(khaleej, f"?type={kind}&status={status}") == found[(kind, status)]


def test_a_member_sees_no_type_only_items_hidden_from_it_report(demo_store: Store) -> None:
    client = volga(demo_store)
    theirs = {kind for kind, _ in reported(demo_store, "volga-wire")}
    everyone = {kind for kind, _ in reported(demo_store, Viewer.as_operator())}
    hidden = everyone - theirs
    assert theirs and hidden, "the demo agreements give Volga Wire fewer event types"
    operator = browser_client(demo_store, "admin")
    for kind in sorted(hidden):
        assert wire_stories(client, f"?type={kind}") == []
        assert wire_stories(operator, f"?type={kind}") != []
    for kind in sorted(theirs):
        assert wire_stories(client, f"?type={kind}")


def test_the_filter_combines_with_the_others_and_with_polling(
    demo_store: Store, operator: TestClient
) -> None:
    found = reported(demo_store, Viewer.as_operator())
    kind = max({k for k, _ in found}, key=lambda k: len(stories_with(found, k, None)))
    typed = wire_stories(operator, f"?type={kind}")
    kazakh = set(wire_stories(operator, "?language=kk"))
    both = wire_stories(operator, f"?type={kind}&language=kk")
    assert set(both) <= set(typed) & kazakh
    fresh = operator.get(f"/wire/fresh?after=0&type={kind}")
    assert fresh.status_code == 200 and STORY_LINK.findall(fresh.text) == typed[:30]
    page = operator.get(f"/?type={kind}").text
    assert f'<option value="{kind}" selected>' in page  # the form keeps the choice
    assert operator.get("/?type=DROP%20TABLE").status_code == 422
    assert wire_stories(operator, "?type=no_such_type") == []
    blank = "?language=&member=&country=&since=&until=&type=&status="
    assert wire_stories(operator, blank) == wire_stories(operator, "")
