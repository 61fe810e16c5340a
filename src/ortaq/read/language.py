"""Which language a text is in: one of the seven exchange languages, or "other".

Evidence, cheapest first:

1. Script. Letters are counted per ISO 15924 script (ICU); the majority script gives
   the direction, and a text mostly outside Latin, Cyrillic and Arabic is "other".
2. Letters. A language is ruled out when letters its orthography never uses (but a
   neighbour's does) make up a noticeable share of the text: Kyrgyz has no ә ғ қ ұ һ і,
   Tatar no ғ қ ұ і, Arabic no پ چ ژ گ ی ک, Turkish no ə. The sets are generated from
   CLDR into data/language/letters.json.
3. py3langid, restricted to the seven plus the rival languages of letters.json, so the
   seven and their neighbours compete in one pass (the restricted and the "unrestricted"
   view at once): "other" wins when one rival still standing is clearly likelier than
   the best of the seven.
4. lingua, on short text where py3langid is unsure, as a second opinion on how
   py3langid's mass is shared among the languages lingua weighs (the seven: lingua has
   no Kyrgyz, Uzbek, Tatar or Bashkir, so it never speaks for or against those).

Thresholds were set on the `tune` split of scripts/build_langid_devset.py and on
tests/data/langid/tune_handwritten.tsv, never on the dev split, X-WMT or the
hand-written "other" evaluation file.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import icu

DATA = Path(__file__).parent / "data" / "language" / "letters.json"

TARGET_LANGUAGES = ("kk", "ar", "fr", "tr", "az", "ru", "en")
OTHER = "other"
UNDETERMINED = "und"

SAMPLE_CHARS = 1500  # the head of a long text decides (py3langid's time grows with length)
VETO_SHARE = 0.02  # share of a text's letters that rules a language out
OTHER_RATIO = 3.0  # "other" when the likeliest rival is this many times the likeliest target
MIN_SCRIPT_SHARE = 0.25  # a target needs this share of letters in its script
SHORT_LETTERS = 200  # below this many letters, ask lingua when py3langid is unsure
SURE = 0.95  # py3langid's top probability above which lingua is not asked

_SCRIPT_ALIASES = {"Hira": "Jpan", "Kana": "Jpan", "Hang": "Kore"}
_NO_SCRIPT = {"Zyyy", "Zinh", "Zzzz"}


@dataclass(frozen=True)
class LanguageGuess:
    """What a text is written in, how sure, and which evidence decided."""

    language: str  # one of TARGET_LANGUAGES, "other", or "und" for text without letters
    confidence: float  # 0..1
    script: str  # ISO 15924, e.g. "Cyrl"; "Zyyy" without letters
    direction: str  # "ltr" or "rtl"
    method: str  # e.g. "py3langid", "py3langid+letters+lingua", "script", "no-letters"


UNDETERMINED_GUESS = LanguageGuess(UNDETERMINED, 0.0, "Zyyy", "ltr", "no-letters")


@dataclass(frozen=True)
class _Knowledge:
    target_scripts: dict[str, str]
    dialects: dict[str, str]
    py3langid_rivals: tuple[str, ...]
    lingua_rivals: tuple[str, ...]
    never: dict[str, dict[str, frozenset[str]]]  # script → language → letters it never uses


@dataclass(frozen=True)
class _Profile:
    script: str  # the majority script of the letters
    right_to_left: dict[str, bool]  # per script present
    shares: dict[str, float]  # script → its share of all letters
    letters: dict[str, Counter[str]]  # script → lower-case letter counts


@cache
def _knowledge() -> _Knowledge:
    data: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    never = {
        script: {language: frozenset(entry["never"]) for language, entry in languages.items()}
        for script, languages in data["letters"].items()
    }
    return _Knowledge(
        target_scripts=dict(data["targets"]),
        dialects=dict(data["dialects"]),
        py3langid_rivals=tuple(data["rivals"]["py3langid"]),
        lingua_rivals=tuple(data["rivals"]["lingua"]),
        never=never,
    )


@cache
def _letter_class(char: str) -> tuple[str, bool] | None:
    """(script, right-to-left) of a letter; None for digits, marks, punctuation, spaces."""
    if not char.isalpha():
        return None
    script = icu.Script.getScript(ord(char))
    code = str(script.getShortName())
    if code in _NO_SCRIPT:
        return None
    return _SCRIPT_ALIASES.get(code, code), bool(script.isRightToLeft())


def _profile(sample: str) -> _Profile | None:
    letters: dict[str, Counter[str]] = {}
    right_to_left: dict[str, bool] = {}
    for char, count in Counter(sample).items():
        letter_class = _letter_class(char)
        if letter_class is None:
            continue
        script, right_to_left[script] = letter_class
        counts = letters.get(script)
        if counts is None:
            counts = letters[script] = Counter()
        counts[char.lower()] += count
    if not letters:
        return None
    totals = {script: counts.total() for script, counts in letters.items()}
    total = sum(totals.values())
    shares = {script: count / total for script, count in totals.items()}
    return _Profile(max(shares, key=shares.__getitem__), right_to_left, shares, letters)


def _ruled_out(profile: _Profile) -> set[str]:
    """Targets whose script is (nearly) absent, and languages whose never-used letters
    make up a noticeable share of the letters of their script."""
    knowledge = _knowledge()
    ruled = {
        language
        for language, script in knowledge.target_scripts.items()
        if profile.shares.get(script, 0.0) < MIN_SCRIPT_SHARE
    }
    for script, counts in profile.letters.items():
        floor = max(1.0, VETO_SHARE * counts.total())
        for language, never in knowledge.never.get(script, {}).items():
            if sum(counts[char] for char in never if char in counts) >= floor:
                ruled.add(language)
    return ruled


def letters_rule_out(text: str) -> frozenset[str]:
    """Languages the letters of `text` exclude (for tests and for explaining a guess)."""
    profile = _profile(text[:SAMPLE_CHARS])
    return frozenset(_ruled_out(profile)) if profile else frozenset()


@cache
def _py3langid() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    knowledge = _knowledge()
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(
        [*knowledge.target_scripts, *knowledge.dialects, *knowledge.py3langid_rivals]
    )
    return identifier


def _py3langid_scores(sample: str) -> dict[str, float]:
    dialects = _knowledge().dialects
    scores: dict[str, float] = {}
    for language, probability in _py3langid().rank(sample):
        key = dialects.get(language, language)
        scores[key] = scores.get(key, 0.0) + float(probability)
    return scores


@cache
def _lingua() -> tuple[Any, dict[Any, str]]:
    """A detector over the targets and lingua's rivals, models loaded once."""
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    knowledge = _knowledge()
    codes = [*knowledge.target_scripts, *knowledge.lingua_rivals]
    languages = [
        Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in codes
    ]
    detector = (
        LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()
    )
    return detector, dict(zip(languages, codes, strict=True))


