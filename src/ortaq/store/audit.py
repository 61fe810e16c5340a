"""The audit log: who read, exported or changed what, and when.

Every API read writes a row here, so on a busy server these are most of the writes.
Concurrent records of one store are written together (`_GroupCommit`): one transaction
for all the rows waiting, instead of one each queueing for SQLite's single write lock
(whose busy wait sleeps up to 100 ms at a time). A record still returns only once its row
is committed, so a response never goes out with its audit row unwritten.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

import sqlalchemy as sa

from ortaq.store import schema
from ortaq.store.store import Store


def record(
    store: Store,
    actor: str,
    action: str,
    target: str,
    *,
    member: str | None = None,
    **detail: Any,
) -> None:
    """Write one audit row; returns once it is committed (raises if the write failed)."""
    row = {
        "at": store.clock(),
        "actor": actor[:200],
        "member": member,
        "action": action,
        "target": target[:1000],
        "detail": detail,
    }
    _group_commit(store).write(row)


@dataclass
class _Pending:
    row: dict[str, Any]
    done: bool = False
    error: BaseException | None = None


class _GroupCommit:
    """Rows recorded at the same time go in one transaction (group commit).

    No thread of its own: the first caller that finds no write under way writes every
    row waiting (its own included) while later callers wait; when it is done, one of
    those that arrived meanwhile writes the next group. Rows keep the order recorded.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._changed = threading.Condition()
        self._waiting: list[_Pending] = []
        self._writing = False

    def write(self, row: dict[str, Any]) -> None:
        mine = _Pending(row)
        group: list[_Pending] = []
        with self._changed:
            self._waiting.append(mine)
            while self._writing and not mine.done:
                self._changed.wait()
            if not mine.done:  # nobody is writing: write the group, this row included
                group, self._waiting = self._waiting, []
                self._writing = True
        if group:
            self._commit(group)
        if mine.error is not None:
            raise mine.error

    def _commit(self, group: list[_Pending]) -> None:
        try:
            self._insert(group)
        except Exception as failed:
            if len(group) == 1:
                group[0].error = failed
            else:  # one bad row must not fail the others: each alone, its own error
                for pending in group:
                    try:
                        self._insert([pending])
                    except Exception as alone:
                        pending.error = alone
        finally:
            with self._changed:
                for pending in group:
                    pending.done = True
                self._writing = False
                self._changed.notify_all()

    def _insert(self, group: list[_Pending]) -> None:
        with self.store.engine.begin() as conn:
            conn.execute(schema.audit_log.insert(), [p.row for p in group])


_groups: WeakKeyDictionary[Store, _GroupCommit] = WeakKeyDictionary()
_groups_lock = threading.Lock()


def _group_commit(store: Store) -> _GroupCommit:
    with _groups_lock:
        found = _groups.get(store)
        if found is None:
            found = _groups[store] = _GroupCommit(store)
        return found


def entries(
    store: Store, *, member: str | None = None, limit: int = 100, after_id: int | None = None
) -> list[dict[str, Any]]:
    """Newest first, paged by id."""
    log = schema.audit_log
    query = sa.select(log).order_by(log.c.id.desc()).limit(limit)
    if member is not None:
        query = query.where(log.c.member == member)
    if after_id is not None:
        query = query.where(log.c.id < after_id)
    with store.engine.connect() as conn:
        return [{**row, "at": row["at"].isoformat()} for row in conn.execute(query).mappings()]
