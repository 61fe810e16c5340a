"""Probe: the sign-in findings of issue 18 (6 and 7), measured against a real `ortaq serve`.

A throw-away SQLite store gets two users and an operator token; `ortaq serve` runs in a
subprocess on a free port of 127.0.0.1 with its default settings (Secure cookies: this
client keeps its own cookie jar and sends them over plain HTTP, as a tester would). Then,
as the hostile tester did:

* up to `--attempts` wrong passwords for one user (how many are answered before a 429,
  how long that took, the Retry-After), then the right password (refused during a
  lock-out?), and the sign-in rows of the audit log;
* sign in as another user, sign out, and replay the old session cookie;
* a sign-out form posted with a CSRF cookie and form value the attacker chose;
* the security headers of the web pages and the API, and the flags of every cookie set;
* `?access_token=` with a secret, and whether the secret reaches the server's log.

Nothing is kept between runs. One JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import httpx

from ortaq.exchange.accounts import create_token, create_user
from ortaq.store import Store

PASSWORD = "the-right-password"
HEADERS = (
    "content-security-policy",
    "x-frame-options",
    "x-content-type-options",
    "referrer-policy",
    "cache-control",
)
SIGN_IN_ACTIONS = ("login", "login-failed", "login-locked", "logout")


class Browser:
    """An HTTP client with its own cookie jar, which sends Secure cookies over HTTP too."""

    def __init__(self, base: str) -> None:
        self.client = httpx.Client(base_url=base, follow_redirects=False, timeout=30)
        self.jar: dict[str, str] = {}
        self.flags: dict[str, list[str]] = {}

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        cookie = "; ".join(f"{k}={v}" for k, v in self.jar.items())
        headers = {"Cookie": cookie} if cookie else {}
        response = self.client.request(method, path, headers=headers, **kwargs)
        for line in response.headers.get_list("set-cookie"):
            self._keep(line)
        return response

    def _keep(self, line: str) -> None:
        parsed = SimpleCookie()
        parsed.load(line)
        for name, morsel in parsed.items():
            gone = morsel["max-age"] == "0" or morsel.value in {"", '""'}
            if gone:
                self.jar.pop(name, None)
                continue
            self.jar[name] = morsel.value
            flags = [f for f in ("secure", "httponly") if morsel[f]]
            self.flags[name] = [*flags, f"samesite={morsel['samesite'] or 'none'}"]

    def form_token(self, path: str) -> str:
        page = self.request("GET", path)
        found = re.search(r'name="csrf" value="([^"]+)"', page.text)
        return found.group(1) if found else ""

    def sign_in(self, username: str, password: str) -> httpx.Response:
        csrf = self.form_token("/login")
        form = {"username": username, "password": password, "csrf": csrf}
        return self.request("POST", "/login", data=form)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORTAQ_")}
    env.update(ORTAQ_DATABASE_URL=url, ORTAQ_DATA_DIR=str(log.parent))
    command = [sys.executable, "-c", "from ortaq.cli import main; main()", "serve"]
    with log.open("wb") as out:
        server = subprocess.Popen(
            [*command, "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited:\n{log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    server.kill()
    server.wait()
    raise RuntimeError("the server did not answer /healthz within 120 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def brute_force(base: str, attempts: int) -> dict[str, Any]:
    browser = Browser(base)
    answered, started, last = 0, time.perf_counter(), None
    for number in range(attempts):
        last = browser.sign_in("target", f"wrong-password-{number}")
        if last.status_code == 429:
            break
        answered += 1
    seconds = time.perf_counter() - started
    right = browser.sign_in("target", PASSWORD)
    return {
        "wrong_passwords_answered": answered,
        "wrong_passwords_seconds": round(seconds, 2),
        "lockout_status": last.status_code if last is not None else None,
        "retry_after": last.headers.get("retry-after") if last is not None else None,
        "right_password_after_brute_force": right.status_code,
    }


def sessions_and_csrf(base: str) -> dict[str, Any]:
    browser = Browser(base)
    signed_in = browser.sign_in("other", PASSWORD).status_code
    old_jar = dict(browser.jar)
    attacker = Browser(base)
    attacker.jar = {**old_jar, "ortaq_csrf": "chosen-by-attacker"}
    chosen = attacker.request("POST", "/logout", data={"csrf": "chosen-by-attacker"})
    csrf = browser.form_token("/")
    signed_out = browser.request("POST", "/logout", data={"csrf": csrf}).status_code
    replay = Browser(base)
    replay.jar = old_jar
    return {
        "sign_in_status": signed_in,
        "attacker_chosen_csrf_status": chosen.status_code,
        "logout_status": signed_out,
        "old_cookie_after_logout": replay.request("GET", "/").status_code,
        "cookie_flags": browser.flags,
    }


def headers_of(base: str, token: str) -> dict[str, list[str]]:
    browser = Browser(base)
    browser.sign_in("reader", PASSWORD)
    auth = {"Authorization": f"Bearer {token}"}
    missing = {}
    for path in ("/login", "/", "/api/docs"):
        missing[path] = _missing(browser.request("GET", path))
    missing["/api/v1/members"] = _missing(httpx.get(f"{base}/api/v1/members", headers=auth))
    return missing


def _missing(response: httpx.Response) -> list[str]:
    return [name for name in HEADERS if name not in response.headers]


def audit_actions(base: str, token: str) -> dict[str, int]:
    auth = {"Authorization": f"Bearer {token}"}
    rows = httpx.get(f"{base}/api/v1/audit", params={"limit": 500}, headers=auth).json()
    counts = {action: 0 for action in SIGN_IN_ACTIONS}
    for row in rows["entries"]:
        if row["action"] in counts:
            counts[row["action"]] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attempts", type=int, default=40, help="wrong passwords to try")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ortaq-bench-signin-") as tmp:
        url = f"sqlite:///{tmp}/probe.db"
        store = Store.open(url)
        for name in ("target", "other", "reader"):
            create_user(store, name, PASSWORD, "operator")
        operator = create_user(store, "auditor", PASSWORD, "operator")
        token = create_token(store, operator.id, "probe")[1]
        store.close()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = Path(tmp) / "server.log"
        server = start_server(url, port, log)
        try:
            result: dict[str, Any] = {"bench": "signin", **brute_force(base, args.attempts)}
            result["audit"] = audit_actions(base, token)
            result.update(sessions_and_csrf(base))
            result["missing_headers"] = headers_of(base, token)
            secret = "SECRET-PROBE-VALUE-1234"
            httpx.get(f"{base}/api/v1/members", params={"access_token": secret})
        finally:
            stop_server(server)
        result["secret_in_access_log"] = secret in log.read_text(errors="replace")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
