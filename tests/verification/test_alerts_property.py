"""Alerts, property-based: random exchanges of copies, edited copies, translations and
versions among members under random agreements; after a review, every member that
carried the claim (published an item carrying it, or may read one) is alerted exactly
once (when the review is published, or when a carrying version arrives after it), and no
other member is told anything, or may read the review at all.

Who may read what comes from the plain-Python reference of the policy
(tests/exchange/reference.py), not from the store: the store's answer is what is tested.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ortaq.exchange.agreements import Agreement, save_agreement
from ortaq.model import Item
from ortaq.store import Store, schema
from ortaq.store import reviews as rows
from ortaq.store.webhooks import insert_webhook
from ortaq.verification import Draft, flag_arrival, publish
from ortaq.viewer import Viewer
from tests.exchange.helpers import T0, Clock, add_members, wipe
from tests.exchange.reference import RefItem, seen

MEMBERS = ("ma", "mb", "mc", "md")
CLAIM = "Aslan Aslanov signed 4200 agreements with Serdar Karagoz in Baku on 14 March 2025."
CARRYING = {
    "copy": ("en", CLAIM),
    "edited": (
        "en",
        "In Baku on 14 March 2025, Serdar Karagoz and Aslan Aslanov signed 4200 agreements.",
    ),
    "translation": (
        "ru",
        "Аслан Асланов подписал 4200 соглашений с Сердаром Карагозом в Баку 14 марта 2025 года.",
    ),
}
FILLER = {
    "en": ["The weather was mild with light rain in the afternoon.", "Markets closed higher."],
    "ru": ["Погода была мягкой, днем прошел небольшой дождь.", "Рынки закрылись ростом."],
}
UNRELATED = ("en", "A football match ended in a draw after a late goal from a substitute.")
EXAMPLES = 40  # each builds an exchange and a review (about a second on SQLite)
KINDS = ("copy", "edited", "translation", "unrelated", "keeps", "drops")


@dataclass(frozen=True)
class Step:
    provider: str
    kind: str  # a new item (copy, edited, translation, unrelated) or a correction
    after_review: bool


steps = st.lists(
    st.builds(Step, st.sampled_from(MEMBERS), st.sampled_from(KINDS), st.booleans()),
    min_size=1,
    max_size=7,
)
agreements = st.lists(
    st.tuples(
        st.frozensets(st.sampled_from(MEMBERS), min_size=1, max_size=2),
        st.frozensets(st.sampled_from(MEMBERS), min_size=1, max_size=3),
        st.frozensets(st.sampled_from(("en", "ru")), max_size=1),
    ),
    max_size=3,
)


class Exchange:
    """The store under test and the reference beside it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.refs: dict[tuple[str, str], RefItem] = {}
        self.carrying: dict[int, tuple[str, str]] = {}  # version id -> its item's key
        self.current: dict[tuple[str, str], int] = {}
        self.agreements: list[Agreement] = []

    def publish(self, provider: str, kind: str) -> int:
        language, text = CARRYING.get(kind, UNRELATED)
        uri = f"urn:t:{len(self.refs) + 1}"
        return self._save(provider, uri, language, [FILLER[language][0], text], kind != "unrelated")

    def correct(self, provider: str, keeps: bool) -> int | None:
        """A new version of one of the provider's items: it keeps the claim, or drops it."""
        mine = sorted(k for k in self.refs if k[0] == provider)
        if not mine:
            return None
        ref = self.refs[mine[-1]]
        old = self.store.get(self.current[mine[-1]], Viewer.as_operator())
        assert old is not None
        carried = self.current[mine[-1]] in self.carrying
        body = [*old.item.body, FILLER[ref.language][1]] if keeps else [FILLER[ref.language][1]]
        return self._save(provider, ref.uri, ref.language, body, carried and keeps)

    def _save(self, provider: str, uri: str, language: str, body: list[str], carries: bool) -> int:
        saved = self.store.save(
            Item(uri=uri, provider=provider, language=language, headline="News", body=body)
        )
        ref = self.refs.setdefault((provider, uri), RefItem(uri, provider, language, "text", ()))
        ref.versions.append(" ".join(body))
        self.current[(provider, uri)] = saved.item_id
        if carries:
            self.carrying[saved.item_id] = (provider, uri)
        return saved.item_id

    def readers(self, version_id: int) -> set[str]:
        """Members that may read this version in full (the reference policy)."""
        key = self.carrying[version_id]
        ref = self.refs[key]
        found = {key[0]}  # its publisher reads every version
        if self.current[key] == version_id:
            for member in MEMBERS:
                got = seen(member, ref, self.agreements, T0)
                if got is not None and got.access == "full":
                    found.add(member)
        return found


@settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None
)
@given(deals=agreements, history=steps)
def run_exchange(store: Store, deals: list, history: list[Step]) -> None:
    wipe(store)
    exchange = Exchange(store)
    for number, (senders, receivers, languages) in enumerate(deals, 1):
        if len(senders | receivers) < 2:
            continue
        agreement = Agreement(
            f"a{number}", f"a{number}", tuple(sorted(senders)), tuple(sorted(receivers)),
            languages=tuple(sorted(languages)), status="active",
        )  # fmt: skip
        save_agreement(store, agreement)
        exchange.agreements.append(agreement)
    hooks = {m: insert_webhook(store, m, f"https://{m}.example.org/hook", "s") for m in MEMBERS}
    reviewed = exchange.publish("ma", "copy")
    for step in [s for s in history if not s.after_review]:
        _apply(exchange, step)
    # The reviewer (mb) need not receive ma's item: the operator reviews for it then.
    reviewer = Viewer("mb", actor="editor-b")
    if "mb" not in exchange.readers(reviewed):
        reviewer = Viewer.as_operator("desk")
    review = publish(store, reviewer, "mb", reviewed, Draft("false", "No."), quote=CLAIM)
    # Who carried the claim when the review was published is told then; a later version
    # that drops the claim does not take that back.
    expected: set[str] = set()
    for version in exchange.carrying:
        expected |= exchange.readers(version)
    for step in [s for s in history if s.after_review]:
        version = _apply(exchange, step)
        if version is not None:  # an arrival: the ingest door flags it (store.save does not)
            stored = store.get(version, Viewer.as_operator())
            assert stored is not None
            flag_arrival(store, version, stored.item)
            if version in exchange.carrying:  # who may read a carrying arrival is told
                expected |= exchange.readers(version)
    told = _told(store, review.id)
    assert sorted(told) == sorted(set(told)), f"a member was told twice: {told}"
    assert set(told) == expected
    for member in MEMBERS:
        visible = rows.get_review(store, review.id, Viewer(member, actor=member))
        assert (visible is not None) == (member in expected or member == "mb")
        queued = _deliveries(store, hooks[member])
        assert queued == (1 if member in expected else 0), (member, queued)


def _apply(exchange: Exchange, step: Step) -> int | None:
    """The step's new version, if it made one."""
    if step.kind in ("keeps", "drops"):
        return exchange.correct(step.provider, step.kind == "keeps")
    return exchange.publish(step.provider, step.kind)


def _told(store: Store, review_id: int) -> list[str]:
    table = schema.review_notifications
    with store.engine.connect() as conn:
        return list(
            conn.execute(
                table.select()
                .with_only_columns(table.c.member)
                .where(table.c.review_id == review_id)
            ).scalars()
        )


def _deliveries(store: Store, hook_id: int) -> int:
    table = schema.webhook_deliveries
    with store.engine.connect() as conn:
        rows_ = conn.execute(
            table.select().where(table.c.webhook_id == hook_id, table.c.event == "review.published")
        )
        return len(list(rows_))


def test_every_carrier_is_alerted_once_and_no_one_else(store: Store) -> None:
    store.clock = Clock(T0)
    add_members(store, MEMBERS)
    run_exchange(store)
