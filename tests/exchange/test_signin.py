"""Signing in to the web pages (SQLite and PostgreSQL): the failed-attempt limit and its
audit rows, server-side sessions that logout, a password change and disabling end, CSRF
tokens bound to the session, cookie flags and security headers."""

from __future__ import annotations

import json
import re
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from ortaq.exchange import audit, sessions
from ortaq.exchange.accounts import create_token, create_user, set_disabled, set_password
from ortaq.exchange.settings import ExchangeSettings
from ortaq.model import Item
from ortaq.store import Store, schema
from tests.exchange.helpers import Clock, add_members
from tests.exchange.web import LOGIN, SESSION, Browser, settings

PASSWORD = "right-password"
WRONG = ("wrong-one", "wrong-two", "wrong-three", "wrong-four", "wrong-five", "wrong-six")


@pytest.fixture
def clock(store: Store) -> Clock:
    clock = Clock()
    store.clock = clock
    return clock


def sign_in_rows(store: Store) -> list[dict[str, object]]:
    actions = {"login", "login-failed", "login-locked", "logout", "password"}
    return [row for row in audit.entries(store, limit=500) if row["action"] in actions]


# -- the failed-attempt limit ----------------------------------------------------------------


def test_brute_force_locks_out_with_retry_after_and_audit_rows(store: Store, clock: Clock) -> None:
    add_members(store, ("ma",))
    create_user(store, "alice", PASSWORD, "editor", member="ma")
    browser = Browser(store, settings(login_max_failures=3, login_lockout_seconds=60))
    codes = [browser.sign_in("alice", wrong).status_code for wrong in WRONG[:3]]
    assert codes == [401, 401, 429]  # the third failure starts the lock-out
    refused = browser.sign_in("alice", PASSWORD)  # the right password, during the lock-out
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "60"
    assert "Too many failed sign-ins" in refused.text
    assert not browser.signed_in()
    rows = sign_in_rows(store)
    assert [r["action"] for r in reversed(rows)] == [
        "login-failed",
        "login-failed",
        "login-failed",
        "login-locked",
    ]
    assert {r["target"] for r in rows} == {"user:alice"}
    assert {r["member"] for r in rows} == {"ma"}  # the member's admins see attacks on theirs
    locked = rows[0]
    assert locked["detail"]["seconds"] == 60  # type: ignore[index]
    assert locked["detail"]["address"] == "198.51.100.7"  # type: ignore[index]
    logged = json.dumps(audit.entries(store, limit=500))
    assert all(password not in logged for password in (PASSWORD, *WRONG))


def test_lockout_expires_and_the_next_one_lasts_longer(store: Store, clock: Clock) -> None:
    create_user(store, "alice", PASSWORD, "operator")
    browser = Browser(store, settings(login_max_failures=2, login_lockout_seconds=60))
    assert [browser.sign_in("alice", w).status_code for w in WRONG[:2]] == [401, 429]
    clock.advance(seconds=59)
    assert browser.sign_in("alice", PASSWORD).headers["retry-after"] == "1"
    clock.advance(seconds=1)
    assert [browser.sign_in("alice", w).status_code for w in WRONG[2:4]] == [401, 429]
    assert browser.sign_in("alice", PASSWORD).headers["retry-after"] == "120"  # doubled
    clock.advance(seconds=120)
    assert browser.sign_in("alice", PASSWORD).status_code == 303
    assert browser.signed_in()
    # A sign-in clears the user's record: the next lock-out is the first again.
    other = Browser(store, settings(login_max_failures=2, login_lockout_seconds=60))
    assert [other.sign_in("alice", w).status_code for w in WRONG[:2]] == [401, 429]
    assert other.sign_in("alice", PASSWORD).headers["retry-after"] == "60"


