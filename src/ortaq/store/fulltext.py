"""Full-text search: the index and its queries, on SQLite FTS5 or PostgreSQL tsvector.

Every SQL statement of search lives here. Both backends index the same tokens, made
by the one analysis in `ortaq.search_terms`, and answer the same boolean query (every
query word matches one of its alternatives; quoted phrases are consecutive folded
tokens), so they find the same items; they rank with their own functions (bm25 on
FTS5, ts_rank_cd on PostgreSQL) over those same tokens.

* SQLite: the FTS5 table `search_index` (rowid = items.id), one column per field. A
  column holds the field's folded tokens in text order (phrases match there), then the
  variants (stems, loose keys), which FTS5 cannot stack on one position.
* PostgreSQL: `search_documents(item_id, document tsvector)` with a GIN index. The
  tsvector is written as a literal with positions and weights (headline A, summary B,
  body C, entities D; a word's variants at its own position), so PostgreSQL's own
  parser and stemmers never run: the analysis is Ortaq's, the same as on SQLite.
  PostgreSQL's language configurations are the same Snowball stemmers the analysis runs
  through PyStemmer, and Kazakh and Azerbaijani have none there.

Neither table is in `schema.metadata` (FTS5 tables are virtual; the tsvector table
exists on PostgreSQL only): `OUTSIDE_METADATA` names them for Alembic's comparisons.
`search_names` (entity name keys → entity ids) and `search_facets` (countries per item)
are ordinary tables of the schema.

Only current versions are indexed: `_save` indexes a new version in the same
transaction and removes the version it supersedes. Kills and withholds keep the row:
the access policy, applied in the same query, hides a notice's text from partners.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from ortaq.search_terms import (
    Document,
    EntityName,
    Query,
    Word,
    analyse_document,
    analyse_query,
    entity_name_keys,
    item_entities,
    query_name_keys,
)
from ortaq.store import schema

if TYPE_CHECKING:
    from ortaq.model import Item
    from ortaq.store.policy import Reading
    from ortaq.store.store import Store, StoredItem, ViewerLike

OUTSIDE_METADATA = frozenset({"search_index", "search_documents"})
FACETS = ("language", "member", "country")
Order = Literal["relevance", "newest"]
REINDEX_BATCH = 500
WINDOW = 1000  # matches the policy is checked on at a time, best first
# Matches a search ranks: the newest this many. Ranking every match of a broad query
# costs with the archive (PostgreSQL reads each matching document to rank it), so
# relevance orders the newest CANDIDATES matches, and pages by relevance end with
# them (`complete` is False then); pages newest first go on to every match.
CANDIDATES = 1000
RANGE = 25_000  # ids a ranged index is asked first for the newest matches (`_newest`)


def outside_metadata(name: str | None) -> bool:
    """True for the search index's own tables (FTS5 and its shadow tables, tsvector)."""
    return bool(name) and any(str(name).startswith(table) for table in OUTSIDE_METADATA)


def include_name(name: str | None, type_: str, _parents: object = None) -> bool:
    """Alembic's filter: schema comparisons leave the search index's tables alone."""
    return not (type_ == "table" and outside_metadata(name))


# -- the two index adapters -------------------------------------------------------------


class FullTextIndex(Protocol):
    """One backend's index: create it, write and remove items, match a query."""

    dialect: str
    # whether `newest` should be asked for ranges of ids, newest first (`_newest`)
    ranged: bool

    def create(self, conn: Connection) -> None: ...

    def drop(self, conn: Connection) -> None: ...

    def write(self, conn: Connection, rows: Sequence[tuple[int, Document]]) -> None: ...

    def remove(self, conn: Connection, item_ids: Sequence[int]) -> None: ...

    def clear(self, conn: Connection) -> None: ...

    def copy(self, conn: Connection, upto: int, shift: int) -> None: ...

    def suspend(self, conn: Connection) -> None:
        """Drop what a bulk copy would update row by row (rebuilt by `resume`)."""
        ...

    def resume(self, conn: Connection) -> None: ...

    def matching(self, query: Query) -> sa.Subquery:
        """(item_id, score) of the items matching `query`; a higher score is better."""
        ...

    def newest(
        self, query: Query, limit: int, before: int | None, above: int | None = None
    ) -> sa.Select[Any]:
        """(item_id, score) of the newest `limit` matches (ids below `before` and above
        `above`), newest first, scored: only these are ranked, so a broad query costs
        the same at any archive size."""
        ...

    def planned(self, conn: Connection) -> AbstractContextManager[None]:
        """Around a search's match query: whatever the backend's planner needs to use
        the index (within the connection's transaction)."""
        ...


