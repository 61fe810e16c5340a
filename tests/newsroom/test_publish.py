"""The publishing form without a browser: publish through the API's door (ownership, chain,
quarantine), the preview that stores nothing, embargoes a partner cannot read through,
corrections and kills by the owning member's editors only, CSRF on every form."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ortaq.store import Store
from tests.newsroom.conftest import csrf_of

BODY = (
    "ASTANA, 7 December. Kazinform and Anadolu Agency signed a cooperation agreement "
    "on Monday, the two agencies said.\n\nThe deal covers a daily exchange of photographs."
)
HEADLINE = "Kazinform and Anadolu sign a photo exchange deal"


def form(client: TestClient, **fields: str) -> dict[str, str]:
    token = csrf_of(client.get("/publish").text)
    return {"csrf": token, "headline": HEADLINE, "body": BODY, "language": "en",
            "embargo": "", "copyright": "Dala Press", "terms": "", **fields}  # fmt: skip


def publish(client: TestClient, **fields: str) -> int:
    answer = client.post("/publish", data=form(client, **fields), follow_redirects=False)
    assert answer.status_code == 303, answer.text
    found = re.fullmatch(r"/items/(\d+)", answer.headers["location"])
    assert found is not None
    return int(found.group(1))


def test_the_preview_reads_the_draft_and_stores_nothing(
    dala: TestClient, demo_store: Store
) -> None:
    before = demo_store.count_items()
    answer = dala.post("/publish/preview", data=form(dala))
    assert answer.status_code == 200
    page = answer.text
    assert "Kazinform" in page and "org:kazinform" in page  # entities with their ids
    assert "agreement signed" in page  # the cooperation stage's event
    assert "Dateline" in page
    assert demo_store.count_items() == before


def test_a_published_item_belongs_to_the_member_with_its_rights(
    dala: TestClient, demo_store: Store
) -> None:
    item_id = publish(dala, terms="No resale")
    stored = demo_store.get(item_id, viewer="dala-press")
    assert stored is not None
    assert stored.item.provider == "dala-press" and stored.item.headline == HEADLINE
    assert stored.item.usageterms == "No resale" and stored.item.copyrightholder == "Dala Press"
    assert "Kazinform" in dala.get(f"/items/{item_id}").text


def test_an_embargoed_item_keeps_its_text_from_partners_until_its_time(
    dala: TestClient, khaleej: TestClient, demo_store: Store
) -> None:
    later = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    item_id = publish(dala, embargo=later)
    stored = demo_store.get(item_id, viewer="dala-press")
    assert stored is not None and stored.item.embargoed is not None
    assert stored.item.embargoed.strftime("%Y-%m-%dT%H:%M") == later
    theirs = khaleej.get(f"/items/{item_id}")
    assert "daily exchange of photographs" not in theirs.text
    seen = demo_store.get(item_id, viewer="khaleej-wire")
    assert seen is None or seen.access != "full"
    assert "daily exchange of photographs" in dala.get(f"/items/{item_id}").text
    plain = publish(dala, headline="The same deal, no embargo")  # the agreement gives it
    assert "daily exchange of photographs" in khaleej.get(f"/items/{plain}").text


def test_a_reader_may_not_publish(khaleej: TestClient, demo_store: Store) -> None:
    before = demo_store.count_items()
    assert khaleej.get("/publish").status_code == 403
    token = csrf_of(khaleej.get("/").text)
    data = {"csrf": token, "headline": HEADLINE, "body": BODY}
    assert khaleej.post("/publish", data=data, follow_redirects=False).status_code == 403
    assert demo_store.count_items() == before


def test_a_wrong_csrf_token_stores_nothing(dala: TestClient, demo_store: Store) -> None:
    before = demo_store.count_items()
    answer = dala.post("/publish", data=form(dala, csrf="forged"), follow_redirects=False)
    assert answer.status_code == 403
    assert dala.post("/publish/preview", data=form(dala, csrf="forged")).status_code == 403
    assert demo_store.count_items() == before


def test_the_owner_corrects_and_kills_a_partner_cannot(
    dala: TestClient, khaleej: TestClient, demo_store: Store
) -> None:
    item_id = publish(dala)
    page = dala.get(f"/items/{item_id}").text
    assert f"/publish?correct={item_id}" in page and f"/items/{item_id}/kill" in page
    assert f"/items/{item_id}/kill" not in khaleej.get(f"/items/{item_id}").text
    corrected = publish(dala, correct=str(item_id), body=BODY.replace("daily", "weekly"))
    versions = demo_store.get(corrected, viewer="dala-press")
    assert versions is not None and versions.item.version == 2
    assert "weekly" in versions.item.body_text
    refused = khaleej.post(
        f"/items/{corrected}/kill", data={"csrf": csrf_of(khaleej.get("/").text)},
        follow_redirects=False,
    )  # fmt: skip
    assert refused.status_code in (403, 404)
    killed = dala.post(
        f"/items/{corrected}/kill", data={"csrf": csrf_of(page), "note": "wrong agency"},
        follow_redirects=False,
    )  # fmt: skip
    assert killed.status_code == 303
    current = demo_store.get_by_uri(versions.item.uri, viewer="dala-press", provider="dala-press")
    assert current is not None and current.item.pubstatus == "canceled"


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    headline=st.text(max_size=80),
    body=st.text(min_size=1, max_size=400),
    embargo=st.sampled_from(["", "2031-02-30T10:00", "2031-01-01T10:00", "x"]),
)
def test_any_draft_previews_or_gets_a_clear_error(
    dala: TestClient, headline: str, body: str, embargo: str
) -> None:
    answer = dala.post(
        "/publish/preview", data=form(dala, headline=headline, body=body, embargo=embargo)
    )
    assert answer.status_code in (200, 422), answer.text
    if answer.status_code == 422:
        assert "<html" in answer.text
