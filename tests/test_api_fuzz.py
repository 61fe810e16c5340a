"""Schemathesis fuzzes the HTTP API against its own OpenAPI document, authenticated.

Every operation of /api/openapi.json runs in process (ASGI, no network) over a fresh
SQLite store with the demo corpus, once per caller: an operator and a member's editor
with write tokens, a member's reader with a read token. No answer may be a 500, and
every answer must be what the document declares: its status code, content type, headers
and body schema; requests that violate the document must be refused (4xx).

Besides the fuzzing examples (ORTAQ_FUZZ_EXAMPLES per operation, default 25: under two
minutes on one core; CI may raise it), Schemathesis' coverage phase sends a fixed set of
boundary and schema-violating requests. ORTAQ_FUZZ_SEED sets the seed (fixed by default,
so a failure in CI reproduces locally).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import strategies as st
from schemathesis import checks
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.case import Case
from schemathesis.hooks import HookContext

from ortaq.api import create_app
from ortaq.chain import default_chain
from ortaq.demo import load_demo
from ortaq.exchange import poller, webhooks
from ortaq.exchange.accounts import (
    Scope,
    User,
    authenticate,
    create_token,
    create_user,
    get_user,
    list_tokens,
    list_users,
    set_disabled,
)
from ortaq.exchange.agreements import list_agreements
from ortaq.exchange.searches import save_search
from ortaq.exchange.settings import ExchangeSettings
from ortaq.store import Store
from ortaq.store.stories import list_stories
from ortaq.viewer import OPERATOR

EXAMPLES = int(os.environ.get("ORTAQ_FUZZ_EXAMPLES", "25"))
SEED = int(os.environ.get("ORTAQ_FUZZ_SEED", "6"))
CALLERS = {
    "operator": ("admin", "write"),
    "editor": ("dala", "write"),
    "reader": ("khaleej", "read"),
}
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
]


@dataclass
class Caller:
    """A demo user's token, renewed if the fuzzer revoked it or disabled the user."""

    store: Store
    user: User
    scope: Scope
    token: str = field(init=False)
    app: FastAPI = field(init=False)

    def __post_init__(self) -> None:
        # No DNS while fuzzing: every host name the fuzzer registers is unresolvable.
        settings = replace(
            ExchangeSettings.from_env(), rate_limit=0, outbound_resolver=lambda host, port: []
        )
        self.app = create_app(self.store, settings)
        self.token = create_token(self.store, self.user.id, "fuzz", self.scope)[1]

    def headers(self) -> dict[str, str]:
        if authenticate(self.store, self.token) is None:
            set_disabled(self.store, self.user.id, False)
            self.token = create_token(self.store, self.user.id, "fuzz", self.scope)[1]
        return {"Authorization": f"Bearer {self.token}"}


def _known_path_values(store: Store) -> dict[str, list[Any]]:
    """Ids and names that exist, so the fuzzer reaches past the 404s."""
    hook, _ = webhooks.add_webhook(store, "dala-press", "http://93.184.215.14/hook")
    first = store.list_items(limit=1, provider="dala-press", viewer=OPERATOR)[0]
    store.withhold(
        first.item.uri, "fuzzing", provider="dala-press"
    )  # an event, so the webhook has a delivery
    webhooks.fan_out(store)
    source = poller.add_source(store, "dala-press", "http://93.184.215.14/feed")
    save_search(store, "dala-press", "desk", {"text": "news"})
    return {
        "item_id": [s.id for s in store.list_items(limit=500, viewer=OPERATOR)],
        "slug": [m["slug"] for m in store.list_members()]
        + [a.slug for a in list_agreements(store)],
        "user_id": [u.id for u in list_users(store)],
        "token_id": [t.id for t in list_tokens(store)],
        "story_id": [view.id for view in list_stories(store, OPERATOR, limit=200)],
        "name": ["desk"],
        "webhook_id": [hook["id"]],
        "delivery_id": [d["id"] for d in webhooks.list_deliveries(store, hook["id"], None)],
        "source_id": [source["id"]],
    }


# The document does not depend on the data: read it from an app over an empty store.
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "generation": {
            "max-examples": EXAMPLES,
            "database": "none",
            # The caller's token is sent on every request; a generated Authorization
            # header would only replace it.
            "with-security-parameters": False,
        },
        "phases": {"stateful": {"enabled": False}},  # FastAPI declares no OpenAPI links
    }
)
schema = schemathesis.openapi.from_asgi(
    "/api/openapi.json", create_app(Store.open("sqlite://")), config=CONFIG
)
KNOWN: dict[str, list[Any]] = {}  # path values that exist, filled in by `caller`


