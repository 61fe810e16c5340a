"""The migrated database is exactly the metadata, on both backends, and 0002 backfills."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from ortaq.store import Store, schema
from ortaq.store.migrate import current_revision, upgrade
from ortaq.store.store import create_engine_for, utcnow


def test_migrated_schema_equals_metadata(store: Store) -> None:
    assert current_revision(store.engine) == "0005"
    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), schema.metadata) == []


def test_upgrade_from_0001_backfills_topics_and_search_text(tmp_path: Path) -> None:
    engine = create_engine_for(f"sqlite:///{tmp_path}/old.db")
    upgrade(engine, "0001")
    # The items table as 0001 built it: no search text, no topic rows.
    old_items = sa.Table(
        "items",
        sa.MetaData(),
        *(column._copy() for column in schema.items.columns if column.name != "search_text"),
    )
    mediatopic = {"code": "20000045", "scheme": "http://cv.iptc.org/newscodes/mediatopic/"}
    row = {
        "uri": "urn:old:1", "version": 1, "is_current": True, "provider": "ma",
        "content_hash": "x", "type": "text", "pubstatus": "usable", "language": "kk",
        "headline": "Ескі Жаңалық", "body": ["Body"], "credits": [], "people": [],
        "subjects": [mediatopic], "organisations": [], "places": [], "derived": {},
        "stage_data": {}, "source_name": "old", "source_format": "plaintext",
        "ingested_at": utcnow(),
    }  # fmt: skip
    with engine.begin() as conn:
        conn.execute(old_items.insert().values(**row))
    upgrade(engine)
    store = Store(engine)
    assert [s.item.uri for s in store.list_items(text="ескі")] == ["urn:old:1"]
    assert [s.item.uri for s in store.list_items(topic="medtop:20000045")] == ["urn:old:1"]
    store.close()
