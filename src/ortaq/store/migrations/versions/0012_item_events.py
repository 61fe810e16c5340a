"""the items' cooperation events as rows, backfilled from the stored JSON

Issue 21. `cooperation_events` holds one row per cooperation event of each stored
version (type, status, the first two parties on different sides with their countries,
the evidence's offsets), written with the version; the wire filters by type and status
in the same SQL as the access policy, and the map reads only the items that report an
event. The rows are backfilled here from each version's `stage_data["cooperation"]`
(the chain's own record; nothing is read again). (`item_events` already names the
publish/correct/kill log, hence the table's name.)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 20:15:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ortaq.store.cooperation import event_rows
from ortaq.store.schema import JSONType

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

BATCH = 1000  # versions read per round of the backfill


def upgrade() -> None:
    table = op.create_table(
        "cooperation_events",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("type", sa.String(length=60), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("first_party", sa.String(length=300), nullable=True),
        sa.Column("first_country", sa.String(length=8), nullable=True),
        sa.Column("second_party", sa.String(length=300), nullable=True),
        sa.Column("second_country", sa.String(length=8), nullable=True),
        sa.Column("evidence_start", sa.Integer(), nullable=True),
        sa.Column("evidence_end", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name=op.f("fk_cooperation_events_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", "n", name=op.f("pk_cooperation_events")),
    )
    op.create_index(
        "ix_cooperation_events_type_status_item_id",
        "cooperation_events",
        ["type", "status", "item_id"],
    )
    assert table is not None
    _backfill(op.get_bind(), table)


def _backfill(conn: sa.Connection, events: sa.Table) -> None:
    """Every stored version's events from its JSON, a batch of versions at a time."""
    items = sa.table("items", sa.column("id", sa.Integer()), sa.column("stage_data", JSONType))
    after = 0
    while True:
        rows = conn.execute(
            sa.select(items.c.id, items.c.stage_data)
            .where(items.c.id > after)
            .order_by(items.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        # only this revision's columns: event_rows grew more in 0013
        kept = events.c.keys()
        found = [
            {name: event[name] for name in kept}
            for row in rows
            for event in event_rows(row.id, row.stage_data)
        ]
        if found:
            conn.execute(events.insert(), found)
        after = rows[-1].id


def downgrade() -> None:
    op.drop_index("ix_cooperation_events_type_status_item_id", table_name="cooperation_events")
    op.drop_table("cooperation_events")
