"""Migration 0008 indexes the items already stored, and its downgrade gives the LIKE
column back."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from ortaq.store import Store
from ortaq.store.migrate import upgrade
from ortaq.store.store import create_engine_for, utcnow
from ortaq.viewer import OPERATOR


def test_upgrade_indexes_existing_items_and_downgrade_restores_like_text(tmp_path: Path) -> None:
    engine = create_engine_for(f"sqlite:///{tmp_path}/old.db")
    upgrade(engine, "0007")
    old_items = sa.Table("items", sa.MetaData(), autoload_with=engine)
    base = {
        "version": 1, "is_current": True, "provider": "ma", "content_hash": "x",
        "type": "text", "pubstatus": "usable", "credits": [], "subjects": [],
        "organisations": [], "derived": {}, "stage_data": {}, "source_name": "old",
        "source_format": "plaintext", "ingested_at": utcnow(), "summary": None,
    }  # fmt: skip
    rows = [
        {**base, "uri": "urn:old:tr", "language": "tr", "headline": "TÜRKİYE'NİN ajansı",
         "body": ["Haber"], "people": [], "places": []},
        {**base, "uri": "urn:old:ar", "language": "ar", "headline": "خبر",
         "body": ["زيارة إلى تركيا"], "people": [],
         "places": [{"id": "country:TR", "name": "تركيا"}]},
        {**base, "uri": "urn:old:ar", "version": 0, "is_current": False, "language": "ar",
         "headline": "old version", "body": ["Türkiye eski"], "people": [], "places": []},
    ]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(old_items.insert(), rows)
    upgrade(engine)
    store = Store(engine)
    # the Arabic item matches through its linked country, its old version not at all
    assert {h.stored.item.uri for h in store.search("türkiye", viewer=OPERATOR).hits} == {
        "urn:old:tr",
        "urn:old:ar",
    }
    assert store.search("eski", viewer=OPERATOR).hits == []
    assert {h.stored.item.uri for h in store.search("Turkey", viewer=OPERATOR).hits} == {
        "urn:old:tr",
        "urn:old:ar",
    }
    upgrade_down(engine)
    with engine.connect() as conn:
        query = sa.text("SELECT uri, search_text FROM items WHERE is_current")
        texts = {uri: text for uri, text in conn.execute(query)}
        tables = {r[0] for r in conn.execute(sa.text("SELECT name FROM sqlite_master"))}
    assert texts["urn:old:ar"] == "خبر\nزيارة إلى تركيا".replace("\n", " ")
    assert not {"search_index", "search_names", "search_facets"} & tables
    engine.dispose()


def upgrade_down(engine: sa.Engine) -> None:
    from alembic import command

    from ortaq.store.migrate import alembic_config

    command.downgrade(alembic_config(engine), "0007")
