"""search: the PostgreSQL index answers "the newest matches" by id range (btree_gin)

Search ranks the newest CANDIDATES matches of a query (`fulltext.TsvectorIndex.newest`).
With the tsvector alone in the GIN index, PostgreSQL had to visit every match's row to
learn its id before keeping the newest: 71,000 rows for a broad query at a million
items. `search_documents_id_document` is a GIN index over (item_id, document)
(`btree_gin`, a contrib extension trusted since PostgreSQL 13: the database owner may
create it), so a match in a range of ids is found in the index alone and only the
newest rows are read; it replaces `search_documents_document` (a multicolumn GIN index
serves a match on the document alone as well). SQLite: nothing (FTS5 walks its
matches newest first).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 23:20:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from ortaq.store import fulltext

    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        fulltext.TsvectorIndex().create_recent(conn)
        conn.exec_driver_sql("DROP INDEX IF EXISTS search_documents_document")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            "CREATE INDEX IF NOT EXISTS search_documents_document "
            "ON search_documents USING gin (document)"
        )
        conn.exec_driver_sql("DROP INDEX IF EXISTS search_documents_id_document")
