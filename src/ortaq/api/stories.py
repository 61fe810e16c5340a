"""Stories: the same news across members and languages, with provenance.

Stories are kept in the store with global ids, assigned as items arrive, so a story's
id is the same for every caller and stays valid. The caller sees the versions the
access policy lets it read in full; a story with none of them is a 404, exactly like an
unknown id.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query

from ortaq.api.problems import documented
from ortaq.api.security import Caller, get_store
from ortaq.store import Store
from ortaq.store.stories import get_story, list_stories, parse_story_id

router = APIRouter(prefix="/api/v1/stories", tags=["stories"], responses=documented(401, 422, 429))
StoreDep = Annotated[Store, Depends(get_store)]
Cursor = Annotated[
    int | None, Query(ge=1, le=2**62, description="`next_cursor` of the previous page")
]
Limit = Annotated[int, Query(ge=1, le=200)]


@router.get("")
def stories(store: StoreDep, caller: Caller, limit: Limit = 50, cursor: Cursor = None) -> Any:
    """Stories the caller can read, newest first, paged by cursor; each with the latest
    readable version of its items and the copies among them."""
    views = list_stories(store, caller.viewer, limit=limit, before=cursor)
    next_cursor = parse_story_id(views[-1].id) if len(views) == limit else None
    return {
        "stories": [view.to_json() for view in views],
        "count": len(views),
        "next_cursor": next_cursor,
    }


@router.get("/{story_id}", responses=documented(404))
def story(
    store: StoreDep,
    caller: Caller,
    story_id: Annotated[str, Path(max_length=40, pattern=r"^story-\d+$")],
) -> dict[str, Any]:
    """One story and its timeline: first appearance, versions, copies, corrections."""
    view = get_story(store, story_id, caller.viewer)
    if view is None:
        raise HTTPException(404, f"no story {story_id}")
    return {**view.to_json(), "timeline": view.timeline()}
