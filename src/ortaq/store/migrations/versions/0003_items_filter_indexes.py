"""items: (language | provider, is_current, id) indexes for filtered lists

A list filtered by language or provider used `ix_items_current_id` (no sort for the
newest-first order) and tested the filter on every current item it walked, so a filter
that matched few items read the whole table (bench/api.py: `?language=` with no such
items, 100,000 items: about 115 ms). These indexes give both the filter and the order;
they replace the single-column indexes they lead with.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05 16:30:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_items_language"))
        batch_op.drop_index(batch_op.f("ix_items_provider"))
        batch_op.create_index(
            "ix_items_language_current_id", ["language", "is_current", "id"], unique=False
        )
        batch_op.create_index(
            "ix_items_provider_current_id", ["provider", "is_current", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_index("ix_items_provider_current_id")
        batch_op.drop_index("ix_items_language_current_id")
        batch_op.create_index(batch_op.f("ix_items_provider"), ["provider"], unique=False)
        batch_op.create_index(batch_op.f("ix_items_language"), ["language"], unique=False)
