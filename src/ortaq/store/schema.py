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
    sa.Column("logo", sa.Text),  # URL of the member's logo
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
    sa.Column("provider", sa.String(100)),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("type", sa.String(20), nullable=False),
    sa.Column("pubstatus", sa.String(12), nullable=False),
    sa.Column("language", sa.String(12)),
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
    # An item is its publisher's: identity is (provider, uri), so one member's uri can
    # never name, correct or kill another member's item (0004). Items with no provider
    # (an operator's files) are unique by uri among themselves (NULLs are distinct).
    sa.UniqueConstraint("provider", "uri", "version", name="uq_items_provider_uri_version"),
    sa.Index(
        "uq_items_unowned_uri_version",
        "uri",
        "version",
        unique=True,
        sqlite_where=sa.text("provider IS NULL"),
        postgresql_where=sa.text("provider IS NULL"),
    ),
    sa.Index("ix_items_current_id", "is_current", "id"),
    # Filtered lists walk one language's or provider's current items newest first (0003).
    sa.Index("ix_items_language_current_id", "language", "is_current", "id"),
    sa.Index("ix_items_provider_current_id", "provider", "is_current", "id"),
    sa.Index("ix_items_uri_current", "uri", "is_current"),
)

# What happened to an item over time: publish, correct, kill, withhold. Provenance and
# the exchange's "a correction reaches every partner" read from here.
item_events = sa.Table(
    "item_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("provider", sa.String(100)),  # with uri: whose item (0004)
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
    # The kept bytes; NULL when the input was refused before it was read whole (too large).
    sa.Column("raw_sha256", sa.String(64), sa.ForeignKey("raw_documents.sha256")),
    # Identifies the input either way: the whole input's hash, or (when its bytes were not
    # kept) the hash of what was read; NULL when nothing was read.
    sa.Column("sha256", sa.String(64)),
    sa.Column("size", sa.BigInteger, nullable=False),  # bytes, as far as known
    sa.Column("status", sa.String(12), nullable=False),  # open | resolved
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("last_tried_at", UTCDateTime, nullable=False),
    sa.Index("ix_quarantine_status_id", "status", "id"),
)

# -- the exchange (issue 6): who may see what -----------------------------------------

# Users belong to a member (admin | editor | reader) or, with no member, run the platform
# (operator). Passwords are argon2 hashes.
users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(100), nullable=False, unique=True),
    sa.Column("display_name", sa.String(300), nullable=False),
    sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id"), index=True),
    sa.Column("role", sa.String(12), nullable=False),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

# API tokens: `ortaq_<prefix>_<secret>`; only the SHA-256 of the secret is kept (tokens are
# long random strings, so a slow hash buys nothing), the prefix finds the row.
api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("prefix", sa.String(16), nullable=False, unique=True),
    sa.Column("secret_hash", sa.String(64), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("scope", sa.String(8), nullable=False),  # read | write
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime),
    sa.Column("revoked_at", UTCDateTime),
    sa.Column("last_used_at", UTCDateTime),
)

# Web sign-in sessions (issue 18): the cookie carries a random secret, only its SHA-256 is
# kept. A session ends at logout, on a password change or when its user is disabled
# (`ended_at`, `end_reason`), after `ORTAQ_SESSION_IDLE_SECONDS` without a request
# (`last_seen_at`) or at `expires_at`, whichever comes first.
sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("secret_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("last_seen_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False, index=True),
    sa.Column("ended_at", UTCDateTime),
    sa.Column("end_reason", sa.String(20)),  # logout | password | disabled
    sa.Column("client_address", sa.String(64)),
    sa.Column("user_agent", sa.String(300)),
)