def test_one_address_trying_many_names_is_locked_out(store: Store, clock: Clock) -> None:
    create_user(store, "alice", PASSWORD, "operator")
    config = settings(login_max_failures=5, login_max_failures_per_address=3)
    spray = Browser(store, config, address="203.0.113.9")
    codes = [spray.sign_in(name, "guess-1234").status_code for name in ("bob", "carol", "dan")]
    assert codes == [401, 401, 429]
    assert spray.sign_in("alice", PASSWORD).status_code == 429  # same address, right password
    elsewhere = Browser(store, config, address="192.0.2.44")
    assert elsewhere.sign_in("alice", PASSWORD).status_code == 303
    rows = sign_in_rows(store)
    assert any(r["action"] == "login-locked" and r["target"] == "address:203.0.113.9" for r in rows)
    # Names that are no user are logged as such (a password typed as a name stays out).
    assert {r["target"] for r in rows if r["action"] == "login-failed"} == {"user:(unknown)"}


def test_right_passwords_from_one_address_do_not_count(store: Store, clock: Clock) -> None:
    """An office behind one address: sign-ins that succeed never lock the address."""
    for name in ("u1", "u2", "u3", "u4"):
        create_user(store, name, PASSWORD, "operator")
    config = settings(login_max_failures_per_address=2)
    for name in ("u1", "u2", "u3", "u4"):
        assert Browser(store, config).sign_in(name, PASSWORD).status_code == 303
    codes = [Browser(store, config).sign_in(n, "typo-typo").status_code for n in ("u1", "u2")]
    assert codes == [401, 429]  # two failures, not six, lock the address


