"""Helpers of the verification tests: members, agreements and items in a few lines."""

from __future__ import annotations

from ortaq.exchange.agreements import Agreement, save_agreement
from ortaq.model import Item
from ortaq.store import Store

CLAIM_EN = "The ministry said 4,200 tonnes of grain were shipped from Aktau port on 14 March."
CLAIM_RU = "Министерство сообщило, что 14 марта из порта Актау отгружено 4200 тонн зерна."


def item(uri: str, provider: str, language: str, *body: str, headline: str = "News") -> Item:
    return Item(uri=uri, provider=provider, language=language, headline=headline, body=list(body))


def share(store: Store, slug: str, senders: tuple[str, ...], receivers: tuple[str, ...]) -> None:
    save_agreement(store, Agreement(slug, slug, senders, receivers, status="active"))
