"""Duplicates: the same text re-sent (exact) or lightly edited (near), within a language.

Exact: `text_fingerprint` (case, punctuation and spacing folded) -- equal keys, equal
texts. Near: the text's word shingles (`SHINGLE` consecutive `match_key` words) are
summarised by a MinHash (rensa's RMinHash, `NUM_PERM` permutations) and indexed in a
MinHash LSH (`BANDS` bands) per language; candidates from the LSH are kept when the
Jaccard similarity of the shingle sets, computed exactly on stored 64-bit shingle
hashes (a sorted numpy array per item, ~8 bytes a shingle), is at least `threshold`. An item is a
copy of the earlier items it matches (arrival order decides who copies whom).
Translation is not duplication: languages never meet here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from rensa import RMinHash, RMinHashLSH

from ortaq.read.normalise import match_key
from ortaq.stories import text_fingerprint

SHINGLE = 3
NUM_PERM = 240
BANDS = 80  # 80 bands of 3 rows: a pair at Jaccard 0.5 is a candidate with p > 0.99997,
# at 0.3 with p ≈ 0.89, at 0.1 with p ≈ 0.08; candidates are then checked on the
# exact Jaccard of the stored shingle hashes (the MinHash estimate has sd ≈ 0.03
# at 0.5 with 240 permutations, which cost a percent of precision and recall).
DEFAULT_THRESHOLD = 0.5
SEED = 42


def shingles(text: str, language: str | None = None, size: int = SHINGLE) -> set[str]:
    words = match_key(text, language).split()
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def shingle_hashes(items: Iterable[str]) -> np.ndarray:
    """Sorted unique stable 64-bit hashes of the shingles."""
    values = [
        int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest(), "little")
        for s in items
    ]
    return np.unique(np.asarray(values, dtype=np.uint64))


def hashed_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    if not len(a) and not len(b):
        return 1.0
    common = len(np.intersect1d(a, b, assume_unique=True))
    return common / (len(a) + len(b) - common)


def minhash(items: Iterable[str], num_perm: int = NUM_PERM) -> RMinHash:
    signature = RMinHash(num_perm=num_perm, seed=SEED)
    signature.update(list(items))
    return signature


@dataclass(frozen=True)
class Copy:
    """`item_id` copies `original_id` (which arrived earlier), with this similarity."""

    item_id: str
    original_id: str
    similarity: float
    exact: bool


class NearDuplicateIndex:
    def __init__(
        self, threshold: float = DEFAULT_THRESHOLD, num_perm: int = NUM_PERM, bands: int = BANDS
    ) -> None:
        self.threshold = threshold
        self.num_perm = num_perm
        self.bands = bands
        self.exact: dict[str, list[str]] = {}  # fingerprint -> item ids, arrival order
        self._lsh: dict[str, RMinHashLSH] = {}
        self._keys: dict[str, int] = {}  # item id -> LSH key
        self._ids: list[str] = []  # LSH key -> item id
        self._hashes: list[np.ndarray] = []
        self._languages: list[str] = []

    def add(self, item_id: str, text: str, language: str | None) -> list[tuple[str, float]]:
        """Index one item; returns the earlier items it duplicates, most similar first."""
        return [(c.original_id, c.similarity) for c in self.add_copies(item_id, text, language)]

    def add_copies(self, item_id: str, text: str, language: str | None) -> list[Copy]:
        lang = language or "und"
        found: dict[str, Copy] = {}
        fingerprint = text_fingerprint(text)
        for other in self.exact.get(fingerprint, []):
            if other != item_id and self._languages[self._keys[other]] == lang:
                found[other] = Copy(item_id, other, 1.0, True)
        self.exact.setdefault(fingerprint, []).append(item_id)
        shingle_set = shingles(text, language)
        signature = minhash(shingle_set, self.num_perm)
        hashes = shingle_hashes(shingle_set)
        lsh = self._lsh.get(lang)
        if lsh is None:
            lsh = self._lsh[lang] = RMinHashLSH(
                threshold=self.threshold, num_perm=self.num_perm, num_bands=self.bands
            )
        for key in lsh.query(signature):
            other = self._ids[key]
            if other in found or other == item_id:
                continue
            similarity = hashed_jaccard(hashes, self._hashes[key])
            if similarity >= self.threshold:
                found[other] = Copy(item_id, other, similarity, False)
        key = len(self._ids)
        self._ids.append(item_id)
        self._hashes.append(hashes)
        self._languages.append(lang)
        self._keys[item_id] = key
        lsh.insert(key, signature)
        return sorted(found.values(), key=lambda c: (-c.similarity, c.original_id))


@dataclass(frozen=True)
class TextSignature:
    """What the copy check compares of one text: its folded fingerprint and its shingle
    hashes (in its language). Pure, so a batch works it out where the chain runs."""

    fingerprint: str
    hashes: np.ndarray

    @classmethod
    def of(cls, text: str, language: str | None) -> TextSignature:
        return cls(text_fingerprint(text), shingle_hashes(shingles(text, language)))


def copy_among(
    item_id: str,
    text: str,
    language: str | None,
    earlier: Iterable[tuple[str, str, str | None]],
    threshold: float = DEFAULT_THRESHOLD,
) -> Copy | None:
    """The earlier text (`(id, text, language)`, in arrival order) this one copies most
    closely, or None: equal once folded (exact), or shingle Jaccard at least `threshold`,
    in the same language only. For a few candidates (one story's members) the exact
    comparison needs no LSH; ties go to the earliest, the first to publish."""
    lang = language or "und"
    fingerprint = text_fingerprint(text)
    hashes: np.ndarray | None = None
    best: Copy | None = None
    for other_id, other_text, other_language in earlier:
        if other_id == item_id or (other_language or "und") != lang:
            continue
        if text_fingerprint(other_text) == fingerprint:
            return Copy(item_id, other_id, 1.0, True)  # the earliest exact copy
        if hashes is None:
            hashes = shingle_hashes(shingles(text, language))
        similarity = hashed_jaccard(hashes, shingle_hashes(shingles(other_text, language)))
        if similarity >= threshold and (best is None or similarity > best.similarity):
            best = Copy(item_id, other_id, similarity, False)
    return best


def copy_among_signatures(
    item_id: str,
    signature: TextSignature,
    earlier: Iterable[tuple[str, TextSignature]],
    threshold: float = DEFAULT_THRESHOLD,
) -> Copy | None:
    """`copy_among` on signatures worked out beforehand: the earlier texts (in arrival
    order) are all in the item's language (the caller chose them so)."""
    best: Copy | None = None
    for other_id, other in earlier:
        if other_id == item_id:
            continue
        if other.fingerprint == signature.fingerprint:
            return Copy(item_id, other_id, 1.0, True)  # the earliest exact copy
        similarity = hashed_jaccard(signature.hashes, other.hashes)
        if similarity >= threshold and (best is None or similarity > best.similarity):
            best = Copy(item_id, other_id, similarity, False)
    return best
