"""The newsroom in a real browser (Debian's chromium through Playwright): what an editor
does, checked on every page with axe-core; each test leaves screenshots in
test-output/browser."""

from __future__ import annotations

import re

import pytest

from ortaq.chain import default_chain
from ortaq.ingest import ingest_bytes
from ortaq.model import Hints
from ortaq.viewer import Viewer
from tests.newsroom.conftest import LiveServer, Newsroom

pytestmark = pytest.mark.browser
SELECT = """(claim) => {
  const text = document.getElementById("claim-source").firstChild;
  const start = text.data.indexOf(claim);
  document.getSelection().setBaseAndExtent(text, start, text, start + claim.length);
}"""
CYRILLIC = re.compile("[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]")


def test_sign_in_lands_on_the_wire(newsroom: Newsroom) -> None:
    newsroom.sign_in("dala")
    page = newsroom.page
    assert page.url.rstrip("/") == newsroom.base
    assert page.get_by_role("heading", level=1).inner_text() == "Wire"
    assert page.locator("header.top").get_by_text(re.compile("dala-press")).count() == 1
    newsroom.shot("wire")


def test_a_wrong_password_is_refused_on_the_page(newsroom: Newsroom) -> None:
    newsroom.sign_in("dala", "not-the-password")
    assert newsroom.page.get_by_role("alert").inner_text() == "Wrong user name or password."
    assert newsroom.errors == [
        "Failed to load resource: the server responded with a status of 401 (Unauthorized)"
    ]
    newsroom.errors.clear()  # the refusal's own status, expected


def test_browse_the_wire_filter_and_page(newsroom: Newsroom) -> None:
    newsroom.sign_in("admin")
    page = newsroom.page
    rows = page.locator("#wire-rows tr:not(.poll)")
    assert rows.count() >= 10
    page.locator("#f-language").select_option("kk")
    newsroom.follow(page.get_by_role("button", name="Filter"))
    assert "language=kk" in page.url
    for row in range(page.locator("#wire-rows tr:not(.poll)").count()):
        tags = page.locator("#wire-rows tr:not(.poll)").nth(row).locator(".tag").all_inner_texts()
        assert "Kazakh" in tags
    newsroom.shot("kazakh")


