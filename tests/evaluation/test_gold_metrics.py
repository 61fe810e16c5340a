"""Metric arithmetic of the gold-folder commands on small hand-made gold/prediction
pairs, and bad gold input (named in `errors`, the rest measured)."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from ortaq.evaluation.clustering import bcubed
from ortaq.evaluation.entities import (
    Predicted,
    _kind_figures,
    _macro,
    match_organisations,
    match_people,
)
from ortaq.evaluation.gold import prf
from ortaq.evaluation.reading import date_matches, evaluate_reading, field_correct
from ortaq.evaluation.stories import arrival_order, bcubed_of, misses, read_index
from ortaq.model import Item

# --- reading ------------------------------------------------------------------------


def test_dates_match_at_the_gold_precision() -> None:
    assert date_matches("2023-12", "2023-12")
    assert date_matches("2023-12", "2023-12-05")  # more precise than the gold: fine
    assert date_matches("2019-10-26", "2019-10-26T09:30")
    assert not date_matches("2019-10-26", "2019-10")  # less precise: wrong
    assert not date_matches("2019-10-26", "2019-10-27")
    assert not date_matches("2019-10-26", None)


@given(st.dates(), st.sampled_from([4, 7, 10]))
def test_a_date_always_matches_itself_cut_to_any_gold_precision(day: object, cut: int) -> None:
    iso = str(day)
    assert date_matches(iso[:cut], iso)
    assert date_matches(iso[:cut], iso[:cut])
    if cut < 10:
        assert not date_matches(iso, iso[:cut])


def test_fields_compare_by_their_own_rule() -> None:
    assert field_correct("dateline_agency", "TASS", "/TASS/")
    assert field_correct("dateline_place", "МОСКВА", "Москва")
    assert not field_correct("dateline_place", "Baku", "Bakou")
    assert field_correct("language", "kk", "kk")
    assert not field_correct("language", "kk", "ru")
    assert not field_correct("language", "kk", None)


def _copy_sample(samples: Path, gold_dir: Path, articles: Path, name: str) -> None:
    shutil.copy(samples / "gold" / f"{name}.json", gold_dir / f"{name}.json")
    shutil.copy(samples / f"{name}.txt", articles / f"{name}.txt")


def test_bad_gold_is_named_and_the_rest_is_measured(shared: Path, tmp_path: Path) -> None:
    samples = shared / "samples"
    gold_dir, articles = tmp_path / "gold", tmp_path / "articles"
    gold_dir.mkdir()
    articles.mkdir()
    first = sorted(samples.glob("*.txt"))[0].stem
    _copy_sample(samples, gold_dir, articles, first)
    (gold_dir / "broken.json").write_text("{not json", "utf-8")
    (gold_dir / "lost.json").write_text(json.dumps({"file": "nowhere.txt"}), "utf-8")
    (gold_dir / "nofile.json").write_text(json.dumps({"reading": {}}), "utf-8")
    report = evaluate_reading(gold_dir, articles)
    assert report["articles"] == 1
    named = {e["file"]: e["reason"] for e in report["errors"]}
    assert set(named) == {"broken.json", "lost.json", "nofile.json"}
    assert "unreadable" in named["broken.json"]
    assert "nowhere.txt" in named["lost.json"]


# --- entities -----------------------------------------------------------------------


def test_prf_arithmetic() -> None:
    figures = prf(3, 4, 6)
    assert figures["precision"] == 0.75
    assert figures["recall"] == 0.5
    assert figures["f1"] == 0.6
    assert prf(0, 0, 5)["f1"] == 0.0


def test_micro_and_macro_are_computed_from_the_counts() -> None:
    en = Counter(
        countries_tp=2,
        countries_pred=2,
        countries_gold=4,
        people_tp=1,
        people_pred=2,
        people_gold=1,
    )
    kk = Counter(countries_tp=1, countries_pred=1, countries_gold=1)
    languages = {"en": _kind_figures(en), "kk": _kind_figures(kk)}
    assert languages["en"]["countries"]["recall"] == 0.5
    macro = _macro(languages)
    assert macro["countries"]["recall"] == 0.75  # (0.5 + 1.0) / 2, unweighted
    assert macro["people"]["precision"] == 0.5  # kk has no people gold: left out
    assert macro["organisations"]["f1"] == 0.0  # no gold anywhere
    micro = _kind_figures(en + kk)
    assert micro["countries"]["recall"] == 0.6  # 3 of 5


def test_people_pair_one_to_one() -> None:
    gold = ["Mikhail Ivanov", "Maxim Ivanov", "Aida Balayeva"]
    predicted = [
        Predicted("Maxim Ivanov", ("Maxim Ivanov",), "person:a"),
        Predicted("Балаева", ("Балаева", "Балаеваға"), "person:b"),
        Predicted("Ivanov", ("Ivanov",), "person:c"),
    ]
    pairs = {(g, p) for g, p, _ in match_people(gold, predicted, "en")}
    # Maxim takes the full match; the bare surname goes to the other Ivanov
    assert pairs == {(1, 0), (2, 1), (0, 2)}


def test_organisations_pair_one_to_one() -> None:
    gold = ["Qatar News Agency (QNA)", "TRT Avaz"]
    predicted = [
        Predicted("TRT", ("TRT",), None),
        Predicted("QNA", ("QNA",), None),
        Predicted("Qatar News Agency", ("Qatar News Agency",), None),
    ]
    pairs = match_organisations(gold, predicted, "en")
    assert len(pairs) == 1 and pairs[0][0] == 0  # one gold, one prediction; TRT ≠ TRT Avaz


# --- stories ------------------------------------------------------------------------


def test_misses_list_split_and_joined_pairs() -> None:
    gold = {"a": "G1", "b": "G1", "c": "G2", "d": "G3"}
    predicted = {"a": "s1", "b": "s2", "c": "s2", "d": "s2"}
    found = misses(gold, predicted)
    assert [m["files"] for m in found["split"]] == [["a", "b"]]
    assert sorted(m["files"] for m in found["joined"]) == [["b", "c"], ["b", "d"], ["c", "d"]]


@given(st.lists(st.tuples(st.sampled_from("ABC"), st.sampled_from("xyz")), min_size=1, max_size=12))
def test_bcubed_over_all_items_equals_the_shared_metric(labels: list[tuple[str, str]]) -> None:
    names = [f"f{i}" for i in range(len(labels))]
    gold = {n: g for n, (g, _) in zip(names, labels, strict=True)}
    predicted = {n: p for n, (_, p) in zip(names, labels, strict=True)}
    mine = bcubed_of(names, gold, predicted)
    shared = bcubed([g for g, _ in labels], [p for _, p in labels])
    assert abs(mine["p"] - shared["p"]) < 1e-9
    assert abs(mine["r"] - shared["r"]) < 1e-9


def test_arrival_order_puts_undated_items_last_at_the_latest_time() -> None:
    item = Item(uri="u")
    early = datetime(2020, 1, 1, tzinfo=UTC)
    late = datetime(2021, 1, 1, tzinfo=UTC)
    ordered = arrival_order(
        [
            ("c.txt", None, item),
            ("b.txt", late, item),
            ("a.txt", None, item),
            ("z.txt", early, item),
            ("y.txt", late, item),
        ]
    )
    assert [name for name, _, _ in ordered] == ["z.txt", "b.txt", "y.txt", "a.txt", "c.txt"]
    assert [when for _, when, _ in ordered][-2:] == [late, late]


def test_bad_index_lines_are_named(tmp_path: Path) -> None:
    index = tmp_path / "index.jsonl"
    index.write_text(
        '{"file": "a.txt", "story_group": "D01"}\nnot json\n{"file": "b.txt"}\n\n', "utf-8"
    )
    errors: list[dict[str, str]] = []
    assert read_index(index, errors) == {"a.txt": "D01"}
    assert [e["file"].rsplit(":", 1)[1] for e in errors] == ["2", "3"]
