"""The demo corpus, loaded into the store, groups into its intended stories."""

from __future__ import annotations

from ortaq.chain import default_chain
from ortaq.demo import load_demo, manifest
from ortaq.evaluation.clustering import bcubed
from ortaq.store import Store
from ortaq.store.stories import StoryView, get_story, list_stories, version_diff
from ortaq.viewer import OPERATOR


def all_stories(store: Store) -> list[StoryView]:
    return list_stories(store, OPERATOR, limit=1000)


def test_demo_corpus_clusters_into_its_stories(sqlite_store: Store) -> None:
    load_demo(sqlite_store, default_chain())
    truth = {i["uri"]: i["story"] for i in manifest()["items"]}
    views = all_stories(sqlite_store)
    predicted = {s.item.uri: view.id for view in views for s in view.items}
    uris = sorted(predicted)
    assert set(uris) == set(truth)  # every stored item is in a story (killed ones too)
    scores = bcubed([truth[u] for u in uris], [predicted[u] for u in uris])
    # Measured BCubed: precision 1.000, recall 0.874 (the same before and after the link
    # decision by participants); pinned a little below so a regression fails.
    assert scores["p"] >= 0.99
    assert scores["r"] >= 0.85
    # Arabic versions join their stories in other languages (they never did: every
    # Arabic word was rare, so the candidate search asked with Arabic words only, and
    # Arabic names, having no capitals, gave no name keys)
    languages = {view.id: {s.item.language for s in view.items} for view in views}
    arabic = [i for i in manifest()["items"] if i.get("language") == "ar" and i["uri"] in predicted]
    joined = [i for i in arabic if len(languages[predicted[i["uri"]]]) > 1]
    assert len(joined) >= 2, [(i["uri"], languages[predicted[i["uri"]]]) for i in arabic]
    copies = {s.item.uri for view in views for s in view.items if s.id in view.copies}
    expected = {i["uri"] for i in manifest()["items"] if i.get("copy_of")}
    assert copies == expected


def test_story_timeline_and_diff(sqlite_store: Store) -> None:
    load_demo(sqlite_store, default_chain())
    corrected = next(i for i in manifest()["items"] if i["action"] == "correct")
    view = next(
        v for v in all_stories(sqlite_store) if corrected["uri"] in {s.item.uri for s in v.items}
    )
    history = view.timeline()
    versions = [v for v in history["versions"] if v["uri"] == corrected["uri"]]
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[1]["corrects"] == {"uri": corrected["uri"], "version": 1}
    assert history["first"]["first_appearance"] is True
    changes = version_diff(
        sqlite_store, corrected["uri"], 1, 2, provider=corrected["member"], viewer=OPERATOR
    )
    assert any(op != "equal" for op, _ in changes)
    again = get_story(sqlite_store, view.id, OPERATOR)
    assert again is not None and [s.id for s in again.versions] == [s.id for s in view.versions]


def test_stories_api_applies_the_policy(sqlite_store: Store) -> None:
    from fastapi.testclient import TestClient

    from ortaq.api import create_app
    from ortaq.exchange.accounts import create_token, create_user

    load_demo(sqlite_store, default_chain())
    app = create_app(sqlite_store)

    def client(username: str, role: str, member: str | None) -> TestClient:
        user = create_user(sqlite_store, username, "a long password", role, member=member)  # type: ignore[arg-type]
        c = TestClient(app)
        c.headers["Authorization"] = f"Bearer {create_token(sqlite_store, user.id, 't')[1]}"
        return c

    everything = client("op", "operator", None).get("/api/v1/stories").json()
    assert everything["count"] >= 10
    volga = client("v", "reader", "volga-wire").get("/api/v1/stories").json()
    providers = {i["provider"] for s in volga["stories"] for i in s["items"]}
    assert providers == {"volga-wire"}  # its agreements ended or are suspended
    first = everything["stories"][0]["id"]
    shown = client("op2", "operator", None).get(f"/api/v1/stories/{first}").json()
    assert shown["timeline"]["first"]["first_appearance"] is True
    assert client("op3", "operator", None).get("/api/v1/stories/story-99999").status_code == 404
