"""Processes started together on a fresh database all succeed: one migrates at a time."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from ortaq.store import Store

PROCESSES = 4
# Each process imports everything first, says it is ready, and waits for the others, so
# that the four migrations start together (as they do from a shell loop or a job runner).
STARTER = """
import sys, time
from pathlib import Path
from ortaq.cli import main
ready, go = Path(sys.argv[1]), Path(sys.argv[2])
ready.touch()
while not go.exists():
    time.sleep(0.01)
sys.argv = ["ortaq", *sys.argv[3:]]
main()
"""


def fresh_database(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh.db'}"
    server_url = request.getfixturevalue("postgres_template")
    name = f"ortaq_fresh_{os.getpid()}_{time.monotonic_ns()}"
    admin = sa.create_engine(f"{server_url}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))  # empty: no template
    admin.dispose()
    return f"{server_url}/{name}"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_parallel_ingest_on_a_fresh_database_all_succeed(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = fresh_database(backend, tmp_path, request)
    env = {**os.environ, "ORTAQ_DATABASE_URL": url, "ORTAQ_DATA_DIR": str(tmp_path)}
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    go = tmp_path / "go"
    workers = []
    for n in range(PROCESSES):
        article = tmp_path / f"article-{n}.txt"
        article.write_text(f"Headline {n}\nBody of article number {n}.", encoding="utf-8")
        ready = tmp_path / f"ready-{n}"
        command = [sys.executable, "-c", STARTER, str(ready), str(go), "ingest", str(article)]
        workers.append((ready, subprocess.Popen(command, env=env, stderr=subprocess.PIPE)))
    deadline = time.monotonic() + 300
    while not all(ready.exists() for ready, _ in workers):
        assert time.monotonic() < deadline, "the processes did not start"
        assert all(worker.poll() is None for _, worker in workers), "a process died early"
        time.sleep(0.05)
    go.touch()
    errors = [worker.communicate(timeout=300)[1].decode(errors="replace") for _, worker in workers]
    assert [worker.returncode for _, worker in workers] == [0] * PROCESSES, errors
    store = Store.open(url, migrate=False)
    assert store.count_items() == PROCESSES
    store.close()
