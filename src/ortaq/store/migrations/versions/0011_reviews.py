"""the verification desk: reviews with their revisions, claim carriers, notifications

Issue 22. A review rates a claim in one item version; its revisions are kept as rows
(never updated in place); `review_carriers` lists the item versions that carry the
claim (found when the review is published and when later items arrive);
`review_notifications` is one alert per member per review revision.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 17:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ortaq.store.schema import JSONType, UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member", sa.String(length=100), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("claim_text", sa.Text(), nullable=False),
        sa.Column("claim_start", sa.Integer(), nullable=True),
        sa.Column("claim_end", sa.Integer(), nullable=True),
        sa.Column("claim_language", sa.String(length=12), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name=op.f("fk_reviews_item_id_items")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
    )
    op.create_index(op.f("ix_reviews_member"), "reviews", ["member"])
    op.create_index(op.f("ix_reviews_item_id"), "reviews", ["item_id"])
    op.create_table(
        "review_revisions",
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=12), nullable=False),
        sa.Column("rating", sa.String(length=20), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=12), nullable=True),
        sa.Column("evidence", JSONType, nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["reviews.id"],
            name=op.f("fk_review_revisions_review_id_reviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("review_id", "revision", name=op.f("pk_review_revisions")),
    )
    op.create_table(
        "review_carriers",
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("how", sa.String(length=12), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("found_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["reviews.id"],
            name=op.f("fk_review_carriers_review_id_reviews"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name=op.f("fk_review_carriers_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("review_id", "item_id", name=op.f("pk_review_carriers")),
    )
    op.create_index("ix_review_carriers_item_id", "review_carriers", ["item_id"])
    op.create_table(
        "review_notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member", sa.String(length=100), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=20), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("read_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["reviews.id"],
            name=op.f("fk_review_notifications_review_id_reviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_notifications")),
        sa.UniqueConstraint(
            "member", "review_id", "revision", name="uq_review_notifications_member_review"
        ),
    )
    op.create_index("ix_review_notifications_member_id", "review_notifications", ["member", "id"])


def downgrade() -> None:
    op.drop_index("ix_review_notifications_member_id", table_name="review_notifications")
    op.drop_table("review_notifications")
    op.drop_index("ix_review_carriers_item_id", table_name="review_carriers")
    op.drop_table("review_carriers")
    op.drop_table("review_revisions")
    op.drop_index(op.f("ix_reviews_item_id"), table_name="reviews")
    op.drop_index(op.f("ix_reviews_member"), table_name="reviews")
    op.drop_table("reviews")
