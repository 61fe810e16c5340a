"""The dateline's agency is an organisation of the item, marked as the one that reports."""

from __future__ import annotations

import pytest

from ortaq.chain import process
from ortaq.model import Hints
from ortaq.stories.features import item_features


def organisations(text: str) -> list[dict[str, object]]:
    item = process(text.encode("utf-8"), Hints(source_name="credited.txt"))
    return item.organisations


@pytest.mark.parametrize(
    ("text", "agency_id"),
    [
        (
            "Two agencies meet\nBaku, March 3, AZERTAC\nThe heads of Kabar and WAM met on "
            "Tuesday to talk about a news exchange between their newsrooms.",
            "org:azertac",
        ),
        (
            "Встреча в Москве\nМОСКВА, 4 марта – РИА Новости. Руководители агентств Кабар и "
            "WAM встретились во вторник и обсудили обмен новостями.",
            "org:ria-novosti",
        ),
    ],
)
def test_known_dateline_agency_is_credited(text: str, agency_id: str) -> None:
    found = {o["id"]: o for o in organisations(text)}
    assert agency_id in found
    assert found[agency_id]["credited"] is True
    assert found[agency_id]["mentions"] == 0


def test_unknown_dateline_agency_keeps_its_name() -> None:
    text = (
        "Two agencies meet\nBAKU, March 3 (Qaraqum Wire) - The heads of Kabar and WAM met "
        "on Tuesday to talk about a news exchange between their newsrooms."
    )
    credited = [o for o in organisations(text) if o.get("credited")]
    assert [o["name"] for o in credited] == ["Qaraqum Wire"]


def test_no_dateline_no_credit() -> None:
    text = "Two agencies meet\nThe heads of Kabar and WAM met on Tuesday in Baku to talk."
    assert not any(o.get("credited") for o in organisations(text))


def test_credited_agency_is_not_a_story_feature() -> None:
    text = (
        "Two agencies meet\nBaku, March 3, AZERTAC\nThe heads of Kabar and WAM met on "
        "Tuesday to talk about a news exchange between their newsrooms."
    )
    item = process(text.encode("utf-8"), Hints(source_name="credited.txt"))
    assert any(o.get("credited") for o in item.organisations)
    assert not any("azertac" in key for key in item_features(item).cross)
