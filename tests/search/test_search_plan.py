"""On PostgreSQL a search's match goes through the GIN index: the TOASTed documents make
the table look small to the planner, which would otherwise read (and detoast) every row;
the newest matches in a range of ids come from the (item_id, document) index (0013)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ortaq.model import Item
from ortaq.store import Store
from ortaq.store import fulltext as ft
from ortaq.viewer import OPERATOR

WORDS = ["ekonomi", "seçim", "hükümet", "parlamento", "ihracat", "enflasyon", "bütçe"]


def test_the_match_query_uses_the_gin_index_and_restores_the_setting(store: Store) -> None:
    if store.engine.dialect.name != "postgresql":
        pytest.skip("FTS5 matches through its own index; nothing to plan")
    for n in range(60):  # long bodies, so every document is TOASTed
        body = [" ".join(WORDS[(n + k) % len(WORDS)] + f"{k}" for k in range(400))]
        store.save(Item(uri=f"urn:plan:{n}", headline=f"Haber {n}", body=body, language="tr"))
    with store.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE search_documents")
        query = ft.prepared(conn, "Haber", "tr")
        index = ft.index_for("postgresql")
        compiled = sa.select(index.matching(query)).compile(conn)
        newest = index.newest(query, 1001, before=50, above=10).compile(conn)
        with index.planned(conn):
            plan, ranged = (
                "\n".join(row[0] for row in conn.exec_driver_sql(f"EXPLAIN {c}", c.params))
                for c in (compiled, newest)
            )
        assert "search_documents_id_document" in plan, plan
        assert "Seq Scan on search_documents" not in plan, plan
        # the id range and the match are one condition of the (item_id, document) index
        assert "Bitmap Index Scan on search_documents_id_document" in ranged, ranged
        assert "item_id > " in ranged and "Index Scan Backward" not in ranged, ranged
        assert conn.exec_driver_sql("SHOW enable_seqscan").scalar() == "on"
        assert conn.exec_driver_sql("SHOW enable_indexscan").scalar() == "on"
    hits = store.search("Haber", viewer=OPERATOR, language="tr", limit=100)
    assert hits.total == 60