def test_parallel_attempts_do_not_outrun_the_limit(store: Store, clock: Clock) -> None:
    """Attempts are charged before the (slow) password check, so a burst of parallel
    guesses gets no more password checks than the limit."""
    create_user(store, "alice", PASSWORD, "operator")
    config = settings(login_max_failures=3)
    browsers = [Browser(store, config) for _ in range(8)]
    tokens = [b.form_token("/login") for b in browsers]
    codes: list[int] = []

    def guess(browser: Browser, token: str, number: int) -> None:
        form = {"username": "alice", "password": f"guess-{number}", "csrf": token}
        codes.append(browser.post("/login", data=form).status_code)

    threads = [
        threading.Thread(target=guess, args=(b, t, n))
        for n, (b, t) in enumerate(zip(browsers, tokens, strict=True))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    checked = [r for r in sign_in_rows(store) if r["action"] == "login-failed"]
    assert len(checked) == 3, codes
    assert sorted(codes) == [401, 401, *[429] * 6]


# -- sessions --------------------------------------------------------------------------------


def test_logout_ends_the_session(store: Store, clock: Clock) -> None:
    create_user(store, "alice", PASSWORD, "operator")
    browser = Browser(store, settings())
    assert browser.sign_in("alice", PASSWORD).status_code == 303
    stolen = browser.cookies[SESSION]
    assert browser.signed_in()
    assert browser.sign_out().headers["location"] == "/login"
    assert not browser.signed_in()
    replay = Browser(store, settings())
    replay.cookies.set(SESSION, stolen)
    assert replay.get("/").headers["location"] == "/login"
    actions = [r["action"] for r in sign_in_rows(store)]
    assert actions[:2] == ["logout", "login"]


def test_signing_in_again_ends_the_previous_session(store: Store, clock: Clock) -> None:
    create_user(store, "alice", PASSWORD, "operator")
    create_user(store, "bob", PASSWORD, "operator")
    browser = Browser(store, settings())
    browser.sign_in("alice", PASSWORD)
    first = browser.cookies[SESSION]
    browser.sign_in("bob", PASSWORD)
    assert browser.cookies[SESSION] != first
    replay = Browser(store, settings())
    replay.cookies.set(SESSION, first)
    assert not replay.signed_in()


def test_password_change_ends_every_other_session(store: Store, clock: Clock) -> None:
    create_user(store, "alice", PASSWORD, "operator")
    here, there = Browser(store, settings()), Browser(store, settings())
    for browser in (here, there):
        assert browser.sign_in("alice", PASSWORD).status_code == 303
    old_cookie = here.cookies[SESSION]
    form = {
        "current": PASSWORD,
        "new": "a-new-password",
        "repeat": "a-new-password",
        "csrf": here.form_token("/account/password"),
    }
    changed = here.post("/account/password", data=form)
    assert changed.status_code == 303
    assert here.signed_in()  # this browser got a fresh session
    assert here.cookies[SESSION] != old_cookie
    assert not there.signed_in()
    replay = Browser(store, settings())
    replay.cookies.set(SESSION, old_cookie)
    assert not replay.signed_in()
    assert Browser(store, settings()).sign_in("alice", "a-new-password").status_code == 303


def test_password_form_refuses_a_wrong_current_password(store: Store, clock: Clock) -> None:
    create_user(store, "alice", PASSWORD, "operator")
    browser = Browser(store, settings(login_max_failures=2))
    browser.sign_in("alice", PASSWORD)
    csrf = browser.form_token("/account/password")
    form = {"current": "not-it-at-all", "new": "new-password", "repeat": "new-password"}
    codes = [browser.post("/account/password", data={**form, "csrf": csrf}).status_code]
    codes.append(browser.post("/account/password", data={**form, "csrf": csrf}).status_code)
    assert codes == [401, 429]
    assert Browser(store, settings()).sign_in("alice", "new-password").status_code == 429
    clock.advance(hours=1)
    assert Browser(store, settings()).sign_in("alice", PASSWORD).status_code == 303


def test_set_password_and_disabling_end_sessions(store: Store, clock: Clock) -> None:
    """The shared mechanism, whatever door changes the password or disables the user."""
    alice = create_user(store, "alice", PASSWORD, "operator")
    lifetime = settings().session_lifetime
    first, first_secret = sessions.start(store, alice.id, lifetime)
    set_password(store, "alice", "another-password")
    assert sessions.resolve(store, first_secret, lifetime) is None
    assert sessions.get(store, first.id).end_reason == "password"  # type: ignore[union-attr]
    second, second_secret = sessions.start(store, alice.id, lifetime)
    set_disabled(store, alice.id, True)
    set_disabled(store, alice.id, False)  # re-enabling does not bring a session back
    assert sessions.resolve(store, second_secret, lifetime) is None
    assert sessions.get(store, second.id).end_reason == "disabled"  # type: ignore[union-attr]


def test_disabling_a_user_through_the_api_signs_the_user_out(store: Store, clock: Clock) -> None:
    operator = create_user(store, "op", PASSWORD, "operator")
    token = create_token(store, operator.id, "t", "write")[1]
    alice = create_user(store, "alice", PASSWORD, "operator")
    browser = Browser(store, settings())
    browser.sign_in("alice", PASSWORD)
    assert browser.signed_in()
    api = Browser(store, settings())
    patched = api.patch(
        f"/api/v1/users/{alice.id}",
        json={"disabled": True},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert patched.status_code == 200
    assert not browser.signed_in()


def test_idle_and_absolute_expiry(store: Store, clock: Clock) -> None:
    create_user(store, "alice", PASSWORD, "operator")
    config = settings(session_idle_seconds=600, session_max_seconds=1800)
    browser = Browser(store, config)
    browser.sign_in("alice", PASSWORD)
    for _ in range(3):  # active every 9 minutes: alive until the absolute limit
        clock.advance(minutes=9)
        assert browser.signed_in()
    clock.advance(minutes=4)  # 31 minutes after sign-in
    assert not browser.signed_in()
    browser.sign_in("alice", PASSWORD)
    clock.advance(minutes=11)
    assert not browser.signed_in()  # idle too long


# -- CSRF ----------------------------------------------------------------------------------


def test_csrf_token_of_another_session_or_chosen_by_an_attacker_is_refused(
    store: Store, clock: Clock
) -> None:
    create_user(store, "alice", PASSWORD, "operator")
    create_user(store, "mallory", PASSWORD, "operator")
    victim, attacker = Browser(store, settings()), Browser(store, settings())
    victim.sign_in("alice", PASSWORD)
    attacker.sign_in("mallory", PASSWORD)
    attackers_token = attacker.form_token("/")
    assert victim.sign_out(attackers_token).status_code == 403
    victim.cookies.set("ortaq_csrf", "chosen")  # the old double-submit cookie
    victim.cookies.set("__Host-ortaq_csrf", "chosen")
    assert victim.sign_out("chosen").status_code == 403
    form = {"current": PASSWORD, "new": "owned-by-mallory", "repeat": "owned-by-mallory"}
    stolen = victim.post("/account/password", data={**form, "csrf": attackers_token})
    assert stolen.status_code == 403
    assert victim.signed_in()
    assert victim.sign_out(victim.form_token("/")).status_code == 303


def test_sign_in_form_token_is_bound_to_its_nonce(store: Store, clock: Clock) -> None:
    create_user(store, "alice", PASSWORD, "operator")
    mine, theirs = Browser(store, settings()), Browser(store, settings())
    their_token = theirs.form_token("/login")
    mine.form_token("/login")  # mine has a nonce of its own
    form = {"username": "alice", "password": PASSWORD}
    assert mine.post("/login", data={**form, "csrf": their_token}).status_code == 403
    chosen = Browser(store, settings())
    chosen.cookies.set(LOGIN, "chosen")
    assert chosen.post("/login", data={**form, "csrf": "chosen"}).status_code == 403
    no_nonce = Browser(store, settings()).post("/login", data={**form, "csrf": their_token})
    assert no_nonce.status_code == 403


def test_every_post_form_carries_the_session_token(store: Store, clock: Clock) -> None:
    add_members(store, ("ma",))
    item_id = store.save(Item(uri="urn:t:1", headline="H", body=["B"], provider="ma")).item_id
    create_user(store, "alice", PASSWORD, "operator")
    browser = Browser(store, settings())
    browser.sign_in("alice", PASSWORD)
    token = browser.form_token("/")
    forms = 0
    for path in ("/", f"/items/{item_id}", "/account/password"):
        page = browser.get(path).text
        for form in re.findall(r"<form[^>]*>.*?</form>", page, re.DOTALL):
            if 'method="post"' in form:
                forms += 1
                assert f'name="csrf" value="{token}"' in form, (path, form)
    assert forms == 5  # sign out on three pages, kill on the item page, change password


# -- cookies and headers -----------------------------------------------------------------


def cookie_lines(response: object) -> dict[str, str]:
    lines = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    return {line.split("=", 1)[0]: line.lower() for line in lines}


def test_cookies_are_secure_httponly_samesite_by_default(
    store: Store, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ORTAQ_INSECURE_COOKIES", raising=False)
    assert ExchangeSettings.from_env().cookie_secure
    create_user(store, "alice", PASSWORD, "operator")
    browser = Browser(store, settings())
    login_page = cookie_lines(browser.get("/login"))
    signed_in = cookie_lines(browser.sign_in("alice", PASSWORD))
    for name, line in ((LOGIN, login_page[LOGIN]), (SESSION, signed_in[SESSION])):
        assert name.startswith("__Host-")
        assert "; secure" in line and "; httponly" in line and "; path=/" in line, line
        assert "samesite=lax" in line or "samesite=strict" in line, line
        assert "domain=" not in line


def test_insecure_cookies_only_when_asked(
    store: Store, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ORTAQ_INSECURE_COOKIES", "1")
    assert not ExchangeSettings.from_env().cookie_secure
    create_user(store, "alice", PASSWORD, "operator")
    browser = Browser(store, settings(cookie_secure=False))
    line = cookie_lines(browser.sign_in("alice", PASSWORD))["ortaq_session"]
    assert "; secure" not in line and "; httponly" in line and "samesite=lax" in line


def assert_secure_headers(path: str, response: object, html: bool) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["x-frame-options"] == "DENY", path
    assert headers["x-content-type-options"] == "nosniff", path
    assert headers["referrer-policy"] == "no-referrer", path
    policy = headers["content-security-policy"]
    parts = (d.strip().partition(" ") for d in policy.split(";") if d.strip())
    directives = {name: value for name, _, value in parts}
    assert directives["frame-ancestors"] == "'none'", path
    assert "'unsafe-inline'" not in directives.get("script-src", ""), path
    assert "'unsafe-eval'" not in policy, path
    if html:
        assert "default-src" in directives and "form-action" in directives, path


def test_security_headers_on_every_page_and_the_api(store: Store, clock: Clock) -> None:
    add_members(store, ("ma",))
    item_id = store.save(Item(uri="urn:t:1", headline="H", body=["B"], provider="ma")).item_id
    operator = create_user(store, "alice", PASSWORD, "operator")
    token = create_token(store, operator.id, "t")[1]
    browser = Browser(store, settings())
    anonymous = Browser(store, settings())
    assert_secure_headers("/login", anonymous.get("/login"), html=True)
    assert_secure_headers("/ (anonymous)", anonymous.get("/"), html=False)
    browser.sign_in("alice", PASSWORD)
    for path in ("/", f"/items/{item_id}", "/account/password", "/items/99999"):
        response = browser.get(path)
        assert_secure_headers(path, response, html=response.status_code == 200)
        assert response.headers["cache-control"] == "no-store", path
        if response.status_code == 200:  # nothing inline that the policy would block
            inline = re.search(r"<script(?![^>]*\bsrc=)", response.text)  # scripts: files only
            assert inline is None and "style=" not in response.text, path
            assert "<style" not in response.text, path
    auth = {"Authorization": f"Bearer {token}"}
    for path in ("/api/v1/members", "/api/v1/items", "/api/v1/feeds/atom", "/healthz"):
        response = browser.get(path, headers=auth)
        assert_secure_headers(path, response, html=False)
        assert response.headers["cache-control"] == "no-store", path
        assert "sandbox" in response.headers["content-security-policy"], path
    stylesheet = browser.get("/static/ortaq.css")
    assert stylesheet.status_code == 200 and "body" in stylesheet.text
    assert_secure_headers("/static/ortaq.css", stylesheet, html=False)
    too_large = Browser(store, settings(max_request_bytes=10))
    assert_secure_headers("413", too_large.post("/login", content=b"x" * 100), html=False)


def test_api_docs_allow_their_own_inline_script_only(store: Store) -> None:
    import base64
    import hashlib

    page = Browser(store, settings()).get("/api/docs")
    assert page.status_code == 200 and "SwaggerUIBundle" in page.text
    assert_secure_headers("/api/docs", page, html=True)
    policy = page.headers["content-security-policy"]
    scripts = re.findall(r"<script>(.*?)</script>", page.text, re.DOTALL)
    assert scripts
    for script in scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert Browser(store, settings()).get("/redoc").status_code == 404


def test_session_rows_keep_client_info_and_only_a_hash(store: Store, clock: Clock) -> None:
    alice = create_user(store, "alice", PASSWORD, "operator")
    browser = Browser(store, settings(), address="192.0.2.1")
    browser.sign_in("alice", PASSWORD)
    secret = browser.cookies[SESSION]
    (session,) = sessions.open_sessions(store, alice.id)
    assert session.client_address == "192.0.2.1" and session.user_agent
    assert session.expires_at - session.created_at == timedelta(hours=12)
    with store.engine.connect() as conn:
        stored = [tuple(row) for row in conn.execute(sa.select(schema.sessions))]
    assert secret not in repr(stored)


def test_cli_password_change_ends_sessions(
    store: Store, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from ortaq.cli import app
    from ortaq.exchange.accounts import check_password

    monkeypatch.setenv("ORTAQ_DATABASE_URL", database_url)
    alice = create_user(store, "alice", PASSWORD, "operator")
    lifetime = settings().session_lifetime
    _, secret = sessions.start(store, alice.id, lifetime)
    short = CliRunner().invoke(app, ["users", "password", "alice"], input="short\n")
    assert short.exit_code == 2 and "8 characters" in short.output
    assert sessions.resolve(store, secret, lifetime) is not None
    done = CliRunner().invoke(app, ["users", "password", "alice"], input="brand-new-pass\n")
    assert done.exit_code == 0, done.output
    assert sessions.resolve(store, secret, lifetime) is None
    assert check_password(store, "alice", "brand-new-pass") is not None
    assert check_password(store, "alice", PASSWORD) is None