def _lingua_scores(sample: str) -> dict[str, float]:
    detector, code_of = _lingua()
    return {
        code_of[value.language]: float(value.value)
        for value in detector.compute_language_confidence_values(sample)
    }


def load_detectors() -> None:
    """Load the data and both detectors now rather than on first use (servers, timings)."""
    _knowledge()
    _py3langid()
    _lingua()


def _without(scores: dict[str, float], ruled: set[str]) -> dict[str, float]:
    """Scores of the languages still standing, summing to 1 (unchanged if none stand)."""
    kept = {language: p for language, p in scores.items() if language not in ruled}
    total = sum(kept.values())
    if total <= 0.0:
        return scores
    return {language: p / total for language, p in kept.items()}


def _second_opinion(scores: dict[str, float], opinion: dict[str, float]) -> dict[str, float]:
    """Average lingua into the mass py3langid gives to languages lingua also knows."""
    shared = {language for language in opinion if language in scores}
    mass = sum(scores[language] for language in shared)
    opinion_mass = sum(opinion[language] for language in shared)
    if mass <= 0.0 or opinion_mass <= 0.0:
        return scores
    blended = dict(scores)
    for language in shared:
        blended[language] = mass * (scores[language] / mass + opinion[language] / opinion_mass) / 2
    return blended


def _decide(scores: dict[str, float]) -> tuple[str, float]:
    """The likeliest target, unless one rival clearly beats it: probability spread thinly
    over many rivals is what noisy text looks like, not evidence of another language."""
    best = max(TARGET_LANGUAGES, key=lambda language: scores.get(language, 0.0))
    rivals = [p for language, p in scores.items() if language not in TARGET_LANGUAGES]
    if rivals and max(rivals) >= OTHER_RATIO * scores.get(best, 0.0):
        return OTHER, sum(rivals)
    return best, scores.get(best, 0.0)


def identify(text: str) -> LanguageGuess:
    """Language, script, direction and confidence of `text`; never raises."""
    sample = text[:SAMPLE_CHARS]
    profile = _profile(sample)
    if profile is None:
        return UNDETERMINED_GUESS
    target_scripts = _knowledge().target_scripts
    if not any(
        profile.shares.get(script, 0.0) >= MIN_SCRIPT_SHARE for script in target_scripts.values()
    ):
        return _guess(OTHER, profile.shares[profile.script], profile, profile.script, "script")
    ruled = _ruled_out(profile)
    raw = _py3langid_scores(sample)
    scores = _without(raw, ruled)
    method = ["py3langid"]
    if _decide(scores)[0] != _decide(raw)[0]:
        method.append("letters")
    letter_count = sum(counts.total() for counts in profile.letters.values())
    if letter_count < SHORT_LETTERS and max(scores.values()) < SURE:
        scores = _second_opinion(scores, _without(_lingua_scores(sample), ruled))
        method.append("lingua")
    language, confidence = _decide(scores)
    script = target_scripts.get(language, profile.script)
    return _guess(language, confidence, profile, script, "+".join(method))


def _guess(
    language: str, confidence: float, profile: _Profile, script: str, method: str
) -> LanguageGuess:
    """The guess, written in `script` (the language's own when it is present)."""
    if script not in profile.shares:
        script = profile.script
    direction = "rtl" if profile.right_to_left[script] else "ltr"
    return LanguageGuess(language, min(1.0, max(0.0, confidence)), script, direction, method)
