"""The HTTP door under hostile input: bounded uploads, summaries in lists, publish off the
event loop, ids and query parameters that are refused rather than crash."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from ortaq.api import create_app
from ortaq.chain import Chain, Stage, default_chain
from ortaq.exchange.accounts import create_token, create_user
from ortaq.exchange.settings import ExchangeSettings
from ortaq.formats import default_input_formats
from ortaq.model import Item
from ortaq.store import Store
from ortaq.store.store import SUMMARY_HEADLINE_CHARS

HUGE_ID = "1180591620717411303424"  # 2**70: no item can have it


def operator_client(store: Store, **settings: Any) -> TestClient:
    """An operator's client; it publishes for member "ma", which must exist."""
    store.upsert_member("ma", "MA", languages=["en"])
    operator = create_user(store, "op", "operator-password", "operator")
    _, token = create_token(store, operator.id, "tests", "write")
    app_settings = replace(ExchangeSettings.from_env(), rate_limit=0, **settings)
    client = TestClient(create_app(store, app_settings))
    client.headers["Authorization"] = f"Bearer {token}"
    return client


@pytest.fixture
def client(sqlite_store: Store) -> TestClient:
    return operator_client(sqlite_store)


def publish(client: TestClient, content: Any, **params: str) -> Any:
    return client.post("/api/v1/items", params={"provider": "ma", **params}, content=content)


def test_an_upload_declared_too_large_is_refused_unread_and_quarantined(
    sqlite_store: Store,
) -> None:
    client = operator_client(sqlite_store, max_request_bytes=1000)
    response = publish(client, b"Headline\n" + b"x" * 5000)
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert "over the 1000-byte input limit; not read" in response.json()["detail"]
    [record] = sqlite_store.quarantine_list()
    assert (record.size, record.sha256, record.bytes_kept) == (5009, None, False)
    assert record.provider == "ma"


def test_a_streamed_upload_is_read_up_to_the_limit_and_no_further(sqlite_store: Store) -> None:
    client = operator_client(sqlite_store, max_request_bytes=1000)
    sent: list[int] = []

    def chunks() -> Iterator[bytes]:  # no Content-Length: the body is streamed
        for _ in range(100):
            sent.append(1)
            yield b"y" * 100

    response = publish(client, chunks())
    assert response.status_code == 413, response.text
    assert "stopped after 1001 bytes" in response.json()["detail"]
    [record] = sqlite_store.quarantine_list()
    assert (record.size, record.bytes_kept) == (1001, False) and record.sha256


def test_a_field_over_its_limit_is_a_422_naming_it(client: TestClient) -> None:
    response = publish(client, b"Headline\n" + b"word " * 20_000)
    assert response.status_code == 422
    assert "paragraph 1 is" in response.json()["detail"] or "line 2 is" in response.json()["detail"]
    assert "ORTAQ_MAX_PARAGRAPH_CHARS" in response.json()["detail"]


def test_lists_show_summaries_and_the_item_its_whole_text(client: TestClient) -> None:
    headline = "Uzun başlık " * 80  # 960 characters: under the headline limit
    body = "Haber metni burada, ajansların ortak çalışması üzerine bir paragraf."
    document = {"uri": "urn:ma:1", "type": "text", "headline": headline, "body_text": body}
    created = publish(client, json.dumps(document).encode())
    assert created.status_code == 201, created.text
    [summary] = client.get("/api/v1/items").json()["items"]
    assert "body" not in summary and "stage_data" not in summary
    assert len(summary["headline"]) == SUMMARY_HEADLINE_CHARS
    assert summary["headline"].endswith("…")
    assert headline.startswith(summary["headline"][:-1])
    [found] = client.get("/api/v1/search", params={"q": "ajansların"}).json()["items"]
    assert found.pop("score") > 0
    assert found == summary
    whole = client.get(f"/api/v1/items/{summary['id']}").json()
    assert whole["headline"] == headline.strip() and whole["body"]


