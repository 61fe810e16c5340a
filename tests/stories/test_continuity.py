"""Story ids across a re-clustering (`carry_ids`) and copies within a story
(`copy_among`): properties on generated memberships and texts."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ortaq.stories import text_fingerprint
from ortaq.stories.continuity import KEEP, carry_ids
from ortaq.stories.duplicates import copy_among, shingles
from ortaq.stories.duplicates import jaccard as jaccard_of


@st.composite
def partitions(draw: st.DrawFn, members: list[int], first: int) -> dict[int, set[int]]:
    """Members split into numbered stories (numbers from `first`, some skipped)."""
    labels = draw(st.lists(st.integers(0, 6), min_size=len(members), max_size=len(members)))
    grouped: dict[int, set[int]] = {}
    for member, label in zip(members, labels, strict=True):
        grouped.setdefault(label, set()).add(member)
    gaps = draw(st.lists(st.integers(0, 3), min_size=len(grouped), max_size=len(grouped)))
    numbered, number = {}, first
    for (_label, group), gap in zip(sorted(grouped.items()), gaps, strict=True):
        number += gap
        numbered[number] = group
        number += 1
    return numbered


@st.composite
def reclusterings(draw: st.DrawFn) -> tuple[dict[int, set[int]], dict[int, set[int]], int]:
    members = list(range(draw(st.integers(0, 30))))
    old = draw(partitions(members, 1))
    new_members = members + list(range(100, 100 + draw(st.integers(0, 5))))  # arrivals
    new = draw(partitions(new_members, 1))
    next_number = max(old, default=0) + 1 + draw(st.integers(0, 5))  # some ids are gone
    return old, new, next_number


def jaccard(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a | b)


@given(reclusterings())
def test_carried_ids_are_unique_and_name_the_same_news(
    case: tuple[dict[int, set[int]], dict[int, set[int]], int],
) -> None:
    old, new, next_number = case
    final, next_free = carry_ids(old, new, next_number)
    assert set(final) == set(new)
    assert len(set(final.values())) == len(final)  # one id per story
    for provisional, number in final.items():
        if number in old:  # a kept id: essentially the same membership
            assert jaccard(new[provisional], old[number]) >= KEEP
        else:  # a fresh id: after every id ever given, never a reused one
            assert number >= next_number and number > max(old, default=0)
            assert number < next_free
        for old_number, members in old.items():
            if jaccard(new[provisional], members) > KEEP:  # only one can share that much
                assert number == old_number


@given(reclusterings())
def test_an_unchanged_clustering_keeps_every_id(
    case: tuple[dict[int, set[int]], dict[int, set[int]], int],
) -> None:
    old, _new, next_number = case
    renumbered = {n + 1000: members for n, members in old.items()}
    final, next_free = carry_ids(old, renumbered, next_number)
    assert {final[n + 1000] for n in old} == set(old)
    assert all(final[n + 1000] == n for n in old)
    assert next_free == max([next_number, *(n + 1 for n in old)])


words = st.lists(
    st.sampled_from(
        ["news", "agency", "minister", "talks", "signed", "border", "trade", "port", "rail", "week"]
    ),
    min_size=8,
    max_size=40,
)


@given(words, st.lists(words, max_size=4), st.sampled_from(["en", "kk", None]))
def test_a_copy_is_found_only_in_its_own_language(
    text: list[str], others: list[list[str]], language: str | None
) -> None:
    body = " ".join(text)
    earlier = [(f"o{n}", " ".join(o), "fr") for n, o in enumerate(others)]
    assert copy_among("me", body, language, earlier) is None  # translation is no copy
    earlier.append(("same", body.upper() + " .", language))  # folded: the same text
    found = copy_among("me", body, language, earlier)
    assert found is not None and found.original_id == "same" and found.exact
    assert found.similarity == 1.0
    assert copy_among("me", body, language, [("me", body, language)]) is None  # itself


@given(words, words, st.floats(0.1, 0.9))
def test_a_near_copy_is_judged_on_the_jaccard_of_its_shingles(
    a: list[str], b: list[str], threshold: float
) -> None:
    """Against plain sets of shingles (the stored 64-bit hashes stand in for them)."""
    text_a, text_b = " ".join(a), " ".join(b)
    expected = jaccard_of(shingles(text_a, "en"), shingles(text_b, "en"))
    found = copy_among("me", text_a, "en", [("x", text_b, "en")], threshold)
    if text_fingerprint(text_a) == text_fingerprint(text_b):
        assert found is not None and found.exact
    elif expected >= threshold:
        assert found is not None and abs(found.similarity - expected) < 1e-9
    else:
        assert found is None
