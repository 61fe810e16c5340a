"""The API explorer is self-hosted: /api/docs and everything it loads come from this
server, so it works with no network and its CSP names no other origin."""

from __future__ import annotations

from html.parser import HTMLParser

from fastapi.testclient import TestClient

from ortaq.api import create_app
from ortaq.store import Store


class References(HTMLParser):
    """Every src and href of the page (scripts, styles, icons)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls.extend(value for name, value in attrs if name in ("src", "href") and value)


def explorer(store: Store) -> tuple[TestClient, str, list[str]]:
    client = TestClient(create_app(store))
    page = client.get("/api/docs")
    assert page.status_code == 200, page.text
    parser = References()
    parser.feed(page.text)
    return client, page.text, parser.urls


def test_the_explorer_and_every_file_it_loads_are_served_here(store: Store) -> None:
    client, html, urls = explorer(store)
    assert "http://" not in html and "https://" not in html
    assert any(u.endswith(".js") for u in urls) and any(u.endswith(".css") for u in urls)
    for url in urls:
        assert url.startswith("/"), url  # same origin: no CDN, no other host
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert len(asset.content) > 1000, url  # the real file, not an empty stand-in
    bundle = client.get(next(u for u in urls if u.endswith(".js")))
    assert "SwaggerUIBundle" in bundle.text
    assert bundle.headers["content-type"].startswith("text/javascript")
    spec = client.get("/api/openapi.json")
    assert spec.status_code == 200 and spec.json()["info"]["title"] == "Ortaq"


def test_the_explorer_policy_allows_this_server_only(store: Store) -> None:
    client, _, _ = explorer(store)
    policy = client.get("/api/docs").headers["content-security-policy"]
    directives = dict(
        part.strip().partition(" ")[::2] for part in policy.split(";") if part.strip()
    )
    for name in ("script-src", "style-src", "img-src", "connect-src"):
        sources = directives[name].split()
        assert "'self'" in sources, name
        assert not [s for s in sources if "://" in s or s == "*"], (name, sources)
    assert directives["default-src"] == "'none'"


def test_only_the_known_explorer_files_are_served(store: Store) -> None:
    client, _, _ = explorer(store)
    for name in ("LICENSE", "..%2F__init__.py", "redoc.standalone.js.map", "core.py"):
        assert client.get(f"/api/docs/{name}").status_code == 404, name