def test_list_reads_never_load_bodies_or_stage_data(sqlite_store: Store) -> None:
    item = Item(uri="urn:big:1", headline="Haber " * 10_000, body=["b" * 100_000], provider="ma")
    item.stage_data["removed"] = [["x", "duplicate"]] * 1000
    sqlite_store.save(item)  # the store's own path: no chain limits, as old data may be
    client = operator_client(sqlite_store)
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    sa.event.listen(sqlite_store.engine, "before_cursor_execute", record)
    try:
        listed = client.get("/api/v1/items").json()["items"]
        found = client.get("/api/v1/search", params={"q": "haber"}).json()["items"]
    finally:
        sa.event.remove(sqlite_store.engine, "before_cursor_execute", record)
    assert len(listed[0]["headline"]) == SUMMARY_HEADLINE_CHARS
    item_reads = [s for s in statements if "FROM items" in s]
    assert [f["uri"] for f in found] == ["urn:big:1"]
    assert len(item_reads) >= 2  # the list, and the search's policy and summary reads
    for statement in item_reads:
        for column in ("items.body", "items.stage_data", "items.derived", "items.people"):
            assert column not in statement


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"/api/v1/items/{HUGE_ID}"),
        ("GET", f"/api/v1/items/{HUGE_ID}/versions"),
        ("POST", f"/api/v1/items/{HUGE_ID}/correct"),
        ("POST", f"/api/v1/items/{HUGE_ID}/kill"),
        ("POST", f"/api/v1/items/{HUGE_ID}/withhold"),
        ("GET", "/api/v1/items/0"),
        ("POST", "/api/v1/items/-1/correct"),
    ],
)
def test_an_id_no_item_can_have_is_not_found(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, path, content=b"Headline\nBody.")
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "params",
    [{"q": "\x00"}, {"q": "news\x1b[2J"}, {"q": "a\x7f"}, {"q": "ok", "language": "k\x00k"}],
)
def test_control_characters_in_query_parameters_are_refused(
    client: TestClient, params: dict[str, str]
) -> None:
    response = client.get("/api/v1/search", params=params)
    assert response.status_code == 422, response.text
    assert "control character" in response.json()["detail"]


def test_control_characters_are_refused_on_every_route(client: TestClient) -> None:
    assert client.get("/api/v1/items", params={"provider": "\x00"}).status_code == 422
    assert publish(client, b"Headline\nBody.", uri="urn:x:\x02").status_code == 422
    assert client.get("/api/v1/items", params={"language": "kk"}).status_code == 200


def test_publish_runs_off_the_event_loop(sqlite_store: Store) -> None:
    """While the chain works on one upload, the server still answers /healthz."""
    healthz_answered = threading.Event()
    publishing = threading.Event()
    order: list[str] = []

    def slow_stage(item: Item) -> Item:
        publishing.set()
        healthz_answered.wait(timeout=30)  # today's code never lets it answer meanwhile
        order.append("publish done")
        return item

    sqlite_store.upsert_member("ma", "MA", languages=["en"])
    operator = create_user(sqlite_store, "op", "operator-password", "operator")
    _, token = create_token(sqlite_store, operator.id, "tests", "write")
    chain = Chain(default_input_formats(), stages=[Stage("slow", slow_stage)])
    app = create_app(sqlite_store, replace(ExchangeSettings.from_env(), rate_limit=0), chain)
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(app) as client:  # one event loop serves both requests
        results: list[int] = []
        poster = threading.Thread(
            target=lambda: results.append(
                client.post(
                    "/api/v1/items",
                    params={"provider": "ma"},
                    content=b"Headline\nBody.",
                    headers=headers,
                ).status_code
            )
        )
        poster.start()
        assert publishing.wait(timeout=30)
        assert client.get("/healthz").status_code == 200
        order.append("healthz answered")
        healthz_answered.set()
        poster.join(timeout=60)
    assert order == ["healthz answered", "publish done"]
    assert results == [201]


def test_default_chain_limits_reach_the_api(sqlite_store: Store) -> None:
    app = create_app(sqlite_store)
    assert app.state.chain.max_input_bytes == ExchangeSettings.from_env().max_request_bytes
    assert app.state.chain.limits == default_chain().limits
