"""300 lightly edited copies of the five samples form exactly five stories.

The copies are made here with a seeded RNG (sentences dropped, neighbouring words
swapped, a few words inserted, paragraphs re-ordered), read by the whole chain, and
clustered in a shuffled arrival order. Before the common-key cut-off went, every key of
a story with 60 copies was "too common" once 50 items existed, and the copies made 256
stories.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path

import pytest

from ortaq.chain import default_chain
from ortaq.model import Hints, Item
from ortaq.stories.clustering import StoryIndex
from ortaq.stories.features import item_features
from ortaq.stories.occasion import item_span

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"
COPIES = 300
SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+")


def _edit(text: str, rng: random.Random) -> str:
    """A copy as another desk might file it: the same story, lightly edited."""
    lines = text.splitlines()
    head = [ln for ln in lines[:2] if ln.lstrip().startswith("date")]  # keep a date line
    paragraphs = [ln for ln in lines if ln.strip() and ln not in head]
    headline, body = paragraphs[:1], paragraphs[1:]
    if len(body) > 2:  # re-order two paragraphs
        i, j = rng.sample(range(len(body)), 2)
        body[i], body[j] = body[j], body[i]
    edited = []
    for paragraph in body:
        sentences = [s for s in SENTENCE_END.split(paragraph) if s]
        if len(sentences) > 1 and rng.random() < 0.3:  # drop a sentence
            del sentences[rng.randrange(len(sentences))]
        words = " ".join(sentences).split()
        for _ in range(rng.randint(0, 2)):  # swap neighbouring words
            if len(words) > 3:
                k = rng.randrange(len(words) - 1)
                words[k], words[k + 1] = words[k + 1], words[k]
        if words and rng.random() < 0.3:  # insert a word from elsewhere in the text
            words.insert(rng.randrange(len(words)), rng.choice(words))
        edited.append(" ".join(words))
    return "\n".join([*head, *headline, *edited]) + "\n"


@pytest.mark.skipif(not SAMPLES.exists(), reason="samples not present")
def test_edited_copies_of_five_samples_form_five_stories() -> None:
    rng = random.Random(19)
    texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))}
    assert len(texts) == 5
    chain = default_chain()
    copies: list[tuple[str, str, Item]] = []
    for n in range(COPIES):
        sample = rng.choice(sorted(texts))
        raw = _edit(texts[sample], rng).encode("utf-8")
        outcomes = chain.process_all(raw, Hints(source_name=f"{sample}-copy-{n}.txt"))
        items = [o for o in outcomes if isinstance(o, Item)]
        assert len(items) == 1, outcomes
        copies.append((f"copy-{n}", sample, items[0]))
    assert set(Counter(sample for _, sample, _ in copies)) == set(texts)
    index = StoryIndex()
    for copy_id, _sample, item in copies:
        index.add(copy_id, item_features(item), item_span(item))
    stories: dict[str, set[str]] = {}
    for copy_id, sample, _item in copies:
        story = index.story_of(copy_id)
        assert story is not None
        stories.setdefault(story, set()).add(sample)
    assert all(len(samples) == 1 for samples in stories.values()), stories
    assert len(stories) == 5