class Fts5Index:
    """SQLite FTS5. Tokens are already analysed: unicode61 only splits them at spaces
    (':' is part of a token: 'tr:turki', 'v:almata', 'e:country:kz')."""

    dialect = "sqlite"
    ranged = False  # FTS5 walks its matches newest first and stops at the limit
    # Weights of headline, summary, body and entities in bm25.
    WEIGHTS = (8.0, 3.0, 1.0, 1.0)

    def create(self, conn: Connection) -> None:
        conn.exec_driver_sql(
            "CREATE VIRTUAL TABLE IF NOT EXISTS search_index USING fts5("
            "headline, summary, body, entities, "
            "tokenize = \"unicode61 remove_diacritics 0 tokenchars ':'\")"
        )
        # Rows of deleted items go with them, as the foreign key's cascade does on
        # PostgreSQL. (Batch mode drops a table's triggers when it rebuilds it: a later
        # migration that rebuilds `items` calls `create` again.)
        conn.exec_driver_sql(
            "CREATE TRIGGER IF NOT EXISTS search_index_item_deleted AFTER DELETE ON items "
            "BEGIN DELETE FROM search_index WHERE rowid = old.id; END"
        )

    def drop(self, conn: Connection) -> None:
        conn.exec_driver_sql("DROP TABLE IF EXISTS search_index")

    def write(self, conn: Connection, rows: Sequence[tuple[int, Document]]) -> None:
        if not rows:
            return
        conn.execute(
            sa.text(
                "INSERT INTO search_index (rowid, headline, summary, body, entities) "
                "VALUES (:id, :headline, :summary, :body, :entities)"
            ),
            [
                {
                    "id": item_id,
                    "headline": _column_text(document.headline),
                    "summary": _column_text(document.summary),
                    "body": _column_text(document.body),
                    "entities": " ".join(document.entities),
                }
                for item_id, document in rows
            ],
        )

    def remove(self, conn: Connection, item_ids: Sequence[int]) -> None:
        if item_ids:
            statement = sa.text("DELETE FROM search_index WHERE rowid IN :ids")
            conn.execute(
                statement.bindparams(sa.bindparam("ids", expanding=True)), {"ids": list(item_ids)}
            )

    def clear(self, conn: Connection) -> None:
        conn.exec_driver_sql("DELETE FROM search_index")

    def copy(self, conn: Connection, upto: int, shift: int) -> None:
        conn.execute(
            sa.text(
                "INSERT INTO search_index (rowid, headline, summary, body, entities) "
                "SELECT rowid + :shift, headline, summary, body, entities "
                "FROM search_index WHERE rowid <= :upto"
            ),
            {"upto": upto, "shift": shift},
        )

    def suspend(self, conn: Connection) -> None:
        pass  # FTS5 keeps its own index

    def resume(self, conn: Connection) -> None:
        pass

    def matching(self, query: Query) -> sa.Subquery:
        weights = ", ".join(str(w) for w in self.WEIGHTS)
        statement = sa.text(
            f"SELECT rowid AS item_id, -bm25(search_index, {weights}) AS score "
            "FROM search_index WHERE search_index MATCH :match"
        ).bindparams(match=fts5_expression(query))
        return statement.columns(item_id=sa.Integer, score=sa.Float).subquery("matched")

    def newest(
        self, query: Query, limit: int, before: int | None, above: int | None = None
    ) -> sa.Select[Any]:
        # FTS5 walks its matches in rowid order (DESC too): bm25 runs on the rows kept
        weights = ", ".join(str(w) for w in self.WEIGHTS)
        below = "AND rowid < :before " if before is not None else ""
        below += "AND rowid > :above " if above is not None else ""
        statement = sa.text(
            f"SELECT rowid AS item_id, -bm25(search_index, {weights}) AS score "
            f"FROM search_index WHERE search_index MATCH :match {below}"
            "ORDER BY rowid DESC LIMIT :limit"
        ).bindparams(match=fts5_expression(query), limit=limit)
        if before is not None:
            statement = statement.bindparams(before=before)
        if above is not None:
            statement = statement.bindparams(above=above)
        return sa.select(statement.columns(item_id=sa.Integer, score=sa.Float).subquery())

    def planned(self, conn: Connection) -> AbstractContextManager[None]:
        return nullcontext()  # a MATCH always goes through the FTS5 table's own index


