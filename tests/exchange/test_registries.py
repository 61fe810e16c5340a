"""Production registries hold production adapters only, and every API module's routes
are served: test doubles live in tests/ and a broken router module fails loudly."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import ortaq
import ortaq.api
from ortaq.api import create_app
from ortaq.exchange import poller, webhooks
from ortaq.exchange.settings import ExchangeSettings
from ortaq.store import Store

SOURCE = Path(ortaq.__file__).parent
DOUBLE = re.compile(r"Fake|Stub|Dummy|Mock|InMemory|Memory|Recording|Canned|Scripted")


def test_feed_and_webhook_registries_hold_the_http_adapters_only() -> None:
    settings = ExchangeSettings.from_env()
    fetchers, transports = poller.default_fetchers(settings), webhooks.default_transports(settings)
    assert fetchers.names() == ["http"] and transports.names() == ["http"]
    assert [type(a) for a in fetchers] == [poller.HttpFetcher]
    assert [type(a) for a in transports] == [webhooks.HttpTransport]


def test_no_test_double_is_defined_in_the_package() -> None:
    doubles = []
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and DOUBLE.search(node.name):
                doubles.append(f"{path.relative_to(SOURCE)}:{node.name}")
    assert doubles == []


def test_every_api_router_module_is_served(store: Store) -> None:
    app = create_app(store)
    # FastAPI keeps each included router as one route that wraps it.
    served = [getattr(route, "original_router", None) for route in app.routes]
    modules = [
        importlib.import_module(f"ortaq.api.{info.name}")
        for info in pkgutil.iter_modules(ortaq.api.__path__)
    ]
    routers = [m for m in modules if hasattr(m, "router")]
    assert len(routers) >= 10
    missing = [m.__name__ for m in routers if not any(m.router is r for r in served)]
    assert missing == []
