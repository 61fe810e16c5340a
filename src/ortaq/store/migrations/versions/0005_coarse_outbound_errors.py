"""webhook_deliveries, feed_sources: last_error as a coarse category

Before the outbound guard, a failed webhook delivery or feed poll stored the exception
text (`ConnectError: [Errno 111] Connection refused`), which told a member which
internal ports were open. The guard now stores categories only (`refused`, `timeout`,
`http_503`, ...); this rewrites the text already stored the same way, so old rows (dead
deliveries are never retried) stop showing it. No schema change; the old text is not
kept, so the downgrade leaves the categories in place.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# What the old messages said, in the order they are recognised; anything else from the
# old code was a transport error.
CATEGORY = """
CASE
  WHEN last_error LIKE 'HTTP %' THEN 'http_' || substr(last_error, 6, 3)
  WHEN last_error = 'not visible to this member' THEN 'not_visible'
  WHEN last_error LIKE '%larger than%' THEN 'too_large'
  WHEN lower(last_error) LIKE '%timeout%' OR lower(last_error) LIKE '%timed out%' THEN 'timeout'
  WHEN lower(last_error) LIKE '%ssl%' OR lower(last_error) LIKE '%certificate%' THEN 'tls'
  WHEN lower(last_error) LIKE '%refused%' THEN 'refused'
  WHEN last_error LIKE 'ConnectError%' THEN 'unreachable'
  WHEN last_error LIKE '%ProtocolError%' THEN 'protocol'
  ELSE 'network'
END
"""
KNOWN = (
    "invalid_url", "blocked_address", "refused", "unreachable", "timeout", "tls", "protocol",
    "decoding", "network", "too_large", "too_many_redirects", "internal_error", "not_visible",
)  # fmt: skip


def upgrade() -> None:
    known = ", ".join(f"'{name}'" for name in KNOWN)
    for table in ("webhook_deliveries", "feed_sources"):
        op.execute(
            sa.text(
                f"UPDATE {table} SET last_error = {CATEGORY} "
                f"WHERE last_error IS NOT NULL AND last_error NOT IN ({known}) "
                "AND last_error NOT LIKE 'http\\_%' ESCAPE '\\'"
            )
        )


def downgrade() -> None:
    pass
