"""The store owns its SQL, the stages own no store, and a read without a viewer fails.

Walks the source with `ast` (no import needed), so a module that reaches past the
store into its schema, its engine or SQLAlchemy is found wherever it sits.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ortaq.model import Item
from ortaq.store import Store
from ortaq.store import stories as story_reads
from ortaq.viewer import OPERATOR, MissingViewer, Viewer

SOURCE = Path(__file__).resolve().parents[1] / "src" / "ortaq"
STORE = SOURCE / "store"  # the store package, its migrations with it
# Modules outside the store allowed to reach into it, each with the reason. None today:
# a new entry needs a reason a reviewer accepts.
ALLOWED: dict[str, str] = {}
# The processing chain's stages (see ortaq.chain): pure, so they import no store.
STAGE_PACKAGES = ("formats", "read", "entities", "stories", "cooperation")
STAGE_MODULES = ("chain.py", "model.py")


def modules(root: Path) -> Iterator[Path]:
    yield from sorted(root.rglob("*.py"))


def imported(tree: ast.AST) -> Iterator[str]:
    """Every module name an import names (`from a import b` gives `a` and `a.b`)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def store_reaches(source: str) -> list[str]:
    """What in this source reaches past the store: the schema, SQLAlchemy, an engine."""
    tree = ast.parse(source)
    found = [
        f"imports {name}"
        for name in imported(tree)
        if name == "ortaq.store.schema" or name.split(".")[0] == "sqlalchemy"
    ]
    found += [
        f"uses .engine (line {node.lineno})"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "engine"
    ]
    return found


def relative(path: Path) -> str:
    return path.relative_to(SOURCE.parent).as_posix()


def test_the_check_finds_each_kind_of_reach() -> None:
    assert store_reaches("from ortaq.store import schema") == ["imports ortaq.store.schema"]
    assert store_reaches("import ortaq.store.schema as s") == ["imports ortaq.store.schema"]
    assert store_reaches("from sqlalchemy.engine import Engine") == [
        "imports sqlalchemy.engine",
        "imports sqlalchemy.engine.Engine",
    ]
    assert store_reaches("with store.engine.begin():\n    pass") == ["uses .engine (line 1)"]
    assert store_reaches("from ortaq.store import Store\nstore.list_items(viewer=v)") == []


