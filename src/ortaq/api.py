"""The HTTP door: the JSON API under /api/v1 and the web newsroom pages.

Both read through the store's `visible_items`, so one access policy serves every path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from ortaq import __version__
from ortaq.store import Store, StoredItem

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).with_name("web") / "templates"))
PROBLEM = "application/problem+json"


def item_summary(stored: StoredItem) -> dict[str, Any]:
    item = stored.item
    return {
        "id": stored.id,
        "uri": item.uri,
        "version": item.version,
        "provider": item.provider,
        "language": item.language,
        "pubstatus": item.pubstatus,
        "headline": item.headline,
        "versioncreated": item.versioncreated.isoformat() if item.versioncreated else None,
    }


def item_detail(stored: StoredItem) -> dict[str, Any]:
    return {"id": stored.id, **stored.item.to_json(), "ingested_at": stored.ingested_at.isoformat()}


def create_app(store: Store) -> FastAPI:
    app = FastAPI(title="Ortaq", version=__version__, docs_url="/api/docs")

    @app.exception_handler(StarletteHTTPException)
    async def problem(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        body = {"type": "about:blank", "title": str(exc.detail), "status": exc.status_code}
        return JSONResponse(body, status_code=exc.status_code, media_type=PROBLEM)

    @app.get("/healthz")
    def health() -> dict[str, Any]:
        return {"status": "ok", "items": store.count_items()}

    @app.get("/api/v1/items")
    def list_items(
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        cursor: Annotated[
            int | None, Query(ge=1, description="`next_cursor` of the previous page")
        ] = None,
        language: str | None = None,
        provider: str | None = None,
    ) -> dict[str, Any]:
        rows = store.list_items(limit=limit, after_id=cursor, language=language, provider=provider)
        next_cursor = rows[-1].id if len(rows) == limit else None
        return {"items": [item_summary(r) for r in rows], "next_cursor": next_cursor}

    @app.get("/api/v1/items/{item_id}")
    def get_item(item_id: int) -> dict[str, Any]:
        stored = store.get(item_id)
        if stored is None:
            raise HTTPException(404, f"no item {item_id}")
        return item_detail(stored)

    @app.get("/", response_class=HTMLResponse)
    def newsroom(request: Request, language: str | None = None) -> HTMLResponse:
        rows = store.list_items(limit=200, language=language)
        return TEMPLATES.TemplateResponse(
            request,
            "index.html",
            {"items": [r.item for r in rows], "rows": rows, "language": language},
        )

    @app.get("/items/{item_id}", response_class=HTMLResponse)
    def item_page(request: Request, item_id: int) -> HTMLResponse:
        stored = store.get(item_id)
        if stored is None:
            raise HTTPException(404, f"no item {item_id}")
        history = store.history(stored.item.uri)
        return TEMPLATES.TemplateResponse(
            request, "item.html", {"stored": stored, "item": stored.item, "history": history}
        )

    return app
