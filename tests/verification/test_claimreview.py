"""ClaimReview JSON-LD: the export against Google's documented properties, an import of
an export round-trips (store, API door and CLI), and the reader is total (property)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from ortaq.claims import claimreview
from ortaq.claims.claimreview import Appearance, ClaimReviewDoc, ClaimReviewError
from ortaq.cli import app
from ortaq.store import Store
from ortaq.store import reviews as rows
from ortaq.verification import Draft, export_feed, import_claimreviews, publish
from ortaq.viewer import OPERATOR, Viewer
from tests.verification.support import CLAIM_EN, item, share

# Google Search Central, "Fact check (ClaimReview) structured data"
# (developers.google.com/search/docs/appearance/structured-data/factcheck), the tables of
# required and recommended properties, per type:
GOOGLE_REQUIRED = {
    "ClaimReview": ("claimReviewed", "reviewRating", "url"),
    "Rating": ("alternateName",),
}
GOOGLE_RECOMMENDED = {
    "ClaimReview": ("author", "datePublished", "itemReviewed"),
    "Claim": ("appearance", "author", "datePublished", "firstAppearance"),
    "Rating": ("bestRating", "name", "ratingValue", "worstRating"),
}


def _reviewed(store: Store) -> int:
    for slug in ("ma", "mb", "mc"):
        store.upsert_member(slug, f"Agency {slug.upper()}")
    share(store, "a-to-b", ("ma",), ("mb",))
    item_id = store.save(item("urn:a:1", "ma", "en", "Port news. " + CLAIM_EN)).item_id
    draft = Draft("misleading", "Half that.", "en", ("https://port.example.org/x",))
    publish(store, Viewer("ma", actor="ed-a"), "ma", item_id, draft, quote=CLAIM_EN)
    return item_id


def test_export_has_every_property_google_requires_and_recommends(store: Store) -> None:
    _reviewed(store)
    [review] = export_feed(store, "mb", "https://ortaq.example.org")["dataFeedElement"]
    assert review["@type"] == "ClaimReview"
    objects = {
        "ClaimReview": review,
        "Rating": review["reviewRating"],
        "Claim": review["itemReviewed"],
    }
    assert objects["Rating"]["@type"] == "Rating" and objects["Claim"]["@type"] == "Claim"
    for table in (GOOGLE_REQUIRED, GOOGLE_RECOMMENDED):
        for kind, names in table.items():
            missing = [n for n in names if objects[kind].get(n) in (None, "", [])]
            assert missing == [], (kind, missing)
    rating = review["reviewRating"]
    assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    assert review["claimReviewed"] == CLAIM_EN
    assert review["url"].startswith("https://ortaq.example.org/api/v1/reviews/")
    assert review["author"] == {"@type": "Organization", "name": "Agency MA"}
    datetime.fromisoformat(review["datePublished"])
    [appearance] = review["itemReviewed"]["appearance"]
    assert appearance["url"] == "urn:a:1"
    assert appearance["publisher"]["name"] == "Agency MA"


def test_an_import_of_an_export_round_trips(store: Store) -> None:
    item_id = _reviewed(store)
    feed = export_feed(store, "mb", "https://ortaq.example.org")
    docs = claimreview.parse(json.dumps(feed))
    [result] = import_claimreviews(store, Viewer("mb", actor="ed-b"), "mb", docs)
    assert (result.how, result.item) == ("appearance", item_id)
    assert result.review is not None
    imported = rows.get_review(store, result.review, "mb")
    assert imported is not None
    assert (imported.member, imported.claim.text, imported.current.rating) == (
        "mb", CLAIM_EN, "misleading",
    )  # fmt: skip
    assert imported.current.explanation == "Half that."
    # the same file again changes nothing
    [again] = import_claimreviews(store, Viewer("mb", actor="ed-b"), "mb", docs)
    assert (again.how, again.review) == ("duplicate", result.review)
    # and the export of the imported review says what the original said
    exported = export_feed(store, "mb", "https://x", [result.review])["dataFeedElement"][0]
    original = feed["dataFeedElement"][0]
    for key in ("claimReviewed", "reviewRating", "itemReviewed"):
        assert exported[key] == original[key], key


def test_a_foreign_claim_is_matched_against_the_archive(store: Store) -> None:
    item_id = _reviewed(store)
    foreign = {
        "@context": "https://schema.org", "@type": "ClaimReview",
        "url": "https://factcheck.example.org/grain", "claimReviewed": CLAIM_EN,
        "author": {"@type": "Organization", "name": "Fact Desk"},
        "reviewRating": {"@type": "Rating", "alternateName": "Mostly False"},
        "itemReviewed": {"@type": "Claim", "appearance": "https://elsewhere.example.org/1"},
    }  # fmt: skip
    unknown = {**foreign, "claimReviewed": "Snow fell on the Sahara for forty days in a row."}
    docs = claimreview.parse(json.dumps([foreign, unknown]))
    matched, unmatched = import_claimreviews(store, OPERATOR, "mc", docs)
    assert (matched.how, matched.item, matched.rating) == ("match", item_id, "misleading")
    assert (unmatched.how, unmatched.review) == ("unmatched", None)


def test_reviews_import_command(
    sqlite_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    item_id = _reviewed(sqlite_store)
    monkeypatch.setenv("ORTAQ_DATABASE_URL", str(sqlite_store.engine.url))
    exported = CliRunner().invoke(app, ["reviews", "export", "--base-url", "https://o.example"])
    assert exported.exit_code == 0, exported.output
    path = tmp_path / "reviews.jsonld"
    path.write_text(exported.stdout, encoding="utf-8")
    imported = CliRunner().invoke(
        app, ["reviews", "import", str(path), "--member", "mb", "--author", "desk"]
    )
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.stdout)["item"] == item_id
    broken = tmp_path / "broken.jsonld"
    broken.write_text('{"@type": "ClaimReview"', encoding="utf-8")
    failed = CliRunner().invoke(
        app, ["reviews", "import", str(broken), "--member", "mb", "--author", "desk"]
    )
    assert failed.exit_code != 0 and "broken.jsonld: not JSON" in failed.output


texts = (
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1)
    .map(str.strip)
    .filter(bool)
)
docs = st.builds(
    ClaimReviewDoc,
    claim=texts,
    rating=st.sampled_from(claimreview.scale()),
    url=st.from_regex(r"https://[a-z]{1,12}\.example\.org/[a-z0-9]{0,10}", fullmatch=True),
    author=texts,
    date_published=st.none() | st.datetimes().map(lambda d: d.isoformat()),
    explanation=st.none() | texts,
    language=st.none() | st.sampled_from(("en", "ru", "ar", "kk")),
    appearances=st.lists(
        st.builds(Appearance, texts, st.none() | texts, st.none() | st.just("2026-03-02")),
        max_size=3,
    ).map(tuple),
)


@given(st.lists(docs, min_size=1, max_size=4))
def test_parse_reads_back_what_to_jsonld_writes(written: list[ClaimReviewDoc]) -> None:
    assert claimreview.parse(json.dumps(claimreview.feed(written))) == written
    assert claimreview.parse(json.dumps(claimreview.to_jsonld(written[0]))) == written[:1]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["@type", "claimReviewed", "url", "reviewRating", "author",
                         "itemReviewed", "alternateName", "ratingValue", "@graph", "name"]),
        inner | st.just("ClaimReview"), max_size=6,
    ),
    max_leaves=20,
)  # fmt: skip


@given(json_values)
def test_any_json_is_read_or_refused_with_a_reason(value: object) -> None:
    try:
        found = claimreview.parse(json.dumps(value), "probe.json")
    except ClaimReviewError as error:
        assert str(error).startswith("probe.json: ")
    else:
        assert all(doc.rating in claimreview.scale() for doc in found)


@pytest.mark.parametrize(
    ("rating", "step"),
    [
        ({"alternateName": "Pants on Fire!"}, "false"),
        ({"alternateName": "Yanıltıcı"}, "misleading"),
        ({"alternateName": "Вырвано из контекста"}, "missing_context"),
        (
            {"alternateName": "house style", "ratingValue": 5, "bestRating": 5, "worstRating": 1},
            "accurate",
        ),
        (
            {
                "alternateName": "house style",
                "ratingValue": "2",
                "bestRating": "3",
                "worstRating": "1",
            },
            "missing_context",
        ),
    ],
)
def test_other_fact_checkers_ratings_find_their_step(rating: dict, step: str) -> None:
    assert claimreview.rating_step(rating)[0] == step
