"""Build the language-identification sets under tests/data/langid from ../shared/data.

Reproducible: a fixed seed per (source, split, kind), no network, sources read in file
order. Each output line is `lang<TAB>text`; `#source=NAME` lines mark where the
following lines come from, so `ortaq eval langid` can report X-WMT apart.

Splits:
* tune: the first half of every corpus that may be learnt from (KazNERD, ANERcorp,
  Europeana FR, TTC-3600). Thresholds in ortaq.read.language were set on this split
  and on the hand-written tests/data/langid/tune_handwritten.tsv (titles in the seven,
  Kyrgyz/Uzbek/Tatar/Bashkir/Persian/Urdu and a few more), never on dev.
* dev: the second half of those corpora plus the evaluation-only sets (X-WMT for
  kk/tr/az/ru/en, MasakhaNEWS for fr). Nothing is tuned on dev.

Usage: python scripts/build_langid_devset.py [--shared ../shared] [--out tests/data/langid]
       [--splits dev,tune]   (only dev is committed; tune is rebuilt when tuning)
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PARAGRAPH_SENTENCES = (2, 5)  # a "paragraph" is a run of 2..5 consecutive sentences
SNIPPET_WORDS = (4, 8)
MIN_PARAGRAPH_CHARS = 150

# Per language and split, shared equally by the language's corpora in that split.
PER_LANGUAGE = {"paragraphs": 250, "snippets": 800}

_SPACE_BEFORE = re.compile(r"\s+([.,;:!?%)\]»”…،؛؟])")
_SPACE_AFTER = re.compile(r"([(\[«“])\s+")
_WHITESPACE = re.compile(r"\s+")
# French elisions split by the tokeniser: "l' heure" → "l'heure".
_ELISION = re.compile(r"\b([ldjmnstc]|qu|jusqu|lorsqu|puisqu)(['’]) ", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"'«“(]?[A-ZÀ-ÖØ-ÞĞİŞÇÜÖ0-9])")
_LETTER = re.compile(r"[^\W\d_]")
# A clean French OCR token: letters (with elisions/hyphens), a number, or punctuation.
_CLEAN_FRENCH_TOKEN = re.compile(
    r"^(?:[A-Za-zÀ-ÖØ-öø-ÿŒœ]+(?:['’-][A-Za-zÀ-ÖØ-öø-ÿŒœ]+)*['’]?|\d+|[.,;:!?«»()\"'-])$"
)


@dataclass(frozen=True)
class Source:
    """One corpus for one language: its sentences, in document order."""

    name: str
    language: str
    sentences: list[str]
    evaluation_only: bool = False


def detokenise(tokens: Iterable[str]) -> str:
    text = " ".join(tokens)
    text = _SPACE_BEFORE.sub(r"\1", text)
    text = _SPACE_AFTER.sub(r"\1", text)
    text = _ELISION.sub(r"\1\2", text)
    return _WHITESPACE.sub(" ", text).strip()


def conll_sentences(path: Path, ends_at_full_stop: bool) -> Iterator[list[str]]:
    """Token lists from a `token tag` file; blank lines (or full stops) end a sentence."""
    tokens: list[str] = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            parts = line.split()
            if not parts:
                if tokens:
                    yield tokens
                tokens = []
                continue
            token = parts[0].replace("\u200f", "")
            tokens.append(token)
            if ends_at_full_stop and token in {".", "!", "?", "؟"}:
                yield tokens
                tokens = []
    if tokens:
        yield tokens


def kaznerd(shared: Path) -> list[Source]:
    path = shared / "data/kaznerd/IOB2_valid.txt"
    sentences = [detokenise(tokens) for tokens in conll_sentences(path, False)]
    return [Source("kaznerd", "kk", sentences)]


def anercorp(shared: Path) -> list[Source]:
    path = shared / "data/anercorp/ANERcorp_train80.txt"
    sentences = [detokenise(tokens) for tokens in conll_sentences(path, True)]
    return [Source("anercorp", "ar", [s for s in sentences if len(s.split()) >= 3])]


def europeana(shared: Path) -> list[Source]:
    """French OCR: keep sentences whose tokens are mostly clean (the noise is real)."""
    path = shared / "data/europeana_fr/enp_FR.bnf.bio"
    kept = []
    for tokens in conll_sentences(path, True):
        clean = sum(1 for token in tokens if _CLEAN_FRENCH_TOKEN.match(token))
        if len(tokens) >= 5 and clean >= 0.9 * len(tokens):
            kept.append(detokenise(tokens))
    return [Source("europeana_fr", "fr", kept)]


def split_sentences(text: str) -> list[str]:
    text = _WHITESPACE.sub(" ", text.replace("\ufeff", " ")).strip()
    return [s.strip() for s in _SENTENCE_END.split(text) if len(s.split()) >= 3]


def ttc3600(shared: Path) -> list[Source]:
    sentences: list[str] = []
    with (shared / "data/ttc3600/ttc3600.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            sentences.extend(split_sentences(json.loads(line)["text"]))
    return [Source("ttc3600", "tr", sentences)]


def masakhanews(shared: Path) -> list[Source]:
    sentences: list[str] = []
    with (shared / "data/masakhanews_fra/dev.tsv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            sentences.append(_WHITESPACE.sub(" ", row["headline"]).strip())
            sentences.extend(split_sentences(row["text"]))
    return [Source("masakhanews_fra", "fr", sentences, evaluation_only=True)]


def xwmt(shared: Path) -> list[Source]:
    """X-WMT sentences per language, each sentence once (the pair files overlap)."""
    by_language: dict[str, dict[str, None]] = {}
    for path in sorted((shared / "data/xwmt").glob("*-*.*")):
        language = path.suffix[1:]
        seen = by_language.setdefault(language, {})
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                seen.setdefault(detokenise(line.split()), None)
    return [
        Source(f"xwmt_{language}", language, list(sentences), evaluation_only=True)
        for language, sentences in sorted(by_language.items())
    ]


LOADERS: tuple[Callable[[Path], list[Source]], ...] = (
    kaznerd,
    anercorp,
    europeana,
    ttc3600,
    masakhanews,
    xwmt,
)


def halves(source: Source) -> dict[str, list[str]]:
    """Learnable corpora split into tune (first half) and dev; evaluation-only is dev only."""
    if source.evaluation_only:
        return {"dev": source.sentences}
    middle = len(source.sentences) // 2
    return {"tune": source.sentences[:middle], "dev": source.sentences[middle:]}


def draw_paragraphs(sentences: list[str], count: int, rng: random.Random) -> list[str]:
    """Runs of consecutive sentences, non-overlapping, drawn at random positions."""
    runs: list[str] = []
    position = 0
    while position < len(sentences):
        size = rng.randint(*PARAGRAPH_SENTENCES)
        run = " ".join(sentences[position : position + size])
        if len(run) >= MIN_PARAGRAPH_CHARS:
            runs.append(run)
        position += size
    return rng.sample(runs, min(count, len(runs)))


def draw_snippets(sentences: list[str], count: int, rng: random.Random) -> list[str]:
    """4..8 consecutive words from distinct sentences, each word holding a letter."""
    order = list(range(len(sentences)))
    rng.shuffle(order)
    snippets: list[str] = []
    for index in order:
        if len(snippets) == count:
            break
        words = sentences[index].split()
        size = rng.randint(*SNIPPET_WORDS)
        if len(words) < size:
            continue
        start = rng.randint(0, len(words) - size)
        window = words[start : start + size]
        if all(_LETTER.search(word) for word in window):
            snippets.append(" ".join(window))
    return snippets


def build(shared: Path, splits: tuple[str, ...] = ("dev",)) -> dict[str, list[str]]:
    """File name → lines, for the requested splits."""
    portions: dict[tuple[str, str], list[tuple[Source, list[str]]]] = {}
    for loader in LOADERS:
        for source in loader(shared):
            for split, sentences in halves(source).items():
                if split in splits:
                    portions.setdefault((split, source.language), []).append((source, sentences))
    draws = {"paragraphs": draw_paragraphs, "snippets": draw_snippets}
    files: dict[str, list[str]] = {}
    for (split, language), parts in portions.items():
        for kind, per_language in PER_LANGUAGE.items():
            draw = draws[kind]
            lines = files.setdefault(f"{split}_{kind}.tsv", [])
            for source, sentences in parts:
                rng = random.Random(f"{source.name}/{split}/{kind}")
                lines.append(f"#source={source.name}")
                texts = draw(sentences, per_language // len(parts), rng)
                lines.extend(f"{language}\t{text}" for text in texts)
    return files


def write(files: dict[str, list[str]], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, lines in files.items():
        (out / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--out", type=Path, default=REPO / "tests/data/langid")
    parser.add_argument(
        "--splits", default="dev", help="comma-separated: dev (committed), tune (for tuning)"
    )
    args = parser.parse_args(argv)
    files = build(args.shared, tuple(args.splits.split(",")))
    write(files, args.out)
    for name, lines in sorted(files.items()):
        print(f"{args.out / name}: {sum(1 for line in lines if not line.startswith('#'))} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
