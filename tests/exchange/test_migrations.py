"""The migrated database is exactly the metadata, on both backends, and 0002 backfills."""

from __future__ import annotations

import hashlib
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from ortaq.store import Store, schema
from ortaq.store.fulltext import include_name
from ortaq.store.migrate import alembic_config, current_revision, upgrade
from ortaq.store.store import create_engine_for, utcnow
from ortaq.viewer import OPERATOR


def test_migrated_schema_equals_metadata(store: Store) -> None:
    head = ScriptDirectory.from_config(alembic_config(store.engine)).get_current_head()
    assert head is not None and current_revision(store.engine) == head
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": include_name})
        assert compare_metadata(context, schema.metadata) == []


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
    assert [s.item.uri for s in store.list_items(text="ескі", viewer=OPERATOR)] == ["urn:old:1"]
    assert [s.item.uri for s in store.list_items(topic="medtop:20000045", viewer=OPERATOR)] == [
        "urn:old:1"
    ]
    store.close()


def test_upgrade_to_0004_gives_a_taken_over_item_back_to_its_publisher(tmp_path: Path) -> None:
    """Before 0004 another member could add a "version" to khaleej's item; after it, the
    intruder's row is its own item and khaleej's last version is current again."""
    engine = create_engine_for(f"sqlite:///{tmp_path}/old.db")
    upgrade(engine, "0003")
    metadata = sa.MetaData()
    old_items = sa.Table("items", metadata, autoload_with=engine)
    old_events = sa.Table("item_events", metadata, autoload_with=engine)
    base = {
        "uri": "urn:khaleej:1", "is_current": False, "content_hash": "x", "type": "text",
        "pubstatus": "usable", "body": ["Body"], "credits": [], "people": [], "subjects": [],
        "organisations": [], "places": [], "derived": {}, "stage_data": {},
        "source_name": "api", "source_format": "plaintext", "ingested_at": utcnow(),
    }  # fmt: skip
    rows = [
        {**base, "version": 1, "provider": "khaleej-wire", "content_hash": "k1"},
        {**base, "version": 2, "provider": "khaleej-wire", "content_hash": "k2"},
        {**base, "version": 3, "provider": "dala-press", "content_hash": "d3", "is_current": True},
    ]
    with engine.begin() as conn:
        conn.execute(old_items.insert(), rows)
        conn.execute(
            old_events.insert(),
            [{"uri": "urn:khaleej:1", "version": v, "kind": "publish", "at": utcnow()}
             for v in (1, 2, 3)],
        )  # fmt: skip
    upgrade(engine)
    store = Store(engine)
    khaleej = store.get_by_uri("urn:khaleej:1", OPERATOR, provider="khaleej-wire")
    intruder = store.get_by_uri("urn:khaleej:1", OPERATOR, provider="dala-press")
    assert khaleej is not None and khaleej.item.version == 2
    assert intruder is not None and intruder.item.version == 3
    assert [e["version"] for e in store.events("urn:khaleej:1", provider="khaleej-wire")] == [1, 2]
    assert [e["version"] for e in store.events("urn:khaleej:1", provider="dala-press")] == [3]
    store.close()


def test_upgrade_to_0005_turns_stored_errors_into_categories(tmp_path: Path) -> None:
    """Old rows told which internal ports were open; after 0005 they hold a category."""
    engine = create_engine_for(f"sqlite:///{tmp_path}/old.db")
    upgrade(engine, "0003")
    now = utcnow()
    old = {
        "ConnectError: [Errno 111] Connection refused": "refused",
        "ConnectTimeout: timed out": "timeout",
        "OSError: ConnectError: [SSL: WRONG_VERSION_NUMBER] wrong version number": "tls",
        "OSError: feed larger than 20971520 bytes": "too_large",
        "ConnectError: [Errno -2] Name or service not known": "unreachable",
        "ReadError: [Errno 104] Connection reset by peer": "network",
        "HTTP 503": "http_503",
        "not visible to this member": "not_visible",
        "http_404": "http_404",  # already a category: left alone
    }
    with engine.begin() as conn:
        for text in old:
            conn.execute(
                schema.feed_sources.insert().values(
                    member="ma", url="http://x/", interval_seconds=60, active=True,
                    next_poll_at=now, failures=1, items_stored=0, created_at=now, last_error=text,
                )
            )  # fmt: skip
    upgrade(engine)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(schema.feed_sources.c.last_error).order_by("id"))
        assert list(rows.scalars()) == list(old.values())
    engine.dispose()


