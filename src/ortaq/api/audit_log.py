"""The audit log: operators see all of it, a member's admins their member's part."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from ortaq.api.problems import documented
from ortaq.api.security import Caller, get_store, is_operator, require_member_role
from ortaq.exchange import audit
from ortaq.store import Store

router = APIRouter(prefix="/api/v1/audit", tags=["audit"], responses=documented(401, 403, 422, 429))


@router.get("")
def entries(
    store: Annotated[Store, Depends(get_store)],
    caller: Caller,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[int | None, Query(ge=1, le=2**62)] = None,
) -> dict[str, Any]:
    member = None
    if not is_operator(caller):
        require_member_role(caller, caller.user.member, "admin")
        member = caller.user.member
    rows = audit.entries(store, member=member, limit=limit, after_id=cursor)
    return {"entries": rows, "next_cursor": rows[-1]["id"] if len(rows) == limit else None}
