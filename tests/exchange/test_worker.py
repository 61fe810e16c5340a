"""`ortaq worker`: claims on due rows, the run loop, and real worker processes against
feeds and webhook receivers on 127.0.0.1 (SQLite files and a throw-away PostgreSQL)."""

from __future__ import annotations

import json
import re
import signal
import socket
import threading
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from alembic import command
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ortaq.api import create_app
from ortaq.cli import app
from ortaq.exchange import poller, webhooks
from ortaq.exchange.agreements import Agreement, save_agreement
from ortaq.exchange.worker import (
    JobResult,
    ReprocessJob,
    Stop,
    Worker,
    WorkerSettings,
    default_jobs,
)
from ortaq.model import Item
from ortaq.registry import Registry
from ortaq.store import Store, outbox, schema
from ortaq.store import webhooks as stored_webhooks
from ortaq.store.migrate import alembic_config, upgrade
from ortaq.store.store import create_engine_for
from ortaq.viewer import OPERATOR
from tests.exchange.helpers import T0, Clock, add_members, wipe
from tests.exchange.outbound_support import MemoryTransport, legacy_row, local_settings
from tests.exchange.servers import Recorded, serve
from tests.exchange.worker_support import PATIENCE, ortaq, wait_until

LOCAL = local_settings()  # the explicit allow setting: these servers run on 127.0.0.1
DELIVERIES = schema.webhook_deliveries

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Partner</title><link>http://example.org/</link>
<description>d</description>
<item><title>Caspian ferry line adds a second weekly crossing</title>
<link>http://example.org/ferry</link><guid>urn:partner:ferry</guid>
<pubDate>Tue, 23 Jun 2026 09:00:00 GMT</pubDate>
<description>The ferry line between the two ports will run twice a week from July.</description>
</item></channel></rss>"""


def _partners(store: Store) -> None:
    """ma publishes, mb receives under an active agreement."""
    add_members(store, ("ma", "mb"))
    save_agreement(store, Agreement.between("ab", "A and B", ["ma", "mb"], status="active"))


def _item(n: int) -> Item:
    return Item(
        uri=f"urn:ma:{n}", headline=f"Item {n}", body=[f"Text {n}."], language="en", provider="ma"
    )


def _deliveries(store: Store) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(DELIVERIES).order_by(DELIVERIES.c.id)).mappings()
        return [dict(row) for row in rows]


def _statuses(store: Store) -> Counter[str]:
    return Counter(row["status"] for row in _deliveries(store))


def _delivery(store: Store, webhook_id: int, **values: Any) -> int:
    row = {"webhook_id": webhook_id, "event": "publish", "uri": "urn:x", "status": "pending",
           "attempts": 0, "next_attempt_at": T0, "created_at": T0}  # fmt: skip
    with store.engine.begin() as conn:
        key = conn.execute(DELIVERIES.insert().values(**(row | values))).inserted_primary_key
    assert key is not None
    return int(key[0])


def _pending(store: Store, webhook_id: int, offsets: list[int]) -> list[int]:
    """Pending deliveries due `offset` minutes from T0."""
    return [
        _delivery(store, webhook_id, next_attempt_at=T0 + timedelta(minutes=offset))
        for offset in offsets
    ]


# -- claims ------------------------------------------------------------------------------

STATUSES = ("pending", "sending", "delivered", "dead", "skipped")
ROWS = st.lists(
    st.tuples(st.sampled_from(STATUSES), st.integers(-3, 3), st.integers(-3, 3)), max_size=12
)


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS, limit=st.integers(1, 5))
def test_claims_take_due_rows_longest_waiting_first_and_never_twice(
    store: Store, rows: list[tuple[str, int, int]], limit: int
) -> None:
    """A claim takes the first `limit` due rows (pending and due, or sending with a lease
    that ran out) in (next attempt, id) order; a second claim never takes the same row;
    released rows are due again."""
    wipe(store)
    store.clock = Clock()
    hook = legacy_row(store, schema.webhooks, member="mb", url="http://93.184.215.14/")
    due = []
    for status, next_in, lease_in in rows:
        sending = status == "sending"
        if sending:  # a row is claimed when it is due: its next attempt is not in the future
            next_in = min(next_in, 0)
        next_at, lease = T0 + timedelta(minutes=next_in), T0 + timedelta(minutes=lease_in)
        row_id = _delivery(
            store, hook, status=status, next_attempt_at=next_at,
            lease_owner="gone" if sending else None, lease_until=lease if sending else None,
        )  # fmt: skip
        if (status == "pending" and next_in <= 0) or (status == "sending" and lease_in < 0):
            due.append((next_in, row_id))
    order = [row_id for _, row_id in sorted(due)]
    first = outbox.claim(store, outbox.DELIVERIES, outbox.Claiming("a"), limit)
    second = outbox.claim(store, outbox.DELIVERIES, outbox.Claiming("b"), limit)
    assert set(first.ids) == set(order[:limit])
    assert set(second.ids) == set(order[limit : 2 * limit])
    claimed = {r["id"]: r for r in _deliveries(store) if r["id"] in first.ids}
    assert all(
        r["status"] == "sending" and r["lease_owner"] == first.owner for r in claimed.values()
    )
    assert first.release_rest() == len(first.ids)
    again = outbox.claim(store, outbox.DELIVERIES, outbox.Claiming("c"), len(rows) + 1)
    assert set(again.ids) == set(order) - set(second.ids)


def test_a_claim_renews_its_lease_before_it_runs_short(store: Store) -> None:
    clock = Clock()
    store.clock = clock
    hook = legacy_row(store, schema.webhooks, member="mb", url="http://93.184.215.14/")
    [row_id] = _pending(store, hook, [0])
    claiming = outbox.Claiming("w", lease=timedelta(minutes=5), per_row=timedelta(minutes=1))
    claim = outbox.claim(store, outbox.DELIVERIES, claiming, 10)
    clock.advance(minutes=4, seconds=30)  # 30 s left: less than a row may take
    assert claim.hold(row_id)
    [row] = _deliveries(store)
    assert row["lease_until"] == clock.now + timedelta(minutes=5)
    clock.advance(minutes=2)  # past the first lease, within the renewed one
    assert outbox.claim(store, outbox.DELIVERIES, outbox.Claiming("other"), 10).ids == []


def test_a_claim_whose_lease_ran_out_writes_nothing(store: Store) -> None:
    """A worker that was too slow must not overwrite what the next worker did."""
    clock = Clock()
    store.clock = clock
    hook = legacy_row(store, schema.webhooks, member="mb", url="http://93.184.215.14/")
    [row_id] = _pending(store, hook, [0])
    slow = outbox.Claiming("slow", lease=timedelta(minutes=1), per_row=timedelta(seconds=1))
    first = outbox.claim(store, outbox.DELIVERIES, slow, 10)
    clock.advance(minutes=2)
    second = outbox.claim(store, outbox.DELIVERIES, outbox.Claiming("next"), 10)
    assert first.ids == second.ids == [row_id]
    assert not first.hold(row_id)  # renewing finds the row held by another claim
    assert not outbox.finish(store, outbox.DELIVERIES, row_id, first.owner, {"status": "dead"})
    assert second.finish(row_id, {"status": "delivered"})
    [row] = _deliveries(store)
    assert (row["status"], row["lease_owner"], row["lease_until"]) == ("delivered", None, None)


def test_stopping_before_a_delivery_releases_the_whole_claim(store: Store) -> None:
    store.clock = Clock()
    _partners(store)
    webhooks.add_webhook(store, "mb", "http://93.184.215.14/unused")  # never contacted
    for n in range(3):
        store.save(_item(n))
    webhooks.fan_out(store)
    transport = MemoryTransport()
    report = webhooks.deliver_due(
        store, transport, claiming=outbox.Claiming("w", stop=lambda: True)
    )
    assert (report.claimed, report.released, transport.sent) == (3, 3, [])
    rows = _deliveries(store)
    assert {(r["status"], r["attempts"], r["lease_owner"]) for r in rows} == {("pending", 0, None)}


def test_fan_out_from_a_stale_cursor_queues_nothing_twice(store: Store) -> None:
    """Two workers fanning out at once both read the cursor; only one moves it."""
    store.clock = Clock()
    _partners(store)
    hook, _ = webhooks.add_webhook(store, "mb", "http://93.184.215.14/unused")
    store.save(_item(1))
    store.save(_item(2))
    stale = hook["last_event_id"]
    assert stored_webhooks.fan_out_one(store, hook["id"], stale, T0) == 2
    assert stored_webhooks.fan_out_one(store, hook["id"], stale, T0) == 0
    assert webhooks.fan_out(store) == 0
    assert len(_deliveries(store)) == 2


def test_replay_leaves_a_delivery_being_sent_alone(store: Store) -> None:
    store.clock = Clock()
    hook = legacy_row(store, schema.webhooks, member="mb", url="http://93.184.215.14/")
    [row_id] = _pending(store, hook, [0])
    outbox.claim(store, outbox.DELIVERIES, outbox.Claiming("w"), 1)
    assert not webhooks.replay(store, row_id)  # it would go out twice
    assert _deliveries(store)[0]["status"] == "sending"


# -- the run loop -------------------------------------------------------------------------


class Counting:
    def __init__(self, name: str, fail: bool = False) -> None:
        self.name, self.fail, self.interval, self.runs = name, fail, 0.05, 0

    def run(self, stop: Stop) -> JobResult:
        self.runs += 1
        if self.fail:
            raise RuntimeError("a bug inside a job, with internal detail: 10.0.0.5:5432")
        return JobResult({"done": 1})

    def __call__(self, store: Store, stop: Stop) -> int:  # as a re-processing hook
        return self.run(stop).counts["done"]


def test_a_failing_job_is_recorded_and_the_other_jobs_run(sqlite_store: Store) -> None:
    boom, fine = Counting("boom", fail=True), Counting("fine")
    worker = Worker(sqlite_store, Registry("job", [boom, fine]), name="test:1")
    results = worker.run_once()
    assert results == {"boom": None, "fine": JobResult({"done": 1})}
    jobs = outbox.worker_status(sqlite_store)["jobs"]
    assert jobs["boom"]["last_error"] == "internal_error" and jobs["boom"]["last_ok_at"] is None
    assert "10.0.0.5" not in json.dumps(jobs)  # the detail goes to the log only
    assert jobs["fine"]["last_report"] == {"done": 1} and jobs["fine"]["last_ok_at"] is not None
    assert {job["worker"] for job in jobs.values()} == {"test:1"}


class Hook:
    def __init__(self, name: str, changed: int | None) -> None:
        self.name, self.changed, self.calls = name, changed, 0

    def run(self, store: Store, stop: Stop) -> int:
        self.calls += 1
        if self.changed is None:
            raise RuntimeError("a broken re-processing hook")
        return self.changed


def test_reprocess_runs_every_hook_and_one_failing_does_not_stop_the_next(
    sqlite_store: Store,
) -> None:
    hooks = [Hook("broken", None), Hook("dates", 3), Hook("places", 2)]
    job = ReprocessJob(sqlite_store, Registry("re-processing hook", hooks), interval=60)
    result = job.run(lambda: False)
    assert result == JobResult({"hooks": 3, "changed": 5, "failed": 1}, "internal_error")
    assert [hook.calls for hook in hooks] == [1, 1, 1]
    assert job.run(lambda: True).counts["hooks"] == 0  # stopping: no hook starts


def test_the_scheduler_runs_jobs_until_stopped(sqlite_store: Store) -> None:
    job = Counting("tick")
    worker = Worker(sqlite_store, Registry("job", [job]))
    worker.start()
    try:
        wait_until("the job runs twice", lambda: job.runs >= 2)
    finally:
        worker.stop()
    runs = job.runs
    status = outbox.worker_status(sqlite_store)["jobs"]["tick"]
    assert status["runs"] == runs and not status["running"]
    assert status["next_run_at"] is not None  # the scheduler's next run, for "late"
    worker.stopping.wait(0.3)  # (already set) give a stray run the chance to show up
    assert job.runs == runs


NUMBERS = st.text(max_size=6) | st.integers(-3, 10**6).map(str) | st.floats().map(str)


@given(count=NUMBERS, seconds=NUMBERS)
def test_worker_settings_take_positive_numbers_and_name_a_bad_one(count: str, seconds: str) -> None:
    """Whatever the text: a positive value, or a ValueError naming the variable (never
    another error, never zero, a negative, infinity or NaN)."""
    env = {"ORTAQ_WORKER_BATCH_SIZE": count, "ORTAQ_WORKER_LEASE_SECONDS": seconds}
    try:
        whole = int(count) > 0
    except ValueError:
        whole = False
    try:
        finite = 0 < float(seconds) < float("inf")
    except ValueError:
        finite = False
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("os.environ", env)
        if whole and finite:
            parsed = WorkerSettings.from_env()
            assert (parsed.batch_size, parsed.lease_seconds) == (int(count), float(seconds))
        else:
            name = "ORTAQ_WORKER_BATCH_SIZE" if not whole else "ORTAQ_WORKER_LEASE_SECONDS"
            with pytest.raises(ValueError, match=name):
                WorkerSettings.from_env()


def test_a_lease_shorter_than_two_polls_is_refused(sqlite_store: Store) -> None:
    with pytest.raises(ValueError, match="ORTAQ_WORKER_LEASE_SECONDS"):
        default_jobs(sqlite_store, lambda: None, WorkerSettings(lease_seconds=10), LOCAL)  # type: ignore[arg-type, return-value]


# -- real worker processes ----------------------------------------------------------------


def test_a_worker_process_polls_a_feed_and_delivers_the_item_signed_after_a_500(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Feeds in and webhooks out in one run of `ortaq worker`: the partner feed's item is
    ingested through the chain, then POSTed to the receiving member; the first POST gets
    a 500 and is retried with backoff; /healthz and `ortaq worker status` show it."""
    url = f"sqlite:///{tmp_path / 'ortaq.db'}"
    store = Store.open(url)
    _partners(store)
    answers = iter([500])

    def receive(request: Recorded) -> tuple[int, dict[str, str], bytes]:
        return next(answers, 200), {}, b""

    with serve() as feed, serve() as receiver:
        feed.respond = lambda r: (200, {"Content-Type": "application/rss+xml"}, RSS)
        receiver.respond = receive
        guard = LOCAL.outbound_guard()
        poller.add_source(store, "ma", feed.url + "/feed.xml", guard=guard)
        _, secret = webhooks.add_webhook(store, "mb", receiver.url + "/hook", guard)
        with ortaq("worker", database_url=url, log=tmp_path / "worker.log") as worker:
            wait_until("the receiver accepts the item", lambda: _statuses(store)["delivered"] == 1)
            worker.signal(signal.SIGTERM)
            assert worker.wait() == 0, worker.output()
    [item] = store.list_items(provider="ma", viewer=OPERATOR)
    assert item.item.headline == "Caspian ferry line adds a second weekly crossing"
    assert feed.requests and all(r.path == "/feed.xml" for r in feed.requests)
    [delivery] = _deliveries(store)
    assert (delivery["status"], delivery["attempts"]) == ("delivered", 2)
    first, second = receiver.requests
    assert first.body == second.body  # the same attempt's payload, sent again
    assert {r.headers["X-Ortaq-Delivery"] for r in receiver.requests} == {str(delivery["id"])}
    assert all(
        webhooks.verify(secret, r.body, r.headers["X-Ortaq-Signature"]) for r in (first, second)
    )
    body = json.loads(second.body)
    assert body["event"] == "publish"
    assert body["item"]["headlines"][0]["value"] == item.item.headline

    monkeypatch.setenv("ORTAQ_DATABASE_URL", url)
    shown = CliRunner().invoke(app, ["worker", "status", "--json"])
    assert shown.exit_code == 0, shown.output
    status = json.loads(shown.stdout)
    assert set(status["jobs"]) == {"feeds", "webhooks", "reprocess"}
    assert status["jobs"]["webhooks"]["last_error"] == "http_500"
    assert status["jobs"]["feeds"]["last_error"] is None
    assert not any(job["running"] for job in status["jobs"].values())
    assert status["webhooks"] == {
        "pending": 0,
        "sending": 0,
        "dead": 0,
        "due": 0,
        "expired_leases": 0,
    }
    assert (status["feeds"]["active"], status["feeds"]["failing"]) == (1, 0)
    table = CliRunner().invoke(app, ["worker", "status"])
    assert "http_500" in table.stdout and "0 pending" in table.stdout

    with TestClient(create_app(store, LOCAL)) as client:
        health = client.get("/healthz").json()
    assert health["items"] == 1
    assert health["worker"]["webhooks"] == status["webhooks"]
    assert {name: job["runs"] for name, job in health["worker"]["jobs"].items()} == {
        name: job["runs"] for name, job in status["jobs"].items()
    }
    assert health["worker"]["jobs"]["webhooks"]["last_error"] == "http_500"
    # Anyone may ask /healthz: which host runs the worker stays in the CLI.
    assert status["jobs"]["feeds"]["worker"].split(":")[0] == socket.gethostname()
    assert "worker" not in health["worker"]["jobs"]["feeds"]
    store.close()


