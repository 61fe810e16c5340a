"""quarantine: inputs refused before they were read whole keep no bytes, only a hash

An input over the size limit is refused without reading it (a file by its size, a stream
after limit+1 bytes). Its quarantine record has no `raw_sha256` (no bytes kept); the new
`sha256` column identifies the input either way (for kept bytes it equals `raw_sha256`).
`size` becomes a big integer: a refused file may be larger than 2 GiB.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-12 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sha256", sa.String(length=64), nullable=True))
        batch_op.alter_column(
            "size", existing_type=sa.Integer(), type_=sa.BigInteger(), existing_nullable=False
        )
    op.execute("UPDATE quarantine SET sha256 = raw_sha256")


def downgrade() -> None:
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.alter_column(
            "size", existing_type=sa.BigInteger(), type_=sa.Integer(), existing_nullable=False
        )
        batch_op.drop_column("sha256")
