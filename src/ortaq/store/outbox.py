"""The store as an outbox: claims on due rows, their leases, and the worker's record.

Webhook deliveries and feed polls are rows that come due. A worker claims a batch of due
rows before it works on them, so two workers (processes or machines) never work on the
same row at once, and a delivery attempt is sent by one worker only:

* PostgreSQL: `SELECT ... FOR UPDATE SKIP LOCKED` picks due rows that no other claim is
  taking, and the same transaction marks them claimed.
* SQLite: one conditional UPDATE marks due rows claimed. SQLite runs one writer at a
  time and the UPDATE tests "due" under the write lock, so a row another process
  claimed first is no longer due; RETURNING says which rows this claim got.

A claim is a lease: `lease_owner` (unique per claim) and `lease_until`. The worker renews
it while it works through the batch, clears it as each row is finished (only if it still
holds it), and releases the rows it has not started when it stops. A worker that dies
leaves leases that run out; those rows are then due again: delivery is at least once.

All SQL of the worker lives here (apart from what webhooks and the poller already did).
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement

from ortaq.store import schema
from ortaq.store.store import Store


@dataclass(frozen=True)
class Outbox:
    """A table whose rows come due, and what claiming and releasing a row sets."""

    name: str
    table: sa.Table
    due: Callable[[datetime], ColumnElement[bool]]  # claimable at this time
    order: tuple[sa.Column[Any], ...]  # longest-waiting first
    claimed: Mapping[str, Any] = field(default_factory=dict)
    released: Mapping[str, Any] = field(default_factory=dict)


def _delivery_due(now: datetime) -> ColumnElement[bool]:
    t = schema.webhook_deliveries
    return sa.or_(
        sa.and_(t.c.status == "pending", t.c.next_attempt_at <= now),
        sa.and_(t.c.status == "sending", t.c.lease_until < now),  # its worker died
    )


def _feed_due(now: datetime) -> ColumnElement[bool]:
    t = schema.feed_sources
    return sa.and_(
        t.c.active,
        t.c.next_poll_at <= now,
        sa.or_(t.c.lease_until.is_(None), t.c.lease_until < now),
    )


DELIVERIES = Outbox(
    "webhook deliveries",
    schema.webhook_deliveries,
    _delivery_due,
    (schema.webhook_deliveries.c.next_attempt_at, schema.webhook_deliveries.c.id),
    claimed={"status": "sending"},
    released={"status": "pending"},
)
FEEDS = Outbox(
    "feed sources",
    schema.feed_sources,
    _feed_due,
    (schema.feed_sources.c.next_poll_at, schema.feed_sources.c.id),
)


def worker_name() -> str:
    """This process, as leases and the job record name it: host:pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Claiming:
    """How a run claims rows: as which worker, for how long, and when to stop."""

    worker: str = field(default_factory=worker_name)
    lease: timedelta = timedelta(minutes=5)
    per_row: timedelta = timedelta(minutes=1)  # the longest one row may take
    stop: Callable[[], bool] = lambda: False  # set on shutdown: finish the row, release the rest


@dataclass
class Claim:
    """Rows one claim holds; `hold` before working on a row, `finish` it after."""

    store: Store
    outbox: Outbox
    owner: str
    until: datetime
    lease: timedelta
    per_row: timedelta
    ids: list[int]
    open: set[int] = field(default_factory=set)  # held and not yet finished

    def hold(self, row_id: int) -> bool:
        """Whether this claim still holds the row for as long as a row may take; a lease
        running short is renewed first (a lease that ran out may be another's now)."""
        if row_id not in self.open:
            return False
        now = self.store.clock()
        if self.until - now < self.per_row:
            self.until = now + self.lease
            self.open = renew(self.store, self.outbox, self.owner, self.open, self.until)
        return row_id in self.open

    def finish(self, row_id: int, values: Mapping[str, Any]) -> bool:
        """Write the row's outcome and clear its lease, if this claim still holds it."""
        self.open.discard(row_id)
        return finish(self.store, self.outbox, row_id, self.owner, values)

    def release_rest(self) -> int:
        """Give back every row not finished (shutdown): due again at once, for anyone."""
        released = release(self.store, self.outbox, self.owner, self.open)
        self.open.clear()
        return released


def claim(store: Store, outbox: Outbox, claiming: Claiming, limit: int) -> Claim:
    """Claim up to `limit` due rows, longest-waiting first."""
    table, now = outbox.table, store.clock()
    owner = f"{claiming.worker}#{secrets.token_hex(4)}"
    until = now + claiming.lease
    values = {**outbox.claimed, "lease_owner": owner, "lease_until": until}
    due = outbox.due(now)
    pick = sa.select(table.c.id).where(due).order_by(*outbox.order).limit(max(0, limit))
    with store.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            locked = pick.with_for_update(skip_locked=True)
            ids = list(conn.execute(locked).scalars())
            if ids:
                conn.execute(table.update().where(table.c.id.in_(ids)).values(**values))
        else:
            # `due` again in the UPDATE itself: tested under the write lock.
            marked = table.update().where(table.c.id.in_(pick), due).values(**values)
            ids = list(conn.execute(marked.returning(table.c.id)).scalars())
    return Claim(store, outbox, owner, until, claiming.lease, claiming.per_row, ids, set(ids))


def claimed_rows(store: Store, claim: Claim, query: sa.Select[Any]) -> list[Any]:
    """`query` (a select from the outbox table) narrowed to the claim's rows, in order."""
    table = claim.outbox.table
    if not claim.ids:
        return []
    narrowed = query.where(table.c.id.in_(claim.ids), table.c.lease_owner == claim.owner)
    with store.engine.connect() as conn:
        return list(conn.execute(narrowed.order_by(*claim.outbox.order)).mappings())


