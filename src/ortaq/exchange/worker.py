"""`ortaq worker`: feeds in, webhooks out and re-processing hooks, on a schedule.

APScheduler runs each job at its interval in a thread of its own (one run of a job at a
time; runs missed while one was busy fold into one). A job works on rows it claimed in
the store (`ortaq.store.outbox`), so any number of workers can run against one database
and still send each delivery attempt once.

Stopping (SIGTERM, SIGINT, or `Worker.stop`): the attempt or poll under way finishes,
the rows claimed but not started are released at once, and the scheduler waits for its
threads. What each job did last is kept in the store (`worker_jobs`), for /healthz and
`ortaq worker status`.
"""

from __future__ import annotations

import logging
import math
import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import FrameType
from typing import Any, Protocol

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from ortaq.chain import Chain
from ortaq.exchange import poller, webhooks
from ortaq.exchange.settings import ExchangeSettings
from ortaq.registry import Registry
from ortaq.store import Store, outbox

log = logging.getLogger(__name__)
Stop = Callable[[], bool]


@dataclass(frozen=True)
class WorkerSettings:
    feeds_interval: float = 30.0  # seconds between looks for due feeds (each has its own interval)
    webhooks_interval: float = 5.0  # seconds between fan-out and delivery rounds
    reprocess_interval: float = 3600.0  # seconds between runs of the re-processing hooks
    batch_size: int = 20  # rows claimed at a time
    lease_seconds: float = 300.0  # how long a claim lasts unless renewed

    @classmethod
    def from_env(cls) -> WorkerSettings:
        """From the environment; `ValueError` naming the variable for a bad value."""
        env = os.environ.get
        return cls(
            feeds_interval=_seconds("ORTAQ_WORKER_FEEDS_INTERVAL", env, "30"),
            webhooks_interval=_seconds("ORTAQ_WORKER_WEBHOOKS_INTERVAL", env, "5"),
            reprocess_interval=_seconds("ORTAQ_WORKER_REPROCESS_INTERVAL", env, "3600"),
            batch_size=_count("ORTAQ_WORKER_BATCH_SIZE", env, "20"),
            lease_seconds=_seconds("ORTAQ_WORKER_LEASE_SECONDS", env, "300"),
        )


def _seconds(name: str, env: Callable[[str, str], str], default: str) -> float:
    text = env(name, default)
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{name}: {text!r} is not a number of seconds") from None
    if not 0 < value < math.inf:
        raise ValueError(f"{name}: {text!r} must be a finite number greater than 0")
    return value


def _count(name: str, env: Callable[[str, str], str], default: str) -> int:
    text = env(name, default)
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{name}: {text!r} is not a whole number") from None
    if value < 1:
        raise ValueError(f"{name}: {text!r} must be at least 1")
    return value


@dataclass(frozen=True)
class JobResult:
    counts: dict[str, int] = field(default_factory=dict)
    last_error: str | None = None  # the category of the last failure among its rows


class Job(Protocol):
    name: str
    interval: float  # seconds between runs

    def run(self, stop: Stop) -> JobResult:
        """Do the work that is due; return early (work released) once `stop()` is true."""
        ...


def _add(total: dict[str, int], counts: dict[str, int]) -> None:
    for key, value in counts.items():
        total[key] = total.get(key, 0) + value


@dataclass
class FeedsJob:
    """Feeds in: poll every due feed through the guarded client, the chain and the store."""

    store: Store
    chain: Callable[[], Chain]  # built per run, so the entities stage knows new members
    fetcher: poller.Fetcher
    claiming: outbox.Claiming
    batch_size: int
    interval: float
    name: str = "feeds"

    def run(self, stop: Stop) -> JobResult:
        chain, last_error = self.chain(), None
        total: dict[str, int] = {}
        claiming = _with_stop(self.claiming, stop)
        while not stop():
            report = poller.poll_due(
                self.store, chain, self.fetcher, claiming=claiming, limit=self.batch_size
            )
            _add(total, report.counts())
            last_error = report.last_error or last_error
            if report.claimed < self.batch_size:
                break
        return JobResult(total, last_error)


