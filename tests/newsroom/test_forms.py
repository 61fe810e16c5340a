"""Every signed-in form of the newsroom opens the same way (`ortaq.api.web.form_caller`):
a signed-out browser goes to the sign-in page, a token not of this session is refused,
and the form's own fields are checked before either."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from ortaq.api.web import EXPIRED_FORM
from ortaq.store import Store
from tests.newsroom.conftest import browser_client, csrf_of

JSON = {"Accept": "application/json"}  # the refusal's reason as a problem's detail
REVIEW = {"rating": "false", "explanation": "x"}
DRAFT = {"headline": "H", "body": "B"}
# Each form with fields that pass its own checks, so what answers is the prelude.
FORMS: dict[str, dict[str, str | list[str]]] = {
    "/admin/members": {"slug": "x-y", "name": "X"},
    "/admin/users": {"username": "x-y", "password": "a long password", "role": "editor"},
    "/admin/users/1": {"disabled": "true"},
    "/admin/tokens": {"name": "x"},
    "/admin/tokens/1/revoke": {},
    "/admin/agreements": {
        "slug": "x-y",
        "title": "X",
        "senders": ["volga-wire"],
        "receivers": ["dala-press"],
    },
    "/admin/agreements/x-y/status": {"status": "active"},
    "/desk/reviews": {"item": "1", **REVIEW},
    "/desk/reviews/1/revise": REVIEW,
    "/desk/reviews/1/withdraw": {},
    "/notifications/read": {},
    "/publish": DRAFT,
    "/publish/preview": DRAFT,
    "/items/1/kill": {},
    "/account/password": {"current": "x", "new": "y", "repeat": "y"},
    "/search/save": {"name": "x", "q": "x"},
}
ADMIN = [path for path in FORMS if path.startswith("/admin/")]


def post(client: TestClient, path: str, csrf: str, **headers: str) -> Response:
    data = {**FORMS[path], "csrf": csrf}
    return client.post(path, data=data, headers=headers, follow_redirects=False)


@pytest.mark.parametrize("path", FORMS)
def test_signed_out_forms_go_to_the_sign_in_page(demo_store: Store, path: str) -> None:
    answer = post(browser_client(demo_store, None), path, "any")
    if path == "/publish/preview":  # an htmx fragment: a redirect would land in the page
        assert answer.status_code == 401
    else:
        assert answer.status_code == 303 and answer.headers["location"] == "/login"


@pytest.mark.parametrize("path", FORMS)
def test_a_token_of_no_session_is_refused(operator: TestClient, path: str) -> None:
    answer = post(operator, path, "forged", **JSON)
    assert answer.status_code == 403 and answer.json()["detail"] == EXPIRED_FORM


@pytest.mark.parametrize("path", FORMS)
def test_the_form_is_checked_before_the_caller(demo_store: Store, path: str) -> None:
    """A form missing a field is a 422 whoever sends it (the fields are read first)."""
    answer = browser_client(demo_store, None).post(path, data={}, follow_redirects=False)
    assert answer.status_code == 422


@pytest.mark.parametrize("path", ADMIN)
def test_administration_refuses_other_users_before_the_token(dala: TestClient, path: str) -> None:
    answer = post(dala, path, "forged", **JSON)
    assert answer.status_code == 403 and answer.json()["detail"] == "not allowed for this member"


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/notifications/read", "Alerts are a member's."),
        ("/search/save", "Only a member's users save searches."),
    ],
)
def test_member_forms_refuse_the_operator_after_the_token(
    operator: TestClient, path: str, reason: str
) -> None:
    answer = post(operator, path, csrf_of(operator.get("/").text), **JSON)
    assert answer.status_code == 403 and answer.json()["detail"] == reason
