"""Trigger lexicons of the cooperation stage, one data file per language.

data/triggers/<lang>.json holds, for a linguist to extend without code:

- ``types``: per event type, ``triggers`` (phrases that alone signal the type) and
  ``combos`` (a ``nouns`` entry and a ``verbs`` entry that signal it only together in one
  clause, e.g. 'plate-forme' + 'créer': an existing platform is not a creation);
  ``not_triggers``: phrases that hold a trigger word but name no event ('centre de
  formation', 'training centre': an institution; 'səfərdə olan': a delegation visiting);
- ``status``: cues per status (proposed, intended, planned, agreed, done, ongoing);
- ``negation`` and ``hypothetical`` guards; ``between`` words ('entre', 'арасында') that
  introduce the two sides; ``anaphora`` ('les deux pays', 'тараптар') that point back to
  the sides already named; ``default_status`` when no cue is found;
- who is not a party: ``credit`` words before or after an organisation that only
  reports ('reported by', 'X reports', 'сообщает', 'xəbər verir'); ``presence`` words
  before or after dignitaries who only attend ('in the presence of', 'بحضور',
  'iştirakı ilə');
- ``official_roles``: words of a person's role that make them act for their state
  (minister, ambassador, president, presidential aide);
- ``provision``: words that say what a document provides for ('under the memorandum',
  'prévoit', 'предусматривает', 'تنص'): the areas it lists are `agreed`, and the
  document named there is not a new signing; ``plural_documents``: document words in the
  plural ('memorandums', 'anlaşmalar'): one body signing with several partners signs one
  document with each; ``media_words``: words of the media field ('press', 'СМИ',
  'إعلام'): an event whose sentence has none and whose parties are no media bodies is
  not media cooperation (a state visit, a trade protocol; see extract.GENERIC_TYPES);
  ``conjunctions`` that continue a list of parties and ``list_articles`` that may
  stand before a listed name ('the', 'l'', 'les'): nothing else does ('between Turkey
  and Azerbaijan in the platform' lists two parties);
- ``stem_endings`` (Arabic): what may follow a stem entry in the same word, so that
  'اجتماع' (meeting) matches اجتماعات and اجتماعه but not الاجتماعي (social);
  ``blocked_continuations``: what may not follow a stem entry, because it makes another
  word ('visit' + 'or', 'ziyaret' + 'çi': visitor; 'visite' + 'ur').

Entry syntax: ``stem`` matches at a word start with any ending (Kazakh, Turkish and
Azerbaijani suffixes, French and Russian inflection) or, where the language has
``stem_endings``, with one of those; ``word=`` matches the whole word
only; ``-ending`` (status cues only) matches any whole word with that ending ('-acak',
'-rons') after a stem of at least two letters (the particle 'isə' / 'ise' is no '-sə'
conditional); a space matches any run of spaces; ``'`` also matches ’. Matching is on folded
text (lower case; Arabic alef forms, ta marbuta and alef maqsura unified; ё as е), with
Arabic proclitics (و ف ب ل ك ال) allowed before an Arabic entry.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "triggers"
MIN_ENDING_STEM = 2  # letters before an '-ending' cue: 'olsa', not the particle 'isə'
LANGUAGES = ("kk", "ar", "fr", "tr", "az", "ru", "en")

_FOLD = {
    ord("’"): "'",
    ord("‘"): "'",
    ord("ʼ"): "'",
    ord("`"): "'",
    ord("\u00a0"): " ",
    ord("\u202f"): " ",
    ord("\n"): " ",
    ord("\t"): " ",
    ord("ё"): "е",
    ord("Ё"): "е",
    ord("أ"): "ا",
    ord("إ"): "ا",
    ord("آ"): "ا",
    ord("ٱ"): "ا",
    ord("ة"): "ه",
    ord("ى"): "ي",
    ord("ـ"): "ـ",
    ord("İ"): "i",
    ord("\u2011"): "-",
    ord("\u2010"): "-",
}
_FOLD_TURKIC = {**_FOLD, ord("I"): "ı"}


def fold(text: str, language: str | None = None) -> str:
    """Lower case with the same length as `text`, so offsets carry over unchanged."""
    table = _FOLD_TURKIC if language in ("tr", "az") else _FOLD
    out = text.translate(table).lower()
    if len(out) == len(text):
        return out
    return "".join(_fold_char(c, table) for c in text)


def _fold_char(char: str, table: dict[int, str]) -> str:
    low = char.translate(table).lower()
    return low[0] if low else " "


_MARK_CLASS = "[\u064b-\u0652\u0670\u0640]*"
_MARKS = re.compile(_MARK_CLASS[:-1])


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    kind: str  # trigger, noun, verb, status, negation, hypothetical, between_before, ...
    label: str  # the event type, combo key or status


class Matcher:
    """One compiled regular expression over all entries of a group; hits with labels."""

    def __init__(
        self,
        entries: Iterable[tuple[str, str, str]],
        clitics: str = "",
        stem_endings: Iterable[str] | None = None,
        blocked: Iterable[str] = (),
    ) -> None:
        self._marks = bool(clitics)  # Arabic: tolerate diacritics between letters
        ending_list = sorted({fold(e) for e in stem_endings or ()}, key=len, reverse=True)
        stem_end = (
            "(?=(?:" + "|".join(re.escape(e) for e in ending_list if e) + ")?(?!\\w))"
            if stem_endings is not None
            else ""
        )
        blocked_list = sorted({fold(b) for b in blocked if b}, key=len, reverse=True)
        if blocked_list:  # 'visit' is not 'visitor', 'ziyaret' is not 'ziyaretçi'
            stem_end += "(?!" + "|".join(re.escape(b) for b in blocked_list) + ")"
        literal: dict[str, list[tuple[str, str]]] = {}
        endings: list[tuple[str, str, str]] = []
        exact: set[str] = set()
        for entry, kind, label in entries:
            entry = entry.strip()
            if not entry:
                continue
            if entry.startswith("-") and len(entry) > 1:
                endings.append((fold(entry[1:].rstrip("=")), kind, label))
                continue
            whole = entry.endswith("=")
            key = " ".join(fold(entry.rstrip("=")).split())
            if whole:
                exact.add(key)
                key = key + "="
            literal.setdefault(key, []).append((kind, label))
        # a hit on a longer entry is also a hit on every prefix entry ('құруға' is 'құру')
        for key in list(literal):
            if key.endswith("="):
                continue
            for other in literal:
                if other != key and not other.endswith("=") and key.startswith(other):
                    literal[key] = literal[key] + [
                        x for x in literal[other] if x not in literal[key]
                    ]
        self._literal = literal
        self._endings = endings
        alternatives = []
        for key in sorted(literal, key=len, reverse=True):
            body = key.rstrip("=") if key.endswith("=") else key
            pattern = r"\s+".join(self._word_pattern(word) for word in body.split(" "))
            alternatives.append(pattern + (r"(?!\w)" if key.endswith("=") else stem_end))
        ending_alts = sorted({re.escape(e) for e, _, _ in endings}, key=len, reverse=True)
        parts = []
        if alternatives:
            prefix = f"(?:{clitics})?" if clitics else ""
            parts.append(rf"(?<!\w){prefix}(?P<w>{'|'.join(alternatives)})")
        if ending_alts:
            stem = rf"\w{{{MIN_ENDING_STEM},}}?"
            parts.append(rf"(?<!\w)(?P<e>{stem}(?:{'|'.join(ending_alts)}))(?!\w)")
        self._regex = re.compile("|".join(parts)) if parts else None

    def _word_pattern(self, word: str) -> str:
        if not self._marks:
            return re.escape(word)
        return "".join(
            re.escape(c) + (_MARK_CLASS if "\u0600" <= c <= "\u06ff" else "") for c in word
        )

    def find(self, folded: str) -> list[Hit]:
        if self._regex is None:
            return []
        hits: list[Hit] = []
        for match in self._regex.finditer(folded):
            if match.lastgroup == "w":
                start, end = match.span("w")
                text = " ".join(folded[start:end].split())
                if self._marks:
                    text = _MARKS.sub("", text)
                labels = list(self._literal.get(text, ()))
                if end == len(folded) or not (folded[end].isalnum() or folded[end] == "_"):
                    labels += self._literal.get(text + "=", ())
                hits.extend(Hit(start, end, kind, label) for kind, label in labels)
            else:
                start, end = match.span("e")
                word = folded[start:end]
                for ending, kind, label in self._endings:
                    if word.endswith(ending) and len(word) - len(ending) >= MIN_ENDING_STEM:
                        hits.append(Hit(start, end, kind, label))
        return hits


@dataclass(frozen=True)
class Lexicon:
    language: str
    triggers: Matcher  # trigger + combo noun/verb hits
    cues: Matcher  # status, negation, hypothetical, between, anaphora, credit, presence, ...
    roles: Matcher  # official roles: the person acts for their state
    default_status: str
    combos: dict[str, str]  # combo key -> event type
    conjunctions: frozenset[str]
    list_articles: frozenset[str] = frozenset()
    # combo key -> how far (characters) after its verb entry the noun may start, for
    # a head noun shared by a list ('l'échange d'information et d'expérience')
    windows: dict[str, int] = field(default_factory=dict)


def _entries(data: dict[str, Any]) -> tuple[list[tuple[str, str, str]], dict[str, str]]:
    entries: list[tuple[str, str, str]] = []
    combos: dict[str, str] = {}
    for event_type, spec in data["types"].items():
        entries += [(e, "trigger", event_type) for e in spec.get("triggers", [])]
        for index, combo in enumerate(spec.get("combos", [])):
            key = f"{event_type}#{index}"
            combos[key] = event_type
            entries += [(e, "noun", key) for e in combo["nouns"]]
            entries += [(e, "verb", key) for e in combo["verbs"]]
    # phrases that hold a trigger word but are no event ('centre de formation': an
    # institution; 'səfərdə olan': the delegation that is visiting)
    entries += [(e, "mask", "") for e in data.get("not_triggers", [])]
    return entries, combos


def _cue_entries(data: dict[str, Any]) -> list[tuple[str, str, str]]:
    entries: list[tuple[str, str, str]] = []
    for status, cues in data.get("status", {}).items():
        entries += [(e, "status", status) for e in cues]
    entries += [(e, "negation", "") for e in data.get("negation", [])]
    entries += [(e, "hypothetical", "") for e in data.get("hypothetical", [])]
    for group in ("between", "credit", "presence"):
        spec = data.get(group, {})
        entries += [(e, f"{group}_before", "") for e in spec.get("before", [])]
        entries += [(e, f"{group}_after", "") for e in spec.get("after", [])]
    entries += [(e, "anaphora", "") for e in data.get("anaphora", [])]
    entries += [(e, "provision", "") for e in data.get("provision", [])]
    entries += [(e, "plural", "") for e in data.get("plural_documents", [])]
    entries += [(e, "media", "") for e in data.get("media_words", [])]
    return entries


def load_data(language: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / f"{language}.json").read_text("utf-8"))
    return data


@cache
def lexicon(language: str) -> Lexicon | None:
    if language not in LANGUAGES or not (DATA / f"{language}.json").is_file():
        return None
    data = load_data(language)
    entries, combos = _entries(data)
    windows = {
        f"{event_type}#{index}": int(combo["within"])
        for event_type, spec in data["types"].items()
        for index, combo in enumerate(spec.get("combos", []))
        if "within" in combo
    }
    clitics = data.get("clitics", "")
    endings = data.get("stem_endings")
    blocked = data.get("blocked_continuations", [])
    return Lexicon(
        language=language,
        triggers=Matcher(entries, clitics, endings, blocked),
        cues=Matcher(_cue_entries(data), clitics, endings, blocked),
        roles=Matcher([(e, "official", "") for e in data.get("official_roles", [])], clitics),
        default_status=data.get("default_status", "done"),
        combos=combos,
        conjunctions=frozenset(fold(w) for w in data.get("conjunctions", [])),
        list_articles=frozenset(fold(w) for w in data.get("list_articles", [])),
        windows=windows,
    )