@dataclass
class WebhooksJob:
    """Webhooks out: queue a delivery per webhook for each new item event, then send what
    is due, with retries and exponential backoff."""

    store: Store
    transport: webhooks.Transport
    claiming: outbox.Claiming
    batch_size: int
    max_attempts: int
    retry_base: timedelta
    interval: float
    name: str = "webhooks"

    def run(self, stop: Stop) -> JobResult:
        total, last_error = {"queued": webhooks.fan_out(self.store)}, None
        claiming = _with_stop(self.claiming, stop)
        while not stop():
            report = webhooks.deliver_due(
                self.store,
                self.transport,
                max_attempts=self.max_attempts,
                limit=self.batch_size,
                claiming=claiming,
                retry_base=self.retry_base,
            )
            _add(total, report.counts())
            last_error = report.last_error or last_error
            if report.claimed < self.batch_size:
                break
        return JobResult(total, last_error)


class ReprocessHook(Protocol):
    """Work run again over stored data on a schedule (say, items read by an older model)."""

    name: str

    def run(self, store: Store, stop: Stop) -> int:
        """Re-process what is due; return how many records it changed."""
        ...


def default_reprocess_hooks() -> Registry[ReprocessHook]:
    """None yet: the job is there for the first stage that needs re-running."""
    return Registry("re-processing hook", [])


@dataclass
class ReprocessJob:
    """Runs each re-processing hook in turn; one failing hook never stops the next."""

    store: Store
    hooks: Registry[ReprocessHook]
    interval: float
    name: str = "reprocess"

    def run(self, stop: Stop) -> JobResult:
        counts, last_error = {"hooks": 0, "changed": 0, "failed": 0}, None
        for hook in self.hooks:
            if stop():
                break
            counts["hooks"] += 1
            try:
                counts["changed"] += hook.run(self.store, stop)
            except Exception:  # a bug in one hook: logged in full, the others go on
                log.exception("re-processing hook %s failed", hook.name)
                counts["failed"] += 1
                last_error = "internal_error"
        return JobResult(counts, last_error)


def _with_stop(claiming: outbox.Claiming, stop: Stop) -> outbox.Claiming:
    return outbox.Claiming(claiming.worker, claiming.lease, claiming.per_row, stop)


def default_jobs(
    store: Store,
    chain: Callable[[], Chain],
    settings: WorkerSettings,
    exchange: ExchangeSettings,
    hooks: Registry[ReprocessHook] | None = None,
) -> Registry[Job]:
    """The production jobs: the guarded HTTP fetcher and transport, the store's claims."""
    lease = timedelta(seconds=settings.lease_seconds)
    # One poll may retry its fetch (each bounded by the poll timeout); one delivery is one
    # POST. A claim is renewed when less than that is left of it.
    poll_time = timedelta(seconds=(poller.RETRIES + 1) * exchange.poll_timeout + 5)
    post_time = timedelta(seconds=exchange.webhook_timeout + 5)
    longest = max(poll_time, post_time)
    if lease < 2 * longest:
        raise ValueError(
            f"ORTAQ_WORKER_LEASE_SECONDS: {settings.lease_seconds:g} is too short; a claim "
            f"must outlast two polls or deliveries ({2 * longest.total_seconds():g} s)"
        )
    worker, batch = outbox.worker_name(), settings.batch_size
    jobs: list[Job] = [
        FeedsJob(
            store,
            chain,
            poller.default_fetchers(exchange).get("http"),
            outbox.Claiming(worker, lease, poll_time),
            batch,
            settings.feeds_interval,
        ),
        WebhooksJob(
            store,
            webhooks.default_transports(exchange).get("http"),
            outbox.Claiming(worker, lease, post_time),
            batch,
            exchange.webhook_max_attempts,
            timedelta(seconds=exchange.webhook_backoff),
            settings.webhooks_interval,
        ),
        ReprocessJob(store, hooks or default_reprocess_hooks(), settings.reprocess_interval),
    ]
    return Registry("worker job", jobs)


