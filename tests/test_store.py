"""The store on both backends: versions, kills, raw originals, paging, quarantine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from ortaq.model import Derived, Item, Rejected
from ortaq.store import Store
from ortaq.viewer import OPERATOR


def make_item(uri: str = "urn:test:1", body: str = "First paragraph.", **fields: object) -> Item:
    item = Item(uri=uri, headline="A headline", body=[body], language="en")
    for name, value in fields.items():
        setattr(item, name, value)
    return item


def test_identical_content_is_a_no_op(store: Store) -> None:
    first = store.save(make_item())
    again = store.save(make_item())
    assert (first.status, first.version) == ("new", 1)
    assert (again.status, again.item_id, again.version) == ("unchanged", first.item_id, 1)
    assert store.count_items(current_only=False) == 1


def test_whitespace_only_changes_are_the_same_content(store: Store) -> None:
    store.save(make_item(body="First  paragraph."))
    assert store.save(make_item(body="First paragraph.\n")).status == "unchanged"


def test_changed_content_is_a_new_version_with_history(store: Store) -> None:
    store.save(make_item(body="The minister met 12 editors."))
    second = store.save(make_item(body="The minister met 14 editors."))
    assert (second.status, second.version) == ("version", 2)
    history = store.history("urn:test:1", OPERATOR, provider=None)
    assert [v.item.version for v in history] == [1, 2]
    assert [v.is_current for v in history] == [False, True]
    assert history[0].item.body == ["The minister met 12 editors."]
    current = store.get_by_uri("urn:test:1", OPERATOR, provider=None)
    assert current is not None and current.item.body == ["The minister met 14 editors."]
    assert [e["kind"] for e in store.events("urn:test:1", provider=None)] == ["publish", "correct"]


def test_resending_the_same_text_does_not_revive_a_kill(store: Store) -> None:
    store.save(make_item())
    store.kill("urn:test:1", provider=None)
    assert store.save(make_item()).status == "unchanged"
    stored = store.get_by_uri("urn:test:1", OPERATOR, provider=None)
    assert stored is not None and stored.item.pubstatus == "canceled"


def test_an_older_version_sent_again_does_not_undo_a_correction(store: Store) -> None:
    store.save(make_item(body="60 photos a week."))
    store.save(make_item(body="600 photos a week."))
    replay = store.save(make_item(body="60 photos a week."))
    assert (replay.status, replay.version) == ("unchanged", 2)
    current = store.get_by_uri("urn:test:1", OPERATOR, provider=None)
    assert current is not None and current.item.body == ["600 photos a week."]


def test_kill_keeps_the_record_as_canceled(store: Store) -> None:
    store.save(make_item())
    assert store.kill("urn:test:1", "false report", provider=None) is True
    stored = store.get_by_uri("urn:test:1", OPERATOR, provider=None)
    assert stored is not None
    assert stored.item.pubstatus == "canceled"
    assert stored.item.body == ["First paragraph."]
    assert store.events("urn:test:1", provider=None)[-1]["kind"] == "kill"
    assert store.events("urn:test:1", provider=None)[-1]["note"] == "false report"
    assert store.kill("urn:test:1", provider=None) is True  # killing again changes nothing
    assert [e["kind"] for e in store.events("urn:test:1", provider=None)] == ["publish", "kill"]
    assert store.kill("urn:test:missing", provider=None) is False


def test_resending_with_canceled_status_kills_without_new_version(store: Store) -> None:
    store.save(make_item())
    result = store.save(make_item(pubstatus="canceled"))
    assert (result.status, result.version) == ("status", 1)
    stored = store.get_by_uri("urn:test:1", OPERATOR, provider=None)
    assert stored is not None and stored.item.pubstatus == "canceled"


def test_fields_and_derived_values_round_trip(store: Store) -> None:
    tashkent = timezone(timedelta(hours=5))
    item = make_item(
        versioncreated=datetime(2026, 3, 5, 9, 30, tzinfo=tashkent),
        embargoed=datetime(2026, 3, 5, 12, 0, tzinfo=UTC),
        subjects=[{"code": "medtop:20000045", "name": "media"}],
        credits=["Сурет: gov.kz"],
        provider="dala-press",
    )
    item.derived["language"] = Derived("kk", "py3langid", 0.97)
    store.save(item, b"raw:First paragraph.")  # the door hands the input's bytes with it
    stored = store.get_by_uri("urn:test:1", OPERATOR, provider="dala-press")
    assert stored is not None
    got = stored.item
    assert got.versioncreated == datetime(2026, 3, 5, 4, 30, tzinfo=UTC)
    assert got.embargoed == datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
    assert got.subjects == [{"code": "medtop:20000045", "name": "media"}]
    assert got.credits == ["Сурет: gov.kz"]
    assert got.derived["language"] == Derived("kk", "py3langid", 0.97)
    assert got.provider == "dala-press"
    assert stored.raw_sha256 is not None
    assert store.raw(stored.raw_sha256) == b"raw:First paragraph."


def test_cursor_paging_visits_every_item_once(store: Store) -> None:
    for n in range(7):
        store.save(make_item(uri=f"urn:test:{n}", body=f"Paragraph {n}."))
    seen: list[str] = []
    cursor = None
    while True:
        page = store.list_items(limit=3, after_id=cursor, viewer=OPERATOR)
        seen += [s.item.uri for s in page]
        if len(page) < 3:
            break
        cursor = page[-1].id
    assert sorted(seen) == sorted(f"urn:test:{n}" for n in range(7))
    assert len(seen) == 7
    assert [s.item.uri for s in store.iter_items(batch=2, viewer=OPERATOR)] == seen


def test_list_filters(store: Store) -> None:
    store.save(make_item(uri="urn:a", body="One.", language="kk", provider="dala-press"))
    store.save(make_item(uri="urn:b", body="Two.", language="ar", provider="khaleej-wire"))
    assert [s.item.uri for s in store.list_items(language="kk", viewer=OPERATOR)] == ["urn:a"]
    assert [s.item.uri for s in store.list_items(provider="khaleej-wire", viewer=OPERATOR)] == [
        "urn:b"
    ]


def test_quarantine_keeps_bytes_and_reason(store: Store) -> None:
    record_id = store.quarantine_add(Rejected("bad.xml", "bad.xml: truncated XML", b"<a><b>"))
    again = store.quarantine_add(Rejected("bad.xml", "bad.xml: truncated XML", b"<a><b>"))
    assert again == record_id
    [record] = store.quarantine_list()
    assert (record.source_name, record.reason, record.size, record.attempts) == (
        "bad.xml",
        "bad.xml: truncated XML",
        6,
        2,
    )
    found = store.quarantine_get(record_id)
    assert found is not None and found[1] == b"<a><b>"
    store.quarantine_mark(record_id, resolved=True)
    assert store.quarantine_list() == []
    assert [r.status for r in store.quarantine_list(status=None)] == ["resolved"]


def test_members_upsert(store: Store) -> None:
    first = store.upsert_member("dala-press", "Dala Press", country="KZ", languages=["kk"])
    second = store.upsert_member("dala-press", "Dala Press Agency", country="KZ")
    assert first == second
    [member] = store.list_members()
    assert member["name"] == "Dala Press Agency"