def test_upgrade_to_0006_backfills_the_quarantine_hash(tmp_path: Path) -> None:
    engine = create_engine_for(f"sqlite:///{tmp_path}/old.db")
    upgrade(engine, "0003")
    digest = hashlib.sha256(b"bad bytes").hexdigest()
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO raw_documents (sha256, size, data, created_at) VALUES (:s, 9, :d, :t)"
            ),
            {"s": digest, "d": b"bad bytes", "t": now},
        )
        conn.execute(
            sa.text(
                "INSERT INTO quarantine (source_name, reason, raw_sha256, size, status, attempts,"
                " created_at, last_tried_at) VALUES ('a.txt', 'bad', :s, 9, 'open', 1, :t, :t)"
            ),
            {"s": digest, "t": now},
        )
    upgrade(engine)
    store = Store(engine)
    [record] = store.quarantine_list()
    assert (record.sha256, record.bytes_kept, record.size) == (digest, True, 9)


def test_upgrade_to_0010_assigns_stories_to_the_archive_in_arrival_order(tmp_path: Path) -> None:
    """Items stored before stories were kept get them, as ingest would have given them:
    a copy with its original, a later version with its item, the log in id order."""
    from ortaq.model import Item
    from ortaq.store.stories import list_stories

    engine = create_engine_for(f"sqlite:///{tmp_path}/old.db")
    upgrade(engine, "0009")
    old_items = sa.Table("items", sa.MetaData(), autoload_with=engine)
    corridor = (
        "Kazakhstan and Azerbaijan signed an agreement on the Middle Corridor in Baku on "
        "Tuesday. The transport ministers said freight volumes along the Trans-Caspian "
        "route would double by 2030, with new ferries at the port of Aktau and a rail "
        "terminal at Alat handling 4,500 containers a month."
    )
    rates = "The central bank of Turkey kept its policy rate at 50 percent on Thursday."
    base = {
        "type": "text", "pubstatus": "usable", "language": "en", "credits": [],
        "people": [], "subjects": [], "organisations": [], "places": [], "derived": {},
        "stage_data": {}, "source_name": "old", "source_format": "plaintext",
        "ingested_at": utcnow(),
    }  # fmt: skip
    rows = [
        ("ma", "urn:ma:1", 1, False, corridor),
        ("mb", "urn:mb:1", 1, True, corridor + " Officials confirmed it."),
        ("ma", "urn:ma:2", 1, True, rates),
        ("ma", "urn:ma:1", 2, True, corridor + " Ferries are on order."),
    ]
    with engine.begin() as conn:
        for provider, uri, version, current, text in rows:
            conn.execute(
                old_items.insert().values(
                    **base, provider=provider, uri=uri, version=version, is_current=current,
                    content_hash=f"{uri}:{version}", headline=text[:40], body=[text],
                )
            )  # fmt: skip
    upgrade(engine)
    store = Store(engine)
    grouped = sorted(
        sorted((s.item.uri, s.item.version) for s in view.versions)
        for view in list_stories(store, OPERATOR)
    )
    assert grouped == [
        [("urn:ma:1", 1), ("urn:ma:1", 2), ("urn:mb:1", 1)],
        [("urn:ma:2", 1)],
    ]
    with engine.connect() as conn:
        log = conn.execute(
            sa.select(schema.story_items.c.item_id).order_by(schema.story_items.c.seq)
        )
        assert list(log.scalars()) == [1, 2, 3, 4]
        assert conn.execute(sa.select(schema.story_index_snapshots.c.seq)).scalar() == 4
    saved = store.save(Item(uri="urn:mc:1", body=["Floods in Almaty."], language="en"))
    assert saved.story is not None and saved.story not in {
        v.id for v in list_stories(store, OPERATOR)[1:]
    }
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.max(schema.story_items.c.seq))).scalar() == 5
    store.close()