def test_new_stories_appear_without_reloading(
    newsroom: Newsroom, live_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ORTAQ_WIRE_POLL_SECONDS", "1")
    newsroom.sign_in("admin")
    page = newsroom.page
    page.evaluate("document.body.dataset.loadedOnce = 'yes'")  # gone if the page reloads
    text = (
        "A wholly new headline about the Lake Balkhash ferry line\n\n"
        "ASTANA, 7 December. A ferry line across Lake Balkhash opened on Monday, the "
        "ministry said, with two crossings a day in the summer months."
    )
    hints = Hints(source_name="fresh.txt", provider="dala-press", uri="urn:test:fresh-balkhash")
    ingest_bytes(live_server.store, default_chain(), text.encode(), hints)
    fresh = page.locator("#wire-rows").get_by_text("Lake Balkhash ferry line")
    fresh.wait_for(timeout=15_000)
    assert page.evaluate("document.body.dataset.loadedOnce") == "yes"
    newsroom.audit()
    newsroom.shot("fresh")


def test_open_a_story_with_arabic_and_kazakh_versions(newsroom: Newsroom) -> None:
    newsroom.sign_in("admin")
    page = newsroom.page
    rows = page.locator("#wire-rows tr:not(.poll)")
    both = rows.filter(has=page.locator(".tag", has_text="Arabic")).filter(
        has=page.locator(".tag", has_text="Kazakh")
    )
    assert both.count() >= 1
    newsroom.follow(both.first.get_by_role("link").first)
    arabic = page.locator('.versions article[lang="ar"]').first
    kazakh = page.locator('.versions article[lang="kk"]').first
    assert arabic.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert kazakh.evaluate("e => getComputedStyle(e).direction") == "ltr"
    assert CYRILLIC.search(kazakh.inner_text())
    newsroom.shot("story")
    newsroom.follow(arabic.locator("h3 a"))
    body = page.locator("article.item")
    assert body.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert page.locator("mark.entity a").count() >= 1
    newsroom.shot("arabic-item")


def test_a_latin_query_finds_a_cyrillic_item(newsroom: Newsroom) -> None:
    newsroom.sign_in("admin")
    page = newsroom.page
    page.locator("#site-search").fill("Almaty")
    newsroom.follow(page.locator("form.search-box button"))
    marks = page.locator("ol.results mark").all_inner_texts()
    assert any(CYRILLIC.search(word) for word in marks), marks
    newsroom.shot("search")
    newsroom.follow(page.locator("ol.results li a").first)
    assert page.locator("article.item").count() == 1


def test_switch_to_arabic_mirrors_the_layout(newsroom: Newsroom) -> None:
    newsroom.sign_in("dala")
    page = newsroom.page
    english_brand = page.locator("header .brand").bounding_box()
    newsroom.follow(page.get_by_role("link", name="العربية"))
    assert page.evaluate("document.documentElement.lang") == "ar"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    nav = page.locator("nav.sections")
    assert nav.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert page.get_by_role("heading", level=1).inner_text() == "الشريط"
    arabic_brand = page.locator("header .brand").bounding_box()
    width = page.viewport_size["width"]
    assert english_brand["x"] < width / 2 < arabic_brand["x"]  # the brand moved to the right
    newsroom.shot("arabic")
    newsroom.visit("/search?q=Almaty")  # the choice sticks on the next page
    assert page.evaluate("document.documentElement.dir") == "rtl"


def test_usable_at_phone_width(newsroom: Newsroom) -> None:
    newsroom.page.set_viewport_size({"width": 375, "height": 800})
    newsroom.sign_in("dala")
    page = newsroom.page
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    assert page.locator("#site-search").is_visible()
    newsroom.shot("phone")


ARC_MIDDLE = """() => {
  const path = document.querySelector("#map path.arc");
  const point = path.getPointAtLength(path.getTotalLength() / 2);
  const screen = point.matrixTransform(path.getScreenCTM());
  return {x: screen.x, y: screen.y};
}"""


def test_open_the_map_and_follow_an_arc_to_its_evidence(newsroom: Newsroom) -> None:
    newsroom.sign_in("dala")
    newsroom.follow(newsroom.page.get_by_role("link", name="Map", exact=True))
    page = newsroom.page
    page.wait_for_selector("#map[data-ready]")
    assert int(page.locator("#map").get_attribute("data-ready") or "0") >= 1
    assert page.locator("#map path.leaflet-interactive").count() >= 5  # country shapes drawn
    assert page.locator("#network canvas").count() >= 1  # Cytoscape drew the network
    newsroom.shot("map")
    # a click on the arc's line itself (the middle of its box may fall beside a curve)
    middle = page.evaluate(ARC_MIDDLE)
    page.mouse.click(middle["x"], middle["y"])
    evidence = page.locator(".leaflet-popup-content a.arc-evidence").first
    evidence.wait_for()
    newsroom.follow(evidence)
    assert re.search(r"/items/\d+#cooperation$", page.url)
    assert page.locator("#cooperation").is_visible()
    assert page.locator("#cooperation + dd q").count() >= 1  # the evidence sentence
    newsroom.shot("evidence")
    page.go_back()
    newsroom.follow(page.locator("table.events a.evidence").first)  # the table's way
    assert "#cooperation" in page.url


def test_publish_with_an_embargo_a_partner_cannot_read_before_its_time(
    newsroom: Newsroom,
) -> None:
    newsroom.sign_in("dala")
    page = newsroom.page
    newsroom.follow(page.get_by_role("link", name="Publish", exact=True))
    page.get_by_label("Headline").fill("Caspian ports agree a joint timetable")
    page.locator("#p-body").fill(
        "BAKU, 7 December. The ports of Aktau and Baku signed a memorandum on a joint "
        "ferry timetable, the Kazakh transport ministry said on Monday."
    )
    page.locator("#p-language").select_option("en")
    page.locator("#p-embargo").fill("2031-01-01T09:00")
    page.get_by_role("button", name="Preview how Ortaq reads it").click()
    preview = page.locator("#preview")
    preview.get_by_text("Dateline").wait_for()
    assert "Baku" in preview.inner_text()
    newsroom.audit()
    newsroom.shot("preview")
    newsroom.follow(page.get_by_role("button", name="Send", exact=True))
    item_path = page.url.removeprefix(newsroom.base)
    assert page.locator("p.embargo").is_visible()
    assert "joint ferry timetable" in page.locator("article.item").inner_text()
    newsroom.page.context.clear_cookies()  # sign out; the partner signs in
    newsroom.sign_in("khaleej")
    newsroom.visit(item_path)
    assert "joint ferry timetable" not in page.content()
    assert page.locator("p.embargo").get_by_text("The text follows").is_visible()
    newsroom.shot("partner")


def test_create_an_agreement_and_see_a_partners_view_change(newsroom: Newsroom) -> None:
    newsroom.sign_in("admin")
    page = newsroom.page
    newsroom.follow(page.get_by_role("link", name="Admin", exact=True))
    form = page.locator("form[action='/admin/agreements']")
    form.get_by_label("Slug").fill("caspian-to-khaleej")
    form.get_by_label("Title").fill("Caspian Ledger to Khaleej Wire")
    form.locator("fieldset", has_text="Senders").get_by_label("Caspian Ledger").check()
    form.locator("fieldset", has_text="Receivers").get_by_label("Khaleej Wire").check()
    newsroom.follow(form.get_by_role("button", name="Save the draft and preview"))
    added = page.locator("#added-rows a")
    assert added.count() >= 1
    first = added.first.get_attribute("href")
    assert first is not None
    newsroom.shot("preview")
    newsroom.follow(page.get_by_role("button", name="Activate"))
    page.context.clear_cookies()
    newsroom.sign_in("khaleej")
    response = newsroom.visit(first)  # the partner reads it now that the agreement is active
    assert response.status == 200
    assert page.locator("article.item h1").count() == 1
    newsroom.shot("partner")


def test_review_an_item_and_the_receiving_member_is_told(
    newsroom: Newsroom, live_server: LiveServer
) -> None:
    """The issue's desk test: Dala Press's editor reviews a claim selected in its item's
    text; Khaleej Wire, which received the item, sees the banner and the alert."""
    text = (
        "Dala Press counts visitors to the Astana book fair\n\n"
        "ASTANA, 7 December. The Astana book fair drew 48,000 visitors in three days, "
        "the organisers said, twice as many as last year."
    )
    hints = Hints(source_name="fair.txt", provider="dala-press", uri="urn:test:desk-book-fair")
    (outcome,) = ingest_bytes(live_server.store, default_chain(), text.encode(), hints)
    assert outcome.saved is not None
    item_id = outcome.saved.item_id
    khaleej = Viewer("khaleej-wire", actor="test")
    received = live_server.store.get(item_id, khaleej)
    if received is None or received.access != "full":
        pytest.fail("the demo agreements no longer give Khaleej Wire Dala Press's news")

    newsroom.sign_in("dala")
    page = newsroom.page
    newsroom.visit(f"/items/{item_id}")
    newsroom.follow(page.get_by_role("link", name="Review this item"))
    claim = "drew 48,000 visitors in three days"
    page.evaluate(SELECT, claim)  # as an editor selects it with the mouse
    page.wait_for_function("document.getElementById('claim-end').value !== ''")
    assert page.locator("#claim-quote").input_value() == claim
    page.get_by_label("Misleading").check()
    page.get_by_label("Explanation", exact=True).fill("The organisers counted 24,000 tickets.")
    newsroom.follow(page.get_by_role("button", name="Publish the review"))
    assert re.search(r"/desk/reviews/\d+$", page.url)
    assert "khaleej-wire" in page.locator("table[aria-labelledby=timeline]").inner_text()
    newsroom.shot("review")

    newsroom.sign_in("khaleej")  # a new sign-in in this browser ends Dala's session
    other = newsroom
    other.visit(f"/items/{item_id}")
    banner = other.page.get_by_role("note")
    assert claim in banner.inner_text() and "Misleading" in banner.inner_text()
    other.visit("/notifications")
    alert = other.page.locator("ol.alerts li.unread")
    assert alert.count() == 1 and "dala-press" in alert.inner_text()
    other.follow(other.page.get_by_role("button", name="Mark read"))
    assert other.page.locator("ol.alerts li.unread").count() == 0
    other.shot("alert")