def test_no_module_outside_the_store_reaches_into_it() -> None:
    offenders = {
        relative(path): found
        for path in modules(SOURCE)
        if STORE not in path.parents
        and relative(path) not in ALLOWED
        and (found := store_reaches(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}
    assert all(reason.strip() for reason in ALLOWED.values())


def test_the_store_imports_nothing_above_it() -> None:
    """The store under the exchange and the doors: no cycle back into them."""
    offenders = {
        relative(path): names
        for path in modules(STORE)
        if (
            names := [
                name
                for name in imported(ast.parse(path.read_text(encoding="utf-8")))
                if name.startswith(("ortaq.exchange", "ortaq.api", "ortaq.web", "ortaq.cli"))
            ]
        )
    }
    assert offenders == {}


def test_the_viewer_depends_on_nothing() -> None:
    source = (SOURCE / "viewer.py").read_text(encoding="utf-8")
    assert set(imported(ast.parse(source))) <= {
        "__future__",
        "__future__.annotations",
        "dataclasses",
        "dataclasses.dataclass",
        "dataclasses.replace",
    }


def test_the_stages_import_no_store() -> None:
    stage_files = [p for name in STAGE_PACKAGES for p in modules(SOURCE / name)]
    stage_files += [SOURCE / name for name in STAGE_MODULES]
    assert len(stage_files) > 20  # the walk found the stages
    offenders = {
        relative(path): names
        for path in stage_files
        if (
            names := [
                name
                for name in imported(ast.parse(path.read_text(encoding="utf-8")))
                if name.startswith(("ortaq.store", "ortaq.exchange", "ortaq.api"))
                or name == "sqlalchemy"
            ]
        )
    }
    assert offenders == {}


# -- reads fail closed ------------------------------------------------------------------

Read = Callable[[Store, Any, int, str, str], Any]
# Every read of items or stories, called with the viewer under test.
READS: dict[str, Read] = {
    "get": lambda s, v, i, uri, p: s.get(i, v),
    "get_by_uri": lambda s, v, i, uri, p: s.get_by_uri(uri, v, provider=p),
    "find_uri": lambda s, v, i, uri, p: s.find_uri(uri, v),
    "history": lambda s, v, i, uri, p: s.history(uri, v, provider=p),
    "list_items": lambda s, v, i, uri, p: s.list_items(viewer=v, provider=p),
    "list_summaries": lambda s, v, i, uri, p: s.list_summaries(viewer=v, provider=p),
    "fetch_ids": lambda s, v, i, uri, p: s.fetch_ids([i], v),
    "fetch_summaries": lambda s, v, i, uri, p: s.fetch_summaries([i], v),
    "fetch_versions": lambda s, v, i, uri, p: s.fetch_versions([i], v),
    "iter_items": lambda s, v, i, uri, p: list(s.iter_items(v)),
    "visible_items": lambda s, v, i, uri, p: visible_rows(s, v),
    "search": lambda s, v, i, uri, p: s.search("wheat", viewer=v),
    "reading": lambda s, v, i, uri, p: s.reading(v),
    "list_stories": lambda s, v, i, uri, p: story_reads.list_stories(s, v),
    "get_story": lambda s, v, i, uri, p: story_reads.get_story(s, f"story-{i}", v),
    "version_diff": lambda s, v, i, uri, p: story_reads.version_diff(
        s, uri, 1, 2, provider=p, viewer=v
    ),
}
PROVIDERS = ("dala-press", "khaleej-wire")


def visible_rows(store: Store, viewer: Any) -> list[dict[str, Any]]:
    """The rows of the policy's base query, run (a test may use the engine)."""
    query = store.visible_items(viewer)
    with store.engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """Two members' items, each corrected once, under no agreement at all."""
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('boundaries')}/store.db")
    for provider in PROVIDERS:
        store.upsert_member(provider, provider.title())
        for n in range(3):
            for version in ("first", "second"):
                body = [f"Wheat harvest report {n}, {version} version from {provider}."]
                item = Item(uri=f"urn:b:{n}", headline=f"Wheat {n}", body=body)
                item.provider, item.language = provider, "en"
                store.save(item)
    yield store
    store.close()


def test_every_read_of_the_store_is_checked() -> None:
    """A new read method with a viewer parameter must be added to READS."""
    with_viewer = {
        name
        for name, method in inspect.getmembers(Store, inspect.isfunction)
        if not name.startswith("_") and "viewer" in inspect.signature(method).parameters
    }
    assert with_viewer <= set(READS)
    assert all(
        "viewer" in inspect.signature(getattr(story_reads, name)).parameters
        for name in ("list_stories", "get_story", "version_diff")
    )


absent_viewers = st.sampled_from([None, "", 0, b"dala-press", ("dala-press",), {"member": "x"}])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    read=st.sampled_from(sorted(READS)),
    viewer=absent_viewers,
    item_id=st.integers(min_value=1, max_value=12),
    n=st.integers(min_value=0, max_value=3),
    provider=st.sampled_from(PROVIDERS),
)
def test_a_read_without_a_viewer_is_refused(
    filled: Store, read: str, viewer: Any, item_id: int, n: int, provider: str
) -> None:
    with pytest.raises(MissingViewer):
        READS[read](filled, viewer, item_id, f"urn:b:{n}", provider)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    read=st.sampled_from(sorted(READS)),
    item_id=st.integers(min_value=1, max_value=12),
    n=st.integers(min_value=0, max_value=3),
)
def test_a_member_without_agreements_reads_nothing_of_another(
    filled: Store, read: str, item_id: int, n: int
) -> None:
    """Fails closed the other way too: no agreement in force, nothing of the other's."""
    viewer = Viewer("dala-press", actor="reader")
    try:
        found = READS[read](filled, viewer, item_id, f"urn:b:{n}", "khaleej-wire")
    except KeyError:  # version_diff: no such versions for this viewer
        return
    assert "khaleej-wire" not in providers_in(found)


def providers_in(found: Any) -> set[str | None]:
    """The providers of whatever a read returned (items, pages, stories)."""
    if found is None or isinstance(found, (str, int)):
        return set()
    if isinstance(found, dict):  # a row of visible_items
        return {found["provider"]}
    if hasattr(found, "item"):  # a StoredItem
        return {found.item.provider}
    if hasattr(found, "hits"):  # search results
        return providers_in([hit.stored for hit in found.hits])
    if hasattr(found, "versions"):  # a story view
        return providers_in(found.versions)
    if isinstance(found, (list, tuple)):
        return set().union(*(providers_in(f) for f in found)) if found else set()
    return set()


def test_the_operator_is_explicit_and_reads_everything(filled: Store) -> None:
    assert OPERATOR.operator and OPERATOR.member is None
    providers = {s.item.provider for s in filled.list_items(viewer=OPERATOR, limit=100)}
    assert providers == set(PROVIDERS)
    assert len(filled.history("urn:b:0", OPERATOR, provider="khaleej-wire")) == 2
