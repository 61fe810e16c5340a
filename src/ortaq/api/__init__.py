"""The HTTP door: the JSON API under /api/v1 (OpenAPI at /api/openapi.json) and the web
newsroom pages. Every item read goes through the store with the caller as viewer, so one
access policy serves every path.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, FastAPI

from ortaq import __version__
from ortaq.api import (
    admin,
    agreements,
    audit_log,
    cooperation,
    desk,
    feeds,
    items,
    members,
    newsroom,
    problems,
    publish,
    reviews,
    sources,
    stories,
    tokens,
    users,
    web,
    webhooks,
)
from ortaq.api.security import RateLimiter, SecurityHeaders, SizeLimit, plain_query
from ortaq.api.serialize import item_detail, item_summary
from ortaq.chain import Chain, default_chain
from ortaq.exchange.outputs import default_outputs
from ortaq.exchange.settings import ExchangeSettings
from ortaq.store import Store
from ortaq.store.outbox import worker_status

__all__ = ["create_app", "item_detail", "item_summary"]
ROUTERS = (
    items,
    members,
    users,
    tokens,
    agreements,
    feeds,
    audit_log,
    cooperation,
    stories,
    webhooks,
    sources,
    reviews,
)


def create_app(
    store: Store, settings: ExchangeSettings | None = None, chain: Chain | None = None
) -> FastAPI:
    settings = settings or ExchangeSettings.from_env()
    app = FastAPI(
        title="Ortaq",
        version=__version__,
        docs_url=None,  # ortaq.api.web serves /api/docs with its own CSP
        redoc_url=None,
        openapi_url="/api/openapi.json",
        description="News exchange between partner media: every read applies the agreements.",
        dependencies=[Depends(plain_query)],
    )
    app.state.store = store
    app.state.settings = settings
    app.state.chain = chain or default_chain(settings.max_request_bytes)
    app.state.outputs = default_outputs()
    app.state.rate_limiter = RateLimiter(settings.rate_limit)
    app.add_middleware(SizeLimit, limit=settings.max_request_bytes, own_limit=items.BOUNDED_UPLOADS)
    app.add_middleware(SecurityHeaders)  # last added runs first: its 413s get headers too
    problems.install(app, page=web.error_page, wants_page=web.wants_page)
    app.add_exception_handler(web.SignedOut, web.to_sign_in)

    @app.get("/healthz", tags=["health"])
    def health() -> dict[str, Any]:
        """Liveness, the item count, and the worker: each job's last run, the webhook
        queue (pending, sending, dead) and the feeds' health; errors as categories only,
        and no host names (anyone may ask)."""
        worker = worker_status(store, hosts=False)
        return {"status": "ok", "items": store.count_items(), "worker": worker}

    for module in ROUTERS:
        app.include_router(module.router)
    app.include_router(web.router)
    app.include_router(newsroom.router)
    app.include_router(publish.router)
    app.include_router(desk.router)
    app.include_router(admin.router)
    return app
