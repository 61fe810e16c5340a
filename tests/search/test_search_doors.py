"""The doors of search, on both backends: `ortaq search`, `/api/v1/search` (the
partner's view through a token) and the newsroom's search box."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from ortaq.api import create_app
from ortaq.cli import app
from ortaq.exchange.accounts import create_token, create_user
from ortaq.exchange.agreements import Agreement, save_agreement
from ortaq.model import Item
from ortaq.store import Store
from tests.exchange.web import Browser, settings


def add_items(store: Store) -> None:
    store.upsert_member("ma", "MA")
    store.upsert_member("mb", "MB")
    store.upsert_member("mc", "MC")
    save_agreement(store, Agreement.between("ab", "A and B", ("ma", "mb"), status="active"))
    texts = [
        ("ma-1", "ma", "tr", "Almatı'da deprem tatbikatı", "Tatbikat Almatı'da yapıldı."),
        ("ma-2", "ma", "ru", "Учения в Алматы", "Спасатели Алматы провели учения."),
        ("ma-3", "ma", "en", "Harvest report", "Farmers in the north reported a harvest."),
        ("mc-1", "mc", "en", "Almaty drill", "Almaty held an earthquake drill."),
    ]
    for uri, provider, language, headline, body in texts:
        store.save(Item(uri=uri, provider=provider, language=language, headline=headline,
                        body=[body]))  # fmt: skip


def test_cli_search_finds_across_scripts_and_filters(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ORTAQ_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ORTAQ_DATABASE_URL", database_url)
    store = Store.open(database_url)
    add_items(store)
    store.close()
    runner = CliRunner()
    result = runner.invoke(app, ["search", "Almaty", "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert sorted(i["uri"] for i in found["items"]) == ["ma-1", "ma-2", "mc-1"]
    assert found["total"] == 3 and found["facets"]["member"] == {"ma": 2, "mc": 1}
    only = json.loads(runner.invoke(app, ["search", "--language", "ru", "Almaty", "--json"]).stdout)
    assert [i["uri"] for i in only["items"]] == ["ma-2"]
    member = json.loads(runner.invoke(app, ["search", "Almaty", "--member", "mc", "--json"]).stdout)
    assert [i["uri"] for i in member["items"]] == ["mc-1"]
    table = runner.invoke(app, ["search", "Алматы"])
    assert table.exit_code == 0 and "3 found" in table.stdout
    reindex = runner.invoke(app, ["search", "reindex"])
    assert reindex.exit_code == 0 and "indexed 4 items" in reindex.output
    bad = runner.invoke(app, ["search", "Almaty", "--cursor", "nonsense"])
    assert bad.exit_code == 2 and "cursor" in bad.output


@pytest.fixture
def tokens(store: Store) -> dict[str, str]:
    add_items(store)
    found = {}
    for member in ("mb", "mc"):
        user = create_user(store, f"reader-{member}", "reader-password", "reader", member=member)
        found[member] = create_token(store, user.id, "tests")[1]
    return found


def test_api_search_is_the_partners_view_ranked_with_facets(
    store: Store, tokens: dict[str, str]
) -> None:
    client = TestClient(create_app(store))
    partner = {"Authorization": f"Bearer {tokens['mb']}"}
    answer = client.get("/api/v1/search", params={"q": "Almaty"}, headers=partner)
    assert answer.status_code == 200
    body = answer.json()
    assert sorted(i["uri"] for i in body["items"]) == ["ma-1", "ma-2"]  # mc shares nothing
    assert body["total"] == 2 and body["facets"]["language"] == {"tr": 1, "ru": 1}
    assert all(i["access"] == "full" and isinstance(i["score"], float) for i in body["items"])
    first = client.get("/api/v1/search", params={"q": "Almaty", "limit": 1}, headers=partner)
    cursor = first.json()["next_cursor"]
    assert isinstance(cursor, str)
    second = client.get(
        "/api/v1/search", params={"q": "Almaty", "limit": 1, "cursor": cursor}, headers=partner
    ).json()
    assert [first.json()["items"][0]["uri"], second["items"][0]["uri"]] != [None, None]
    assert {first.json()["items"][0]["uri"], second["items"][0]["uri"]} == {"ma-1", "ma-2"}
    assert second["next_cursor"] is None
    outsider = {"Authorization": f"Bearer {tokens['mc']}"}
    own = client.get("/api/v1/search", params={"q": "Almaty"}, headers=outsider).json()
    assert [i["uri"] for i in own["items"]] == ["mc-1"]
    bad = client.get("/api/v1/search", params={"q": "x", "cursor": "zz"}, headers=partner)
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"


def test_newsroom_search_box(store: Store) -> None:
    add_items(store)
    create_user(store, "reader", "reader-password", "reader", member="mb")
    client = Browser(store, settings())
    assert client.sign_in("reader", "reader-password").status_code == 303
    page = client.get("/search", params={"q": "Алматы"})
    assert page.status_code == 200
    assert "Matches you may read: 2" in page.text
    moved = client.get("/", params={"q": "Алматы"}, follow_redirects=False)  # old links
    assert moved.headers["location"].startswith("/search?q=")
    text = re.sub(r"<[^>]+>", "", page.text)  # the matched words are marked
    assert "Almatı&#39;da deprem" in text and "Учения в Алматы" in text
    assert "Almaty drill" not in text  # mc's item: no agreement with mb
    assert 'name="q"' in client.get("/").text
