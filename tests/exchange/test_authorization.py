"""Every route, every role, two members: a table of who may do what (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from ortaq.api import create_app
from ortaq.exchange.accounts import create_token, create_user
from ortaq.exchange.agreements import Agreement, save_agreement
from ortaq.exchange.settings import ExchangeSettings
from ortaq.model import Item
from ortaq.store import Store
from tests.exchange.helpers import add_members

CALLERS = ("anonymous", "reader-a", "editor-a", "admin-a", "admin-b", "operator")
TEXT = "date 2026-03-02\nA headline for the table\nA body paragraph for the authorization table."
AGREEMENT = {"title": "T", "direction": "both", "members": ["ma", "mb"], "status": "active"}

# route, method, json, expected status per caller (in CALLERS order)
TABLE: list[tuple[str, str, object, tuple[int, ...]]] = [
    ("/api/v1/items", "GET", None, (401, 200, 200, 200, 200, 200)),
    ("/api/v1/search?q=headline", "GET", None, (401, 200, 200, 200, 200, 200)),
    ("/api/v1/items/{item}", "GET", None, (401, 200, 200, 200, 404, 200)),
    ("/api/v1/items", "POST", TEXT, (401, 403, 201, 201, 201, 422)),
    ("/api/v1/items/{item}/correct", "POST", TEXT + " More.", (401, 403, 201, 201, 404, 201)),
    ("/api/v1/items/{item}/withhold", "POST", {}, (401, 403, 200, 200, 404, 200)),
    ("/api/v1/members", "GET", None, (401, 200, 200, 200, 200, 200)),
    ("/api/v1/members/ma", "PUT", {"name": "MA"}, (401, 403, 403, 200, 403, 200)),
    ("/api/v1/members/new-one", "PUT", {"name": "New"}, (401, 403, 403, 403, 403, 200)),
    ("/api/v1/users", "GET", None, (401, 403, 403, 200, 200, 200)),
    ("/api/v1/users/me", "GET", None, (401, 200, 200, 200, 200, 200)),
    (
        "/api/v1/users",
        "POST",
        {"username": "x-{caller}", "password": "long-password", "role": "reader", "member": "ma"},
        (401, 403, 403, 201, 403, 201),
    ),
    ("/api/v1/tokens", "GET", None, (401, 200, 200, 200, 200, 200)),
    ("/api/v1/tokens", "POST", {"name": "n", "scope": "write"}, (401, 403, 201, 201, 201, 201)),
    ("/api/v1/agreements", "GET", None, (401, 200, 200, 200, 200, 200)),
    ("/api/v1/agreements/ab", "GET", None, (401, 200, 200, 200, 404, 200)),
    ("/api/v1/agreements/ab", "PUT", AGREEMENT, (401, 403, 403, 403, 403, 200)),
    ("/api/v1/agreements/ab/status", "POST", {"status": "active"}, (401, 403, 403, 403, 403, 200)),
    ("/api/v1/feeds/atom", "GET", None, (401, 200, 200, 200, 200, 200)),
    ("/api/v1/searches/s1", "PUT", {"text": "headline"}, (401, 403, 200, 200, 200, 403)),
    ("/api/v1/webhooks", "GET", None, (401, 403, 403, 200, 200, 200)),
    ("/api/v1/webhooks", "POST", {"url": "http://93.184.215.14/h"}, (401, 403, 403, 201, 201, 422)),
    ("/api/v1/sources", "GET", None, (401, 200, 200, 200, 200, 200)),
    ("/api/v1/sources", "POST", {"url": "http://93.184.215.14/f"}, (401, 403, 201, 201, 201, 422)),
    ("/api/v1/audit", "GET", None, (401, 403, 403, 200, 200, 200)),
]


@pytest.fixture
def setup(store: Store) -> tuple[TestClient, dict[str, str], int]:
    add_members(store, ("ma", "mb", "mc"))
    save_agreement(store, Agreement.between("ab", "A-B", ["ma", "mb"], status="active"))
    item = Item(uri="urn:t:1", headline="H", body=["Only for A and its partners."], provider="ma")
    item_id = store.save(item).item_id
    hidden = Item(uri="urn:t:2", headline="H", body=["C's own."], provider="mc")
    store.save(hidden)
    tokens = {}
    for name, role, member in (
        ("reader-a", "reader", "ma"),
        ("editor-a", "editor", "ma"),
        ("admin-a", "admin", "ma"),
        ("admin-b", "admin", "mc"),  # a member without agreements
        ("operator", "operator", None),
    ):
        user = create_user(store, name, "long-password", role, member=member)  # type: ignore[arg-type]
        scope = "read" if role == "reader" else "write"
        tokens[name] = create_token(store, user.id, "t", scope)[1]  # type: ignore[arg-type]
    settings = replace(ExchangeSettings.from_env(), rate_limit=0)
    return TestClient(create_app(store, settings)), tokens, item_id


@pytest.mark.parametrize(("route", "method", "body", "expected"), TABLE)
def test_authorization_table(
    setup: tuple[TestClient, dict[str, str], int],
    route: str,
    method: str,
    body: object,
    expected: tuple[int, ...],
) -> None:
    client, tokens, item_id = setup
    got = []
    for caller in CALLERS:
        headers = {"Authorization": f"Bearer {tokens[caller]}"} if caller in tokens else {}
        url = route.format(item=item_id)
        kwargs: dict[str, object] = {}
        if isinstance(body, str):
            kwargs["content"] = body.encode()
            headers["Content-Type"] = "text/plain"
        elif isinstance(body, dict):
            kwargs["json"] = {
                k: v.format(caller=caller) if isinstance(v, str) else v for k, v in body.items()
            }
        response = client.request(method, url, headers=headers, **kwargs)  # type: ignore[arg-type]
        if response.status_code >= 400:
            assert response.headers["content-type"] == "application/problem+json"
        got.append(response.status_code)
    assert tuple(got) == expected, list(zip(CALLERS, got, strict=True))


def test_a_partner_without_agreement_never_sees_the_text(
    setup: tuple[TestClient, dict[str, str], int],
) -> None:
    client, tokens, _ = setup
    headers = {"Authorization": f"Bearer {tokens['admin-b']}"}
    listing = client.get("/api/v1/items", headers=headers).json()["items"]
    assert [i["uri"] for i in listing] == ["urn:t:2"]
    for fmt in ("atom", "ninjs21", "ninjs3", "newsmlg2"):
        assert "Only for A" not in client.get(f"/api/v1/feeds/{fmt}", headers=headers).text


@pytest.mark.parametrize(
    "bad",
    [
        b"{not json",
        b'{"title": "T", "direction": "sideways", "members": ["ma", "mb"]}',
        b'{"title": "T", "direction": "both", "members": ["ma", "mb"], "embargo": "soon"}',
        b"[]",
    ],
)
def test_bad_input_is_4xx_problem_json(
    setup: tuple[TestClient, dict[str, str], int], bad: bytes
) -> None:
    client, tokens, _ = setup
    headers = {"Authorization": f"Bearer {tokens['operator']}", "Content-Type": "application/json"}
    response = client.put("/api/v1/agreements/x", content=bad, headers=headers)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_request_size_limit(store: Store) -> None:
    settings = replace(ExchangeSettings.from_env(), max_request_bytes=1000)
    client = TestClient(create_app(store, settings))
    # Item uploads read their own body, bounded, after authentication (tests/test_api_bounded.py).
    response = client.post("/api/v1/tokens", content=b"x" * 5000)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


def test_rate_limit_per_token(store: Store) -> None:
    user = create_user(store, "op", "long-password", "operator")
    token = create_token(store, user.id, "t")[1]
    settings = replace(ExchangeSettings.from_env(), rate_limit=3)
    client = TestClient(create_app(store, settings))
    headers = {"Authorization": f"Bearer {token}"}
    codes = [client.get("/api/v1/members", headers=headers).status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3] == 429


def test_revoked_and_wrong_tokens_are_refused(store: Store) -> None:
    from ortaq.exchange.accounts import revoke_token

    user = create_user(store, "op", "long-password", "operator")
    token_row, token = create_token(store, user.id, "t")
    client = TestClient(create_app(store))
    assert (
        client.get("/api/v1/members", headers={"Authorization": f"Bearer {token}"}).status_code
        == 200
    )
    wrong = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert (
        client.get("/api/v1/members", headers={"Authorization": f"Bearer {wrong}"}).status_code
        == 401
    )
    revoke_token(store, token_row.id)
    assert (
        client.get("/api/v1/members", headers={"Authorization": f"Bearer {token}"}).status_code
        == 401
    )
