"""`ortaq reviews ...`: the verification desk from the shell, acting as the operator for
a named member (the API is where members' editors act for themselves)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from ortaq.claims import claimreview
from ortaq.config import Settings
from ortaq.exchange import audit
from ortaq.store import Store
from ortaq.store import reviews as rows
from ortaq.store.reviews import RATINGS
from ortaq.usage import UsageProblem
from ortaq.verification import (
    Draft,
    ReviewError,
    claim_search,
    desk_queue,
    export_feed,
    import_claimreviews,
    propagation,
    publish,
    revise,
)
from ortaq.viewer import OPERATOR, Viewer

reviews_app = typer.Typer(
    help="The verification desk: reviews of claims, where they travelled, alerts.",
    no_args_is_help=True,
)
Author = Annotated[str, typer.Option("--author", help="Who writes it (for the history).")]
Member = Annotated[str, typer.Option("--member", help="The reviewing member's slug.")]
Rating = Annotated[str, typer.Option("--rating", help=f"One of: {', '.join(RATINGS)}.")]
Explanation = Annotated[str, typer.Option("--explanation", help="Why, in a few sentences.")]
Language = Annotated[str | None, typer.Option("--language", help="ISO 639-1 code.")]
Evidence = Annotated[
    list[str] | None,
    typer.Option("--evidence", help="An http(s) URL or an item uri (repeatable)."),
]
BaseUrl = Annotated[str, typer.Option("--base-url", help="Where the API is served (review urls).")]


def _store() -> Store:
    return Store.open(Settings.from_env().database_url)


def _print(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")


def _actor(author: str) -> Viewer:
    return Viewer.as_operator(f"cli:{author}")


def _member(store: Store, slug: str) -> str:
    if store.get_member(slug) is None:
        raise UsageProblem(f"--member {slug!r}: no such member (see `ortaq members list`)")
    return slug


@reviews_app.command("add")
def reviews_add(
    item_id: Annotated[int, typer.Argument(help="The reviewed version's id.")],
    member: Member,
    author: Author,
    rating: Rating,
    explanation: Explanation,
    quote: Annotated[str | None, typer.Option("--quote", help="The claim, as quoted.")] = None,
    start: Annotated[int | None, typer.Option("--start", help="Its offset in the text.")] = None,
    end: Annotated[int | None, typer.Option("--end", help="Where it ends.")] = None,
    language: Language = None,
    evidence: Evidence = None,
) -> None:
    """Publish a review of a claim in an item version, and alert who carried it."""
    store = _store()
    draft = Draft(rating, explanation, language, tuple(evidence or ()))
    try:
        review = publish(
            store, _actor(author), _member(store, member), item_id, draft,
            quote=quote, start=start, end=end,
        )  # fmt: skip
    except (ReviewError, LookupError) as error:
        raise UsageProblem(f"cannot review item {item_id}: {error}") from None
    audit.record(store, f"cli:{author}", "review", review.uri, member=member, item=item_id)
    _print(review.to_json())


def _change(review_id: int, author: str, draft: Draft, withdraw: bool) -> None:
    store = _store()
    try:
        review = revise(store, _actor(author), review_id, draft, withdraw=withdraw)
    except (ReviewError, LookupError) as error:
        raise UsageProblem(f"cannot change review {review_id}: {error}") from None
    action = "withdraw" if withdraw else "revise"
    audit.record(store, f"cli:{author}", action, review.uri, member=review.member)
    _print(review.to_json())


@reviews_app.command("revise")
def reviews_revise(
    review_id: int,
    author: Author,
    rating: Rating,
    explanation: Explanation,
    language: Language = None,
    evidence: Evidence = None,
    note: Annotated[str | None, typer.Option("--note", help="Why it changed.")] = None,
) -> None:
    """A new revision of a review (the history keeps the earlier ones)."""
    _change(review_id, author, Draft(rating, explanation, language, tuple(evidence or ()), note),
            withdraw=False)  # fmt: skip


@reviews_app.command("withdraw")
def reviews_withdraw(
    review_id: int,
    author: Author,
    note: Annotated[str | None, typer.Option("--note", help="Why it is withdrawn.")] = None,
) -> None:
    """Withdraw a review (kept on record; everyone told is told again)."""
    _change(review_id, author, Draft(RATINGS[0], "-", note=note), withdraw=True)


@reviews_app.command("list")
def reviews_list(
    item: Annotated[int | None, typer.Option("--item", help="Reviews on this version.")] = None,
    member: Annotated[str | None, typer.Option("--member", help="By this member.")] = None,
) -> None:
    """Reviews, newest first, one JSON line each."""
    for review in rows.list_reviews(_store(), OPERATOR, item_id=item, member=member, limit=1000):
        _print(review.to_json(history=False))


@reviews_app.command("show")
def reviews_show(review_id: int) -> None:
    """One review with its history."""
    review = rows.get_review(_store(), review_id, OPERATOR)
    if review is None:
        raise UsageProblem(f"no review {review_id}")
    _print(review.to_json())


@reviews_app.command("export")
def reviews_export(base_url: BaseUrl = "http://127.0.0.1:8000") -> None:
    """Every review in force as a schema.org ClaimReview JSON-LD feed."""
    _print(export_feed(_store(), OPERATOR, base_url))


@reviews_app.command("import")
def reviews_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="JSON-LD file.")],
    member: Member,
    author: Author,
) -> None:
    """Import ClaimReview JSON-LD as the member's reviews, matched against the archive."""
    store = _store()
    try:
        docs = claimreview.parse(file.read_bytes(), file.name)
        results = import_claimreviews(store, _actor(author), _member(store, member), docs)
    except (claimreview.ClaimReviewError, ReviewError) as error:
        raise UsageProblem(str(error)) from None
    audit.record(store, f"cli:{author}", "import", f"claimreview:{file.name}", member=member)
    for result in results:
        _print(result.to_json())


@reviews_app.command("search")
def reviews_search(
    claim: Annotated[str, typer.Argument(help="The claim's text.")],
    language: Language = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500)] = 20,
) -> None:
    """Items that repeat a claim, in any language, best first."""
    for stored, match in claim_search(_store(), OPERATOR, claim, language, limit=limit):
        _print(
            {
                "id": stored.id,
                "uri": stored.item.uri,
                "provider": stored.item.provider,
                "language": stored.item.language,
                "score": round(match.score, 4),
                "how": match.how,
                "passage": stored.item.text[match.start : match.end],
            }
        )


@reviews_app.command("propagation")
def reviews_propagation(item_id: int) -> None:
    """Where an item travelled: versions, copies, story, carriers, and who received them."""
    found = propagation(_store(), item_id, OPERATOR)
    if found is None:
        raise UsageProblem(f"no item {item_id}")
    _print(found)


@reviews_app.command("queue")
def reviews_queue(
    limit: Annotated[int, typer.Option("--limit", min=1, max=500)] = 50,
) -> None:
    """The desk's queue: flagged items, and corrections that changed figures or names."""
    _print(desk_queue(_store(), OPERATOR, limit))


@reviews_app.command("notifications")
def reviews_notifications(
    member: Annotated[str, typer.Argument(help="The member's slug.")],
    unread: Annotated[bool, typer.Option("--unread", help="Only those not read.")] = False,
) -> None:
    """A member's review alerts, newest first."""
    for entry in rows.notifications(_store(), member, unread=unread, limit=1000):
        _print(entry)
