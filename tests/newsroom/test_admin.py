"""Administration without a browser: members, users, tokens and agreements through the
API's own functions, and the preview of a partner's view under a draft agreement, read
through the one policy with the draft assumed active (`Viewer.assuming`)."""

from __future__ import annotations

import re
from dataclasses import replace

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ortaq.exchange.agreements import Agreement, delete_agreement, get_agreement, save_agreement
from ortaq.store import Store
from ortaq.viewer import Viewer
from tests.newsroom.conftest import browser_client, csrf_of, sign_in

MEMBERS = ("caspian-ledger", "dala-press", "khaleej-wire", "kopru-haber", "tassili-info",
           "volga-wire", "xezer-xeber")  # fmt: skip
ADDED = re.compile(r'<tbody id="added-rows">(.*?)</tbody>', re.S)


def readable(store: Store, viewer: Viewer) -> dict[int, str]:
    return {s.id: s.access for s in store.iter_items(viewer=viewer)}


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    senders=st.sets(st.sampled_from(MEMBERS), min_size=1, max_size=3),
    receiver=st.sampled_from(MEMBERS),
    languages=st.sets(st.sampled_from(["ar", "fr", "kk", "ru", "tr", "az", "en"]), max_size=2),
    embargo=st.sampled_from(["after", "flagged", "early"]),
)
def test_a_draft_assumed_active_reads_as_the_activated_agreement(
    demo_store: Store, senders: set[str], receiver: str, languages: set[str], embargo: str
) -> None:
    draft = Agreement(
        "preview-draft", "Preview", senders=tuple(sorted(senders)), receivers=(receiver,),
        languages=tuple(sorted(languages)), embargo=embargo,  # type: ignore[arg-type]
    )  # fmt: skip
    if senders == {receiver}:
        return  # not an agreement between two members
    save_agreement(demo_store, draft)
    try:
        viewer = Viewer(receiver)
        before = readable(demo_store, viewer)
        assumed = readable(demo_store, viewer.assuming_agreement(draft.slug))
        assert readable(demo_store, viewer) == before  # the draft alone changes nothing
        save_agreement(demo_store, replace(draft, status="active"))
        assert readable(demo_store, viewer) == assumed
        assert set(before) <= set(assumed)
    finally:
        delete_agreement(demo_store, draft.slug)


def test_only_admins_reach_the_admin_pages(dala: TestClient, khaleej: TestClient) -> None:
    assert dala.get("/admin").status_code == 403
    assert khaleej.get("/admin/agreements/dala-kopru-2026").status_code == 403


def test_create_an_agreement_preview_then_activate(
    operator: TestClient, khaleej: TestClient, demo_store: Store
) -> None:
    token = csrf_of(operator.get("/admin").text)
    form = {"csrf": token, "slug": "volga-khaleej", "title": "Volga to Khaleej",
            "senders": ["volga-wire"], "receivers": ["khaleej-wire"]}  # fmt: skip
    saved = operator.post("/admin/agreements", data=form, follow_redirects=False)
    assert saved.status_code == 303
    found = get_agreement(demo_store, "volga-khaleej")
    assert found is not None and found.status == "draft"
    volga = {s.id for s in demo_store.iter_items(viewer=Viewer.as_operator())
             if s.item.provider == "volga-wire" and s.item.pubstatus == "usable"}  # fmt: skip
    assert volga
    assert not volga & set(readable(demo_store, Viewer("khaleej-wire")))  # nothing yet
    preview = operator.get(saved.headers["location"])
    rows = ADDED.search(preview.text)
    assert rows is not None
    shown = {int(i) for i in re.findall(r'href="/items/(\d+)"', rows.group(1))}
    assert shown and shown <= volga
    some = min(shown)
    assert khaleej.get(f"/items/{some}").status_code == 404  # not yet
    activated = operator.post(
        "/admin/agreements/volga-khaleej/status", data={"csrf": token, "status": "active"},
        follow_redirects=False,
    )  # fmt: skip
    assert activated.status_code == 303
    assert khaleej.get(f"/items/{some}").status_code == 200
    assert shown <= set(readable(demo_store, Viewer("khaleej-wire")))


def test_suspending_a_user_ends_their_session(
    operator: TestClient, dala: TestClient, demo_store: Store
) -> None:
    page = operator.get("/admin").text
    found = re.search(
        r'action="/admin/users/(\d+)">(?:(?!</form>).)*>Suspend dala<',
        page,
        re.S,
    )
    assert found is not None, "dala's suspend button"
    answer = operator.post(
        f"/admin/users/{found.group(1)}",
        data={"csrf": csrf_of(page), "disabled": "true"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert dala.get("/", follow_redirects=False).headers["location"] == "/login"
    assert "Re-enable dala" in operator.get("/admin").text


def test_a_token_is_shown_once_and_revoked(operator: TestClient) -> None:
    token = csrf_of(operator.get("/admin").text)
    made = operator.post(
        "/admin/tokens", data={"csrf": token, "name": "desk-feed", "scope": "read"}
    )
    secret = re.search(r'<code class="secret">([^<]+)</code>', made.text)
    assert made.status_code == 200 and secret is not None
    api = TestClient(operator.app)
    assert (
        api.get(
            "/api/v1/users/me", headers={"Authorization": f"Bearer {secret.group(1)}"}
        ).status_code
        == 200
    )
    page = operator.get("/admin").text
    assert secret.group(1) not in page
    revoke = re.search(
        r'action="/admin/tokens/(\d+)/revoke">(?:(?!</form>).)*>Revoke desk-feed<',
        page,
        re.S,
    )
    assert revoke is not None
    operator.post(f"/admin/tokens/{revoke.group(1)}/revoke", data={"csrf": token})
    assert (
        api.get(
            "/api/v1/users/me", headers={"Authorization": f"Bearer {secret.group(1)}"}
        ).status_code
        == 401
    )


def test_members_and_users_are_created_with_the_apis_checks(
    operator: TestClient, demo_store: Store
) -> None:
    token = csrf_of(operator.get("/admin").text)
    member = {
        "csrf": token,
        "slug": "aral-news",
        "name": "Aral News",
        "country": "kz",
        "languages": "kk ru",
    }
    assert operator.post("/admin/members", data=member, follow_redirects=False).status_code == 303
    stored = demo_store.get_member("aral-news")
    assert stored is not None and stored["country"] == "KZ" and stored["languages"] == ["kk", "ru"]
    user = {
        "csrf": token,
        "username": "aral-editor",
        "password": "short",
        "role": "editor",
        "member": "aral-news",
    }
    refused = operator.post("/admin/users", data=user, follow_redirects=False)
    assert refused.status_code == 422 and "password" in refused.text  # the API's own rule
    user["password"] = "a-long-enough-password"
    assert operator.post("/admin/users", data=user, follow_redirects=False).status_code == 303
    editor = browser_client(demo_store, None)
    sign_in(editor, "aral-editor", user["password"])
    assert editor.get("/publish").status_code == 200  # an editor of the new member


def test_a_forged_token_changes_nothing(operator: TestClient, demo_store: Store) -> None:
    form = {
        "csrf": "forged",
        "slug": "x-y",
        "title": "X",
        "senders": ["volga-wire"],
        "receivers": ["dala-press"],
    }
    assert operator.post("/admin/agreements", data=form, follow_redirects=False).status_code == 403
    assert get_agreement(demo_store, "x-y") is None
