"""The audit log's group commit: rows recorded at once share a transaction, none is lost."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from ortaq.exchange import audit
from ortaq.store import Store
from ortaq.store import audit as audit_rows


def hold_first_commit(monkeypatch: pytest.MonkeyPatch, waiting: int) -> list[int]:
    """Keep the first group's commit until `waiting` more rows queue behind it; returns
    the size of every group committed."""
    sizes: list[int] = []
    commit = audit_rows._GroupCommit._commit

    def held(self: Any, group: list[Any]) -> None:
        deadline = time.monotonic() + 20
        while not sizes and len(self._waiting) < waiting and time.monotonic() < deadline:
            time.sleep(0.01)
        sizes.append(len(group))
        commit(self, group)

    monkeypatch.setattr(audit_rows._GroupCommit, "_commit", held)
    return sizes


def record_in_threads(store: Store, details: list[dict[str, Any]]) -> list[BaseException]:
    errors: list[BaseException] = []

    def one(n: int, detail: dict[str, Any]) -> None:
        try:
            audit.record(store, f"user-{n}", "read", "items", member="m", **detail)
        except Exception as error:
            errors.append(error)

    first = threading.Thread(target=one, args=(0, details[0]))
    first.start()
    time.sleep(0.05)  # the first one writes; the others queue behind it
    rest = [threading.Thread(target=one, args=(n, d)) for n, d in enumerate(details) if n]
    for thread in rest:
        thread.start()
    for thread in [first, *rest]:
        thread.join()
    return errors


def test_rows_recorded_together_are_written_in_one_group(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    sizes = hold_first_commit(monkeypatch, waiting=7)
    assert record_in_threads(store, [{"n": n} for n in range(8)]) == []
    assert sizes == [1, 7]
    written = audit.entries(store, limit=100)
    assert sorted(e["actor"] for e in written) == [f"user-{n}" for n in range(8)]
    assert written[-1]["actor"] == "user-0"  # the first recorded has the first id


def test_a_bad_row_fails_alone_and_the_rest_of_its_group_is_written(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    sizes = hold_first_commit(monkeypatch, waiting=3)
    unstorable = {"detail": {1, 2}}  # a set is not JSON
    errors = record_in_threads(store, [{}, {}, unstorable, {}])
    assert len(errors) == 1
    assert sizes == [1, 3]
    actors = sorted(e["actor"] for e in audit.entries(store, limit=100))
    assert actors == ["user-0", "user-1", "user-3"]


def test_many_threads_lose_no_row(store: Store) -> None:
    def many(n: int) -> None:
        for k in range(20):
            audit.record(store, f"user-{n}", "read", f"items-{k}")

    threads = [threading.Thread(target=many, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    written = audit.entries(store, limit=500)
    assert len(written) == 120
    for n in range(6):  # each thread's rows in the order it recorded them
        mine = [e["target"] for e in reversed(written) if e["actor"] == f"user-{n}"]
        assert mine == [f"items-{k}" for k in range(20)]
