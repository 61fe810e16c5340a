"""The command line, run as a user would, against a SQLite file and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ortaq.cli import app

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"


@pytest.fixture
def run(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ORTAQ_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ORTAQ_DATABASE_URL", database_url)
    runner = CliRunner()

    def invoke(*args: str, stdin: bytes | None = None):  # type: ignore[no-untyped-def]
        return runner.invoke(app, list(args), input=stdin)

    return invoke


def json_lines(text: str) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_ingest_samples_then_reingest_is_a_no_op(run) -> None:  # type: ignore[no-untyped-def]
    files = [str(p) for p in sorted(SAMPLES.glob("*.txt"))]
    assert run("members", "add", "samples", "--name", "Samples").exit_code == 0
    first = run("ingest", *files, "--provider", "samples", "--json")
    assert first.exit_code == 0, first.output
    results = json_lines(first.stdout)
    assert [r["outcome"] for r in results] == ["new"] * 5
    assert {r["item"]["language"] for r in results} == {"fr", "ar", "kk"}
    assert "ingested 5 new" in first.stderr
    again = run("ingest", *files, "--provider", "samples")
    assert again.exit_code == 0
    assert "ingested 0 new, 0 new versions, 5 unchanged" in again.stderr


def test_items_list_and_show(run) -> None:  # type: ignore[no-untyped-def]
    added = run("members", "add", "kazinform", "--name", "Kazinform", "--country", "KZ")
    assert added.exit_code == 0 and json_lines(added.stdout)[0]["country"] == "KZ"
    run("ingest", str(SAMPLES / "003_cba27e171e37cdf8.txt"), "--provider", "kazinform")
    listed = json_lines(run("items", "list", "--json").stdout)
    assert len(listed) == 1
    assert listed[0]["uri"] == "urn:ortaq:kazinform:file:003_cba27e171e37cdf8.txt"
    assert listed[0]["derived"]["published"]["value"]["value"] == "2025-12-14"
    shown = json_lines(run("items", "show", str(listed[0]["id"]), "--json").stdout)
    assert shown[0]["uri"] == listed[0]["uri"]
    by_uri = json_lines(run("items", "show", listed[0]["uri"], "--json").stdout)
    assert by_uri[0]["id"] == listed[0]["id"]
    missing = run("items", "show", "urn:none")
    assert missing.exit_code == 2 and "'urn:none': no such item" in missing.stderr


def test_bad_files_are_quarantined_and_the_batch_goes_on(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "a_good.txt").write_text("Headline\nA body paragraph.", "utf-8")
    (batch / "b_empty.txt").write_bytes(b"")
    (batch / "c_binary.bin").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (batch / "d_good.txt").write_text("Другой заголовок\nТекст новости.", "utf-8")
    result = run("ingest", str(batch))
    assert result.exit_code == 1
    assert "quarantined b_empty.txt: empty input" in result.stderr
    assert "quarantined c_binary.bin: binary data" in result.stderr
    assert "ingested 2 new" in result.stderr and "2 quarantined" in result.stderr
    records = json_lines(run("quarantine", "list", "--json").stdout)
    assert sorted(r["source_name"] for r in records) == ["b_empty.txt", "c_binary.bin"]
    binary = next(r for r in records if r["source_name"] == "c_binary.bin")
    raw = run("quarantine", "show", str(binary["id"]), "--raw")
    assert raw.stdout_bytes == b"\x89PNG\r\n\x1a\n\x00\x00\x00"
    retry = run("quarantine", "retry", "--all")
    assert retry.exit_code == 1 and "still rejected" in retry.stderr


def test_an_oversized_file_is_recorded_unread_and_resolved_by_a_later_ingest(
    run, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    sample = SAMPLES / "002_c7634d9488b26884.txt"
    monkeypatch.setenv("ORTAQ_MAX_INPUT_BYTES", "10")
    rejected = run("ingest", str(sample))
    assert rejected.exit_code == 1 and "over the 10-byte input limit; not read" in rejected.stderr
    [record] = json_lines(run("quarantine", "list", "--json").stdout)
    assert record["bytes_kept"] is False and record["size"] == sample.stat().st_size
    assert record["sha256"] == hashlib.sha256(sample.read_bytes()).hexdigest()
    assert run("quarantine", "show", str(record["id"]), "--raw").exit_code == 1
    monkeypatch.setenv("ORTAQ_MAX_INPUT_BYTES", "1000000")
    retried = run("quarantine", "retry", str(record["id"]))
    assert retried.exit_code == 1 and "kept no bytes" in retried.stderr
    assert run("quarantine", "retry", "--all").exit_code == 2  # nothing it could retry
    again = run("ingest", str(sample))  # from the source, with the raised limit
    assert again.exit_code == 0, again.output
    assert json_lines(run("quarantine", "list", "--json").stdout) == []
    assert len(json_lines(run("items", "list", "--json").stdout)) == 1


def test_stdin_over_the_limit_is_refused_after_limit_plus_one_bytes(run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ORTAQ_MAX_INPUT_BYTES", "100")
    data = b"Headline\n" + b"word " * 1000
    result = run("ingest", "-", stdin=data)
    assert result.exit_code == 1 and "stopped after 101 bytes" in result.stderr
    [record] = json_lines(run("quarantine", "list", "--json").stdout)
    assert (record["size"], record["bytes_kept"]) == (101, False)
    assert record["sha256"] == hashlib.sha256(data[:101]).hexdigest()


def test_quarantine_retry_succeeds_after_a_field_limit_is_raised(run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ORTAQ_MAX_PARAGRAPHS", "2")
    rejected = run("ingest", str(SAMPLES / "002_c7634d9488b26884.txt"))
    assert rejected.exit_code == 1 and "(ORTAQ_MAX_PARAGRAPHS)" in rejected.stderr
    [record] = json_lines(run("quarantine", "list", "--json").stdout)
    assert record["bytes_kept"] is True
    monkeypatch.delenv("ORTAQ_MAX_PARAGRAPHS")
    retried = run("quarantine", "retry", str(record["id"]))
    assert retried.exit_code == 0, retried.output
    assert json_lines(run("quarantine", "list", "--json").stdout) == []
    assert len(json_lines(run("items", "list", "--json").stdout)) == 1


def test_stdin(run) -> None:  # type: ignore[no-untyped-def]
    result = run("ingest", "-", "--json", stdin="Başlık\nHaber metni burada.".encode())
    assert result.exit_code == 0, result.output
    [line] = json_lines(result.stdout)
    assert line["source"] == "<stdin>" and line["uri"].startswith("urn:ortaq:unknown:sha256:")


def test_db_commands(run) -> None:  # type: ignore[no-untyped-def]
    assert run("db", "upgrade").exit_code == 0
    from alembic.script import ScriptDirectory

    from ortaq.store.migrate import MIGRATIONS

    heads = ScriptDirectory(str(MIGRATIONS)).get_heads()
    assert run("db", "current").stdout.strip() == heads[0]


def test_formats_lists_the_plaintext_fallback(run) -> None:  # type: ignore[no-untyped-def]
    assert "plaintext" in run("formats").stdout


def test_read_needs_no_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORTAQ_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    result = CliRunner().invoke(app, ["read", str(SAMPLES / "003_cba27e171e37cdf8.txt"), "--json"])
    assert result.exit_code == 0, result.output
    [reading] = json_lines(result.stdout)
    assert (reading["language"], reading["script"], reading["direction"]) == ("kk", "Cyrl", "ltr")
    assert reading["dateline"] == {
        "place": "АСТАНА",
        "country": "KZ",
        "agency": "KAZINFORM",
        "date": None,
    }
    assert reading["published"] == {"value": "2025-12-14", "precision": "day", "method": "header"}


def test_eval_langid_prints_one_json_object(tmp_path: Path) -> None:
    data = tmp_path / "tiny.tsv"
    data.write_text(
        "kk\tҚазақстан мен Түркия ақпарат саласындағы ынтымақтастықты нығайтады\n"
        "tr\tTürkiye ile Kazakistan medya alanında işbirliğini güçlendiriyor\n"
        "ky\tКыргызстан менен Түркия маалымат жаатында кызматташууну чыңдайт\n",
        "utf-8",
    )
    result = CliRunner().invoke(app, ["eval", "langid", "--data", str(data)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["accuracy"] == 1.0 and report["n"] == 3


def test_users_tokens_members_agreements(run) -> None:  # type: ignore[no-untyped-def]
    assert run("demo").exit_code == 0
    added = run(
        "users",
        "add",
        "ayla",
        "--role",
        "editor",
        "--member",
        "kopru-haber",
        stdin=b"a long enough password\n",
    )
    assert added.exit_code == 0, added.output
    assert json_lines(added.stdout)[0]["username"] == "ayla"
    short = run(
        "users", "add", "bad", "--role", "reader", "--member", "kopru-haber", stdin=b"short\n"
    )
    assert short.exit_code == 2 and "at least 8 characters" in short.stderr
    token = json_lines(run("tokens", "create", "ayla", "--scope", "write").stdout)[0]
    assert token["token"].startswith("ortaq_") and token["scope"] == "write"
    assert run("tokens", "create", "nobody").exit_code == 2
    members = {m["slug"] for m in json_lines(run("members", "list").stdout)}
    assert "dala-press" in members and len(members) == 7
    agreements = {a["slug"]: a for a in json_lines(run("agreements", "list").stdout)}
    assert agreements["volga-caspian-2025"]["status"] == "ended"
    assert agreements["dala-kopru-2026"]["members"] == ["dala-press", "kopru-haber"]


def test_stories_list_show_and_rebuild(run) -> None:  # type: ignore[no-untyped-def]
    files = [str(p) for p in sorted(SAMPLES.glob("*.txt"))]
    run("members", "add", "samples", "--name", "Samples")
    ingested = json_lines(run("ingest", *files, "--provider", "samples", "--json").stdout)
    assigned = {r["uri"]: r["story"] for r in ingested}
    listed = json_lines(run("stories", "list", "--json").stdout)
    assert {i["uri"]: s["id"] for s in listed for i in s["items"]} == assigned
    story = listed[0]["id"]
    shown = json_lines(run("stories", "show", story, "--json").stdout)[0]
    assert shown["id"] == story and shown["timeline"]["first"]["first_appearance"]
    assert story in run("stories", "list").stdout  # the readable table, by default
    assert shown["timeline"]["first"]["member"] in run("stories", "show", story).stdout
    assert run("stories", "show", "story-999999").exit_code == 2
    report = json_lines(run("stories", "rebuild").stdout)[0]
    assert report["kept"] == report["stories"] == len(listed) and report["gone"] == 0
    again = json_lines(run("stories", "list", "--json", "--limit", "100").stdout)
    assert again == listed
