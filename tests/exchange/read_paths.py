"""Every door an item can leave by, as a function: (store, viewer) -> {key: Seen}.

A key is (provider, uri): an item is its publisher's uri, and two members' items may
share a uri.

The state-machine test runs each against the reference policy. Doors that render
(API, feeds, webhooks) are read back into the same shape.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from ortaq.exchange.policy import Viewer
from ortaq.store import Store, StoredItem
from tests.exchange.reference import Seen

Key = tuple[str, str]  # (provider, uri)


def _seen(stored: StoredItem) -> Seen:
    from tests.exchange.test_policy_state_machine import as_seen

    return as_seen(stored)


@dataclass(frozen=True)
class ReadPath:
    name: str
    read: Callable[[Store, Viewer, Any], dict[Key, Any]]
    projection: bool = False  # the door shows only (access, text): compare those
    readable_only: bool = False  # the door shows what the viewer reads in full: versions

    def expect(self, expected: dict[Key, Seen]) -> dict[Key, Any]:
        if self.readable_only:
            return {key: s.version for key, s in expected.items() if s.access == "full"}
        if not self.projection:
            return expected
        return {key: (s.access, s.text) for key, s in expected.items()}


def _key(stored: StoredItem) -> Key:
    return (stored.item.provider or "", stored.item.uri)


def store_paged(store: Store, viewer: Viewer, _machine: Any) -> dict[Key, Seen]:
    """The cursor walk (small pages) every listing door uses."""
    return {_key(s): _seen(s) for s in store.iter_items(batch=2, viewer=viewer)}


def store_get(store: Store, viewer: Viewer, machine: Any) -> dict[Key, Seen]:
    found = {}
    for provider, uri in machine.items:
        stored = store.get_by_uri(uri, viewer=viewer, provider=provider)
        if stored is not None:
            assert _key(stored) == (provider, uri)
            found[(provider, uri)] = _seen(stored)
    return found


def store_history(store: Store, viewer: Viewer, machine: Any) -> dict[Key, Seen]:
    """History shows a partner the current version only."""
    found = {}
    for provider, uri in machine.items:
        versions = store.history(uri, viewer=viewer, provider=provider)
        if versions:
            assert {_key(v) for v in versions} == {(provider, uri)}
            found[(provider, uri)] = _seen(versions[-1])
            if not viewer.operator and provider != viewer.member:
                assert len(versions) == 1, (uri, viewer)
    return found


READ_PATHS: list[ReadPath] = [
    ReadPath("store.iter_items", store_paged),
    ReadPath("store.get", store_get),
    ReadPath("store.history", store_history),
]


# -- the HTTP doors ----------------------------------------------------------------------


class HttpDoors:
    """The API and the feeds, called as each viewer with that viewer's own token."""

    def __init__(self, store: Store, viewers: dict[str, Viewer]) -> None:
        from fastapi.testclient import TestClient

        from ortaq.api import create_app
        from ortaq.chain import Chain
        from ortaq.exchange.accounts import create_token, create_user
        from ortaq.exchange.settings import ExchangeSettings
        from ortaq.formats import default_input_formats

        settings = replace(ExchangeSettings.from_env(), rate_limit=0)
        # Publishing parses but skips the reading stages: the policy looks only at the
        # fields the input states, and the state machine publishes on many steps.
        parse_only = Chain(default_input_formats(), stages=())
        self.client = TestClient(create_app(store, settings, chain=parse_only))
        self.tokens: dict[str | None, str] = {}
        self.editors: dict[str, str] = {}  # member -> an editor's write token
        for name, viewer in viewers.items():
            role = "operator" if viewer.operator else "reader"
            user = create_user(store, f"u-{name}", "password-1234", role, member=viewer.member)
            self.tokens[viewer.member] = create_token(store, user.id, "t")[1]
            if viewer.member:
                editor = create_user(
                    store, f"e-{name}", "password-1234", "editor", member=viewer.member
                )
                self.editors[viewer.member] = create_token(store, editor.id, "t", "write")[1]

    def write(self, member: str, path: str, body: str, params: dict[str, str] | None = None) -> Any:
        """A POST as the member's editor; the caller checks the status."""
        headers = {"Authorization": f"Bearer {self.editors[member]}"}
        if body.startswith("{"):
            headers["Content-Type"] = "application/json"
        return self.client.post(path, params=params, content=body, headers=headers)

    def get(self, viewer: Viewer, path: str, **params: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[viewer.member]}"}
        response = self.client.get(path, params=params, headers=headers)
        assert response.status_code == 200, (path, response.text)
        return response

    def api(self, store: Store, viewer: Viewer, _machine: Any) -> dict[Key, Seen]:
        listing = self.get(viewer, "/api/v1/items", limit=500).json()["items"]
        found = {}
        for summary in listing:
            detail = self.get(viewer, f"/api/v1/items/{summary['id']}").json()
            text = " ".join(detail["body"]) if detail["access"] == "full" else None
            if detail["access"] != "full":
                assert detail["headline"] is None and detail["body"] == [], detail
            rights = detail["rights"]["agreement"] if detail["rights"] else None
            key = (summary["provider"], summary["uri"])
            found[key] = Seen(detail["version"], detail["access"], text, rights)
        return found

    def ninjs(self, store: Store, viewer: Viewer, _machine: Any) -> dict[Key, Seen]:
        feed = self.get(viewer, "/api/v1/feeds/ninjs3", limit=500).json()
        found = {}
        for doc in feed["items"]:
            bodies = doc.get("bodies") or []
            if doc["representationType"] == "full":
                access = "full"
            else:
                access = "notice" if doc["pubStatus"] != "usable" else "embargo"
                assert not bodies and "headlines" not in doc, doc
            text = bodies[0]["value"] if access == "full" else None
            provider = (doc.get("infoSources") or doc["infosources"])[0]["name"]
            found[(provider, doc["uri"])] = Seen(int(doc["version"]), access, text, _agreement(doc))
        return found

    def atom(self, store: Store, viewer: Viewer, _machine: Any) -> dict[Key, Seen]:
        import feedparser

        parsed = feedparser.parse(self.get(viewer, "/api/v1/feeds/atom", limit=500).content)
        found = {}
        for entry in parsed.entries:
            title = entry.title
            access = "full"
            if title.startswith("[embargoed"):
                access = "embargo"
            elif title.startswith("["):
                access = "notice"
            content = entry.get("content")
            if access != "full":
                assert not content, entry
            text = content[0]["value"] if content else None
            found[(entry.author, entry.id)] = (access, text)  # type: ignore[assignment]
        return found  # compared on access and text only, see `projection`

    def stories(self, store: Store, viewer: Viewer, machine: Any) -> dict[Key, int]:
        """Stories list the items the viewer reads in full, each once, at the version it
        reads; an item's story id is the same for every viewer and stays; a story the
        viewer reads nothing of is a 404, one it reads shows the same items."""
        found: dict[Key, int] = {}
        listed: dict[str, set[Key]] = {}
        params: dict[str, Any] = {"limit": 200}
        while True:
            page = self.get(viewer, "/api/v1/stories", **params).json()
            for story in page["stories"]:
                assert story["items"], story
                for entry in story["items"]:
                    key = (entry["provider"], entry["uri"])
                    assert key not in found, key
                    found[key] = entry["version"]
                    assert machine.version_ids[entry["id"]] == (key, entry["version"])
                    assert machine.story_ids.setdefault(key, story["id"]) == story["id"]
                    listed.setdefault(story["id"], set()).add(key)
            if page["next_cursor"] is None:
                break
            params["cursor"] = page["next_cursor"]
        known = sorted(set(machine.story_ids.values()))
        unread = [story for story in known if story not in listed]
        for story in [*unread[:1], *sorted(listed)[:1]]:
            response = self.client.get(
                f"/api/v1/stories/{story}",
                headers={"Authorization": f"Bearer {self.tokens[viewer.member]}"},
            )
            if story not in listed:
                assert response.status_code == 404, (story, response.text)
            else:
                shown = {(i["provider"], i["uri"]) for i in response.json()["items"]}
                assert shown == listed[story], story
        return found


def _agreement(doc: dict[str, Any]) -> str | None:
    note = doc.get("edNote") or ""
    marker = "Agreement "
    return note.split(marker, 1)[1].split(":", 1)[0] if marker in note else None


def http_paths(doors: HttpDoors) -> list[ReadPath]:
    return [
        ReadPath("api.items", doors.api),
        ReadPath("feed.ninjs3", doors.ninjs),
        ReadPath("feed.atom", doors.atom, projection=True),
        ReadPath("api.stories", doors.stories, readable_only=True),
    ]