class TsvectorIndex:
    """PostgreSQL: a tsvector literal per item, GIN-indexed, ranked by ts_rank_cd."""

    dialect = "postgresql"
    ranged = True
    WEIGHT_LETTERS: ClassVar[dict[str, str]] = {"headline": "A", "summary": "B", "body": "C"}
    ENTITY_WEIGHT = "D"
    MAX_POSITION = 16383  # tsvector positions stop here

    def create(self, conn: Connection) -> None:
        conn.exec_driver_sql(
            "CREATE TABLE IF NOT EXISTS search_documents ("
            "item_id integer PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE, "
            "document tsvector NOT NULL)"
        )
        conn.exec_driver_sql(
            "CREATE INDEX IF NOT EXISTS search_documents_document "
            "ON search_documents USING gin (document)"
        )

    def drop(self, conn: Connection) -> None:
        conn.exec_driver_sql("DROP TABLE IF EXISTS search_documents")

    def write(self, conn: Connection, rows: Sequence[tuple[int, Document]]) -> None:
        if not rows:
            return
        conn.execute(
            sa.text(
                "INSERT INTO search_documents (item_id, document) "
                "VALUES (:id, CAST(:document AS tsvector))"
            ),
            [{"id": item_id, "document": self.literal(document)} for item_id, document in rows],
        )

    def remove(self, conn: Connection, item_ids: Sequence[int]) -> None:
        if item_ids:
            statement = sa.text("DELETE FROM search_documents WHERE item_id IN :ids")
            conn.execute(
                statement.bindparams(sa.bindparam("ids", expanding=True)), {"ids": list(item_ids)}
            )

    def clear(self, conn: Connection) -> None:
        conn.exec_driver_sql("DELETE FROM search_documents")

    def copy(self, conn: Connection, upto: int, shift: int) -> None:
        conn.execute(
            sa.text(
                "INSERT INTO search_documents (item_id, document) "
                "SELECT item_id + :shift, document FROM search_documents WHERE item_id <= :upto"
            ),
            {"upto": upto, "shift": shift},
        )

    def create_recent(self, conn: Connection) -> None:
        """The GIN index over (item_id, document) (migration 0013): a match within a
        range of ids from the index alone, without reading every match's row."""
        conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS btree_gin")
        conn.exec_driver_sql(
            "CREATE INDEX IF NOT EXISTS search_documents_id_document "
            "ON search_documents USING gin (item_id, document)"
        )

    def suspend(self, conn: Connection) -> None:
        # a GIN index updated a row at a time took minutes per 100,000 copied documents
        conn.exec_driver_sql("DROP INDEX IF EXISTS search_documents_id_document")
        conn.exec_driver_sql("DROP INDEX IF EXISTS search_documents_document")  # before 0013

    def resume(self, conn: Connection) -> None:
        self.create_recent(conn)

    def literal(self, document: Document) -> str:
        """The tsvector literal: every token with its positions and weights. Fields are
        a position apart, so a phrase never runs from the headline into the summary."""
        positions: dict[str, list[str]] = {}
        position = 0
        for name, words in document.fields():
            weight = self.WEIGHT_LETTERS[name]
            for word in words:
                position = min(position + 1, self.MAX_POSITION)
                for token in (word.fold, *word.variants):
                    positions.setdefault(token, []).append(f"{position}{weight}")
            position += 1
        position = min(position + 1, self.MAX_POSITION)
        for token in document.entities:
            positions.setdefault(token, []).append(f"{position}{self.ENTITY_WEIGHT}")
        return " ".join(
            f"{_pg_quote(token)}:{','.join(places)}" for token, places in positions.items()
        )

    def matching(self, query: Query) -> sa.Subquery:
        statement = sa.text(
            "SELECT item_id, ts_rank_cd(document, CAST(:match AS tsquery)) AS score "
            "FROM search_documents WHERE document @@ CAST(:match AS tsquery)"
        ).bindparams(match=tsquery_expression(query))
        return statement.columns(item_id=sa.Integer, score=sa.Float).subquery("matched")

    def newest(
        self, query: Query, limit: int, before: int | None, above: int | None = None
    ) -> sa.Select[Any]:
        """The newest matches from the GIN index alone (item ids, no document read),
        then ts_rank_cd on those only: ranking reads (detoasts) each document, which
        cost 326 ms for the 4,270 matches of 'TÜRKİYE' at 25,000 items (bench/scale.py
        --explain) and grows with the archive. The matches are a MATERIALIZED CTE so
        that the planner cannot walk the primary key backwards testing every document
        for the match instead (2.1 s for 'Almaty' at 100,000 items); the id range is a
        condition of the (item_id, document) GIN index (0013), so only the matches in
        the range are read."""
        below = "AND item_id < :before " if before is not None else ""
        below += "AND item_id > :above " if above is not None else ""
        statement = sa.text(
            "WITH matched AS MATERIALIZED (SELECT item_id FROM search_documents "
            f"WHERE document @@ CAST(:match AS tsquery) {below}) "
            "SELECT d.item_id, ts_rank_cd(d.document, CAST(:match AS tsquery)) AS score "
            "FROM search_documents AS d JOIN (SELECT item_id FROM matched "
            "ORDER BY item_id DESC LIMIT :limit) AS newest ON newest.item_id = d.item_id"
        ).bindparams(match=tsquery_expression(query), limit=limit)
        if before is not None:
            statement = statement.bindparams(before=before)
        if above is not None:
            statement = statement.bindparams(above=above)
        return sa.select(statement.columns(item_id=sa.Integer, score=sa.Float).subquery())

    @contextmanager
    def planned(self, conn: Connection) -> Iterator[None]:
        """The match through the GIN index, never a sequential scan. The documents are
        TOASTed, so the table looks a few pages long to the planner, which then prefers
        reading every row; each row read detoasts a whole document (EXPLAIN ANALYZE on
        7,346 bench documents: a sequential scan of 180-280 ms for 6 to 637 matches)."""
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        # nor a walk of the primary key over the id range, testing each document (it
        # reads every document in the range: 400 ms for 10,000 ids), when the GIN
        # index has the range and the match together (4 ms)
        conn.exec_driver_sql("SET LOCAL enable_indexscan = off")
        yield  # on an error the transaction, and this setting with it, is rolled back
        conn.exec_driver_sql("SET LOCAL enable_seqscan TO DEFAULT")
        conn.exec_driver_sql("SET LOCAL enable_indexscan TO DEFAULT")


