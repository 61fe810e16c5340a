"""The verification desk's logic, shared by the CLI, the API and the ingest door.

Reviews are written by members' editors (role editor or admin; the operator may act for
any member). Publishing, revising or withdrawing a review finds the item versions that
carry its claim -- the reviewed version, its other versions, its copies, the versions of
its story that repeat the claim, and any item in the archive that matches it
(`ortaq.claims.matching`) -- and tells every member that may read one of them, once per
revision (`ortaq.store.reviews.notify`: a notification and a signed webhook event). A
new item that repeats a reviewed claim is flagged on arrival (`flag_arrival`) and its
readers who were not told yet are told.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from ortaq.chain import default_chain
from ortaq.claims import claimreview
from ortaq.claims.matching import (
    DEFAULT,
    Match,
    MatchSettings,
    Passage,
    Weights,
    best_match,
    idf_weights,
    item_passages,
    keys_of,
    query_words,
    within,
)
from ortaq.model import IngestError, Item
from ortaq.read.normalise import match_key
from ortaq.store import Store, StoredItem
from ortaq.store import reviews as rows
from ortaq.store.reviews import RATINGS, Carrier, ClaimSpan, Review, Revision
from ortaq.store.store import ViewerLike
from ortaq.stories.features import numbers
from ortaq.viewer import OPERATOR, Viewer

MAX_EXPLANATION = 5000
MAX_CLAIM = 2000
MAX_EVIDENCE = 20
EVENTS = {
    "published": "review.published",
    "updated": "review.updated",
    "withdrawn": "review.withdrawn",
}
CANDIDATES_PER_WORD = 200
CLAIM_URI = "urn:ortaq:claim"  # the uri of a claim text read by the chain (never stored)


class ReviewError(ValueError):
    """A review that cannot be written as given; the message names the field and why."""


@dataclass(frozen=True)
class Draft:
    """What a reviewer writes: the rating and its grounds."""

    rating: str
    explanation: str
    language: str | None = None
    evidence: tuple[str, ...] = ()
    note: str | None = None


# -- checking what a reviewer sends --------------------------------------------------------


def check_draft(store: Store, draft: Draft, viewer: ViewerLike) -> None:
    if draft.rating not in RATINGS:
        raise ReviewError(f"rating {draft.rating!r}: must be one of {', '.join(RATINGS)}")
    if not draft.explanation.strip():
        raise ReviewError("explanation: must not be empty")
    if len(draft.explanation) > MAX_EXPLANATION:
        raise ReviewError(f"explanation: over {MAX_EXPLANATION} characters")
    if len(draft.evidence) > MAX_EVIDENCE:
        raise ReviewError(f"evidence: at most {MAX_EVIDENCE} links")
    for link in draft.evidence:
        check_evidence(store, link, viewer)


def check_evidence(store: Store, link: str, viewer: ViewerLike) -> None:
    """An evidence link is an http(s) URL with a host, or the uri of an item the
    reviewer may read (a review of another member's review is its `urn:ortaq:review:`)."""
    parts = urlsplit(link)
    if parts.scheme in ("http", "https"):
        if not parts.netloc or any(c.isspace() for c in link):
            raise ReviewError(f"evidence {link!r}: not a valid URL")
        return
    if parts.scheme and parts.scheme not in ("urn", "tag", "ortaq") and "://" in link:
        raise ReviewError(f"evidence {link!r}: external links must be http or https")
    if link.startswith(rows.REVIEW_URI):
        number = link.removeprefix(rows.REVIEW_URI)
        if number.isdigit() and rows.get_review(store, int(number), viewer) is not None:
            return
        raise ReviewError(f"evidence {link!r}: no such review you may read")
    if not link or not store.find_uri(link, viewer):
        raise ReviewError(f"evidence {link!r}: neither an http(s) URL nor an item you may read")


def claim_span(item: Item, quote: str | None, start: int | None, end: int | None) -> ClaimSpan:
    """The claim in this version: the quote at its offsets (checked), the quote found in
    the text, or the whole version (its headline, else its first passage)."""
    text = item.text
    if quote is not None and len(quote) > MAX_CLAIM:
        raise ReviewError(f"claim: over {MAX_CLAIM} characters")
    if start is not None or end is not None:
        if start is None or end is None or not 0 <= start < end <= len(text):
            raise ReviewError(f"claim offsets {start}..{end}: outside the text (0..{len(text)})")
        if quote is not None and text[start:end] != quote:
            raise ReviewError(f"claim: the text at {start}..{end} is not the quote")
        return ClaimSpan(text[start:end], start, end, item.language)
    if quote:
        found = text.find(quote)
        if found < 0:
            raise ReviewError("claim: the quote is not in this version's text")
        return ClaimSpan(quote, found, found + len(quote), item.language)
    whole = item.headline or next(iter(item.body), "")
    if not whole:
        raise ReviewError("claim: the version has no text to review")
    return ClaimSpan(whole, None, None, item.language)


# -- writing reviews -----------------------------------------------------------------------


def publish(
    store: Store,
    viewer: Viewer,
    member: str,
    item_id: int,
    draft: Draft,
    *,
    quote: str | None = None,
    start: int | None = None,
    end: int | None = None,
    settings: MatchSettings = DEFAULT,
) -> Review:
    """Publish a review of a claim in a version the reviewing member may read in full;
    find where the claim travelled and tell every member that may read it."""
    reviewer = viewer if viewer.operator else Viewer(member, actor=viewer.actor)
    stored = store.get(item_id, reviewer)
    if stored is None or stored.access != "full":
        raise LookupError(f"no item {item_id} that {member} may read")
    check_draft(store, draft, reviewer)
    claim = claim_span(stored.item, quote, start, end)
    now = store.clock()
    first = _revision(1, "published", draft, viewer.actor, now)
    review_id = rows.insert_review(store, member, item_id, claim, first)
    rows.add_carriers(store, [Carrier(review_id, item_id, "reviewed", 1.0)], now)
    review = rows.review_as_operator(store, review_id)
    assert review is not None
    find_carriers(store, review, settings)
    alert(store, review)
    return review


def revise(
    store: Store, viewer: Viewer, review_id: int, draft: Draft, *, withdraw: bool = False
) -> Review:
    """A new revision (or the withdrawal) of a member's review; everyone who may read
    the claim is told again, once."""
    review = rows.get_review(store, review_id, viewer)
    if review is None:
        raise LookupError(f"no review {review_id}")
    if not viewer.operator and viewer.member != review.member:
        raise PermissionError(f"review {review_id} is {review.member}'s")
    if review.status == "withdrawn":
        raise ReviewError(f"review {review_id} is withdrawn")
    if withdraw:
        current = review.current
        draft = Draft(current.rating, current.explanation, current.language,
                      current.evidence, draft.note)  # fmt: skip
    else:
        check_draft(store, draft, viewer)
    action = "withdrawn" if withdraw else "updated"
    revision = _revision(review.revision + 1, action, draft, viewer.actor, store.clock())
    if not rows.add_revision(store, review_id, revision):
        raise ReviewError(f"review {review_id} changed meanwhile; read it again")
    changed = rows.review_as_operator(store, review_id)
    assert changed is not None
    alert(store, changed)
    return changed


def _revision(number: int, action: Any, draft: Draft, author: str, at: datetime) -> Revision:
    return Revision(
        number, action, draft.rating, draft.explanation.strip(), draft.language,  # type: ignore[arg-type]
        tuple(draft.evidence), author[:100], draft.note, at,
    )  # fmt: skip


def alert(store: Store, review: Review) -> list[str]:
    """Tell every member that may read a carrier of the claim, once per revision."""
    event = EVENTS[review.current.action]
    now = store.clock()
    return rows.notify(
        store, review.id, review.revision, event, rows.readers(store, review.id, now), now
    )


# -- where a claim travelled ---------------------------------------------------------------


def find_carriers(store: Store, review: Review, settings: MatchSettings = DEFAULT) -> list[Carrier]:
    """Find and keep the versions carrying the claim: the reviewed item's versions,
    copies and story that repeat it, and matches anywhere in the archive."""
    claim, idf = review_keys(store, review), archive_idf(store)
    related = rows.related_versions(store, review.item_id)
    found: list[Carrier] = []
    for how, ids in (("version", related["versions"]), ("copy", related["copies"]),
                     ("story", related["story"])):  # fmt: skip
        for stored in _all_versions(store, ids):
            match = best_match(claim, item_passages(stored.item), settings, idf)
            if match is not None:
                found.append(Carrier(review.id, stored.id, how, round(match.score, 4)))  # type: ignore[arg-type]
    linked = {c.item_id for c in found} | {review.item_id}
    for stored, match in claim_search(
        store, OPERATOR, review.claim.text, review.claim.language, settings=settings, keys=claim
    ):
        if stored.id not in linked:
            found.append(Carrier(review.id, stored.id, "match", round(match.score, 4)))
    return rows.add_carriers(store, found, store.clock())


def archive_idf(store: Store) -> Weights:
    """Each matching key's IDF over the archive: the story linker's counts (the same
    keys, kept as every version is stored)."""
    index = store.story_book.catch_up().index
    return idf_weights(index.df, index.n_items)


def review_keys(store: Store, review: Review) -> Passage:
    """The claim's matching keys, with the entities the reviewed version names in it."""
    stored = store.get(review.item_id, OPERATOR)
    mentions = stored.item.mentions if stored is not None else None
    claim = review.claim
    if mentions is None:
        return claim_keys(claim.text, claim.language)
    if claim.start is not None and claim.end is not None:
        # the mentions' offsets are the version's: the claim starts at claim.start
        inside = tuple(within(mentions, claim.start, claim.end))
        return keys_of(claim.text, claim.language, inside, start=claim.start)
    if stored is not None and stored.item.headline:
        mentions = tuple(within(mentions, 0, len(stored.item.headline)))
    return keys_of(claim.text, claim.language, mentions)


def claim_keys(text: str, language: str | None) -> Passage:
    """The matching keys of a claim typed or imported as text: the chain's stages read it
    first (pure, no I/O), so its entities and their ids are anchors as in stored items.
    A text the chain refuses is matched on its words alone."""
    try:
        draft = Item(uri=CLAIM_URI, body=[text], language=language)
        item = default_chain().refine(draft, len(text.encode()))
    except IngestError:
        return keys_of(text, language)
    return keys_of(text, item.language or language, item.mentions)


def _all_versions(store: Store, ids: Sequence[int]) -> list[StoredItem]:
    return [s for i in ids if (s := store.get(i, OPERATOR)) is not None]


def claim_search(
    store: Store,
    viewer: ViewerLike,
    text: str,
    language: str | None = None,
    *,
    limit: int = 50,
    settings: MatchSettings = DEFAULT,
    keys: Passage | None = None,
) -> list[tuple[StoredItem, Match]]:
    """Items the viewer reads in full that repeat the claim, best first. Candidates come
    from full-text search (under the policy) on the claim's names, numbers and longest
    words, in any script; each is then matched sentence by sentence."""
    if not text.strip():
        return []
    claim = keys or claim_keys(text[:MAX_CLAIM], language)
    idf = archive_idf(store)
    candidate_ids: set[int] = set()
    for word in query_words(text[:MAX_CLAIM], language):
        results = store.search(word, viewer=viewer, limit=CANDIDATES_PER_WORD)
        candidate_ids.update(hit.stored.id for hit in results.hits)
    found = []
    # search hits are summaries: the whole items, read again through the policy
    for stored in store.fetch_ids(sorted(candidate_ids), viewer):
        if stored.access != "full":
            continue
        match = best_match(claim, item_passages(stored.item), settings, idf)
        if match is not None:
            found.append((stored, match))
    found.sort(key=lambda pair: (-pair[1].score, pair[0].id))
    return found[:limit]


def flag_arrival(
    store: Store, item_id: int, item: Item, settings: MatchSettings = DEFAULT
) -> list[int]:
    """A new version that repeats a reviewed claim: flag it (a carrier row) and tell its
    readers who were not told of the review's current revision yet. Returns the ids of
    the reviews it repeats."""
    reviews = rows.published_reviews(store)
    if not reviews:
        return []
    found, idf = item_passages(item), archive_idf(store)
    flagged = []
    for review in reviews:
        match = best_match(review_keys(store, review), found, settings, idf)
        if match is None:
            continue
        carrier = Carrier(review.id, item_id, "match", round(match.score, 4))
        if rows.add_carriers(store, [carrier], store.clock()):
            flagged.append(review.id)
            alert(store, review)
    return flagged


def propagation(store: Store, item_id: int, viewer: ViewerLike) -> dict[str, Any] | None:
    """Where an item travelled, as the viewer may see it: its versions, copies, story
    versions, and every version carrying a claim reviewed on it, each with publisher,
    time and the members that may read it under their agreements."""
    stored = store.get(item_id, viewer)
    if stored is None or stored.access != "full":
        return None
    related = rows.related_versions(store, item_id)
    on_item = rows.list_reviews(store, viewer, item_id=item_id)
    carried: dict[int, list[dict[str, Any]]] = {}
    for review in on_item:
        for carrier in rows.carriers(store, review.id):
            carried.setdefault(carrier.item_id, []).append(
                {"review": review.id, "how": carrier.how, "score": carrier.score}
            )
    sections = {**related, "carriers": sorted(carried)}
    readers = _readers_by_item(store, {i for ids in sections.values() for i in ids} | {item_id})
    out: dict[str, Any] = {"item": _entry(stored, readers, carried)}
    for name, ids in sections.items():
        out[name] = [
            _entry(s, readers, carried)
            for i in ids
            if (s := store.get(i, viewer)) is not None and s.access == "full"
        ]
    out["reviews"] = [r.to_json(history=False) for r in on_item]
    return out


def claim_timeline(store: Store, review: Review, viewer: ViewerLike) -> list[dict[str, Any]]:
    """Where a reviewed claim travelled, oldest first: each carrier the viewer may read in
    full, with its publisher, time, how it carries the claim and who received it."""
    found = rows.carriers(store, review.id)
    how = {c.item_id: [{"review": review.id, "how": c.how, "score": c.score}] for c in found}
    readable = [s for s in store.fetch_versions(sorted(how), viewer) if s.access == "full"]
    readers = _readers_by_item(store, {s.id for s in readable})
    entries = [_entry(s, readers, how) for s in readable]
    return sorted(entries, key=lambda entry: (entry["time"], entry["id"]))


def _readers_by_item(store: Store, ids: set[int]) -> dict[int, list[str]]:
    """For each version, the members that may read it in full now (the one policy)."""
    readers: dict[int, list[str]] = {i: [] for i in ids}
    for member in store.list_members():
        slug = member["slug"]
        for stored in store.fetch_versions(sorted(ids), Viewer(slug, actor="propagation")):
            if stored.access == "full":
                readers[stored.id].append(slug)
    return readers


def _entry(
    stored: StoredItem, readers: dict[int, list[str]], carried: dict[int, list[dict[str, Any]]]
) -> dict[str, Any]:
    item = stored.item
    when = item.versioncreated or item.firstcreated or stored.ingested_at
    return {
        **_summary(stored),
        "time": when.isoformat(),
        "received_by": [m for m in readers.get(stored.id, []) if m != item.provider],
        "carries": carried.get(stored.id, []),
    }


def banner(store: Store, item_id: int, viewer: ViewerLike) -> list[dict[str, Any]]:
    """The reviews whose claim this version carries, for a viewer who reads it."""
    return [_banner_entry(r) for r in rows.list_reviews(store, viewer, item_id=item_id)]


def _banner_entry(review: Review) -> dict[str, Any]:
    return {
        "review": review.id,
        "uri": review.uri,
        "member": review.member,
        "status": review.status,
        "rating": review.current.rating,
        "explanation": review.current.explanation,
        "claim": review.claim.text,
    }


def with_reviews(store: Store, items: Sequence[StoredItem], viewer: ViewerLike) -> list[StoredItem]:
    """The items with their banners attached (outputs show them: ninjs `ednote`); only
    items the viewer reads in full carry one."""
    readable = [s.id for s in items if s.access == "full"]
    found = rows.reviews_on_items(store, viewer, readable)
    return [
        replace(s, reviews=tuple(_banner_entry(r) for r in found[s.id])) if s.id in found else s
        for s in items
    ]


# -- interchange: ClaimReview JSON-LD ----------------------------------------------------------


def claimreview_doc(
    store: Store, review: Review, viewer: ViewerLike, base_url: str
) -> claimreview.ClaimReviewDoc:
    """A review as ClaimReview: its claim's appearances are the carriers the viewer reads
    (the reviewed version first), each with its publisher and time."""
    readable = {
        s.id: s
        for s in store.fetch_versions([c.item_id for c in rows.carriers(store, review.id)], viewer)
        if s.access == "full"
    }
    ordered = sorted(readable.values(), key=lambda s: (s.id != review.item_id, s.id))
    appearances = tuple(
        claimreview.Appearance(
            s.item.uri,
            _member_name(store, s.item.provider),
            (s.item.versioncreated or s.ingested_at).isoformat(),
        )
        for s in ordered
    )
    current = review.current
    return claimreview.ClaimReviewDoc(
        claim=review.claim.text,
        rating=current.rating,
        url=f"{base_url.rstrip('/')}/api/v1/reviews/{review.id}",
        author=_member_name(store, review.member) or review.member,
        date_published=review.created_at.isoformat(),
        explanation=current.explanation,
        language=current.language or review.claim.language,
        appearances=appearances,
    )


def _member_name(store: Store, slug: str | None) -> str | None:
    found = store.get_member(slug) if slug else None
    return str(found["name"]) if found else slug


def export_feed(
    store: Store, viewer: ViewerLike, base_url: str, review_ids: Sequence[int] | None = None
) -> dict[str, Any]:
    """The reviews the viewer may see (these ids, or all in force) as a ClaimReview feed."""
    found = rows.list_reviews(
        store, viewer, review_ids=review_ids, status=None if review_ids else "published",
        limit=10_000,
    )  # fmt: skip
    return claimreview.feed([claimreview_doc(store, r, viewer, base_url) for r in found])


@dataclass(frozen=True)
class Imported:
    """What became of one imported ClaimReview."""

    claim: str
    rating: str
    review: int | None  # the review made of it
    item: int | None  # on this version
    how: str  # appearance | match | unmatched | duplicate

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def import_claimreviews(
    store: Store,
    viewer: Viewer,
    member: str,
    docs: Sequence[claimreview.ClaimReviewDoc],
    settings: MatchSettings = DEFAULT,
) -> list[Imported]:
    """Publish fact-checkers' ClaimReviews as the member's reviews: on the item an
    appearance names (its uri, readable by the member), else on the best match of the
    claim in the archive; a claim found nowhere is reported, not stored."""
    reviewer = viewer if viewer.operator else Viewer(member, actor=viewer.actor)
    results = []
    for doc in docs:
        target, how = _import_target(store, reviewer, doc, settings)
        if target is None:
            results.append(Imported(doc.claim, doc.rating, None, None, "unmatched"))
            continue
        existing = [
            r for r in rows.list_reviews(store, reviewer, item_id=target.id, member=member)
            if r.claim.text == doc.claim or doc.url in r.current.evidence
        ]  # fmt: skip
        if existing:
            results.append(Imported(doc.claim, doc.rating, existing[0].id, target.id, "duplicate"))
            continue
        quote = doc.claim if doc.claim in target.item.text else None
        evidence = (doc.url,) if doc.url.startswith(("http://", "https://")) else ()
        explanation = doc.explanation or f"{doc.author}: {doc.rating_text or doc.rating}"
        draft = Draft(doc.rating, explanation, doc.language, evidence)
        review = publish(store, viewer, member, target.id, draft, quote=quote, settings=settings)
        results.append(Imported(doc.claim, doc.rating, review.id, target.id, how))
    return results


def _import_target(
    store: Store, viewer: Viewer, doc: claimreview.ClaimReviewDoc, settings: MatchSettings
) -> tuple[StoredItem | None, str]:
    for appearance in doc.appearances:
        for stored in store.find_uri(appearance.url, viewer):
            if stored.access == "full":
                return stored, "appearance"
    found = claim_search(store, viewer, doc.claim, doc.language, limit=1, settings=settings)
    return (found[0][0], "match") if found else (None, "unmatched")


# -- the desk's queue ------------------------------------------------------------------------


def desk_queue(store: Store, viewer: ViewerLike, limit: int = 50) -> dict[str, Any]:
    """What the desk looks at first: items that repeat a reviewed claim (flagged on
    arrival or found by matching), and corrections that changed a figure or a name.

    A correction is compared with the version before it by the desk itself; the caller
    is shown only what the current version says (the figures and names it added) and
    how many the earlier one had that are gone, never the earlier text."""
    flags = []
    for carrier in rows.flagged(store, viewer, limit):
        stored = store.get(carrier.item_id, viewer)
        if stored is not None:
            flags.append({**_summary(stored), "review": carrier.review_id,
                          "score": carrier.score})  # fmt: skip
    changed = []
    for item_id in rows.corrected_ids(store, viewer, limit):
        current = store.get(item_id, viewer)
        if current is None:
            continue
        before = store.history(current.item.uri, OPERATOR, provider=current.item.provider)
        earlier = [s for s in before if s.item.version == current.item.version - 1]
        if not earlier:
            continue
        difference = figures_and_names(earlier[0].item.text, current.item.text)
        if difference["added"] or difference["removed"]:
            changed.append({**_summary(current), **difference})
    return {"flagged": flags, "changed": changed}


def _summary(stored: StoredItem) -> dict[str, Any]:
    """An item in the desk's answers (queue, propagation, timeline): which version it is
    and its whole headline. Not the API's list entry (`ortaq.api.serialize.item_summary`:
    the headline cut, with type, status, times, access and rights): these answers are
    the desk's own (docs/verification.md)."""
    item = stored.item
    return {
        "id": stored.id,
        "uri": item.uri,
        "version": item.version,
        "provider": item.provider,
        "language": item.language,
        "headline": item.headline,
    }


def figures_and_names(old: str, new: str) -> dict[str, Any]:
    """Numbers and capitalised words the new text has and the old had not (as written
    in the new text), and how many of the old text's are gone."""
    old_marks, new_marks = _marks(old), _marks(new)
    added = sorted({written for key, written in new_marks.items() if key not in old_marks})
    removed = sum(1 for key in old_marks if key not in new_marks)
    return {"added": added, "removed": removed}


def _marks(text: str) -> dict[str, str]:
    """Figures (normalised: '4,200' is '4200') and names of a text, with how each is written."""
    found = {f"n:{n}": n for n in numbers(text)}
    for word in text.split():
        bare = word.strip(".,;:!?«»\"'()[]“”‘’")
        if len(bare) > 1 and bare[0].isupper() and not bare.isupper():
            found.setdefault(f"w:{match_key(bare)}", bare)
    return found
