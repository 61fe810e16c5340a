"""The verification desk's pages without a browser: the review form posts through the
API's door, the item page's banner and the alerts reach the members that carry the
claim, and every page shows only the reviews the member's policy lets it see."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ortaq.chain import default_chain
from ortaq.exchange.audit import entries
from ortaq.ingest import ingest_bytes
from ortaq.model import Hints
from ortaq.store import Store
from ortaq.store import reviews as rows
from ortaq.verification import desk_queue
from ortaq.viewer import Viewer
from tests.newsroom.conftest import browser_client, csrf_of

REVIEW_LINK = re.compile(r'href="/desk/reviews/(\d+)"')
ITEM_LINK = re.compile(r'href="/items/(\d+)"')
DALA, KHALEEJ = Viewer("dala-press", actor="test"), Viewer("khaleej-wire", actor="test")


def shared_item(store: Store) -> int:
    """A Dala Press item that Khaleej Wire receives under the demo agreements."""
    for stored in store.fetch_versions(list(range(1, 200)), Viewer.as_operator()):
        theirs = store.get(stored.id, KHALEEJ)
        if stored.item.provider == "dala-press" and theirs and theirs.access == "full":
            return stored.id
    raise AssertionError("the demo corpus has no Dala Press item Khaleej Wire reads")


def review_through_the_form(client: TestClient, item_id: int, **fields: str) -> int:
    form_page = client.get(f"/desk/review?item={item_id}")
    assert form_page.status_code == 200
    form = {"item": str(item_id), "rating": "misleading", "explanation": "The count is wrong.",
            "csrf": csrf_of(form_page.text), **fields}  # fmt: skip
    answer = client.post("/desk/reviews", data=form, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    found = re.fullmatch(r"/desk/reviews/(\d+)", answer.headers["location"])
    assert found is not None
    return int(found.group(1))


def test_a_review_reaches_the_member_that_received_the_item(
    demo_store: Store, dala: TestClient, khaleej: TestClient
) -> None:
    item_id = shared_item(demo_store)
    text = demo_store.get(item_id, DALA).item.text  # type: ignore[union-attr]
    start = text.index("\n") + 1 if "\n" in text else 0
    end = start + min(60, len(text) - start)
    review_id = review_through_the_form(
        dala, item_id, quote=text[start:end], start=str(start), end=str(end),
        evidence="https://example.org/fact-check\n",
    )  # fmt: skip
    stored = rows.get_review(demo_store, review_id, DALA)
    assert stored is not None and stored.member == "dala-press"
    assert (stored.claim.start, stored.claim.end) == (start, end)
    assert stored.current.evidence == ("https://example.org/fact-check",)
    logged = entries(demo_store, member="dala-press", limit=20)
    assert any(e["action"] == "review" and e["target"] == stored.uri for e in logged)

    page = dala.get(f"/desk/reviews/{review_id}").text
    assert "khaleej-wire" in page  # the timeline names who received it
    assert 'href="https://example.org/fact-check"' in page
    assert f'action="/desk/reviews/{review_id}/revise"' in page

    item_page = khaleej.get(f"/items/{item_id}").text
    assert 'class="verification"' in item_page and f"/desk/reviews/{review_id}" in item_page
    assert "Review this item" not in item_page  # a reader writes no review

    alerts = khaleej.get("/notifications").text
    assert f"/desk/reviews/{review_id}" in alerts and ">new<" in alerts
    marked = khaleej.post("/notifications/read", data={"csrf": csrf_of(alerts)},
                          follow_redirects=False)  # fmt: skip
    assert marked.status_code == 303
    assert ">new<" not in khaleej.get("/notifications").text
    assert rows.notifications(demo_store, "khaleej-wire", unread=True) == []


def test_revising_and_withdrawing_keep_the_history(demo_store: Store, dala: TestClient) -> None:
    review_id = review_through_the_form(dala, shared_item(demo_store))
    page = dala.get(f"/desk/reviews/{review_id}").text
    revised = dala.post(
        f"/desk/reviews/{review_id}/revise",
        data={"csrf": csrf_of(page), "rating": "false", "explanation": "Both figures are wrong.",
              "note": "second source"},
    )  # fmt: skip
    assert revised.status_code == 200
    withdrawn = dala.post(
        f"/desk/reviews/{review_id}/withdraw", data={"csrf": csrf_of(page), "note": "retracted"}
    )
    assert withdrawn.status_code == 200
    review = rows.get_review(demo_store, review_id, DALA)
    assert review is not None and review.status == "withdrawn"
    assert [r.action for r in review.history] == ["published", "updated", "withdrawn"]
    assert "/revise" not in withdrawn.text  # a withdrawn review cannot be revised
    for note in ("second source", "retracted", "Both figures are wrong."):
        assert note in withdrawn.text


def test_readers_and_forged_forms_cannot_write(
    demo_store: Store, dala: TestClient, khaleej: TestClient
) -> None:
    item_id = shared_item(demo_store)
    assert khaleej.get(f"/desk/review?item={item_id}").status_code == 403
    token = csrf_of(khaleej.get("/desk").text)
    form = {"item": str(item_id), "rating": "false", "explanation": "x", "csrf": token}
    assert khaleej.post("/desk/reviews", data=form).status_code == 403
    assert rows.list_reviews(demo_store, Viewer.as_operator()) == []
    forged = {**form, "csrf": "not-the-token"}
    assert dala.post("/desk/reviews", data=forged).status_code == 403
    review_id = review_through_the_form(dala, item_id)
    again = {"csrf": token, "rating": "accurate", "explanation": "fine"}
    assert khaleej.post(f"/desk/reviews/{review_id}/revise", data=again).status_code == 403
    assert (
        khaleej.post(f"/desk/reviews/{review_id}/withdraw", data={"csrf": token}).status_code == 403
    )
    review = rows.get_review(demo_store, review_id, DALA)
    assert review is not None and review.revision == 1


def test_a_refused_review_shows_the_form_again_with_the_reason(
    demo_store: Store, dala: TestClient
) -> None:
    item_id = shared_item(demo_store)
    form = dala.get(f"/desk/review?item={item_id}").text
    answer = dala.post("/desk/reviews", data={
        "item": str(item_id), "rating": "false", "explanation": "Kept as written.",
        "csrf": csrf_of(form), "start": "0", "end": "999999",
    })  # fmt: skip
    assert answer.status_code == 422 and 'role="alert"' in answer.text
    assert "outside the text" in answer.text and ">Kept as written.</textarea>" in answer.text
    assert rows.list_reviews(demo_store, Viewer.as_operator()) == []


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(span=st.tuples(st.integers(-3, 400), st.integers(-3, 400)))
def test_any_span_is_reviewed_as_selected_or_refused(
    demo_store: Store, dala: TestClient, span: tuple[int, int]
) -> None:
    """Whatever offsets a form sends, the review holds exactly that span of the text, or
    the form comes back refused; nothing else."""
    item_id = shared_item(demo_store)
    text = demo_store.get(item_id, DALA).item.text  # type: ignore[union-attr]
    start, end = span
    form = dala.get(f"/desk/review?item={item_id}").text
    answer = dala.post("/desk/reviews", data={
        "item": str(item_id), "rating": "unproven", "explanation": "span", "csrf": csrf_of(form),
        "start": str(start), "end": str(end),
    }, follow_redirects=False)  # fmt: skip
    if 0 <= start < end <= len(text):
        assert answer.status_code == 303
        review_id = int(answer.headers["location"].rsplit("/", 1)[1])
        review = rows.get_review(demo_store, review_id, DALA)
        assert review is not None and review.claim.text == text[start:end]
    else:
        assert answer.status_code == 422


def test_a_member_sees_only_the_reviews_it_may_see(
    demo_store: Store, operator: TestClient, khaleej: TestClient, dala: TestClient
) -> None:
    text = (
        "Volga Wire opens a river desk in Samara\n\n"
        "SAMARA, 7 December. Volga Wire opened a river desk in Samara with eleven reporters, "
        "the agency said on Monday."
    )
    hints = Hints(source_name="desk.txt", provider="volga-wire", uri="urn:test:volga-desk")
    (outcome,) = ingest_bytes(demo_store, default_chain(), text.encode(), hints)
    assert outcome.saved is not None
    hidden_item = outcome.saved.item_id
    assert hidden_item is not None and demo_store.get(hidden_item, KHALEEJ) is None
    form = operator.get(f"/desk/review?item={hidden_item}").text
    answer = operator.post("/desk/reviews", data={
        "item": str(hidden_item), "rating": "unproven", "explanation": "One source only.",
        "member": "volga-wire",
        "csrf": csrf_of(form),
    }, follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303
    hidden = int(answer.headers["location"].rsplit("/", 1)[1])
    shown = review_through_the_form(dala, shared_item(demo_store))
    for client, viewer in ((khaleej, KHALEEJ), (dala, DALA)):
        listed = {int(i) for i in REVIEW_LINK.findall(client.get("/desk").text)}
        may_see = {r.id for r in rows.list_reviews(demo_store, viewer)}
        assert listed == may_see and shown in listed and hidden not in listed
        assert client.get(f"/desk/reviews/{hidden}").status_code == 404
        assert f"/desk/reviews/{hidden}" not in client.get("/notifications").text
    assert operator.get(f"/desk/reviews/{hidden}").status_code == 200
    assert operator.get("/notifications").status_code == 403  # alerts are a member's


def test_pages_ask_to_sign_in(demo_store: Store) -> None:
    anonymous = browser_client(demo_store, None)
    for path in ("/desk", "/desk/review?item=1", "/desk/reviews/1", "/notifications"):
        answer = anonymous.get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == "/login"


def ingest(store: Store, provider: str, uri: str, text: str) -> int:
    hints = Hints(source_name=f"{uri}.txt", provider=provider, uri=uri)
    (outcome,) = ingest_bytes(store, default_chain(), text.encode(), hints)
    assert outcome.saved is not None, outcome.reason
    return outcome.saved.item_id


def test_the_queue_lists_arrivals_repeating_a_claim_and_changed_figures(
    demo_store: Store, dala: TestClient
) -> None:
    claim = "The Astana book fair drew 48,000 visitors in three days, the organisers said."
    reviewed = ingest(demo_store, "dala-press", "urn:test:fair", (
        f"Astana book fair closes\n\nASTANA, 7 December. {claim} Publishers from nine "
        "countries took part."
    ))  # fmt: skip
    review_through_the_form(dala, reviewed, quote=claim)
    arrival = ingest(demo_store, "xezer-xeber", "urn:test:fair-copy", (
        f"Book fair in Astana ends\n\nBAKU, 8 December. {claim} Azerbaijani publishers "
        "brought two hundred titles."
    ))  # fmt: skip
    corrected = ingest(demo_store, "dala-press", "urn:test:fair", (
        "Astana book fair closes\n\nASTANA, 7 December. The Astana book fair drew 24,000 "
        "visitors in three days, Aigerim Sadykova said. Publishers from nine countries "
        "took part."
    ))  # fmt: skip
    queue = desk_queue(demo_store, DALA)
    flagged = {entry["id"] for entry in queue["flagged"]}
    changed = {entry["id"]: entry for entry in queue["changed"]}
    assert arrival in flagged and corrected in changed
    assert "24000" in changed[corrected]["added"]  # figures are shown normalised

    page = dala.get("/desk").text
    flagged_part, rest = page.split('id="changed"', 1)
    changed_part = rest.split('id="reviews"', 1)[0]
    assert {int(i) for i in ITEM_LINK.findall(flagged_part)} == flagged
    assert {int(i) for i in ITEM_LINK.findall(changed_part)} == set(changed)
    assert "Sadykova" in changed_part and "24000" in changed_part


def test_the_desk_in_arabic_and_reviews_that_do_not_exist(dala: TestClient) -> None:
    arabic = dala.get("/language/ar?next=/desk")
    assert arabic.status_code == 200 and '<html lang="ar" dir="rtl">' in arabic.text
    assert "مكتب التحقق" in arabic.text  # the heading, from the Arabic catalog
    for review_id in ("0", "999999", str(2**40)):
        assert dala.get(f"/desk/reviews/{review_id}").status_code == 404