# The explicit registry of index adapters, by SQLAlchemy dialect name.
INDEXES: dict[str, FullTextIndex] = {"sqlite": Fts5Index(), "postgresql": TsvectorIndex()}


def index_for(dialect: str) -> FullTextIndex:
    try:
        return INDEXES[dialect]
    except KeyError:
        raise ValueError(f"full-text search has no index for the {dialect!r} database") from None


def _column_text(words: Sequence[Word]) -> str:
    folds = " ".join(word.fold for word in words)
    variants = " ".join(v for word in words for v in word.variants)
    return f"{folds} {variants}" if variants else folds


def _pg_quote(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def fts5_expression(query: Query) -> str:
    """The FTS5 MATCH string: each term an OR of quoted tokens, all ANDed, phrases too."""
    parts = ["(" + " OR ".join(_fts5_quote(t) for t in sorted(term.alternatives)) + ")"
             for term in query.terms]  # fmt: skip
    parts.extend(_fts5_quote(" ".join(phrase)) for phrase in query.phrases)
    return " AND ".join(parts)


def _fts5_quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def tsquery_expression(query: Query) -> str:
    parts = ["(" + " | ".join(_pg_quote(t) for t in sorted(term.alternatives)) + ")"
             for term in query.terms]  # fmt: skip
    parts.extend("(" + " <-> ".join(_pg_quote(t) for t in phrase) + ")" for phrase in query.phrases)
    return " & ".join(parts)


# -- writing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Analysis:
    """What the index keeps of an item, worked out from the item alone (no store): a
    batch engine computes it where the chain ran, so the one writer only writes it."""

    document: Document
    names: frozenset[EntityName]


def analyse(item: Item) -> Analysis:
    return Analysis(document_of(item), frozenset(entity_name_keys(item_entities(item))))


def index_items(
    conn: Connection,
    items: Sequence[tuple[int, Item]],
    analyses: Sequence[Analysis | None] | None = None,
) -> None:
    """Index items (id, item) in the caller's transaction: text, entity names, facets.
    `analyses`, when given, is `analyse(item)` of each (None: work it out here)."""
    if not items:
        return
    index = index_for(conn.dialect.name)
    given = analyses if analyses is not None else [None] * len(items)
    done = [a or analyse(item) for (_id, item), a in zip(items, given, strict=True)]
    index.write(conn, [(item_id, a.document) for (item_id, _), a in zip(items, done, strict=True)])
    facets = [
        {"item_id": item_id, "facet": "country", "value": code}
        for item_id, item in items
        for code in countries_of(item)
    ]
    if facets:
        conn.execute(schema.search_facets.insert(), facets)
    _remember_names(conn, set().union(*(a.names for a in done)))


def copy_index(conn: Connection, upto: int, shift: int) -> None:
    """Index entries of items up to id `upto` again under id + `shift` (the same text:
    `bulk.replicate`'s copies of a benchmark store), facets included."""
    index_for(conn.dialect.name).copy(conn, upto, shift)
    facets = schema.search_facets
    conn.execute(
        facets.insert().from_select(
            ["item_id", "facet", "value"],
            sa.select(facets.c.item_id + shift, facets.c.facet, facets.c.value).where(
                facets.c.item_id <= upto
            ),
        )
    )


def unindex_items(conn: Connection, item_ids: Sequence[int]) -> None:
    """Take superseded versions out of the index (same transaction as the new one)."""
    if not item_ids:
        return
    index_for(conn.dialect.name).remove(conn, item_ids)
    facets = schema.search_facets
    conn.execute(facets.delete().where(facets.c.item_id.in_(list(item_ids))))


def document_of(item: Item) -> Document:
    ids = [entity_id for entity_id, _name, _person in item_entities(item)]
    return analyse_document(item.headline, item.summary, item.body, item.language, ids)


def countries_of(item: Item) -> list[str]:
    """The countries the item is about (the entities stage's `countries`)."""
    derived = item.derived.get("countries")
    values = derived.value if derived is not None else []
    if not isinstance(values, list):
        return []
    return sorted({str(code)[:100] for code in values if code})


def _remember_names(conn: Connection, keys: set[EntityName]) -> None:
    """Add the name keys not yet known, in one statement: a key already there (another
    item named the entity) is left alone by the database itself, which spares a lookup
    of every key first (that lookup was a third of the index's share of a write)."""
    if not keys:
        return
    pairs = sorted({(k.key, k.entity_id) for k in keys})
    rows = [{"key": key, "entity_id": ident} for key, ident in pairs]
    conn.execute(_insert_missing(conn.dialect.name, schema.search_names), rows)


def _insert_missing(dialect: str, table: sa.Table) -> sa.Insert:
    """An INSERT that skips rows whose primary key is there (SQLite and PostgreSQL both
    say ON CONFLICT DO NOTHING)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table).on_conflict_do_nothing()
    if dialect == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite.insert(table).on_conflict_do_nothing()
    raise ValueError(f"full-text search has no index for the {dialect!r} database")


def rebuild(store: Store, batch: int = REINDEX_BATCH) -> int:
    """Index every current item again (after an analysis change); returns how many."""
    from ortaq.store.store import row_item

    items = schema.items
    with store.engine.begin() as conn:
        index = index_for(conn.dialect.name)
        index.clear(conn)
        conn.execute(schema.search_facets.delete())
        conn.execute(schema.search_names.delete())
    done, after = 0, 0
    while True:
        query = (
            sa.select(items)
            .where(items.c.is_current, items.c.id > after)
            .order_by(items.c.id)
            .limit(batch)
        )
        with store.engine.begin() as conn:
            rows = list(conn.execute(query).mappings())
            index_items(conn, [(row["id"], row_item(row)) for row in rows])
        done += len(rows)
        if len(rows) < batch:
            return done
        after = rows[-1]["id"]


# -- searching -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    stored: StoredItem
    score: float


@dataclass(frozen=True)
class SearchResults:
    hits: list[Hit]
    total: int  # matches the viewer may read in full among those examined
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    next_cursor: str | None = None
    # False when total and facets count only some matches: the query matched more than
    # the CANDIDATES ranked (pages by relevance end with them), or more than the
    # windows of best matches examined (pages still reach every one of those).
    complete: bool = True


@dataclass(frozen=True)
class _Row:
    id: int
    language: str | None
    provider: str | None
    score: float
    countries: tuple[str, ...]


def prepared(conn: Connection, text: str, language: str | None) -> Query:
    """The analysed query, with each name in it resolved to the entities it names."""
    query = analyse_query(text, language)
    spans = query_name_keys(query)
    if not spans:
        return query
    names = schema.search_names
    found = conn.execute(
        sa.select(names.c.key, names.c.entity_id).where(names.c.key.in_(sorted(spans)))
    )
    entities: dict[int, set[str]] = {}
    for row in found:
        for index in spans[row.key]:
            entities.setdefault(index, set()).add(row.entity_id)
    return query.with_entities(entities)


def matching_ids(conn: Connection, text: str, language: str | None = None) -> sa.Select[Any]:
    """The ids of the items matching `text` (for filters such as saved searches)."""
    query = prepared(conn, text, language)
    if query.empty:
        return sa.select(schema.items.c.id).where(sa.false())
    matched = index_for(conn.dialect.name).matching(query)
    return sa.select(matched.c.item_id)


def search(
    store: Store,
    text: str,
    *,
    viewer: ViewerLike,
    now: datetime | None = None,
    language: str | None = None,
    member: str | None = None,
    country: str | None = None,
    order: Order = "relevance",
    limit: int = 20,
    cursor: str | None = None,
) -> SearchResults:
    """Items matching `text` that the viewer may read in full, best first (or newest),
    with facet counts over all of them and a cursor to the next page.

    The base query is `Store.visible_items`: the policy is applied in the same SQL as
    the match, and only rows whose access is `full` are kept, so a notice's or an
    embargoed item's text never matches for a partner."""
    after = decode_cursor(cursor, order) if cursor else None
    reading = store.reading(viewer, now)  # the agreements in force, once per search
    filters = _filters(language, member, country)
    with store.engine.connect() as conn:
        query = prepared(conn, text, language)
        if query.empty:
            return SearchResults([], 0, {name: {} for name in FACETS})
        before = after[1] if after is not None and order == "newest" else None
        candidates, more = _candidates(conn, query, order, before)
        if after is not None:
            candidates = [c for c in candidates if _is_after(c, after, order)]
        rows: list[_Row] = []
        examined = 0
        # The policy runs on the best matches a window at a time, until the page (and
        # one more, to know there is a next page) is full: a broad query does not pay
        # for the policy on every match.
        while examined < len(candidates) and len(rows) <= limit:
            window = candidates[examined : examined + WINDOW]
            rows.extend(_visible_rows(conn, store, window, reading, filters))
            examined += len(window)
    complete = examined >= len(candidates) and not more
    page = rows[:limit]
    by_id = {s.id: s for s in store.fetch_summaries([r.id for r in page], reading)}
    hits = [Hit(by_id[r.id], r.score) for r in page if r.id in by_id]
    next_cursor = encode_cursor(page[-1], order) if len(rows) > limit else None
    return SearchResults(hits, len(rows), _facets(rows), next_cursor, complete)


def _candidates(
    conn: Connection, query: Query, order: Order, before: int | None
) -> tuple[list[tuple[float, int]], bool]:
    """(score, id) of the newest CANDIDATES matches below `before`, in the order asked
    for (no policy yet: the index alone answers fast, in the database's own code), and
    whether more matched."""
    index = index_for(conn.dialect.name)
    top = before
    if index.ranged and top is None:  # outside `planned`: max() walks the primary key
        top = (conn.execute(sa.select(sa.func.max(schema.items.c.id))).scalar() or 0) + 1
    with index.planned(conn):
        found = _newest(conn, index, query, CANDIDATES + 1, top)
    found.sort(key=lambda c: -c[1])
    more = len(found) > CANDIDATES
    found = found[:CANDIDATES]
    if order == "relevance":
        found.sort(key=lambda c: (-c[0], -c[1]))
    return found, more


def _newest(
    conn: Connection, index: FullTextIndex, query: Query, limit: int, before: int | None
) -> list[tuple[float, int]]:
    """(score, id) of the newest `limit` matches below `before` (for a ranged index:
    given, the top of the id range). A ranged index is
    asked for the newest RANGE ids first, then for eight times as many, and so on
    until `limit` matched or the range reaches the first id: a broad query reads only
    the matches near the top however big the archive (PostgreSQL), and a rare one
    costs a few index lookups more."""
    top = before
    span = RANGE
    while True:
        floor = top - span if index.ranged and top is not None else None
        above = floor if floor is not None and floor > 0 else None
        statement = index.newest(query, limit, top, above)
        found = [(float(score or 0.0), item_id) for item_id, score in conn.execute(statement)]
        if above is None or len(found) >= limit:
            return found
        span *= 8


def _filters(
    language: str | None, member: str | None, country: str | None
) -> list[ColumnElement[bool]]:
    items, facets = schema.items, schema.search_facets
    filters: list[ColumnElement[bool]] = []
    if language:
        filters.append(items.c.language == language)
    if member:
        filters.append(items.c.provider == member)
    if country:
        filters.append(
            sa.exists().where(
                facets.c.item_id == items.c.id,
                facets.c.facet == "country",
                facets.c.value == country,
            )
        )
    return filters


def _visible_rows(
    conn: Connection,
    store: Store,
    window: Sequence[tuple[float, int]],
    reading: Reading,
    filters: Sequence[ColumnElement[bool]],
) -> list[_Row]:
    """The window's matches the viewer may read in full, in the window's order.

    The policy is `Store.visible_items`, in the same SQL, for these ids only: as one
    join with the index, SQLite would walk every current item through the policy."""
    items, facets = schema.items, schema.search_facets
    scores = {item_id: score for score, item_id in window}
    wanted = one_of_ids(conn.dialect.name, items.c.id, list(scores))
    base = store.visible_items(reading, where=[wanted, *filters])
    countries = (
        sa.select(sa.func.aggregate_strings(facets.c.value, " "))
        .where(facets.c.item_id == items.c.id, facets.c.facet == "country")
        .scalar_subquery()
    )
    statement = base.where(base.selected_columns.access == "full").with_only_columns(
        items.c.id, items.c.language, items.c.provider, countries
    )
    found = {
        row[0]: _Row(row[0], row[1], row[2], scores[row[0]], tuple((row[3] or "").split()))
        for row in conn.execute(statement)
    }
    return [found[item_id] for _score, item_id in window if item_id in found]


def one_of_ids(dialect: str, column: Any, ids: list[int]) -> ColumnElement[bool]:
    """`column IN ids` as one parameter (a PostgreSQL array, a JSON array read by
    SQLite's json_each): a window of 1,000 ids as 1,000 parameters cost SQLAlchemy more
    to expand on every execution than the database took to run it (bench/scale.py)."""
    if dialect == "postgresql":
        array = sa.bindparam("ids", ids, type_=postgresql.ARRAY(sa.Integer))
        return column == sa.any_(array)  # type: ignore[no-any-return]
    listed = sa.func.json_each(sa.bindparam("ids", json.dumps(ids), type_=sa.String))
    return column.in_(sa.select(sa.column("value", sa.Integer)).select_from(listed))  # type: ignore[no-any-return]


def _facets(rows: Sequence[_Row]) -> dict[str, dict[str, int]]:
    counts: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    for row in rows:
        counts["language"][row.language or "und"] += 1
        counts["member"][row.provider or ""] += 1
        counts["country"].update(row.countries)
    return {name: dict(found.most_common()) for name, found in counts.items()}


def _is_after(candidate: tuple[float, int], after: tuple[float, int], order: Order) -> bool:
    (score, item_id), (last_score, last_id) = candidate, after
    if order == "newest":
        return item_id < last_id
    return score < last_score or (score == last_score and item_id < last_id)


def encode_cursor(row: _Row, order: Order) -> str:
    raw = json.dumps([order, row.score, row.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, order: Order) -> tuple[float, int]:
    """(score, id) of the last hit of the previous page; a clear error otherwise."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        kind, score, item_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if kind != order or not isinstance(item_id, int) or isinstance(item_id, bool):
            raise ValueError
        return float(score), item_id
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise ValueError(
            f"cursor {cursor[:40]!r} is not a next_cursor of this search order"
        ) from None
