"""The HTTP door on both backends: JSON API, problem+json errors, newsroom pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ortaq.api import create_app
from ortaq.chain import default_chain
from ortaq.exchange.accounts import create_token, create_user
from ortaq.ingest import ingest_bytes
from ortaq.model import Hints
from ortaq.store import Store

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"


@pytest.fixture
def client(store: Store) -> TestClient:
    for path in sorted(SAMPLES.glob("*.txt")):
        ingest_bytes(store, default_chain(), path.read_bytes(), Hints(source_name=path.name))
    operator = create_user(store, "op", "operator-password", "operator")
    _, token = create_token(store, operator.id, "tests", "write")
    client = TestClient(create_app(store), base_url="https://testserver")  # Secure cookies
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def test_items_are_paged_by_cursor(client: TestClient) -> None:
    first = client.get("/api/v1/items", params={"limit": 2}).json()
    assert len(first["items"]) == 2 and first["next_cursor"] == first["items"][-1]["id"]
    seen = [i["uri"] for i in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = client.get("/api/v1/items", params={"limit": 2, "cursor": cursor}).json()
        seen += [i["uri"] for i in page["items"]]
        cursor = page["next_cursor"]
    assert sorted(seen) == sorted(f"urn:ortaq:unknown:file:{p.name}" for p in SAMPLES.glob("*.txt"))


def test_language_filter_and_item_detail(client: TestClient) -> None:
    arabic = client.get("/api/v1/items", params={"language": "ar"}).json()["items"]
    assert [i["uri"] for i in arabic] == ["urn:ortaq:unknown:file:001_cc7b8ed6a474cf0f.txt"]
    detail = client.get(f"/api/v1/items/{arabic[0]['id']}").json()
    assert detail["derived"]["direction"]["value"] == "rtl"
    assert detail["headline"].startswith("تركيا وأذربيجان")


def test_errors_are_problem_json(client: TestClient) -> None:
    missing = client.get("/api/v1/items/999999")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["status"] == 404
    invalid = client.get("/api/v1/items", params={"limit": "many"})
    assert invalid.status_code == 422


def test_newsroom_pages(client: TestClient) -> None:
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    assert found is not None
    form = {"username": "op", "password": "operator-password", "csrf": found.group(1)}
    assert client.post("/login", data=form, follow_redirects=False).status_code == 303
    index = client.get("/")
    assert index.status_code == 200
    assert "تركيا وأذربيجان يتبادلان الرؤى" in index.text
    item_id = client.get("/api/v1/items", params={"language": "kk"}).json()["items"][0]["id"]
    page = client.get(f"/items/{item_id}")
    assert page.status_code == 200 and 'lang="kk"' in page.text
    assert "py3langid" in page.text  # how the language was found is shown


def test_health(client: TestClient) -> None:
    health = client.get("/healthz").json()
    assert (health["status"], health["items"]) == ("ok", 5)
    # No worker has run against this store: no job yet, nothing queued.
    assert health["worker"]["jobs"] == {}
    assert health["worker"]["webhooks"]["pending"] == 0