def test_two_workers_deliver_each_attempt_exactly_once(database_url: str, tmp_path: Path) -> None:
    """Two `ortaq worker` processes on one database (a SQLite file; PostgreSQL with SKIP
    LOCKED): the receiver counts every delivery id once, and both workers did some."""
    store = Store.open(database_url)
    _partners(store)
    items, paths = 25, ("/one", "/two")

    def receive(request: Recorded) -> tuple[int, dict[str, str], bytes]:
        threading.Event().wait(0.02)  # a receiver that takes a moment: claims overlap
        return 200, {}, b""

    fast = {"ORTAQ_WORKER_BATCH_SIZE": "3", "ORTAQ_WORKER_WEBHOOKS_INTERVAL": "0.1"}
    with serve() as receiver:
        receiver.respond = receive
        for path in paths:
            webhooks.add_webhook(store, "mb", receiver.url + path, LOCAL.outbound_guard())
        with (
            ortaq("worker", database_url=database_url, log=tmp_path / "a.log", env=fast) as a,
            ortaq("worker", database_url=database_url, log=tmp_path / "b.log", env=fast) as b,
        ):
            for worker in (a, b):
                wait_until(f"{worker.log.name} starts", lambda w=worker: "started" in w.output())
            for n in range(items):
                store.save(_item(n))
            expected = items * len(paths)
            wait_until("all delivered", lambda: _statuses(store) == {"delivered": expected})
            for worker in (a, b):
                worker.signal(signal.SIGTERM)
            assert (a.wait(), b.wait()) == (0, 0), a.output() + b.output()
    rows = _deliveries(store)
    received = Counter(r.headers["X-Ortaq-Delivery"] for r in receiver.requests)
    assert sorted(received) == sorted(str(row["id"]) for row in rows)
    assert set(received.values()) == {1}, received.most_common(3)
    per_target = Counter((r.path, json.loads(r.body)["item"]["uri"]) for r in receiver.requests)
    assert len(per_target) == expected and set(per_target.values()) == {1}
    assert all(row["attempts"] == 1 for row in rows)
    delivered_by = [
        sum(int(n) for n in re.findall(r"webhooks: .*?\bdelivered (\d+)", w.output()))
        for w in (a, b)
    ]
    assert sum(delivered_by) == expected and min(delivered_by) > 0, delivered_by
    store.close()


