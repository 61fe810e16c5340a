"""Versioning and ownership rules, checked against a reference model on random histories."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ortaq.model import Item
from ortaq.store import Store
from ortaq.viewer import OPERATOR

_runs = itertools.count()
# Two members and the operator's unowned files share uris "a" and "b": an item is its
# publisher's uri, so every (provider, uri) pair must behave as its own item.
PROVIDERS = ("dala-press", "khaleej-wire", None)
operations = st.lists(
    st.tuples(
        st.sampled_from(["save", "save", "save", "kill"]),
        st.sampled_from(PROVIDERS),
        st.sampled_from(["a", "b"]),
        st.sampled_from(["one", "two", "three"]),
    ),
    max_size=14,
)
Key = tuple[str | None, str]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=operations)
def test_versions_follow_the_reference_model(
    store: Store, ops: list[tuple[str, str | None, str, str]]
) -> None:
    prefix = f"urn:prop:{next(_runs)}:"  # one store serves every example: fresh uris each time
    model: dict[Key, dict[str, object]] = {}
    for op, provider, key, body in ops:
        uri = prefix + key
        if op == "kill":
            killed = store.kill(uri, provider=provider)
            assert killed == ((provider, uri) in model)
            if killed:
                model[(provider, uri)]["status"] = "canceled"
            continue
        state = model.get((provider, uri))
        result = store.save(Item(uri=uri, headline="H", body=[body], provider=provider))
        if state is None:
            model[(provider, uri)] = {"bodies": [body], "status": "usable"}
            assert result.status == "new"
        elif body in state["bodies"]:  # type: ignore[operator]
            # the same text never revives a kill, and an old version never undoes a newer one
            assert result.status == "unchanged"
        else:
            state["bodies"].append(body)  # type: ignore[attr-defined]
            state["status"] = "usable"
            assert result.status == "version"
    for (provider, uri), state in model.items():
        history = store.history(uri, OPERATOR, provider=provider)
        assert {h.item.provider for h in history} == {provider}
        assert [h.item.body[0] for h in history] == state["bodies"]
        assert [h.item.version for h in history] == list(range(1, len(history) + 1))
        assert sum(h.is_current for h in history) == 1 and history[-1].is_current
        assert history[-1].item.pubstatus == state["status"]
        events = store.events(uri, provider=provider)
        assert [e["version"] for e in events if e["kind"] in ("publish", "correct")] == [
            h.item.version for h in history
        ]
    for provider in PROVIDERS:
        for key in ("a", "b"):
            if (provider, prefix + key) not in model:
                assert store.get_by_uri(prefix + key, OPERATOR, provider=provider) is None
