"""items: identity is (provider, uri); events and deliveries say whose item they are

Before this, `Store._save` matched an incoming item on its uri alone, so one member could
post another member's uri and become the current version of that member's item, then
kill it for every reader (issue 18). An item now belongs to its publisher:

* `items` is unique on (provider, uri, version), and on (uri, version) among items with
  no provider, instead of (uri, version);
* `item_events` and `webhook_deliveries` gain `provider`, backfilled from the version
  each row names (while uris were unique, uri and version named exactly one row);
* a publisher whose item lost its current version to another member's "version" gets it
  back: its highest version becomes current again. The other member's rows stay, as that
  member's own item, so nothing is deleted.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 10:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_UNOWNED = "provider IS NULL"


def upgrade() -> None:
    with op.batch_alter_table("item_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("provider", sa.String(length=100), nullable=True))
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("provider", sa.String(length=100), nullable=True))
    _backfill_providers()
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_constraint("uq_items_uri_version", type_="unique")
        batch_op.create_unique_constraint(
            "uq_items_provider_uri_version", ["provider", "uri", "version"]
        )
        batch_op.create_index(
            "uq_items_unowned_uri_version",
            ["uri", "version"],
            unique=True,
            sqlite_where=sa.text(_UNOWNED),
            postgresql_where=sa.text(_UNOWNED),
        )
    _restore_current_versions()


def _backfill_providers() -> None:
    items = sa.table(
        "items",
        sa.column("uri", sa.String),
        sa.column("version", sa.Integer),
        sa.column("provider", sa.String),
    )
    events = sa.table(
        "item_events",
        sa.column("uri", sa.String),
        sa.column("version", sa.Integer),
        sa.column("provider", sa.String),
    )
    deliveries = sa.table(
        "webhook_deliveries", sa.column("uri", sa.String), sa.column("provider", sa.String)
    )
    of_version = (
        sa.select(items.c.provider)
        .where(items.c.uri == events.c.uri, items.c.version == events.c.version)
        .scalar_subquery()
    )
    op.execute(events.update().values(provider=of_version))
    latest = (
        sa.select(items.c.provider)
        .where(items.c.uri == deliveries.c.uri)
        .order_by(items.c.version.desc())
        .limit(1)
        .scalar_subquery()
    )
    op.execute(deliveries.update().values(provider=latest))


def _restore_current_versions() -> None:
    """Each (provider, uri) with no current version gets its highest version back."""
    items = sa.table(
        "items",
        sa.column("id", sa.Integer),
        sa.column("uri", sa.String),
        sa.column("version", sa.Integer),
        sa.column("provider", sa.String),
        sa.column("is_current", sa.Boolean),
    )
    peer = items.alias("peer")
    same_owner = sa.and_(
        peer.c.uri == items.c.uri,
        sa.or_(
            peer.c.provider == items.c.provider,
            sa.and_(peer.c.provider.is_(None), items.c.provider.is_(None)),
        ),
    )
    has_current = sa.exists().where(same_owner, peer.c.is_current)
    has_later = sa.exists().where(same_owner, peer.c.version > items.c.version)
    op.execute(items.update().where(~has_current, ~has_later).values(is_current=True))


def downgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_items_unowned_uri_version",
            sqlite_where=sa.text(_UNOWNED),
            postgresql_where=sa.text(_UNOWNED),
        )
        batch_op.drop_constraint("uq_items_provider_uri_version", type_="unique")
        batch_op.create_unique_constraint("uq_items_uri_version", ["uri", "version"])
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.drop_column("provider")
    with op.batch_alter_table("item_events", schema=None) as batch_op:
        batch_op.drop_column("provider")
