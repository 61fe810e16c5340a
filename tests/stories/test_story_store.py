"""Stories kept in the store: global ids, the policy on member rows, restarts, rebuilds.

Every test runs on SQLite and PostgreSQL (the `store` fixture). Items go in through
`Store.save`, the write path every door uses, so each is assigned at ingest.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from ortaq.api import create_app
from ortaq.exchange.accounts import create_token, create_user
from ortaq.exchange.agreements import Agreement, save_agreement
from ortaq.model import Item
from ortaq.store import Store, schema
from ortaq.store.stories import get_story, list_stories
from ortaq.viewer import OPERATOR
from tests.exchange.helpers import Clock, add_members
from tests.exchange.web import Browser, settings

DAY = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
CORRIDOR = (
    "Kazakhstan and Azerbaijan signed an agreement on the Middle Corridor in Baku on "
    "Tuesday. The transport ministers Erlan Sagadiyev and Rashad Nabiyev said freight "
    "volumes along the Trans-Caspian route would double by 2030, with new ferries at the "
    "port of Aktau and a rail terminal at Alat handling 4,500 containers a month."
)
RATES = (
    "The central bank of Turkey kept its policy rate at 50 percent on Thursday, citing "
    "inflation that reached 61 percent in July. Governor Fatih Karahan said tightening "
    "would continue until prices settle, and the lira weakened to 33 against the dollar."
)
FLOODS = (
    "Floods in the Almaty region forced 1,200 families from their homes on Friday as the "
    "Ili river burst its banks near Kapshagay; rescuers from the emergencies ministry "
    "evacuated three villages by boat and helicopter overnight."
)


def edited(text: str) -> str:
    """A copy as another desk files it: a sentence added, a word changed."""
    return text.replace("said", "stated") + " Officials confirmed the figures later."


def publish(store: Store, provider: str, uri: str, text: str, hours: float = 0) -> int:
    item = Item(
        uri=uri,
        headline=text.split(".")[0],
        body=[text],
        language="en",
        provider=provider,
        versioncreated=DAY + timedelta(hours=hours),
    )
    saved = store.save(item)
    assert saved.status in ("new", "version") and saved.story is not None
    return saved.item_id


def story_of_uri(store: Store, viewer: Any, uri: str) -> str | None:
    for view in list_stories(store, viewer, limit=500):
        if uri in {s.item.uri for s in view.versions}:
            return view.id
    return None


def memberships(store: Store, viewer: Any = OPERATOR) -> dict[str, set[tuple[str, int]]]:
    """story id -> the (uri, version) the viewer may read in it."""
    return {
        view.id: {(s.item.uri, s.item.version) for s in view.versions}
        for view in list_stories(store, viewer, limit=500)
    }


@pytest.fixture
def exchange(store: Store) -> Store:
    """ma sends to mb under an active agreement; mc receives from nobody."""
    store.clock = Clock(DAY + timedelta(days=1))
    add_members(store, ("ma", "mb", "mc"))
    save_agreement(store, Agreement("ab", "ma to mb", ("ma",), ("mb",), status="active"))
    return store


def test_story_ids_are_global_and_survive_kills_corrections_restarts_and_rebuilds(
    exchange: Store, database_url: str
) -> None:
    store = exchange
    a1 = publish(store, "ma", "urn:ma:corridor", CORRIDOR)
    a2 = publish(store, "mb", "urn:mb:corridor", edited(CORRIDOR), hours=1)
    publish(store, "ma", "urn:ma:rates", RATES, hours=2)
    corridor = story_of_uri(store, OPERATOR, "urn:ma:corridor")
    rates = story_of_uri(store, OPERATOR, "urn:ma:rates")
    assert corridor and rates and corridor != rates
    assert story_of_uri(store, OPERATOR, "urn:mb:corridor") == corridor

    # one id for everyone; each sees only what it may read; no readable version: 404
    assert memberships(store) == {
        corridor: {("urn:ma:corridor", 1), ("urn:mb:corridor", 1)},
        rates: {("urn:ma:rates", 1)},
    }
    assert memberships(store, "mb") == memberships(store)  # mb receives everything of ma
    assert memberships(store, "ma") == {
        corridor: {("urn:ma:corridor", 1)},
        rates: {("urn:ma:rates", 1)},
    }
    assert memberships(store, "mc") == {}
    assert get_story(store, corridor, "mc") is None
    operator_view = get_story(store, corridor, OPERATOR)
    assert operator_view is not None and operator_view.copies[a2][0] == "urn:ma:corridor"

    # a kill: the partner keeps a notice only, so the story of the killed item is gone
    # for it, and a copy of it no longer names it; the publisher and the operator keep it
    assert store.kill("urn:ma:rates", provider="ma")
    assert get_story(store, rates, "mb") is None
    assert (
        get_story(store, rates, "ma") is not None and get_story(store, rates, OPERATOR) is not None
    )
    assert store.kill("urn:ma:corridor", provider="ma")
    for_mb = get_story(store, corridor, "mb")
    assert for_mb is not None and [s.id for s in for_mb.versions] == [a2]
    assert for_mb.copies == {}  # the original is not readable for mb any more
    assert (
        get_story(store, corridor, OPERATOR) is not None
        and a2 in get_story(store, corridor, OPERATOR).copies
    )  # type: ignore[union-attr]

    # re-ingesting the killed item's text changes nothing; a corrected text is a new
    # version in the same story, readable again, under the same id
    publish(store, "ma", "urn:ma:rates", RATES + " The next meeting is in September.", hours=3)
    back = get_story(store, rates, "mb")
    assert back is not None and [(s.item.uri, s.item.version) for s in back.versions] == [
        ("urn:ma:rates", 2)
    ]
    assert get_story(store, rates, "ma") is not None
    assert {(s.item.uri, s.item.version) for s in get_story(store, rates, "ma").versions} == {  # type: ignore[union-attr]
        ("urn:ma:rates", 1),
        ("urn:ma:rates", 2),
    }
    before_restart = {viewer: memberships(store, viewer) for viewer in (OPERATOR, "ma", "mb", "mc")}

    # a restart: the ids and memberships are read back, and the clusterer continues
    reopened = Store.open(database_url, clock=store.clock)
    try:
        assert {v: memberships(reopened, v) for v in before_restart} == before_restart
        a3 = publish(reopened, "mb", "urn:mb:corridor-2", edited(edited(CORRIDOR)), hours=4)
        assert story_of_uri(reopened, OPERATOR, "urn:mb:corridor-2") == corridor
        floods = publish(reopened, "mc", "urn:mc:floods", FLOODS, hours=5)
        new_story = story_of_uri(reopened, OPERATOR, "urn:mc:floods")
        assert new_story not in before_restart[OPERATOR]  # a fresh id, never an old one
        assert a3 != floods

        # a rebuild with the same model keeps every id and every membership
        after = {v: memberships(reopened, v) for v in (OPERATOR, "ma", "mb", "mc")}
        report = reopened.story_book.rebuild()
        assert report["gone"] == 0 and report["new"] == 0 and report["kept"] == 3
        assert {v: memberships(reopened, v) for v in after} == after
        # and the store that was open before carries on from the rebuilt state
        publish(store, "ma", "urn:ma:corridor-3", edited(CORRIDOR), hours=6)
        assert story_of_uri(store, OPERATOR, "urn:ma:corridor-3") == corridor
    finally:
        reopened.close()
    assert a1 != a2


def test_the_api_serves_stored_stories_with_one_id_for_every_caller(exchange: Store) -> None:
    store = exchange
    publish(store, "ma", "urn:ma:corridor", CORRIDOR)
    publish(store, "mb", "urn:mb:corridor", edited(CORRIDOR), hours=1)
    publish(store, "ma", "urn:ma:rates", RATES, hours=2)
    publish(store, "mc", "urn:mc:floods", FLOODS, hours=3)
    app = create_app(store)
    clients: dict[str, TestClient] = {}
    for name, member in (("op", None), ("ma", "ma"), ("mb", "mb"), ("mc", "mc")):
        role = "operator" if member is None else "reader"
        user = create_user(store, f"u-{name}", "a long password", role, member=member)  # type: ignore[arg-type]
        clients[name] = TestClient(app)
        clients[name].headers["Authorization"] = f"Bearer {create_token(store, user.id, 't')[1]}"

    def listing(name: str, **params: Any) -> dict[str, Any]:
        response = clients[name].get("/api/v1/stories", params=params)
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()
        return data

    everything = listing("op")["stories"]
    ids = [s["id"] for s in everything]
    assert len(ids) == 3 and ids == sorted(ids, key=lambda i: -int(i.split("-")[1]))
    by_uri = {i["uri"]: s["id"] for s in everything for i in s["items"]}
    for name in ("ma", "mb", "mc"):
        seen = {i["uri"]: s["id"] for s in listing(name)["stories"] for i in s["items"]}
        assert all(by_uri[uri] == story for uri, story in seen.items())
        for story in ids:
            detail = clients[name].get(f"/api/v1/stories/{story}")
            readable = story in seen.values()
            assert detail.status_code == (200 if readable else 404), (name, story)
    assert {i["uri"] for s in listing("mc")["stories"] for i in s["items"]} == {"urn:mc:floods"}
    unknown = clients["op"].get("/api/v1/stories/story-2147483648")
    hidden = clients["mc"].get(f"/api/v1/stories/{by_uri['urn:ma:rates']}")
    assert unknown.status_code == hidden.status_code == 404
    # pages follow the cursor, every story once
    pages, cursor = [], None
    while True:
        page = listing("op", limit=1, **({"cursor": cursor} if cursor else {}))
        pages += [s["id"] for s in page["stories"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == ids
    timeline = clients["mb"].get(f"/api/v1/stories/{by_uri['urn:mb:corridor']}").json()
    copies = timeline["timeline"]["copies"]
    assert copies == [{"uri": "urn:mb:corridor", "version": 1, "copy_of": "urn:ma:corridor"}]


def test_a_restarted_process_rebuilds_the_same_clusterer_from_snapshot_and_log(
    store: Store, database_url: str
) -> None:
    store.story_book.snapshot_min = 3  # snapshots early, so both paths are taken
    texts = [CORRIDOR, RATES, FLOODS]
    for n in range(10):
        publish(store, f"m{n % 3}", f"urn:n:{n}", edited(texts[n % 3]) * (1 + n % 2), hours=n)
    with store.engine.connect() as conn:
        snapshot = conn.execute(sa.select(schema.story_index_snapshots.c.seq)).scalar()
    assert snapshot is not None and 3 <= snapshot < 10  # the log goes on after it
    reopened = Store.open(database_url)
    try:
        replica = reopened.story_book.catch_up()
        assert replica.seq == 10
        assert store.story_book.replica is not None
        assert replica.index.to_state() == store.story_book.replica.index.to_state()
        # the other process writes; this one replays its entry and is equal again
        publish(reopened, "m9", "urn:n:last", CORRIDOR, hours=11)
        caught = store.story_book.catch_up()
        assert caught.index.to_state() == reopened.story_book.catch_up().index.to_state()
    finally:
        reopened.close()


def test_a_rolled_back_assignment_leaves_no_trace(store: Store) -> None:
    publish(store, "ma", "urn:ma:corridor", CORRIDOR)
    with pytest.raises(RuntimeError), store.engine.begin() as conn:
        store._save(conn, Item(uri="urn:ma:rates", body=[RATES], language="en", provider="ma"))
        raise RuntimeError("the transaction fails after the assignment")
    publish(store, "ma", "urn:ma:floods", FLOODS, hours=1)
    assert {s.item.uri for v in list_stories(store, OPERATOR) for s in v.versions} == {
        "urn:ma:corridor",
        "urn:ma:floods",
    }
    fresh = Store(store.engine)
    assert store.story_book.replica is not None
    assert fresh.story_book.catch_up().index.to_state() == store.story_book.replica.index.to_state()


def test_a_failed_group_leaves_no_trace_and_the_next_transaction_checks_the_log(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A group's transaction places several versions holding the log's lock once; when
    it fails after some were placed, the next transaction must not go on from them."""
    publish(store, "ma", "urn:ma:corridor", CORRIDOR)
    group = [
        Item(uri=f"urn:mb:{n}", body=[text], language="en", provider="mb", versioncreated=DAY)
        for n, text in enumerate([edited(CORRIDOR), RATES, FLOODS])
    ]
    events = store._event
    calls = []

    def failing(*args: Any, **kwargs: Any) -> None:
        calls.append(args)
        if len(calls) == 3:  # after the third version was placed
            raise RuntimeError("the group fails late")
        events(*args, **kwargs)

    monkeypatch.setattr(store, "_event", failing)
    with pytest.raises(RuntimeError):
        store.save_many([(item, None, None) for item in group])
    monkeypatch.setattr(store, "_event", events)
    publish(store, "ma", "urn:ma:rates", RATES, hours=1)
    with store.engine.connect() as conn:
        seqs = sorted(conn.execute(sa.select(schema.story_items.c.seq)).scalars())
    assert seqs == [1, 2]
    fresh = Store(store.engine)
    assert store.story_book.replica is not None
    assert fresh.story_book.catch_up().index.to_state() == store.story_book.replica.index.to_state()