# Failed sign-ins per key (`user:<name>` or `address:<ip>`): the count in the current
# window, the lock-out in force and how many lock-outs came in a row (the delay doubles).
# Kept in the database so every worker and process enforces the same limit.
sign_in_throttle = sa.Table(
    "sign_in_throttle",
    metadata,
    sa.Column("key", sa.String(400), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("window_started_at", UTCDateTime),
    sa.Column("locked_until", UTCDateTime),
    sa.Column("lockouts", sa.Integer, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False, index=True),
)

agreements = sa.Table(
    "agreements",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("slug", sa.String(100), nullable=False, unique=True),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("direction", sa.String(8), nullable=False),  # both | one-way
    sa.Column("usage_terms", sa.Text),
    sa.Column("attribution", sa.Text),
    sa.Column("republish", sa.Boolean, nullable=False),
    sa.Column("edit", sa.Boolean, nullable=False),
    sa.Column("translate", sa.Boolean, nullable=False),
    sa.Column("embargo", sa.String(8), nullable=False),  # after | flagged | early
    sa.Column("valid_from", UTCDateTime),
    sa.Column("valid_to", UTCDateTime),
    sa.Column("status", sa.String(12), nullable=False),  # draft | active | suspended | ended
    sa.Column("document_ref", sa.Text),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

# Who sends and who receives under an agreement (member slugs, like items.provider).
agreement_parties = sa.Table(
    "agreement_parties",
    metadata,
    sa.Column(
        "agreement_id",
        sa.Integer,
        sa.ForeignKey("agreements.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("member", sa.String(100), primary_key=True),
    sa.Column("sends", sa.Boolean, nullable=False),
    sa.Column("receives", sa.Boolean, nullable=False),
    sa.Index("ix_agreement_parties_member", "member", "receives"),
)

# What flows: one row per allowed value of a dimension (kind | language | topic); a
# dimension without rows allows everything.
agreement_scopes = sa.Table(
    "agreement_scopes",
    metadata,
    sa.Column(
        "agreement_id",
        sa.Integer,
        sa.ForeignKey("agreements.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("dimension", sa.String(12), primary_key=True),
    sa.Column("value", sa.String(100), primary_key=True),
)

# The IPTC media topic codes of each stored version, so the policy can match in SQL.
item_topics = sa.Table(
    "item_topics",
    metadata,
    sa.Column(
        "item_id", sa.Integer, sa.ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("code", sa.String(100), primary_key=True),
)

saved_searches = sa.Table(
    "saved_searches",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("member", sa.String(100), nullable=False),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("query", JSONType, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("member", "name", name="uq_saved_searches_member_name"),
)

# Webhooks keep their own cursor over item_events (an outbox), so events from every door
# (CLI, API, poller, demo) reach them. The secret signs payloads, so it is kept as is.
webhooks = sa.Table(
    "webhooks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("member", sa.String(100), nullable=False, index=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("secret", sa.String(200), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("last_event_id", sa.Integer, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

webhook_deliveries = sa.Table(
    "webhook_deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "webhook_id",
        sa.Integer,
        sa.ForeignKey("webhooks.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("event", sa.String(20), nullable=False),
    sa.Column("provider", sa.String(100)),  # with uri: whose item (0004)
    sa.Column("uri", sa.String(1000), nullable=False),
    # pending | sending (claimed by a worker) | delivered | dead | skipped
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", UTCDateTime, nullable=False),
    sa.Column("last_status_code", sa.Integer),
    sa.Column("last_error", sa.Text),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("delivered_at", UTCDateTime),
    sa.Column("last_attempt_at", UTCDateTime),  # 0009
    # The worker's claim while `sending` (0009): who holds it and until when; an expired
    # lease (a worker that died) lets another worker claim the row again.
    sa.Column("lease_owner", sa.String(200)),
    sa.Column("lease_until", UTCDateTime),
    sa.Index("ix_webhook_deliveries_status_next", "status", "next_attempt_at"),
)

# Partner feeds a member registered; the poller keeps conditional-GET validators and health.
feed_sources = sa.Table(
    "feed_sources",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("member", sa.String(100), nullable=False, index=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("interval_seconds", sa.Integer, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),
    sa.Column("next_poll_at", UTCDateTime, nullable=False),
    sa.Column("last_polled_at", UTCDateTime),
    sa.Column("last_ok_at", UTCDateTime),
    sa.Column("last_status", sa.Integer),
    sa.Column("last_error", sa.Text),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("items_stored", sa.Integer, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    # A worker's claim while it polls the feed (0009), as on webhook_deliveries.
    sa.Column("lease_owner", sa.String(200)),
    sa.Column("lease_until", UTCDateTime),
)

# What each scheduled job of `ortaq worker` did last, for /healthz and `ortaq worker
# status` (0009). One row per job, whichever worker ran it.
worker_jobs = sa.Table(
    "worker_jobs",
    metadata,
    sa.Column("job", sa.String(40), primary_key=True),
    sa.Column("worker", sa.String(200), nullable=False),  # host:pid of the last run
    sa.Column("runs", sa.Integer, nullable=False),
    sa.Column("last_started_at", UTCDateTime, nullable=False),
    sa.Column("last_finished_at", UTCDateTime),
    sa.Column("last_ok_at", UTCDateTime),  # the last run that did not fail as a whole
    sa.Column("next_run_at", UTCDateTime),
    sa.Column("last_report", JSONType, nullable=False),
    # The category of the last failure the job saw (a row's or its own), and when.
    sa.Column("last_error", sa.String(40)),
    sa.Column("last_error_at", UTCDateTime),
)

# Who read, exported or changed what. Actors are usernames (never token secrets).
audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", UTCDateTime, nullable=False, index=True),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("member", sa.String(100)),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("target", sa.String(1000), nullable=False),
    sa.Column("detail", JSONType, nullable=False),
)

# Full-text search (ortaq.store.fulltext; the index itself, FTS5 or tsvector, is outside
# the metadata). Entity names under their analysed keys ('f:tokayev', 'v:takaf'), so a
# name in a query resolves to the entities it names, in any script (0008).
search_names = sa.Table(
    "search_names",
    metadata,
    sa.Column("key", sa.String(300), primary_key=True),
    sa.Column("entity_id", sa.String(300), primary_key=True),
)

# Facet values of indexed items that are not columns of `items`: the countries an item
# is about (from the entities stage).
search_facets = sa.Table(
    "search_facets",
    metadata,
    sa.Column(
        "item_id", sa.Integer, sa.ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("facet", sa.String(20), primary_key=True),
    sa.Column("value", sa.String(100), primary_key=True),
)

PARTY_FIELDS = (
    ("party", sa.String(300)),
    ("name", sa.String(300)),
    ("kind", sa.String(30)),
    ("country", sa.String(8)),
)

# The cooperation events each stored version reports (0012): the cooperation stage's
# JSON in `stage_data`, one row per event, so that lists filter by type and status in the
# same SQL as the access policy (the wire) and the map reads only the items that report
# any. Rows are kept for every version, as `story_items` are; `n` is the event's place
# in the item's list. The parties are the event's first two on different sides.
cooperation_events = sa.Table(
    "cooperation_events",
    metadata,
    sa.Column(
        "item_id", sa.Integer, sa.ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("n", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("type", sa.String(60), nullable=False),
    sa.Column("status", sa.String(30), nullable=False),
    sa.Column("first_party", sa.String(300)),
    sa.Column("first_country", sa.String(8)),
    sa.Column("second_party", sa.String(300)),
    sa.Column("second_country", sa.String(8)),
    sa.Column("evidence_start", sa.Integer),
    sa.Column("evidence_end", sa.Integer),
    # (0014) what the map groups in SQL: the event's identity within its story (the stage's
    # key, and its year apart) and its date (its own, else the report's), as
    # `ortaq.cooperation.graph.aggregate` has them
    sa.Column("event_key", sa.String(300), nullable=False, server_default=""),
    sa.Column("event_year", sa.String(10)),
    sa.Column("event_when", sa.String(10)),
    sa.Index("ix_cooperation_events_type_status_item_id", "type", "status", "item_id"),
)

# Every pair of parties of each cooperation event on different sides (0014), as
# `ortaq.cooperation.graph.pairs_of` gives them (ids in order; each party's name, kind and
# country from its first mention): the organisations' network groups them, and the map's
# arcs group `low_country`/`high_country`, the pair's two countries in order (None
# when one is unknown or both are the same). Grouped in SQL under the access policy
# instead of decoding every readable item's JSON.
cooperation_pairs = sa.Table(
    "cooperation_pairs",
    metadata,
    sa.Column("item_id", sa.Integer, primary_key=True),
    sa.Column("n", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("k", sa.Integer, primary_key=True, autoincrement=False),
    *(sa.Column(f"one_{name}", kind) for name, kind in PARTY_FIELDS),
    *(sa.Column(f"other_{name}", kind) for name, kind in PARTY_FIELDS),
    sa.Column("low_country", sa.String(8)),
    sa.Column("high_country", sa.String(8)),
    sa.ForeignKeyConstraint(
        ["item_id", "n"], ["cooperation_events.item_id", "cooperation_events.n"], ondelete="CASCADE"
    ),
    sa.Index("ix_cooperation_pairs_countries", "low_country", "high_country"),
)

# -- stories (0010): kept with stable ids, assigned at ingest --------------------------

# A story's id is global and never positional: "story-<id>". Ids come from a counter
# that only grows (story_index.next_story), so an id that disappears in a rebuild is
# never given to other news. The window is the span of its dated members.
stories = sa.Table(
    "stories",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("first_at", UTCDateTime),
    sa.Column("last_at", UTCDateTime),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

# Each stored version's story, in assignment order (`seq`): also the log other
# processes replay to catch their clusterer up. `copy_of` is the earlier version (of
# another item, same language, same story) this one copies, with its similarity.
story_items = sa.Table(
    "story_items",
    metadata,
    sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id"), primary_key=True),
    sa.Column("story_id", sa.Integer, sa.ForeignKey("stories.id"), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False, unique=True),
    sa.Column("copy_of", sa.Integer, sa.ForeignKey("items.id")),
    sa.Column("similarity", sa.Float),
    sa.Index("ix_story_items_story_id_seq", "story_id", "seq"),
)

# One row (id 1): the head of the assignment log and the lock every assignment takes.
# `epoch` changes when the log is rewritten (rebuild), so a process knows its clusterer
# copy is from another history.
story_index = sa.Table(
    "story_index",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("epoch", sa.String(32), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("next_story", sa.Integer, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

# The clusterer's state (`StoryIndex.to_state`, zlib-compressed JSON) as of log entry
# `seq`: a process loads it and replays the log after it.
story_index_snapshots = sa.Table(
    "story_index_snapshots",
    metadata,
    sa.Column("epoch", sa.String(32), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("state", sa.LargeBinary, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

# -- the verification desk (0011): reviews of items and claims, alerts ------------------

# A review is one member's rating of a claim in one item version (or of the whole
# version). Its content lives in `review_revisions`, never updated in place: a revision
# or a withdrawal adds a row and moves `revision`/`status` here.
reviews = sa.Table(
    "reviews",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("member", sa.String(100), nullable=False, index=True),  # the reviewing member
    sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id"), nullable=False, index=True),
    sa.Column("claim_text", sa.Text, nullable=False),  # the quoted span (or the headline)
    sa.Column("claim_start", sa.Integer),  # offsets into the version's `Item.text`
    sa.Column("claim_end", sa.Integer),  # (both NULL: the whole version is reviewed)
    sa.Column("claim_language", sa.String(12)),
    sa.Column("revision", sa.Integer, nullable=False),  # the current revision
    sa.Column("status", sa.String(12), nullable=False),  # published | withdrawn
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

review_revisions = sa.Table(
    "review_revisions",
    metadata,
    sa.Column(
        "review_id", sa.Integer, sa.ForeignKey("reviews.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("revision", sa.Integer, primary_key=True),
    sa.Column("action", sa.String(12), nullable=False),  # published | updated | withdrawn
    sa.Column("rating", sa.String(20), nullable=False),
    sa.Column("explanation", sa.Text, nullable=False),
    sa.Column("language", sa.String(12)),
    sa.Column("evidence", JSONType, nullable=False),  # item uris and http(s) URLs
    sa.Column("author", sa.String(100), nullable=False),  # the user's username
    sa.Column("note", sa.Text),  # why it was revised or withdrawn
    sa.Column("at", UTCDateTime, nullable=False),
)

# The item versions that carry a review's claim: the reviewed version itself, its other
# versions, its copies, the story's versions that repeat it, and items that arrived later
# and matched (`how`). Who may see a review is decided on these rows by the item policy.
review_carriers = sa.Table(
    "review_carriers",
    metadata,
    sa.Column(
        "review_id", sa.Integer, sa.ForeignKey("reviews.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column(
        "item_id", sa.Integer, sa.ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("how", sa.String(12), nullable=False),  # reviewed|version|copy|story|match
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("found_at", UTCDateTime, nullable=False),
    sa.Index("ix_review_carriers_item_id", "item_id"),
)

# One alert per member per review revision: the newsroom's notification list (and the
# webhook deliveries queued with it). The unique key is what makes "told once" hold.
review_notifications = sa.Table(
    "review_notifications",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("member", sa.String(100), nullable=False),
    sa.Column(
        "review_id", sa.Integer, sa.ForeignKey("reviews.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("event", sa.String(20), nullable=False),  # review.published|updated|withdrawn
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("read_at", UTCDateTime),
    sa.UniqueConstraint(
        "member", "review_id", "revision", name="uq_review_notifications_member_review"
    ),
    sa.Index("ix_review_notifications_member_id", "member", "id"),
)
