"""stories kept in the store with stable ids; the existing archive backfilled

Stories were recomputed on every request by replaying every readable item through the
clusterer, so a story's id was its position (issue 20). From here each new version is
assigned to a story when it is stored, and the store keeps:

* `stories`: the id ("story-<id>", never reused) and the time window;
* `story_items`: each version's story, its copy link, and the order of assignment;
* `story_index`: the head of that log, and the lock assignments take;
* `story_index_snapshots`: the clusterer's state, so a restarted process continues.

The backfill clusters every stored version in arrival order, as ingest would have.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ortaq.store.schema import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("first_at", UTCDateTime(), nullable=True),
        sa.Column("last_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stories")),
    )
    op.create_table(
        "story_items",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("copy_of", sa.Integer(), nullable=True),
        sa.Column("similarity", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_story_items_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["story_id"], ["stories.id"], name=op.f("fk_story_items_story_id_stories")
        ),
        sa.ForeignKeyConstraint(
            ["copy_of"], ["items.id"], name=op.f("fk_story_items_copy_of_items")
        ),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_story_items")),
        sa.UniqueConstraint("seq", name=op.f("uq_story_items_seq")),
    )
    op.create_index("ix_story_items_story_id_seq", "story_items", ["story_id", "seq"])
    op.create_table(
        "story_index",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("epoch", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("next_story", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_story_index")),
    )
    op.create_table(
        "story_index_snapshots",
        sa.Column("epoch", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("state", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("epoch", "seq", name=op.f("pk_story_index_snapshots")),
    )
    _backfill()


def _backfill() -> None:
    """Assign stories to the archive already stored, in arrival order."""
    from ortaq.store.store import utcnow
    from ortaq.store.storybook import backfill

    backfill(op.get_bind(), utcnow())


def downgrade() -> None:
    op.drop_table("story_index_snapshots")
    op.drop_table("story_index")
    op.drop_index("ix_story_items_story_id_seq", table_name="story_items")
    op.drop_table("story_items")
    op.drop_table("stories")