def test_sigterm_finishes_the_attempt_under_way_and_releases_the_rest(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ortaq.db'}"
    store = Store.open(url)
    _partners(store)
    entered, answer = threading.Event(), threading.Event()

    def receive(request: Recorded) -> tuple[int, dict[str, str], bytes]:
        entered.set()
        answer.wait(PATIENCE)  # hold the first attempt until the worker was told to stop
        return 200, {}, b""

    with serve() as receiver:
        receiver.respond = receive
        webhooks.add_webhook(store, "mb", receiver.url, LOCAL.outbound_guard())
        for n in range(5):
            store.save(_item(n))
        env = {"ORTAQ_WORKER_BATCH_SIZE": "5"}
        try:
            with ortaq("worker", database_url=url, log=tmp_path / "w.log", env=env) as worker:
                wait_until("the first delivery reaches the receiver", entered.is_set)
                claimed = _deliveries(store)
                assert {r["status"] for r in claimed} == {"sending"}
                assert len({r["lease_owner"] for r in claimed}) == 1
                worker.signal(signal.SIGTERM)
                wait_until("the worker takes the signal", lambda: "SIGTERM" in worker.output())
                answer.set()
                assert worker.wait() == 0, worker.output()
        finally:
            answer.set()
    [request] = receiver.requests
    rows = {str(row["id"]): row for row in _deliveries(store)}
    sent = rows.pop(request.headers["X-Ortaq-Delivery"])
    assert (sent["status"], sent["attempts"], sent["lease_owner"]) == ("delivered", 1, None)
    assert len(rows) == 4
    for row in rows.values():  # released: due again at once, the attempt not counted
        assert (row["status"], row["attempts"], row["lease_owner"], row["lease_until"]) == (
            "pending", 0, None, None,
        )  # fmt: skip
    store.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_with_worker_runs_both_and_ctrl_c_stops_both(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ortaq.db'}"
    Store.open(url).close()
    port = _free_port()
    health = f"http://127.0.0.1:{port}/healthz"

    def worker_ran_twice() -> bool:
        try:
            jobs = httpx.get(health, timeout=5).json()["worker"]["jobs"]
        except httpx.TransportError:
            return False
        return bool(jobs.get("webhooks", {}).get("runs", 0) >= 2)

    args = ("serve", "--with-worker", "--port", str(port))
    with ortaq(*args, database_url=url, log=tmp_path / "serve.log") as both:
        wait_until("/healthz shows the worker's runs", worker_ran_twice)
        both.signal(signal.SIGINT)
        assert both.wait() == 0, both.output()
    assert re.search(r"worker \S+ stopped", both.output())
    with pytest.raises(httpx.TransportError):
        httpx.get(health, timeout=5)


def test_migration_0009_adds_leases_and_gives_claims_back_on_downgrade(tmp_path: Path) -> None:
    engine = create_engine_for(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0008")
    old = sa.Table("webhook_deliveries", sa.MetaData(), autoload_with=engine)
    assert "lease_owner" not in old.c
    upgrade(engine)
    store = Store(engine, Clock())
    hook = legacy_row(store, schema.webhooks, member="mb", url="http://93.184.215.14/")
    [row_id] = _pending(store, hook, [0])
    assert outbox.claim(store, outbox.DELIVERIES, outbox.Claiming("w"), 1).ids == [row_id]
    command.downgrade(alembic_config(engine), "0008")
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT status FROM webhook_deliveries")).scalars()
        assert list(rows) == ["pending"]  # due again, not stuck in a state 0005 never ends
        assert "worker_jobs" not in sa.inspect(conn).get_table_names()
    engine.dispose()
