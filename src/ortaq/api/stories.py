"""Stories: the same news across members and languages, with provenance.

Built from the items the caller may read in full (the store applies the policy), so a
partner's stories never include an item it may not see.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path

from ortaq.api.problems import documented
from ortaq.api.security import Caller, get_store
from ortaq.store import Store
from ortaq.stories.desk import stories, story_timeline

router = APIRouter(prefix="/api/v1/stories", tags=["stories"], responses=documented(401, 422, 429))
StoreDep = Annotated[Store, Depends(get_store)]


@router.get("")
def list_stories(store: StoreDep, caller: Caller) -> dict[str, Any]:
    """Every story the caller can read, oldest first, with its items and copies."""
    views = stories(store, viewer=caller.viewer)
    return {"stories": [view.to_json() for view in views], "count": len(views)}


@router.get("/{story_id}", responses=documented(404))
def get_story(
    store: StoreDep,
    caller: Caller,
    story_id: Annotated[str, Path(max_length=40, pattern=r"^story-\d+$")],
) -> dict[str, Any]:
    """One story and its timeline: first appearance, versions, copies, corrections."""
    for view in stories(store, viewer=caller.viewer):
        if view.id == story_id:
            return {**view.to_json(), "timeline": story_timeline(store, view, caller.viewer)}
    raise HTTPException(404, f"no story {story_id}")
