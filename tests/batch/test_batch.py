"""`ortaq batch`: any engine, any number of workers, killed or not, stores the same.

The store a batch leaves is compared as a whole, leaving out only what legitimately
differs between runs: row ids, ingest times and story numbers. Items are compared by
publisher, uri and version with everything the chain derived; stories as the sets of
versions they group, with each copy link; the quarantine by input and reason.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from ortaq.batch import ingest_in_parallel, job_directory, run_batch
from ortaq.batch.engines import ChainSpec, Engine, LocalEngine
from ortaq.batch.inputs import JsonlInput, Record
from ortaq.benchdata import generate
from ortaq.ingest import Source
from ortaq.model import Hints
from ortaq.store import Store, schema

ROWS = 120
SECRET_COLUMNS = {"id", "ingested_at", "raw_sha256"}


@pytest.fixture(scope="module")
def dump(tmp_path_factory: pytest.TempPathFactory, shared: Path) -> Path:
    """Generated real-text rows, and two bad ones that must be quarantined."""
    path = tmp_path_factory.mktemp("dump") / "items.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for number, row in enumerate(generate(ROWS, seed=3, shared=shared)):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            if number == 40:
                out.write('{"raw": "", "name": "empty.txt"}\n')
            if number == 80:
                out.write("{not json\n")
    return path


def comparable(value: Any) -> Any:
    """A value as both backends give it: times in UTC without a zone, floats rounded."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, float | Decimal):
        return round(float(value), 6)
    return value


def version_key(row: Any) -> tuple[str, str, int]:
    return (row.provider or "", row.uri, row.version)


def store_state(store: Store) -> dict[str, Any]:
    """Everything a batch stored, without ids, times and story numbers."""
    items, links, quarantine = schema.items, schema.story_items, schema.quarantine
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(items)).all()
        keys = {row.id: version_key(row) for row in rows}
        versions = sorted(
            (
                version_key(row),
                {k: comparable(v) for k, v in row._mapping.items() if k not in SECRET_COLUMNS},
            )
            for row in rows
        )
        stories: dict[int, set[tuple[Any, ...]]] = {}
        for link in conn.execute(sa.select(links)):
            copy = keys[link.copy_of] if link.copy_of is not None else None
            stories.setdefault(link.story_id, set()).add(
                (keys[link.item_id], copy, comparable(link.similarity))
            )
        rejected = sorted(
            (row.source_name, row.reason, row.status) for row in conn.execute(sa.select(quarantine))
        )
    return {
        "versions": versions,
        "stories": sorted(sorted(map(repr, members)) for members in stories.values()),
        "quarantine": rejected,
    }


def batch_into(store: Store, engine: Engine, dump: Path, work: Path) -> dict[str, Any]:
    def records(done: Any) -> Iterator[Record]:
        return JsonlInput().records(str(dump), Hints(), store, 1 << 20, done)

    try:
        report = run_batch(store, engine, records, ChainSpec(), work)
    finally:
        engine.close()
    return report.as_dict()


