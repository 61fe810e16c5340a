"""The database schema (SQLAlchemy Core). Alembic migrations build exactly this."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.types import TypeDecorator

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes on every backend: stored as UTC, read back as UTC.

    SQLite has no time zone type; normalising on the way in keeps comparisons right.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

members = sa.Table(
    "members",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("slug", sa.String(100), nullable=False, unique=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("names", JSONType, nullable=False, default=dict),
    sa.Column("country", sa.String(2)),
    sa.Column("languages", JSONType, nullable=False, default=list),
    sa.Column("kind", sa.String(40), nullable=False, default="agency"),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

raw_documents = sa.Table(
    "raw_documents",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

items = sa.Table(
    "items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("uri", sa.String(1000), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("is_current", sa.Boolean, nullable=False),
    sa.Column("provider", sa.String(100), index=True),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("type", sa.String(20), nullable=False),
    sa.Column("pubstatus", sa.String(12), nullable=False),
    sa.Column("language", sa.String(12), index=True),
    sa.Column("headline", sa.Text),
    sa.Column("summary", sa.Text),
    sa.Column("body", JSONType, nullable=False),
    sa.Column("firstcreated", UTCDateTime),
    sa.Column("versioncreated", UTCDateTime),
    sa.Column("embargoed", UTCDateTime),
    sa.Column("byline", sa.Text),
    sa.Column("located", sa.Text),
    sa.Column("copyrightholder", sa.Text),
    sa.Column("usageterms", sa.Text),
    sa.Column("credits", JSONType, nullable=False),
    sa.Column("subjects", JSONType, nullable=False),
    sa.Column("people", JSONType, nullable=False),
    sa.Column("organisations", JSONType, nullable=False),
    sa.Column("places", JSONType, nullable=False),
    sa.Column("derived", JSONType, nullable=False),
    sa.Column("stage_data", JSONType, nullable=False),
    sa.Column("source_name", sa.Text, nullable=False),
    sa.Column("source_format", sa.String(40), nullable=False),
    sa.Column("raw_sha256", sa.String(64), sa.ForeignKey("raw_documents.sha256")),
    sa.Column("ingested_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("uri", "version", name="uq_items_uri_version"),
    sa.Index("ix_items_current_id", "is_current", "id"),
    sa.Index("ix_items_uri_current", "uri", "is_current"),
)

# What happened to an item over time: publish, correct, kill, withhold. Provenance and
# the exchange's "a correction reaches every partner" read from here.
item_events = sa.Table(
    "item_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("uri", sa.String(1000), nullable=False, index=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("at", UTCDateTime, nullable=False),
)

quarantine = sa.Table(
    "quarantine",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("source_name", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("provider", sa.String(100)),
    sa.Column("raw_sha256", sa.String(64), sa.ForeignKey("raw_documents.sha256")),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("status", sa.String(12), nullable=False),  # open | resolved
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("last_tried_at", UTCDateTime, nullable=False),
    sa.Index("ix_quarantine_status_id", "status", "id"),
)