def renew(
    store: Store, outbox: Outbox, owner: str, ids: Iterable[int], until: datetime
) -> set[int]:
    """Extend the lease on the rows still held; returns those."""
    table, wanted = outbox.table, list(ids)
    if not wanted:
        return set()
    held = table.c.id.in_(wanted), table.c.lease_owner == owner
    with store.engine.begin() as conn:
        renewed = table.update().where(*held).values(lease_until=until).returning(table.c.id)
        return set(conn.execute(renewed).scalars())


def finish(
    store: Store, outbox: Outbox, row_id: int, owner: str | None, values: Mapping[str, Any]
) -> bool:
    """Write a row's outcome and clear its lease, only while `owner` holds it (a worker
    whose lease ran out must not overwrite what the next worker did)."""
    table = outbox.table
    done = {**values, "lease_owner": None, "lease_until": None}
    with store.engine.begin() as conn:
        query = table.update().where(table.c.id == row_id, table.c.lease_owner == owner)
        return bool(conn.execute(query.values(**done)).rowcount == 1)


def release(store: Store, outbox: Outbox, owner: str, ids: Iterable[int]) -> int:
    """Give back claimed rows not started: due again at once, their attempt not counted."""
    table, wanted = outbox.table, list(ids)
    if not wanted:
        return 0
    values = {**outbox.released, "lease_owner": None, "lease_until": None}
    with store.engine.begin() as conn:
        query = table.update().where(table.c.id.in_(wanted), table.c.lease_owner == owner)
        return int(conn.execute(query.values(**values)).rowcount)


# -- the worker's record: what each job did last --------------------------------------------


def record_start(
    store: Store, job: str, worker: str, started: datetime, next_run: datetime | None
) -> None:
    """A job run began (one row per job: the last run of any worker)."""
    table = schema.worker_jobs
    row = {
        "job": job,
        "worker": worker,
        "runs": 1,
        "last_started_at": started,
        "next_run_at": next_run,
        "last_report": {},
    }
    changed = {
        "worker": worker,
        "runs": table.c.runs + 1,
        "last_started_at": started,
        "next_run_at": next_run,
    }
    with store.engine.begin() as conn:
        insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
        upsert = insert(table).values(**row)
        conn.execute(upsert.on_conflict_do_update(index_elements=["job"], set_=changed))


def record_end(
    store: Store,
    job: str,
    finished: datetime,
    report: Mapping[str, Any],
    *,
    ok: bool,
    error: str | None,
) -> None:
    """A job run ended: its report; `ok` unless the job failed as a whole; `error` is the
    category of the last failure it saw (kept until a later failure replaces it)."""
    table = schema.worker_jobs
    values: dict[str, Any] = {"last_finished_at": finished, "last_report": dict(report)}
    if ok:
        values["last_ok_at"] = finished
    if error:
        values |= {"last_error": error, "last_error_at": finished}
    with store.engine.begin() as conn:
        conn.execute(table.update().where(table.c.job == job).values(**values))


LATE = timedelta(minutes=1)  # a job whose next run is this overdue has no worker running it


def worker_status(store: Store, *, hosts: bool = True) -> dict[str, Any]:
    """The jobs' last runs, the webhook queue and the feeds' health, as JSON values;
    without `hosts`, which worker (host:pid) ran a job is left out (public /healthz)."""
    now = store.clock()
    jobs = _jobs(store, now)
    if not hosts:
        for job in jobs.values():
            del job["worker"]
    return {
        "jobs": jobs,
        "webhooks": _delivery_counts(store, now),
        "feeds": _feed_counts(store, now),
    }


def _jobs(store: Store, now: datetime) -> dict[str, Any]:
    table = schema.worker_jobs
    with store.engine.connect() as conn:
        rows = list(conn.execute(sa.select(table).order_by(table.c.job)).mappings())
    jobs = {}
    for row in rows:
        finished, started, next_run = (
            row["last_finished_at"],
            row["last_started_at"],
            row["next_run_at"],
        )
        jobs[row["job"]] = {
            **{k: _json(v) for k, v in row.items() if k != "job"},
            "running": finished is None or finished < started,
            "late": next_run is not None and next_run + LATE < now,
        }
    return jobs


def _delivery_counts(store: Store, now: datetime) -> dict[str, int]:
    t = schema.webhook_deliveries
    waiting = ("pending", "sending", "dead")
    count = sa.func.count()
    by_status = sa.select(t.c.status, count).where(t.c.status.in_(waiting)).group_by(t.c.status)
    due = sa.select(count).where(t.c.status == "pending", t.c.next_attempt_at <= now)
    expired = sa.select(count).where(t.c.status == "sending", t.c.lease_until < now)
    with store.engine.connect() as conn:
        counts = {status: int(n) for status, n in conn.execute(by_status)}
        counts["due"] = int(conn.execute(due).scalar() or 0)
        counts["expired_leases"] = int(conn.execute(expired).scalar() or 0)
    return {name: counts.get(name, 0) for name in (*waiting, "due", "expired_leases")}


def _feed_counts(store: Store, now: datetime) -> dict[str, int]:
    t = schema.feed_sources
    count = sa.func.count()
    with store.engine.connect() as conn:
        active = conn.execute(sa.select(count).where(t.c.active)).scalar()
        failing = conn.execute(sa.select(count).where(t.c.active, t.c.failures > 0)).scalar()
        due = conn.execute(sa.select(count).where(_feed_due(now))).scalar()
    return {"active": int(active or 0), "failing": int(failing or 0), "due": int(due or 0)}


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