class Worker:
    """Runs jobs on their intervals (`start`/`stop`, `serve`) or each once (`run_once`)."""

    def __init__(self, store: Store, jobs: Registry[Job], name: str | None = None) -> None:
        self.store = store
        self.jobs = jobs
        self.name = name or outbox.worker_name()
        self.stopping = threading.Event()
        self._scheduler: Any = None

    def run_job(self, job: Job) -> JobResult | None:
        """One run of `job`, recorded in the store; None when the job failed as a whole
        (logged in full; the record says `internal_error`), or when stopping."""
        if self.stopping.is_set():  # a run the scheduler started as it was shutting down
            return None
        started = self.store.clock()
        try:
            outbox.record_start(self.store, job.name, self.name, started, self._next_run(job))
        except Exception:  # the store is down: nothing else would work either
            log.exception("job %s: could not record its start", job.name)
            return None
        try:
            result: JobResult | None = job.run(self.stopping.is_set)
        except Exception:
            log.exception("job %s failed", job.name)
            result = None
        self._record_end(job, result)
        return result

    def _record_end(self, job: Job, result: JobResult | None) -> None:
        ok = result is not None
        error = result.last_error if result else "internal_error"
        counts = result.counts if result else {}
        try:
            outbox.record_end(self.store, job.name, self.store.clock(), counts, ok=ok, error=error)
        except Exception:
            log.exception("job %s: could not record its end", job.name)
        if counts and any(counts.values()):
            done = ", ".join(f"{key} {value}" for key, value in counts.items() if value)
            log.info("%s: %s", job.name, done)

    def _next_run(self, job: Job) -> datetime | None:
        if self._scheduler is None:
            return None
        scheduled = self._scheduler.get_job(job.name)
        return scheduled.next_run_time if scheduled is not None else None

    def run_once(self) -> dict[str, JobResult | None]:
        """Every job once, one after the other (cron, tests)."""
        return {job.name: self.run_job(job) for job in self.jobs if not self.stopping.is_set()}

    def start(self) -> None:
        """Run the jobs on their intervals in background threads, each first right away."""
        scheduler = BackgroundScheduler(
            timezone=UTC,
            executors={"default": ThreadPoolExecutor(max(1, len(self.jobs)))},
            # One run of a job at a time; runs missed while busy fold into one, however late.
            job_defaults={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
        )
        self._scheduler = scheduler
        now = datetime.now(UTC)
        for job in self.jobs:
            scheduler.add_job(
                self.run_job, "interval", args=[job], id=job.name, name=job.name,
                seconds=job.interval, next_run_time=now,
            )  # fmt: skip
        scheduler.start()
        every = ", ".join(f"{job.name} every {job.interval:g} s" for job in self.jobs)
        log.info("worker %s started: %s", self.name, every)

    def stop(self) -> None:
        """Finish the attempts under way, release the rest, wait for the job threads."""
        self.stopping.set()
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=True)
        log.info("worker %s stopped", self.name)

    def serve(self) -> None:
        """Run until SIGTERM or SIGINT, then stop gracefully."""
        with on_signals(self.stopping.set):
            self.start()
            try:
                while not self.stopping.wait(1.0):
                    pass
            finally:
                self.stop()


@contextmanager
def on_signals(handler: Callable[[], None]) -> Iterator[None]:
    """While inside: SIGTERM and SIGINT call `handler` instead of ending the process."""

    def handle(signum: int, frame: FrameType | None) -> None:
        log.info("%s: stopping (the attempt under way finishes)", signal.Signals(signum).name)
        handler()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, before in previous.items():
            signal.signal(sig, before)
