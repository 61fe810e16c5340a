"""The batch's input adapters: every dump line becomes one record or one rejection."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ortaq.batch.inputs import FolderInput, JsonlInput, ParquetInput, UsageError, input_for
from ortaq.batch.inputs import default_batch_inputs as inputs
from ortaq.model import Hints, Rejected
from ortaq.store import Store

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
rows = st.dictionaries(
    st.sampled_from(["raw", "name", "provider", "format", "uri", "published", "other"]),
    json_values,
    max_size=6,
)


@given(lines=st.lists(st.one_of(rows.map(json.dumps), st.text(max_size=40)), max_size=8))
def test_every_jsonl_line_is_one_record_named_by_its_line(
    tmp_path_factory: pytest.TempPathFactory, lines: list[str]
) -> None:
    path = tmp_path_factory.mktemp("jsonl") / "dump.jsonl"
    text = "\n".join(line.replace("\n", " ").replace("\r", " ") for line in lines)
    path.write_text(text, encoding="utf-8")
    records = list(JsonlInput().records(str(path), Hints(), None, 1 << 20, ()))  # type: ignore[arg-type]
    physical = path.read_bytes().split(b"\n")
    expected = [n for n, line in enumerate(physical, 1) if line.strip()]
    assert [r.seq for r in records] == expected
    for record in records:
        assert record.key == f"dump.jsonl:{record.seq}"
        line = physical[record.seq - 1]
        if isinstance(record.raw, Rejected):
            assert record.raw.reason.startswith(f"dump.jsonl:{record.seq}: ")
            assert record.raw.raw, "the rejected line is kept for the quarantine"
            continue
        try:
            row = json.loads(line)
        except ValueError:
            pytest.fail(f"line {record.seq} is no JSON and was not rejected")
        if isinstance(row, dict) and "raw" in row:
            assert record.raw == row["raw"].encode("utf-8"), "the row's raw text"
        else:
            assert record.raw.rstrip(b"\n") == line, "a line without 'raw' is the input"


@given(raw=st.text(min_size=1, max_size=60), published=st.datetimes(timezones=st.none()))
def test_a_dump_row_gives_its_bytes_and_hints(
    tmp_path_factory: pytest.TempPathFactory, raw: str, published: object
) -> None:
    path = tmp_path_factory.mktemp("jsonl") / "dump.jsonl"
    row = {"raw": raw, "uri": "urn:x:1", "provider": "trend", "published": str(published)}
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    [record] = JsonlInput().records(str(path), Hints(), None, 1 << 20, ())  # type: ignore[arg-type]
    assert record.raw == raw.encode("utf-8")
    assert record.hints.uri == "urn:x:1" and record.hints.provider == "trend"
    assert record.hints.published is not None and record.hints.published.tzinfo is not None


def test_records_already_done_are_not_read_again(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (folder / name).write_text(f"Headline {name}\nBody.\n", encoding="utf-8")
    found = FolderInput().records(str(folder), Hints(), None, 1 << 20, {"b.txt"})  # type: ignore[arg-type]
    assert [r.key for r in found] == ["a.txt", "c.txt"]


def test_a_parquet_dump_reads_as_its_rows(tmp_path: Path) -> None:
    pyarrow = pytest.importorskip("pyarrow")
    import pyarrow.parquet as parquet

    path = tmp_path / "dump.parquet"
    table = pyarrow.table(
        {"raw": [b"First\nbody one.\n", None, "Third\nbody.\n"], "provider": ["a", "b", None]}
    )
    parquet.write_table(table, path)
    found = list(ParquetInput().records(str(path), Hints(), None, 1 << 20, ()))  # type: ignore[arg-type]
    assert [r.key for r in found] == ["dump.parquet:1", "dump.parquet:2", "dump.parquet:3"]
    assert found[0].raw == b"First\nbody one.\n" and found[0].hints.provider == "a"
    assert isinstance(found[1].raw, Rejected) and "no 'raw'" in found[1].raw.reason
    assert found[2].raw == b"Third\nbody.\n"


def test_a_source_of_no_known_kind_is_named(tmp_path: Path) -> None:
    other = tmp_path / "notes.csv"
    other.write_text("a,b\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"notes\.csv: not a folder"):
        input_for(str(other), inputs())


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ([], "give a SOURCE or --from-store"),
        (["--engine", "spark", "."], "--engine 'spark': no such engine"),
        (["missing-folder"], "missing-folder: no such file or folder"),
        (["--provider", "nobody", "."], "--provider 'nobody': no such member"),
    ],
)
def test_usage_errors_exit_2_and_write_nothing(tmp_path: Path, args: list[str], says: str) -> None:
    env = {"ORTAQ_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": ":".join(sys.path)}
    command = [sys.executable, "-c", "from ortaq.cli import main; main()", "batch", *args]
    done = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert says in done.stderr.decode()
    database = tmp_path / "data" / "ortaq.db"
    if database.exists():
        store = Store.open(f"sqlite:///{database}")
        try:
            assert store.count_items() == 0 and store.quarantine_list() == []
        finally:
            store.close()
