"""An item is its publisher's (issue 18, finding 1): another member's uri never reaches it.

Three members: khaleej and dala have an agreement, volga has none with dala. Every write
route is tried by dala's editor on khaleej's and volga's uris and ids; what khaleej's
partners read must not change, and nothing may tell dala whether volga's uri exists.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ortaq.api import create_app
from ortaq.exchange.accounts import create_token, create_user
from ortaq.exchange.agreements import Agreement, save_agreement
from ortaq.exchange.settings import ExchangeSettings
from ortaq.store import Store
from tests.exchange.helpers import add_members

KHALEEJ_URI = "urn:khaleej:2026:0001"
VOLGA_URI = "urn:sec:volga:1"
KHALEEJ_TEXT = "date 2026-03-02\nKhaleej headline\nThe original paragraph from Khaleej Wire."
VOLGA_TEXT = "date 2026-03-02\nVolga headline\nVolga's own paragraph, for nobody else."
INTRUDER_TEXT = "date 2026-03-03\nIntruder headline\nA paragraph dala wants partners to read."


class Desk:
    """Clients per member, and the ids of the two victims' items."""

    def __init__(self, store: Store) -> None:
        add_members(store, ("khaleej", "dala", "volga", "partner"))
        save_agreement(store, Agreement.between("kd", "K-D", ["khaleej", "dala"], status="active"))
        save_agreement(
            store, Agreement.between("kp", "K-P", ["khaleej", "partner"], status="active")
        )
        settings = replace(ExchangeSettings.from_env(), rate_limit=0)
        self.client = TestClient(create_app(store, settings))
        self.tokens: dict[str, str] = {}
        for member in ("khaleej", "dala", "volga", "partner"):
            user = create_user(store, f"ed-{member}", "long-password", "editor", member=member)
            self.tokens[member] = create_token(store, user.id, "t", "write")[1]
        operator = create_user(store, "op", "long-password", "operator")
        self.tokens["operator"] = create_token(store, operator.id, "t", "write")[1]
        self.khaleej_id = self.publish("khaleej", KHALEEJ_TEXT, uri=KHALEEJ_URI)["id"]
        self.volga_id = self.publish("volga", VOLGA_TEXT, uri=VOLGA_URI)["id"]

    def call(self, who: str, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"}
        return self.client.request(method, path, headers=headers, **kwargs)

    def publish(self, who: str, text: str, **params: str) -> dict[str, Any]:
        response = self.call(who, "POST", "/api/v1/items", params=params, content=text)
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()["results"][0]
        return result

    def partner_view(self, item_id: int) -> dict[str, Any]:
        response = self.call("partner", "GET", f"/api/v1/items/{item_id}")
        assert response.status_code == 200
        data: dict[str, Any] = response.json()
        return data


@pytest.fixture
def desk(store: Store) -> Desk:
    return Desk(store)


def _text(view: dict[str, Any]) -> str:
    return json.dumps(view, ensure_ascii=False)


def test_another_members_uri_makes_the_senders_own_item(desk: Desk) -> None:
    before = desk.partner_view(desk.khaleej_id)
    result = desk.publish("dala", INTRUDER_TEXT, uri=KHALEEJ_URI)
    assert (result["outcome"], result["version"]) == ("new", 1)
    assert result["id"] != desk.khaleej_id
    assert desk.partner_view(desk.khaleej_id) == before
    own = desk.call("dala", "GET", f"/api/v1/items/{result['id']}").json()
    assert own["provider"] == "dala"


def test_a_ninjs_body_naming_another_members_uri_is_the_senders(desk: Desk) -> None:
    before = desk.partner_view(desk.khaleej_id)
    body = {"uri": KHALEEJ_URI, "type": "text", "headline": "Taken", "body_text": "Not yours."}
    response = desk.call(
        "dala", "POST", "/api/v1/items", content=json.dumps(body), params={"format": "ninjs"}
    )
    assert response.status_code == 201, response.text
    result = response.json()["results"][0]
    assert (result["outcome"], result["version"]) == ("new", 1)
    assert desk.partner_view(desk.khaleej_id) == before


def test_resending_another_members_exact_text_reveals_nothing(desk: Desk) -> None:
    result = desk.publish("dala", VOLGA_TEXT, uri=VOLGA_URI)
    assert (result["outcome"], result["version"]) == ("new", 1)
    assert result["id"] != desk.volga_id
    again = desk.publish("dala", INTRUDER_TEXT, uri=VOLGA_URI)
    assert (again["outcome"], again["version"]) == ("version", 2)  # dala's own item
    volga = desk.call("volga", "GET", f"/api/v1/items/{desk.volga_id}").json()
    assert (volga["version"], volga["provider"]) == (1, "volga")
    assert "Volga's own paragraph" in _text(volga)


@pytest.mark.parametrize("action", ["kill", "withhold"])
def test_status_routes_refuse_another_members_item(desk: Desk, action: str) -> None:
    readable = desk.call("dala", "POST", f"/api/v1/items/{desk.khaleej_id}/{action}", json={})
    unreadable = desk.call("dala", "POST", f"/api/v1/items/{desk.volga_id}/{action}", json={})
    missing = desk.call("dala", "POST", f"/api/v1/items/{2**40}/{action}", json={})
    assert readable.status_code == 403
    assert unreadable.status_code == missing.status_code == 404
    assert unreadable.json()["detail"].replace(str(desk.volga_id), "N") == missing.json()[
        "detail"
    ].replace(str(2**40), "N")
    assert desk.partner_view(desk.khaleej_id)["pubstatus"] == "usable"


def test_correct_refuses_another_members_item(desk: Desk) -> None:
    readable = desk.call(
        "dala", "POST", f"/api/v1/items/{desk.khaleej_id}/correct", content=INTRUDER_TEXT
    )
    unreadable = desk.call(
        "dala", "POST", f"/api/v1/items/{desk.volga_id}/correct", content=INTRUDER_TEXT
    )
    assert (readable.status_code, unreadable.status_code) == (403, 404)
    assert desk.partner_view(desk.khaleej_id)["version"] == 1


def test_killing_the_intruders_copy_leaves_the_original(desk: Desk) -> None:
    copy_id = desk.publish("dala", INTRUDER_TEXT, uri=KHALEEJ_URI)["id"]
    response = desk.call("dala", "POST", f"/api/v1/items/{copy_id}/kill", json={})
    assert response.status_code == 200 and response.json()["pubstatus"] == "canceled"
    assert desk.partner_view(desk.khaleej_id)["pubstatus"] == "usable"


def test_operator_publishes_only_for_an_existing_member(desk: Desk) -> None:
    response = desk.call(
        "operator", "POST", "/api/v1/items", params={"provider": "ghost"}, content=INTRUDER_TEXT
    )
    assert response.status_code == 422 and "ghost" in response.json()["detail"]
    result = desk.publish("operator", INTRUDER_TEXT, provider="khaleej", uri=KHALEEJ_URI)
    assert (result["outcome"], result["version"]) == ("version", 2)