@schema.hook
def flatmap_case(context: HookContext, case: Case) -> st.SearchStrategy[Case]:
    """Valid path parameters are the generated value or one that exists (negative ones
    stay as generated, so that they are still expected to be refused)."""
    path = case.path_parameters
    if not path or case.meta is None or case.meta.is_negative_at(ParameterLocation.PATH):
        return st.just(case)
    choices = {name: st.sampled_from([value, *KNOWN.get(name, [])]) for name, value in path.items()}

    def with_path(chosen: dict[str, Any]) -> Case:
        case.path_parameters = chosen
        return case

    return st.fixed_dictionaries(choices).map(with_path)


@pytest.fixture(scope="module", params=sorted(CALLERS))
def caller(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Caller]:
    """The demo exchange in a fresh SQLite store, once per caller (module-scoped: the
    per-test `sqlite_store` would load the demo again for every operation)."""
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'ortaq.db'}")
    load_demo(store, default_chain())
    KNOWN.clear()
    KNOWN.update(_known_path_values(store))
    username, scope = CALLERS[request.param]
    user = get_user(store, username)
    assert user is not None
    yield Caller(store, user, scope)
    store.close()


@schema.parametrize()
def test_every_operation_conforms_to_the_openapi_document(case: Case, caller: Caller) -> None:
    case.call_and_validate(app=caller.app, headers=caller.headers(), checks=CHECKS)


# -- broken JSON, unknown enum values, JSON types the document does not allow -------------


@pytest.fixture
def client(sqlite_store: Store) -> TestClient:
    operator = create_user(sqlite_store, "op", "operator-password", "operator")
    _, token = create_token(sqlite_store, operator.id, "tests", "write")
    client = TestClient(create_app(sqlite_store))
    client.headers["Authorization"] = f"Bearer {token}"
    return client


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PUT", "/api/v1/members/fuzz", b'{"name": "F"'),
        ("PUT", "/api/v1/members/fuzz", b'{"name": "F", "kind": "blog"}'),
        ("PUT", "/api/v1/agreements/fuzz", b'{"title": "T", "direction": "sideways"}'),
        ("POST", "/api/v1/agreements/dala-kopru-2026/status", b'{"status": "paused"}'),
        ("POST", "/api/v1/tokens", b'{"name": "n", "scope": "admin"}'),
        ("POST", "/api/v1/tokens", b"[1, 2"),
        ("POST", "/api/v1/users", b'{"username": "u", "password": "12345678", "role": "boss"}'),
        ("PATCH", "/api/v1/users/1", b"not json"),
        ("PATCH", "/api/v1/users/1", b'{"disabled": 0}'),
        ("POST", "/api/v1/tokens", b'{"name": "n", "expires_at": 0}'),
        ("POST", "/api/v1/sources", b'{"url": "http://127.0.0.1:9/f", "interval_seconds": "60"}'),
        ("PUT", "/api/v1/searches/desk", b'{"text": '),
        ("POST", "/api/v1/webhooks", b"\xff\xfe"),
        ("POST", "/api/v1/items/1/kill", b'{"note": '),
        ("GET", "/api/v1/feeds/rss", None),
        ("GET", "/api/v1/cooperation/events?format=xml", None),
        ("GET", "/api/v1/items?pubstatus=deleted", None),
        ("GET", "/api/v1/items?since=0.5", None),
        ("GET", "/api/v1/items?since=2026-03-02", None),
        ("GET", "/api/v1/webhooks/1/deliveries?status=lost", None),
    ],
)
def test_malformed_json_and_unknown_enums_are_problems(
    client: TestClient, method: str, path: str, body: bytes | None
) -> None:
    headers = {"Content-Type": "application/json"} if body is not None else {}
    response = client.request(method, path, content=body, headers=headers)
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == response.status_code


def test_feeds_render_items_with_control_characters(client: TestClient) -> None:
    """Found by the fuzzer: one published text with a control character made the Atom
    and NewsML-G2 feeds of every reader a 500 (XML 1.0 cannot hold it)."""
    client.put("/api/v1/members/ctl", json={"name": "Ctl\x01"})
    text = "date 2026-03-02\nA head\x01line\nA body\x0b with \x1f controls, for partners."
    published = client.post("/api/v1/items", params={"provider": "ctl"}, content=text.encode())
    assert published.status_code == 201, published.text
    # A query parameter may not hold one (422), a uri inside the document may.
    document = {"uri": "urn:ctl:\x02", "headline": "H\x01", "body_text": "Body \x1f text."}
    published = client.post(
        "/api/v1/items", params={"provider": "ctl"}, content=json.dumps(document).encode()
    )
    assert published.status_code == 201, published.text
    for fmt in ("atom", "ninjs21", "ninjs3", "newsmlg2"):
        feed = client.get(f"/api/v1/feeds/{fmt}")
        assert feed.status_code == 200, feed.text
        assert "controls, for partners" in feed.text