def test_concurrent_ingest_processes_keep_one_log(store: Store, database_url: str) -> None:
    """Two stores (two processes' worth of state) ingest at once: every version gets
    one story, the log has no gap, and each process's clusterer ends in the same state."""
    other = Store.open(database_url)
    errors: list[BaseException] = []
    texts = [CORRIDOR, RATES, FLOODS]

    def ingest(target: Store, member: str) -> Callable[[], None]:
        def run() -> None:
            try:
                for n in range(8):
                    publish(target, member, f"urn:{member}:{n}", edited(texts[n % 3]), hours=n)
            except BaseException as error:
                errors.append(error)

        return run

    if database_url.startswith("sqlite"):
        # SQLite has one writer at a time: the two processes take turns
        ingest(store, "ma")()
        ingest(other, "mb")()
    else:
        threads = [
            threading.Thread(target=ingest(store, "ma")),
            threading.Thread(target=ingest(other, "mb")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    try:
        assert errors == []
        with store.engine.connect() as conn:
            seqs = sorted(conn.execute(sa.select(schema.story_items.c.seq)).scalars())
            versions = conn.execute(sa.select(sa.func.count()).select_from(schema.items)).scalar()
        assert seqs == list(range(1, 17)) and versions == 16
        assert (
            store.story_book.catch_up().index.to_state()
            == other.story_book.catch_up().index.to_state()
        )
        assert sum(len(v.versions) for v in list_stories(store, OPERATOR, limit=100)) == 16
    finally:
        other.close()


def test_a_rebuild_after_a_model_change_gives_fresh_ids_to_what_changed(store: Store) -> None:
    for n in range(3):
        publish(store, "ma", f"urn:ma:c{n}", edited(CORRIDOR) + " Update." * n, hours=n)
    publish(store, "ma", "urn:ma:rates", RATES, hours=4)
    before = memberships(store)
    assert sorted(len(v) for v in before.values()) == [1, 3]
    numbers = [int(s.split("-")[1]) for s in before]
    # a model that joins nothing: the three versions of one story become three stories
    store.story_book.settings = {"mono_threshold": 2.0, "z_threshold": 1e9, "cross_threshold": 1e9}
    report = store.story_book.rebuild()
    after = memberships(store)
    assert sorted(len(v) for v in after.values()) == [1, 1, 1, 1]
    rates = next(s for s, members in before.items() if ("urn:ma:rates", 1) in members)
    assert after[rates] == before[rates]  # unchanged membership: the same id
    fresh = [int(s.split("-")[1]) for s in after if s != rates]
    assert min(fresh) > max(numbers)  # the split story's id is not reused for a part
    assert report == {"versions": 4, "stories": 4, "kept": 1, "new": 3, "gone": 1}
    publish(store, "ma", "urn:ma:floods", FLOODS, hours=5)
    newest = max(int(s.split("-")[1]) for s in memberships(store))
    assert newest == max(fresh) + 1  # numbering goes on after the rebuild's


def test_the_story_page_shows_what_the_reader_may_read(exchange: Store) -> None:
    publish(exchange, "ma", "urn:ma:corridor", CORRIDOR)
    copy = publish(exchange, "mb", "urn:mb:corridor", edited(CORRIDOR), hours=1)
    story = story_of_uri(exchange, OPERATOR, "urn:mb:corridor")

    def signed_in(username: str, member: str | None) -> Browser:
        role = "operator" if member is None else "reader"
        create_user(exchange, username, "a long password", role, member=member)  # type: ignore[arg-type]
        client = Browser(exchange, settings())
        assert client.sign_in(username, "a long password").status_code == 303
        return client

    reader = signed_in("reader-b", "mb")
    item_page = reader.get(f"/items/{copy}")
    assert f'href="/stories/{story}"' in item_page.text
    page = reader.get(f"/stories/{story}")
    assert page.status_code == 200
    assert "urn:ma:corridor" in page.text and "copy of urn:ma:corridor" in page.text
    outsider = signed_in("reader-c", "mc")
    assert outsider.get(f"/stories/{story}").status_code == 404
    assert outsider.get("/stories/story-999999").status_code == 404
