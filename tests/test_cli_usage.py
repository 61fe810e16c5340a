"""Usage errors are not data: a missing path, an unknown format, member, id or option
value ends the command with exit 2 and one line on stderr naming the input and the
reason, and nothing is written (no row in any table, no file). Bad *content* of an
existing input still goes to the quarantine (exit 1)."""

from __future__ import annotations

import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ortaq.chain import default_chain
from ortaq.cli import app
from ortaq.store import Store, schema

KNOWN_FORMATS = set(default_chain().formats.names())
Run = Callable[..., Any]


class Workspace:
    """A store with a member, an item and a quarantine record, and an empty folder the
    commands run in: what a usage error must leave exactly as it was."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        self.url = f"sqlite:///{root / 'ortaq.db'}"
        self.cwd = root / "cwd"
        self.data = root / "data"
        self.cwd.mkdir()
        self.article = root / "article.txt"
        self.article.write_text("Başlık\nHaber metni burada, bir paragraf.", "utf-8")
        monkeypatch.setenv("ORTAQ_DATABASE_URL", self.url)
        monkeypatch.setenv("ORTAQ_DATA_DIR", str(self.data))
        monkeypatch.chdir(self.cwd)
        self.runner = CliRunner()
        assert self.run("members", "add", "dala-press", "--name", "Dala").exit_code == 0
        assert self.run("ingest", str(self.article), "--provider", "dala-press").exit_code == 0
        (root / "empty.txt").write_bytes(b"")
        assert self.run("ingest", str(root / "empty.txt")).exit_code == 1  # quarantined

    def run(self, *args: str, stdin: bytes | None = None) -> Any:
        return self.runner.invoke(app, list(args), input=stdin, prog_name="ortaq")

    def snapshot(self) -> tuple[dict[str, int], list[str]]:
        """Rows per table, and every file the commands could have written."""
        store = Store.open(self.url, migrate=False)
        try:
            with store.engine.connect() as conn:
                rows = {
                    table.name: conn.execute(
                        sa.select(sa.func.count()).select_from(table)
                    ).scalar_one()
                    for table in schema.metadata.sorted_tables
                }
        finally:
            store.close()
        folders = (self.cwd, self.data)
        files = sorted(str(p) for folder in folders if folder.exists() for p in folder.rglob("*"))
        return rows, files


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    return Workspace(tmp_path, monkeypatch)


def assert_usage_error(space: Workspace, args: list[str], *named: str, stdin: bytes = b"") -> None:
    before = space.snapshot()
    result = space.run(*args, stdin=stdin)
    assert result.exit_code == 2, (args, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, (args, result.stderr)
    assert lines[0].startswith("ortaq"), lines
    for text in named:
        assert text in lines[0], (args, text, lines[0])
    assert result.stdout == "", (args, result.stdout)
    assert space.snapshot() == before, args


CASES: list[tuple[list[str], tuple[str, ...]]] = [
    (["ingest", "missing.xml"], ("missing.xml", "no such file")),
    (["ingest", "{article}", "--format", "bogus"], ("'bogus'", "no such input format")),
    (["ingest", "{article}", "--provider", "nobody"], ("'nobody'", "no such member")),
    (["ingest", "{article}", "gone/"], ("gone/", "no such file")),
    (["read", "missing.txt"], ("missing.txt", "no such file")),
    (["entities", "missing.txt"], ("missing.txt", "no such file")),
    (["cooperation", "missing.txt"], ("missing.txt", "no such file")),
    (["items", "show", "999999"], ("'999999'", "no such item")),
    (["items", "show", "urn:none"], ("'urn:none'", "no such item")),
    (["items", "list", "--provider", "nobody"], ("'nobody'", "no such member")),
    (["items", "list", "--limit", "many"], ("--limit",)),
    (["search", "haber", "--member", "nobody"], ("'nobody'", "no such member")),
    (["search", "haber", "--cursor", "garbage"], ("cursor",)),
    (["quarantine", "show", "999999"], ("999999", "no such quarantine record")),
    (["quarantine", "retry", "1", "999999"], ("999999", "no such quarantine record")),
    (["stories", "show", "story-999999"], ("'story-999999'", "no such story")),
    (["stories", "show", "nonsense"], ("'nonsense'", "no such story")),
    (["stories", "diff", "999999", "1", "2"], ("'999999'", "no such item")),
    (["eval", "reading", "--gold", "no-gold", "--articles", "."], ("--gold", "no-gold")),
    (["eval", "langid", "--data", "none.tsv"], ("--data", "none.tsv")),
    (["eval", "ner", "--lang", "xx", "--data", "{article}"], ("'xx'", "no trained model")),
    (["tokens", "create", "nobody"], ("'nobody'",)),
    (["users", "add", "ayla", "--role", "king"], ("role",)),
    (["users", "add", "ayla", "--role", "reader", "--member", "nobody"], ("nobody",)),
    (["members", "add", "Not A Slug", "--name", "X"], ("'Not A Slug'", "not a member slug")),
    (["db", "upgrade", "bogus"], ("'bogus'",)),
    (["no-such-command"], ("no-such-command",)),
]


@pytest.mark.parametrize(("args", "named"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_a_usage_error_exits_2_with_one_line_and_touches_nothing(
    workspace: Workspace, args: list[str], named: tuple[str, ...]
) -> None:
    filled = [a.replace("{article}", str(workspace.article)) for a in args]
    assert_usage_error(workspace, filled, *named, stdin=b"a long enough password\n")


def test_bad_content_of_an_existing_input_is_still_quarantined(workspace: Workspace) -> None:
    (rows, _) = workspace.snapshot()
    binary = workspace.root / "photo.bin"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    result = workspace.run("ingest", str(binary), "--provider", "dala-press")
    assert result.exit_code == 1 and "quarantined photo.bin: binary data" in result.stderr
    (after, _) = workspace.snapshot()
    assert after["quarantine"] == rows["quarantine"] + 1


def test_a_good_ingest_after_usage_errors_stores_normally(workspace: Workspace) -> None:
    other = workspace.root / "other.txt"
    other.write_text("Заголовок\nТекст новости, один абзац.", "utf-8")
    assert workspace.run("ingest", str(other), "--provider", "nobody").exit_code == 2
    stored = workspace.run("ingest", str(other), "--provider", "dala-press", "--json")
    assert stored.exit_code == 0, stored.output
    assert '"outcome": "new"' in stored.stdout


names = st.text(string.ascii_lowercase + string.digits + "-_.", min_size=1, max_size=20)
bad_arguments = st.one_of(
    names.map(lambda n: (["ingest", f"missing-{n}"], f"missing-{n}")),
    names.filter(lambda n: n not in KNOWN_FORMATS).map(
        lambda n: (["ingest", "{article}", "--format", n], repr(n))
    ),
    names.filter(lambda n: n != "dala-press").map(
        lambda n: (["ingest", "{article}", "--provider", n], repr(n))
    ),
    st.integers(min_value=1000, max_value=2**62).map(
        lambda i: (["quarantine", "show", str(i)], str(i))
    ),
    st.integers(min_value=1000, max_value=2**62).map(lambda i: (["items", "show", str(i)], str(i))),
    names.map(lambda n: (["stories", "show", f"x{n}"], f"x{n}")),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(bad=bad_arguments)
def test_random_bad_arguments_are_usage_errors(
    workspace: Workspace, bad: tuple[list[str], str]
) -> None:
    args, named = bad
    filled = [a.replace("{article}", str(workspace.article)) for a in args]
    assert_usage_error(workspace, filled, named)
