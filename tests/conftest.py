"""Fixtures: every store test runs on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import settings

from ortaq.store import Store
from ortaq.store.migrate import upgrade
from tests.postgres import find_pg_bin, postgres_server

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
_database_numbers = itertools.count()

# Shared 2-core machines are noisy: a timing deadline would fail tests for the load,
# not for the code. Speed is measured in bench/, never asserted in tests.
settings.register_profile("ortaq", deadline=None, print_blob=True)
settings.load_profile("ortaq")


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"the shared reference data is missing at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A running server with a migrated template database; tests clone it."""
    if find_pg_bin() is None and not IN_CI:
        pytest.skip("PostgreSQL is not installed (CI installs it)")
    with postgres_server() as server_url:
        admin = sa.create_engine(f"{server_url}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text("CREATE DATABASE ortaq_template"))
        template = sa.create_engine(f"{server_url}/ortaq_template")
        upgrade(template)
        template.dispose()
        yield server_url
        admin.dispose()


def fresh_postgres_url(server_url: str) -> str:
    name = f"ortaq_test_{os.getpid()}_{next(_database_numbers)}"
    admin = sa.create_engine(f"{server_url}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE ortaq_template'))
    admin.dispose()
    return f"{server_url}/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ortaq.db'}"
    server_url = request.getfixturevalue("postgres_template")
    return fresh_postgres_url(server_url)


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    opened = Store.open(database_url)
    yield opened
    opened.close()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path / 'ortaq.db'}")
    yield opened
    opened.close()
