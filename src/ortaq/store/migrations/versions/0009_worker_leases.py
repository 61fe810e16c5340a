"""webhook_deliveries, feed_sources: worker leases; worker_jobs: what each job did last

`ortaq worker` claims due rows before it sends or polls them, so two workers never
deliver the same attempt twice: a claimed delivery is `sending` with `lease_owner` and
`lease_until`, a claimed feed carries the same two columns. A lease that runs out (a
worker that died) lets another worker claim the row again. `last_attempt_at` says when a
delivery was last tried. `worker_jobs` keeps the last run of each scheduled job for
/healthz and `ortaq worker status`.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Spelt out, not imported from the live schema, so this migration never changes later.
DATETIME = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_attempt_at", DATETIME, nullable=True))
        batch_op.add_column(sa.Column("lease_owner", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("lease_until", DATETIME, nullable=True))
    with op.batch_alter_table("feed_sources", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_owner", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("lease_until", DATETIME, nullable=True))
    op.create_table(
        "worker_jobs",
        sa.Column("job", sa.String(length=40), nullable=False),
        sa.Column("worker", sa.String(length=200), nullable=False),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.Column("last_started_at", DATETIME, nullable=False),
        sa.Column("last_finished_at", DATETIME, nullable=True),
        sa.Column("last_ok_at", DATETIME, nullable=True),
        sa.Column("next_run_at", DATETIME, nullable=True),
        sa.Column("last_report", JSON, nullable=False),
        sa.Column("last_error", sa.String(length=40), nullable=True),
        sa.Column("last_error_at", DATETIME, nullable=True),
        sa.PrimaryKeyConstraint("job", name=op.f("pk_worker_jobs")),
    )


def downgrade() -> None:
    # A delivery claimed when the schema goes back is simply due again (at least once).
    op.execute(sa.text("UPDATE webhook_deliveries SET status = 'pending' WHERE status = 'sending'"))
    op.drop_table("worker_jobs")
    with op.batch_alter_table("feed_sources", schema=None) as batch_op:
        batch_op.drop_column("lease_until")
        batch_op.drop_column("lease_owner")
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.drop_column("lease_until")
        batch_op.drop_column("lease_owner")
        batch_op.drop_column("last_attempt_at")
