"""On PostgreSQL a search's match goes through the GIN index: the TOASTed documents make
the table look small to the planner, which would otherwise read (and detoast) every row."""

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
        with index.planned(conn):
            plan = "\n".join(
                row[0] for row in conn.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params)
            )
        assert "search_documents_document" in plan, plan
        assert "Seq Scan on search_documents" not in plan, plan
        assert conn.exec_driver_sql("SHOW enable_seqscan").scalar() == "on"
    hits = store.search("Haber", viewer=OPERATOR, language="tr", limit=100)
    assert hits.total == 60
