"""A browser for the web pages in tests: HTTPS (the cookies are Secure), forms by their
own CSRF tokens, and the app with settings a test chooses."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import httpx
from fastapi.testclient import TestClient

from ortaq.api import create_app
from ortaq.exchange.settings import ExchangeSettings
from ortaq.store import Store

FORM_TOKEN = re.compile(r'<input type="hidden" name="csrf" value="([^"]*)">')
SESSION = "__Host-ortaq_session"
LOGIN = "__Host-ortaq_login"


def settings(**overrides: Any) -> ExchangeSettings:
    base = replace(ExchangeSettings.from_env(), rate_limit=0, cookie_secure=True)
    return replace(base, **overrides)


class Browser(TestClient):
    """One browser (one cookie jar) at one client address."""

    def __init__(self, store: Store, config: ExchangeSettings, address: str = "198.51.100.7"):
        super().__init__(
            create_app(store, config),
            base_url="https://testserver",
            client=(address, 50000),
            follow_redirects=False,
        )

    def form_token(self, path: str) -> str:
        page = self.get(path)
        found = FORM_TOKEN.search(page.text)
        assert found, f"no CSRF token on {path} ({page.status_code})"
        return found.group(1)

    def sign_in(self, username: str, password: str) -> httpx.Response:
        csrf = self.form_token("/login")
        form = {"username": username, "password": password, "csrf": csrf}
        return self.post("/login", data=form)

    def sign_out(self, csrf: str | None = None) -> httpx.Response:
        token = csrf if csrf is not None else self.form_token("/")
        return self.post("/logout", data={"csrf": token})

    def signed_in(self) -> bool:
        response = self.get("/")
        assert response.status_code in {200, 303}, response.status_code
        return response.status_code == 200
