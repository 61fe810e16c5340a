"""The demo corpus loads on both backends, idempotently, and reads as its manifest says."""

from __future__ import annotations

from collections import Counter

from ortaq.chain import default_chain
from ortaq.demo import CORPUS, load_demo, manifest
from ortaq.store import Store
from ortaq.viewer import OPERATOR


def test_manifest_is_consistent() -> None:
    data = manifest()
    assert "invented" in data["notice"].lower()
    members = {m["slug"] for m in data["members"]}
    stories = {s["id"] for s in data["stories"]}
    published = [i for i in data["items"] if i["action"] == "publish"]
    assert len(published) >= 40 and len(stories) >= 10
    assert Counter(i["language"] for i in published).keys() == {
        "kk",
        "ar",
        "fr",
        "tr",
        "az",
        "ru",
        "en",
    }
    assert min(Counter(i["language"] for i in published).values()) >= 5
    uris = {i["uri"] for i in published}
    for entry in data["items"]:
        assert entry["member"] in members and entry["story"] in stories
        if entry["action"] in {"correct", "kill"}:
            assert entry["uri"] in uris
        if entry.get("file"):
            assert (CORPUS / entry["file"]).is_file()
    for story in stories:  # every story is told in at least two languages
        assert len({i["language"] for i in published if i["story"] == story}) >= 2


def test_demo_loads_once_and_reloads_as_a_no_op(store: Store) -> None:
    data = manifest()
    first = load_demo(store, default_chain())
    corrections = sum(1 for i in data["items"] if i["action"] == "correct")
    publishes = sum(1 for i in data["items"] if i["action"] == "publish")
    agreements = 5
    assert first == {
        "users": 3,
        "agreements": agreements,
        "new": publishes,
        "version": corrections,
        "killed": 1,
    }
    second = load_demo(store, default_chain())
    assert second == {
        "users": 0,
        "agreements": agreements,
        "unchanged": publishes + corrections,
        "killed": 1,
    }
    assert store.count_items() == publishes
    assert len(store.list_members()) == len(data["members"])


def test_demo_items_read_as_the_manifest_says(store: Store) -> None:
    load_demo(store, default_chain())
    data = manifest()
    by_uri = {s.item.uri: s.item for s in store.iter_items(viewer=OPERATOR)}
    for entry in data["items"]:
        item = by_uri[entry["uri"]]
        assert item.provider == entry["member"]
        if entry["action"] == "publish":
            assert item.language == entry["language"], entry["file"]
    killed = [i for i in data["items"] if i["action"] == "kill"]
    assert all(by_uri[k["uri"]].pubstatus == "canceled" for k in killed)
    for correction in (i for i in data["items"] if i["action"] == "correct"):
        assert [
            v.item.version
            for v in store.history(correction["uri"], OPERATOR, provider=correction["member"])
        ] == [1, 2]
    embargoed = [i for i in data["items"] if i.get("embargoed")]
    assert embargoed and all(by_uri[i["uri"]].embargoed is not None for i in embargoed)


def test_demo_exchange_shows_the_policy_at_work(store: Store) -> None:
    """A partner under an active agreement sees the other side's items; a member whose
    only agreements ended or are suspended sees nothing but its own."""
    load_demo(store, default_chain())
    dala = {s.item.provider for s in store.iter_items(viewer="dala-press")}
    assert {"dala-press", "kopru-haber"} <= dala
    volga = {s.item.provider for s in store.iter_items(viewer="volga-wire")}
    assert volga == {"volga-wire"}
