"""the cooperation events' identity and date, and their pairs of parties, for the map in SQL

Issue 21. The map aggregated every readable item's cooperation JSON in Python on each
request (33 s at 100,000 items). `cooperation_events` gains the event's key and year (its
identity within a story) and date, and `cooperation_pairs` holds every pair of parties
of each event on different sides (ids, names, kinds, countries; the arc's two
countries), so the arcs between countries, the organisations' network and the events
table are grouped in SQL under the access policy.
Both are rewritten here from each version's `stage_data["cooperation"]` (nothing is
read again), exactly as the write path gives a new version.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 23:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ortaq.store.cooperation import rows_of
from ortaq.store.schema import JSONType, UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

BATCH = 1000  # versions read per round of the backfill


def upgrade() -> None:
    with op.batch_alter_table("cooperation_events") as batch:
        batch.add_column(
            sa.Column("event_key", sa.String(length=300), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("event_year", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("event_when", sa.String(length=10), nullable=True))
    party = [("party", 300), ("name", 300), ("kind", 30), ("country", 8)]
    op.create_table(
        "cooperation_pairs",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("k", sa.Integer(), autoincrement=False, nullable=False),
        *(sa.Column(f"one_{name}", sa.String(length=size), nullable=True) for name, size in party),
        *(
            sa.Column(f"other_{name}", sa.String(length=size), nullable=True)
            for name, size in party
        ),
        sa.Column("low_country", sa.String(length=8), nullable=True),
        sa.Column("high_country", sa.String(length=8), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id", "n"],
            ["cooperation_events.item_id", "cooperation_events.n"],
            name=op.f("fk_cooperation_pairs_item_id_cooperation_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", "n", "k", name=op.f("pk_cooperation_pairs")),
    )
    op.create_index(
        "ix_cooperation_pairs_countries", "cooperation_pairs", ["low_country", "high_country"]
    )
    _rewrite(op.get_bind())


def _rewrite(conn: sa.Connection) -> None:
    """Every stored version's event rows and pairs again, a batch of versions at a time."""
    items = sa.table(
        "items",
        sa.column("id", sa.Integer()),
        sa.column("stage_data", JSONType),
        sa.column("versioncreated", UTCDateTime),
    )
    events = sa.table("cooperation_events", *(sa.column(name) for name in EVENT_COLUMNS))
    pairs = sa.table("cooperation_pairs", *(sa.column(name) for name in PAIR_COLUMNS))
    conn.execute(sa.delete(events))
    after = 0
    while True:
        rows = conn.execute(
            sa.select(items.c.id, items.c.stage_data, items.c.versioncreated)
            .where(items.c.id > after)
            .order_by(items.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        found_events, found_pairs = [], []
        for row in rows:
            their_events, their_pairs = rows_of(row.id, row.stage_data, row.versioncreated)
            found_events += their_events
            found_pairs += their_pairs
        if found_events:
            conn.execute(events.insert(), found_events)
        if found_pairs:
            conn.execute(pairs.insert(), found_pairs)
        after = rows[-1].id


EVENT_COLUMNS = (
    "item_id", "n", "type", "status", "first_party", "first_country", "second_party",
    "second_country", "evidence_start", "evidence_end", "event_key", "event_year", "event_when",
)  # fmt: skip
PAIR_COLUMNS = (
    "item_id", "n", "k", "one_party", "one_name", "one_kind", "one_country", "other_party",
    "other_name", "other_kind", "other_country", "low_country", "high_country",
)  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_cooperation_pairs_countries", table_name="cooperation_pairs")
    op.drop_table("cooperation_pairs")
    with op.batch_alter_table("cooperation_events") as batch:
        batch.drop_column("event_when")
        batch.drop_column("event_year")
        batch.drop_column("event_key")
