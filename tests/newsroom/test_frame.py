"""The newsroom's frame without a browser: layout, language switcher, error pages,
front-end assets from node_modules through the allow-list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from ortaq.api.web import _local_path
from ortaq.store import Store
from ortaq.web import assets, i18n
from tests.newsroom.conftest import browser_client

NAVIGATION = ("/", "/search", "/map", "/publish", "/admin")


def html_root(page: str) -> tuple[str, str]:
    found = re.search(r'<html lang="([^"]+)" dir="([^"]+)">', page)
    assert found is not None
    return found.group(1), found.group(2)


def test_signed_out_browsers_go_to_the_sign_in_page(demo_store: Store) -> None:
    client = browser_client(demo_store, None)
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"
    assert client.get("/stories/story-1", follow_redirects=False).status_code == 303


def test_every_page_has_the_search_box_navigation_and_languages(dala: TestClient) -> None:
    page = dala.get("/").text
    assert 'role="search"' in page and 'for="site-search"' in page
    assert [f'href="{path}"' in page for path in NAVIGATION] == [True] * len(NAVIGATION)
    for code in i18n.LOCALES:
        assert f'href="/language/{code}?next=/"' in page


def test_the_language_switch_sticks_and_mirrors_arabic(dala: TestClient) -> None:
    assert html_root(dala.get("/").text) == ("en", "ltr")
    switched = dala.get("/language/ar", params={"next": "/?x=1"}, follow_redirects=False)
    assert switched.status_code == 303 and switched.headers["location"] == "/?x=1"
    page = dala.get("/").text
    assert html_root(page) == ("ar", "rtl")
    assert i18n.translate("ar", "Wire") in page
    dala.get("/language/kk")
    assert html_root(dala.get("/").text) == ("kk", "ltr")
    assert "Лента" in dala.get("/").text


def test_an_unknown_language_is_a_404_page(dala: TestClient) -> None:
    answer = dala.get("/language/xx")
    assert answer.status_code == 404 and answer.headers["content-type"].startswith("text/html")


@given(st.text(max_size=40))
def test_the_switcher_only_returns_to_this_site(target: str) -> None:
    path = _local_path(target)
    assert path.startswith("/") and not path.startswith("//") and "\\" not in path
    assert path in (target, "/")


def test_browsers_get_error_pages_and_the_api_problem_json(dala: TestClient) -> None:
    missing = dala.get("/stories/story-999999")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("text/html")
    assert "Not found" in missing.text and 'role="search"' in missing.text
    invalid = dala.get("/items/not-a-number")
    assert invalid.status_code == 422 and "<html" in invalid.text
    api = dala.get("/api/v1/items/999999")
    assert api.headers["content-type"] == "application/problem+json"


def test_error_pages_speak_the_chosen_language(dala: TestClient) -> None:
    dala.get("/language/ru")
    missing = dala.get("/stories/story-999999")
    assert i18n.translate("ru", "Not found") in missing.text


def test_only_allow_listed_node_modules_files_are_served(dala: TestClient) -> None:
    served = dala.get("/assets/htmx.min.js")
    assert served.status_code == 200 and served.headers["content-type"].startswith(
        "text/javascript"
    )
    assert b"htmx" in served.content
    for name in ("package.json", "..%2Fpackage.json", "htmx.js", "axe.js"):
        assert dala.get(f"/assets/{name}").status_code == 404, name
    axe = dala.get("/assets/axe.min.js")
    assert axe.status_code == 200


def test_missing_assets_give_a_clear_page(
    demo_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ORTAQ_NODE_MODULES", str(tmp_path / "empty"))
    client = browser_client(demo_store, "dala")
    answer = client.get("/assets/htmx.min.js")
    assert answer.status_code == 503 and "npm ci" in answer.text
    assert "htmx.org/dist/htmx.min.js" in answer.text
    wire = client.get("/")
    assert wire.status_code == 200 and 'role="alert"' in wire.text  # pages still work


def test_every_asset_on_the_allow_list_is_installed() -> None:
    assert assets.missing_assets() == [], "run `npm ci`"


def test_pages_allow_only_this_servers_scripts(dala: TestClient) -> None:
    policy = dala.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "<script>" not in dala.get("/").text  # nothing inline


def test_an_unexpected_error_is_a_page_that_tells_nothing_of_its_cause(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr("ortaq.api.newsroom.list_stories", broken)
    client = browser_client(demo_store, "dala")
    quiet = TestClient(client.app, base_url="http://testserver", raise_server_exceptions=False)
    quiet.cookies = client.cookies
    quiet.headers["Accept"] = "text/html"
    answer = quiet.get("/")
    assert answer.status_code == 500 and answer.headers["content-type"].startswith("text/html")
    assert "Something went wrong" in answer.text and "secret internals" not in answer.text
    api = quiet.get("/api/v1/stories", headers={"Accept": "application/json"})
    assert api.headers["content-type"] != "text/html"
