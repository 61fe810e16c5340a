"""The newsroom's fixtures: a store holding the demo corpus (loaded once per test run,
copied for each test), page clients signed in as a demo user, and for the real-browser
tests the app served by uvicorn on 127.0.0.1 and Debian's chromium driven by Playwright.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from ortaq.api import create_app
from ortaq.chain import default_chain
from ortaq.demo import load_demo
from ortaq.exchange.settings import ExchangeSettings
from ortaq.store import Store
from ortaq.web.assets import node_modules

REPO = Path(__file__).resolve().parents[2]
OUTPUT = REPO / "test-output" / "browser"  # screenshots of the browser tests (git-ignored)
CHROMIUM = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
CHROMIUM_ARGS = [  # without the background-networking flags its connections are refused
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_PASSWORD = "ortaq-demo"  # the demo corpus's public password (src/ortaq/demo)


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the demo corpus, built once per test run."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    store = Store.open(f"sqlite:///{path}")
    load_demo(store, default_chain())
    store.close()
    return path


def copy_store(template: Path, folder: Path) -> Store:
    target = folder / "newsroom.db"
    shutil.copyfile(template, target)
    return Store.open(f"sqlite:///{target}")


def page_settings(**changes: Any) -> ExchangeSettings:
    """Plain-HTTP cookies (the browser talks to 127.0.0.1) and no rate limit."""
    return replace(ExchangeSettings.from_env(), cookie_secure=False, rate_limit=0, **changes)


@pytest.fixture
def demo_store(demo_database: Path, tmp_path: Path) -> Iterator[Store]:
    store = copy_store(demo_database, tmp_path)
    yield store
    store.close()


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None, "the page has no CSRF token"
    return found.group(1)


def sign_in(client: TestClient, username: str, password: str = DEMO_PASSWORD) -> None:
    token = csrf_of(client.get("/login").text)
    form = {"username": username, "password": password, "csrf": token}
    answer = client.post("/login", data=form, follow_redirects=False)
    assert answer.status_code == 303, answer.text


def browser_client(store: Store, username: str | None) -> TestClient:
    """A client that asks for pages as a browser does, signed in as `username`."""
    client = TestClient(create_app(store, page_settings()), base_url="http://testserver")
    client.headers["Accept"] = "text/html,application/xhtml+xml,*/*;q=0.8"
    if username:
        sign_in(client, username)
    return client


@pytest.fixture
def operator(demo_store: Store) -> TestClient:
    return browser_client(demo_store, "admin")


@pytest.fixture
def dala(demo_store: Store) -> TestClient:
    """The Dala Press editor (a member, so the agreements decide what it reads)."""
    return browser_client(demo_store, "dala")


@pytest.fixture
def khaleej(demo_store: Store) -> TestClient:
    return browser_client(demo_store, "khaleej")


# -- the real browser ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class LiveServer:
    base: str  # http://127.0.0.1:<port>
    store: Store  # the store it serves, for tests that add news while a page is open


@pytest.fixture(scope="session")
def live_server(
    demo_database: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The app under real uvicorn on a free port of 127.0.0.1, on a copy of the demo store."""
    store = copy_store(demo_database, tmp_path_factory.mktemp("live"))
    port = free_port()
    config = uvicorn.Config(
        create_app(store, page_settings()), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield LiveServer(f"http://127.0.0.1:{port}", store)
    server.should_exit = True
    thread.join(timeout=10)
    store.close()


def chromium_path() -> str:
    found = next((path for path in CHROMIUM if os.access(path, os.X_OK)), None)
    if found is None:
        message = "Debian's chromium is not installed (apt-get install chromium; .ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="session")
def playwright() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as driver:
        yield driver


SERIOUS = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({id: v.id, impact: v.impact, help: v.help,
                  nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" "))}));
}"""


@dataclass
class Newsroom:
    """A browser tab on the live newsroom: every page it lands on is checked with axe-core
    (no serious or critical violation), and screenshots go to test-output/browser."""

    page: Any
    base: str
    name: str
    audited: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # script errors and failed loads

    def visit(self, path: str) -> Any:
        response = self.page.goto(self.base + path)
        self.audit()
        return response

    def follow(self, locator: Any) -> None:
        """Click a link or button that loads a new page, then check that page."""
        with self.page.expect_navigation():
            locator.click()
        self.audit()

    def audit(self) -> None:
        self.page.wait_for_load_state("load")
        violations = self.page.evaluate(SERIOUS)
        assert violations == [], f"axe-core on {self.page.url}: {violations}"
        self.audited.append(self.page.url)

    def sign_in(self, username: str, password: str = DEMO_PASSWORD) -> None:
        self.visit("/login")
        self.page.get_by_label(re.compile("User name|Пайдаланушы|اسم")).fill(username)
        self.page.locator("#password").fill(password)
        self.follow(self.page.locator("form.stacked button[type=submit]"))

    def shot(self, label: str) -> Path:
        OUTPUT.mkdir(parents=True, exist_ok=True)
        path = OUTPUT / f"{self.name}-{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def newsroom(
    playwright: Any, live_server: LiveServer, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Newsroom]:
    """A fresh chromium profile per test (its own cookies), axe-core injected into every
    page (an init script, which the pages' CSP does not apply to), a screenshot of the last
    page when the test ends (pass or fail); a script error or a CSP violation fails it."""
    axe = node_modules() / "axe-core" / "axe.min.js"
    if not axe.is_file():
        pytest.fail(f"axe-core is not installed ({axe}): run `make` or `npm ci`")
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=chromium_path(),
        args=CHROMIUM_ARGS,
        headless=True,
        viewport={"width": 1280, "height": 900},
    )
    context.add_init_script(path=str(axe))
    context.set_default_timeout(15_000)
    page = context.pages[0] if context.pages else context.new_page()
    tab = Newsroom(page, live_server.base, request.node.name)
    errors = tab.errors
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(  # the pages' CSP allows no inline script or style: a violation is a bug
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    try:
        yield tab
        assert errors == [], f"script errors in the page: {errors}"
    finally:
        tab.shot("end")
        context.close()
