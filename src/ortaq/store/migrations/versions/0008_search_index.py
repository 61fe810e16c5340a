"""search: a full-text index (FTS5 / tsvector), entity names and facets; no search_text

Search was `LIKE '%word%'` over `items.search_text`, a case-folded copy of the text:
no Turkish İ, no Arabic hamza forms, no stems, no scripts meeting, no ranking, and every
query read every row. The index made by `ortaq.store.fulltext` replaces it: FTS5 on
SQLite, a GIN-indexed tsvector on PostgreSQL, written with Ortaq's one analysis
(`ortaq.search_terms`); `search_names` resolves names to entities and `search_facets`
holds countries. Every current item is indexed here; `ortaq search reindex` does it
again after the analysis changes. The downgrade drops the index and brings the LIKE
column back, filled as 0002 filled it.

Revision ID: 0008
Revises: 0007 (the lead re-chains numbers at merge)
Create Date: 2026-12-07 12:30:00.000000
"""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_names",
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("entity_id", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("key", "entity_id", name=op.f("pk_search_names")),
    )
    op.create_table(
        "search_facets",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("facet", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name=op.f("fk_search_facets_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", "facet", "value", name=op.f("pk_search_facets")),
    )
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_column("search_text")
    _index_current_items()


def _index_current_items() -> None:
    from ortaq.store import fulltext
    from ortaq.store.store import row_item

    conn = op.get_bind()
    fulltext.index_for(conn.dialect.name).create(conn)
    items = sa.table("items", *(sa.column(c.name, c.type) for c in _item_columns()))
    after = 0
    while True:
        query = (
            sa.select(items)
            .where(items.c.is_current, items.c.id > after)
            .order_by(items.c.id)
            .limit(fulltext.REINDEX_BATCH)
        )
        rows = list(conn.execute(query).mappings())
        fulltext.index_items(conn, [(row["id"], row_item(row)) for row in rows])
        if len(rows) < fulltext.REINDEX_BATCH:
            return
        after = rows[-1]["id"]


def _item_columns() -> list[sa.Column[object]]:
    from ortaq.store import schema

    return [column for column in schema.items.columns]


def downgrade() -> None:
    from ortaq.store import fulltext

    conn = op.get_bind()
    fulltext.index_for(conn.dialect.name).drop(conn)
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=True))
    op.drop_table("search_facets")
    op.drop_table("search_names")
    _refill_search_text()


def _refill_search_text() -> None:
    conn = op.get_bind()
    items = sa.table(
        "items",
        sa.column("id", sa.Integer),
        sa.column("headline", sa.Text),
        sa.column("summary", sa.Text),
        sa.column("body", sa.JSON),
        sa.column("search_text", sa.Text),
    )
    for row in conn.execute(sa.select(items)).mappings().all():
        text = _search_text(row["headline"], row["summary"], list(row["body"] or []))
        conn.execute(items.update().where(items.c.id == row["id"]).values(search_text=text))


def _search_text(headline: str | None, summary: str | None, body: list[str]) -> str:
    """The LIKE search's folded text, as 0002 wrote it."""
    text = "\n".join(part for part in (headline, summary, *body) if part)
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())
