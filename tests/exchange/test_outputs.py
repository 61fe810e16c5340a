"""Feeds out: every demo item, as every access level, validates against the official
IPTC schemas (ninjs 2.1 and 3.0 with jsonschema, NewsML-G2 2.35 with lxml)."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import feedparser
import jsonschema
import pytest
from lxml import etree

from ortaq.chain import default_chain
from ortaq.demo import load_demo
from ortaq.exchange.outputs import FeedInfo, default_outputs
from ortaq.exchange.policy import Rights, redact
from ortaq.store import Store, StoredItem
from ortaq.viewer import OPERATOR
from tests.exchange.helpers import T0

SHARED = Path(__file__).resolve().parents[3] / "shared"
IPTC = SHARED / "data" / "iptc"
OUTPUTS = default_outputs()
RIGHTS = Rights("a1", "Use within 30 days.", "Dala Press via Ortaq", True, False, True)


@cache
def ninjs_validator(version: str) -> Any:
    schema = json.loads((IPTC / "ninjs" / "schemas" / f"ninjs-schema_{version}.json").read_text())
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


@cache
def g2_schema() -> etree.XMLSchema:
    path = IPTC / "newsml-g2" / "schema" / "NewsML-G2_2.35-spec-All-Power.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


@pytest.fixture(scope="module")
def demo_items(tmp_path_factory: pytest.TempPathFactory) -> list[StoredItem]:
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('demo')}/demo.db")
    load_demo(store, default_chain())
    found = list(store.iter_items(viewer=OPERATOR))
    store.close()
    assert len(found) >= 50
    return found


def variants(stored: StoredItem) -> list[StoredItem]:
    """The item as its provider, a partner with rights, and as both kinds of notice."""
    item = stored.item
    embargo_notice = redact(replace(item, embargoed=item.embargoed or T0), "embargo")
    return [
        stored,
        replace(stored, rights=RIGHTS),
        replace(stored, access="embargo", item=embargo_notice, rights=RIGHTS),
        replace(
            stored, access="notice", item=redact(replace(item, pubstatus="canceled"), "notice")
        ),
    ]


@pytest.mark.parametrize(("name", "version"), [("ninjs21", "2.1"), ("ninjs3", "3.0")])
def test_ninjs_of_every_demo_item_validates(
    demo_items: list[StoredItem], name: str, version: str
) -> None:
    validator = ninjs_validator(version)
    for stored in demo_items:
        for variant in variants(stored):
            document = json.loads(OUTPUTS.get(name).render_item(variant))
            errors = [e.message for e in validator.iter_errors(document)]
            assert errors == [], (variant.item.uri, variant.access, errors)
    feed = json.loads(OUTPUTS.get(name).render_feed(_feed(), demo_items))
    assert len(feed["items"]) == len(demo_items)


def test_newsmlg2_of_every_demo_item_validates(demo_items: list[StoredItem]) -> None:
    schema, output = g2_schema(), OUTPUTS.get("newsmlg2")
    for stored in demo_items:
        for variant in variants(stored):
            document = etree.fromstring(output.render_item(variant))
            assert schema.validate(document), (variant.item.uri, schema.error_log.last_error)
    message = etree.fromstring(output.render_feed(_feed(), demo_items))
    assert schema.validate(message), schema.error_log.last_error


def test_atom_feed_reads_back(demo_items: list[StoredItem]) -> None:
    rendered = OUTPUTS.get("atom").render_feed(
        _feed(), [v for s in demo_items[:5] for v in variants(s)]
    )
    parsed = feedparser.parse(rendered)
    assert not parsed.bozo, parsed.bozo_exception
    assert len(parsed.entries) == 20
    notices = [e for e in parsed.entries if e.title.startswith("[")]
    assert len(notices) == 10 and all("content" not in e for e in notices)


def _feed() -> FeedInfo:
    return FeedInfo("urn:ortaq:feed:test", "Test feed", "http://127.0.0.1/feed", T0)