@pytest.fixture(scope="module")
def reference(dump: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One process, no pool: what every other run must equal (on SQLite)."""
    root = tmp_path_factory.mktemp("reference")
    store = Store.open(f"sqlite:///{root / 'ortaq.db'}")
    try:
        report = batch_into(store, LocalEngine(workers=1), dump, root / "work")
        assert report["new"] > ROWS * 0.8 and report["quarantined"] == 2
        return store_state(store)
    finally:
        store.close()


def test_a_pool_of_two_stores_what_one_process_stores(
    store: Store, dump: Path, reference: dict[str, Any], tmp_path: Path
) -> None:
    """On SQLite and PostgreSQL: the parallel part changes nothing in what is kept."""
    report = batch_into(store, LocalEngine(workers=2, chunk=4, window=50), dump, tmp_path)
    assert report["version"] > 0, "the generated corrections made new versions"
    state = store_state(store)
    assert state["stories"] == reference["stories"]
    assert state == reference
    assert not (tmp_path / "batch").exists()


def test_stories_follow_publication_time_not_the_dump_order(
    sqlite_store: Store, dump: Path, tmp_path: Path
) -> None:
    batch_into(sqlite_store, LocalEngine(workers=1, window=30), dump, tmp_path / "work")
    items, links = schema.items, schema.story_items
    with sqlite_store.engine.connect() as conn:
        query = sa.select(items.c.versioncreated).join(links, links.c.item_id == items.c.id)
        times = [row.versioncreated for row in conn.execute(query.order_by(links.c.seq))]
    dated = [t for t in times if t is not None]
    assert len(dated) > ROWS * 0.8
    assert dated == sorted(dated)


def test_batch_on_ray_stores_what_the_local_pool_stores(
    dump: Path, reference: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ray on this machine (2 CPUs), its logs in a temporary folder and its token under
    a temporary home; the store equals one process's, and so does a Ray batch stopped
    midway and started again (one Ray start for both: it is the slow part)."""
    ray = pytest.importorskip("ray")
    from ortaq.batch.engines import RayEngine

    temp = Path(tempfile.mkdtemp(prefix="ray-", dir="/tmp"))  # Unix sockets: a short path
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    ray.init(
        num_cpus=2,
        _temp_dir=str(temp),
        include_dashboard=False,
        log_to_driver=False,
        runtime_env={"env_vars": {"PYTHONPATH": os.pathsep.join(sys.path)}},
    )
    store = Store.open(f"sqlite:///{tmp_path / 'ortaq.db'}")
    try:
        report = batch_into(store, RayEngine(window=ROWS), dump, tmp_path / "work")
        assert report["quarantined"] == 2
        assert store_state(store) == reference
        stopped_and_started_again(tmp_path / "again", dump, reference, monkeypatch)
    finally:
        store.close()
        ray.shutdown()
        shutil.rmtree(temp, ignore_errors=True)


class Interrupted(BaseException):
    """A stop (Ctrl-C, a lost node) that nothing in the batch catches."""


def stopped_and_started_again(
    root: Path, dump: Path, reference: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Ray: stopped while reading (after two of four windows), started again, stopped
    while writing (after one group of items), started again: the store equals one
    process's."""
    from ortaq.batch.engines import RayEngine

    store, work = Store.open(f"sqlite:///{root / 'ortaq.db'}"), root / "work"
    try:
        reading = RayEngine(window=ROWS // 3)
        original, windows = reading.process, iter(range(100))

        def two_windows(*args: Any, **kwargs: Any) -> Any:
            if next(windows) == 2:
                raise Interrupted
            return original(*args, **kwargs)

        monkeypatch.setattr(reading, "process", two_windows)
        with pytest.raises(Interrupted):
            batch_into(store, reading, dump, work)
        assert len(list(work.glob("run-*.keys"))) == 2
        assert store.count_items(current_only=False) == 0, "stopped while reading"

        save_many, groups = store.save_many, iter(range(100))

        def one_group(*args: Any, **kwargs: Any) -> Any:
            if next(groups) == 1:
                raise Interrupted
            return save_many(*args, **kwargs)

        monkeypatch.setattr(store, "save_many", one_group)
        with pytest.raises(Interrupted):
            batch_into(store, RayEngine(window=ROWS // 3), dump, work)
        assert 0 < store.count_items(current_only=False) < ROWS, "stopped while writing"
        monkeypatch.setattr(store, "save_many", save_many)

        report = batch_into(store, RayEngine(window=ROWS // 3), dump, work)
        assert report["resumed_records"] > 0
        assert store_state(store) == reference
    finally:
        store.close()


def run_cli(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", "from ortaq.cli import main; main()", "batch", *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(n) for n in found.read_text().split()] if found.exists() else []


def alive(pid: int) -> bool:
    """Running, not ended (an ended process nobody reaped yet is a zombie, "Z")."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def kill_when(process: subprocess.Popen[bytes], ready: Any, limit: float = 240) -> None:
    """SIGKILL the batch once `ready()`; its pool's workers must end with it."""
    deadline = time.monotonic() + limit
    while not ready():
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        assert time.monotonic() < deadline, "the batch never got there"
        time.sleep(0.05)
    workers = children(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 30
    while any(alive(pid) for pid in workers):
        assert time.monotonic() < deadline, f"pool workers {workers} outlived the batch"
        time.sleep(0.1)


def stored_versions(url: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(sa.select(sa.func.count()).select_from(schema.items)).scalar_one()
            )
    except sa.exc.OperationalError:
        return 0  # not created yet
    finally:
        engine.dispose()


def test_a_killed_batch_started_again_ends_as_an_uninterrupted_one(
    dump: Path, reference: dict[str, Any], tmp_path: Path
) -> None:
    """SIGKILL while reading (two runs kept), again while writing (some items stored):
    each restart goes on from there and the store ends equal to one clean run's."""
    url = f"sqlite:///{tmp_path / 'data' / 'ortaq.db'}"
    env = {**os.environ, "ORTAQ_DATA_DIR": str(tmp_path / "data"), "ORTAQ_DATABASE_URL": url}
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    args = (str(dump), "--engine", "local", "--workers", "2", "--window", "30")
    work = job_directory(tmp_path / "data" / "batch", str(dump.resolve()), "", "", url)

    first = run_cli(env, *args)
    kill_when(first, lambda: len(list(work.glob("run-*.keys"))) >= 2)
    assert stored_versions(url) == 0, "killed while reading: nothing written yet"

    second = run_cli(env, *args)
    kill_when(second, lambda: stored_versions(url) >= 20)
    assert 20 <= stored_versions(url) < ROWS

    third = run_cli(env, *args)
    out, errors = third.communicate(timeout=600)
    assert third.returncode == 1, errors.decode()  # the two bad rows were quarantined
    report = json.loads(out)
    assert report["resumed_records"] == ROWS + 2, "the restart read nothing again"
    assert report["unchanged"] >= 20, "what the killed run stored was not stored twice"
    store = Store.open(url)
    try:
        assert store_state(store) == reference
    finally:
        store.close()


def test_re_reading_the_store_refreshes_derived_data_in_place(
    store: Store, dump: Path, tmp_path: Path
) -> None:
    batch_into(store, LocalEngine(workers=1, window=60), dump, tmp_path / "first")
    before = store_state(store)
    items = schema.items
    with store.engine.begin() as conn:  # an older model's reading: no entities, no stage data
        conn.execute(items.update().where(items.c.is_current).values(people=[], stage_data={}))
    from ortaq.batch.inputs import StoreInput

    def records(done: Any) -> Iterator[Record]:
        return StoreInput().records(":store:", Hints(), store, 1 << 20, done)

    engine = LocalEngine(workers=2, chunk=4)
    try:
        report = run_batch(store, engine, records, ChainSpec(), tmp_path / "again", refresh=True)
    finally:
        engine.close()
    counts = report.as_dict()
    assert counts["refreshed"] > ROWS * 0.8 and counts["new"] == 0
    after = store_state(store)
    current = [v for v in after["versions"] if v[1]["is_current"]]
    assert current == [v for v in before["versions"] if v[1]["is_current"]]
    assert after["stories"] == before["stories"]


def test_ingest_of_a_folder_on_the_pool_stores_what_one_process_stores(
    tmp_path: Path, shared: Path
) -> None:
    """`ortaq ingest` of 40 files: two workers and one store the same, in input order."""
    folder = tmp_path / "files"
    folder.mkdir()
    for number, row in enumerate(generate(40, seed=5, shared=shared)):
        (folder / f"{number:03d}.txt").write_text(row["raw"], encoding="utf-8")
    states = []
    for workers in ("1", "2"):
        data = tmp_path / f"data-{workers}"
        env = {**os.environ, "ORTAQ_DATA_DIR": str(data), "PYTHONPATH": os.pathsep.join(sys.path)}
        env.pop("ORTAQ_DATABASE_URL", None)
        command = [sys.executable, "-c", "from ortaq.cli import main; main()", "ingest"]
        done = subprocess.run(
            [*command, str(folder), "--workers", workers, "--json"],
            env=env, capture_output=True, timeout=600,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr.decode()
        sources = [json.loads(line)["source"] for line in done.stdout.splitlines()]
        assert sources == sorted(sources) and len(sources) == 40, "input order"
        store = Store.open(f"sqlite:///{data / 'ortaq.db'}")
        try:
            states.append(store_state(store))
        finally:
            store.close()
    assert len(states[0]["versions"]) == 40
    assert states[0] == states[1]


def test_a_block_whose_transaction_fails_is_stored_input_by_input(
    tmp_path: Path, shared: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pool's ingest stores a block of inputs per transaction; when that fails, each
    input is kept as the one-process door keeps it, and the store ends the same."""
    rows = list(generate(12, seed=7, shared=shared))
    sources = [
        Source(f"{n:03d}.txt", lambda raw=row["raw"]: raw.encode("utf-8"))
        for n, row in enumerate(rows)
    ]
    sources.insert(5, Source("gone.txt", lambda: (_ for _ in ()).throw(OSError("gone"))))
    states, kinds = [], []
    for blocks_fail in (False, True):
        store = Store.open(f"sqlite:///{tmp_path / f'fail-{blocks_fail}.db'}")
        if blocks_fail:

            def refuse(*_args: Any, **_kwargs: Any) -> list[Any]:
                raise RuntimeError("the block's transaction fails")

            monkeypatch.setattr(store, "save_many", refuse)
        try:
            summary = ingest_in_parallel(
                store, LocalEngine(workers=1), ChainSpec(), sources, Hints(provider=None)
            )
            kinds.append([(o.source_name, o.kind) for o in summary.outcomes])
            states.append(store_state(store))
        finally:
            store.close()
    assert kinds[0] == kinds[1]
    assert ("gone.txt", "quarantined") in kinds[0]
    assert sum(kind == "new" for _source, kind in kinds[0]) >= 10
    assert states[0] == states[1]
