"""Real `ortaq worker` (and `ortaq serve --with-worker`) processes for the worker tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ORTAQ = [sys.executable, "-c", "from ortaq.cli import main; main()"]
PATIENCE = 180.0  # seconds before a wait gives up: a loaded machine is slow, never wrong

# Short intervals and backoff so a test sees several runs; the lease outlasts two polls.
FAST = {
    "ORTAQ_OUTBOUND_ALLOW_NETWORKS": "127.0.0.1/32",  # the tests' own servers
    "ORTAQ_WORKER_FEEDS_INTERVAL": "0.2",
    "ORTAQ_WORKER_WEBHOOKS_INTERVAL": "0.2",
    "ORTAQ_WEBHOOK_BACKOFF": "0.2",
    "ORTAQ_WEBHOOK_TIMEOUT": "30",
    "ORTAQ_POLL_TIMEOUT": "5",
    "ORTAQ_WORKER_LEASE_SECONDS": "120",
}


def wait_until(what: str, check: Callable[[], bool], patience: float = PATIENCE) -> None:
    """Wait for `check()`; fail naming `what` if it never comes (no time is asserted)."""
    deadline = time.monotonic() + patience
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.05)


@dataclass
class Process:
    popen: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text("utf-8", errors="replace")

    def signal(self, signum: int = signal.SIGTERM) -> None:
        self.popen.send_signal(signum)

    def wait(self) -> int:
        """Its exit code; fails (after killing it) if it does not exit."""
        try:
            return self.popen.wait(timeout=PATIENCE)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()
            raise AssertionError(f"did not exit:\n{self.output()[-3000:]}") from None


@contextmanager
def ortaq(
    *args: str, database_url: str, log: Path, env: dict[str, str] | None = None
) -> Iterator[Process]:
    """`ortaq ARGS` in a subprocess against `database_url`; killed if still running after."""
    environment = {**os.environ, **FAST, **(env or {}), "ORTAQ_DATABASE_URL": database_url}
    environment["ORTAQ_DATA_DIR"] = str(log.parent)
    with log.open("wb") as out:
        popen = subprocess.Popen(
            [*ORTAQ, *args], env=environment, stdout=out, stderr=subprocess.STDOUT
        )
    process = Process(popen, log)
    try:
        yield process
    finally:
        if popen.poll() is None:
            popen.kill()
            popen.wait()
