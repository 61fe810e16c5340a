"""Statistical NER: people, places and organisations in running text.

Kazakh, Arabic and French have CRF models (python-crfsuite) trained by
`scripts/train_ner.py` (`make models`) on the public corpora in ../shared/data and
committed under `models/` with model cards in docs/models/. Turkish, Azerbaijani,
Russian and English have no training data here: they fall back to a rule recogniser
(capitalised sequences, role words from `data/roles/<lang>.json`, organisation
keywords and the CLDR country and city names that Babel ships).

Speed: features of a word type are computed once and cached (own features plus
the ready-made strings for that word seen as a left or right neighbour), so a
sentence's feature lists are mostly list concatenations; CRFsuite does the rest.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODEL_DIR = HERE / "models"
ROLES_DIR = HERE / "data" / "roles"

CRF_LANGUAGES = ("kk", "ar", "fr")
RULE_LANGUAGES = ("tr", "az", "ru", "en")
TYPES = ("PER", "LOC", "ORG")


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Mention:
    text: str
    start: int
    end: int
    type: str  # PER | LOC | ORG
    source: str  # "crf" | "rules"


# --- tokenizer ---------------------------------------------------------------------

_APOS = "'’ʼ"
_TOKEN_RE = re.compile(
    r"""
    (?P<elision>(?i:jusqu|lorsqu|puisqu|quoiqu|qu|[cdjlmnst])['’](?=\w))   # French elision
    | (?P<abbr>(?:[^\W\d_]\.){2,}|(?:M|MM|Mme|Mlle|Mgr|Dr|Me|St|Ste|Mr|Mrs|Ms|Prof|Jr)\.)
    | (?P<num>\d+(?:[.,:/]\d+)*%?)
    | (?P<word>[^\W_]+(?:[-'’ʼ.][^\W_]+)*)
    | (?P<other>\S)
    """,
    re.VERBOSE,
)


def tokenize(text: str, language: str = "") -> list[Token]:
    """Tokens with character offsets into `text`.

    Words keep inner hyphens and apostrophes (Қасым-Жомарт, Türkiye'nin, aujourd'hui);
    French elisions are split off (l'Etat -> l' Etat); punctuation is one token a
    character. Arabic proclitics (و ب ل ف ك + ال) stay attached: the CRF sees them
    through clitic-split features instead, as in the ANERcorp training data.
    """
    out: list[Token] = []
    for m in _TOKEN_RE.finditer(text):
        tok = m.group()
        if m.lastgroup == "word" and language == "fr" and tok[-1:] == ".":
            tok = tok[:-1]
        out.append(Token(tok, m.start(), m.start() + len(tok)))
    return out


# --- resources ---------------------------------------------------------------------


@cache
def roles(language: str) -> dict[str, list[str]]:
    path = ROLES_DIR / f"{language}.json"
    if not path.is_file():
        return {"person_roles": [], "org_keywords": [], "connectors": [], "not_names": []}
    data: dict[str, list[str]] = json.loads(path.read_text(encoding="utf-8"))
    return data


_AR_DIACRITICS = re.compile("[\u064b-\u0652\u0670\u0640]")
_AR_ALEF = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي"})
_DIGITS = re.compile(r"\d")


def normalise(word: str, language: str) -> str:
    """Lower case, digits as 0; for Arabic also no diacritics or tatweel, one alef."""
    w = word.lower()
    if language == "ar":
        w = _AR_DIACRITICS.sub("", w).translate(_AR_ALEF)
    if any(c.isdigit() for c in w):
        w = _DIGITS.sub("0", w)
    return w


_AR_PROCLITIC = re.compile(r"^(?P<conj>[وف])?(?P<prep>[بكل])?(?P<art>ال)?")


def arabic_split(word: str) -> tuple[str, str]:
    """(proclitics, stem) for a normalised Arabic word: وبالمدينة -> ('وبال', 'مدينه')."""
    if word.startswith("لل") and len(word) > 4:  # li + al
        return "لال", word[2:]
    m = _AR_PROCLITIC.match(word)
    if m is None or not m.group() or len(word) - len(m.group()) < 2:
        return "", word
    return m.group(), word[m.end() :]


@cache
def gazetteer(language: str) -> dict[str, str]:
    """Normalised place names from CLDR via Babel: countries, regions and cities.

    Single words map to 'LOC'; every word of a multi-word name maps to 'LOCp'.
    """
    from babel import Locale

    names: set[str] = set()
    try:
        loc = Locale.parse(language)
    except Exception:
        loc = None
    if loc is not None:
        names.update(loc.territories.values())
        for tz in loc.time_zones.values():
            city = tz.get("city")
            if city:
                names.add(city)
    names.update(roles(language).get("places", []))
    out: dict[str, str] = {}
    for name in names:
        parts = [p for p in re.split(r"[\s\-]+", name) if p]
        if language == "ar":
            parts = [arabic_split(normalise(p, "ar"))[1] for p in parts]
        else:
            parts = [normalise(p, language) for p in parts]
        if len(parts) == 1:
            out[parts[0]] = "LOC"
        else:
            for p in parts:
                if len(p) > 2:
                    out.setdefault(p, "LOCp")
    return out


def _gaz_lookup(norm: str, gaz: dict[str, str], language: str) -> str | None:
    hit = gaz.get(norm)
    if hit or language not in ("kk", "tr", "az", "ru"):
        return hit
    # agglutinative / inflected: Астанада, Türkiye'nin, Москве
    for cut in range(1, min(5, len(norm) - 3)):
        hit = gaz.get(norm[:-cut])
        if hit:
            return hit
    return None


def _stem_in(norm: str, words: frozenset[str], language: str) -> bool:
    """Whether an inflected form's stem is in `words` (Kazakh, Turkish, Azerbaijani)."""
    if language not in ("kk", "tr", "az", "ru"):
        return False
    return any(norm[:-cut] in words for cut in range(1, min(5, len(norm) - 3)))


@cache
def role_words(language: str) -> tuple[frozenset[str], frozenset[str]]:
    """(single role words, first words of multi-word roles), normalised."""
    single: set[str] = set()
    first: set[str] = set()
    for r in roles(language).get("person_roles", []):
        parts = normalise(r, language).split()
        if len(parts) == 1:
            single.add(parts[0])
        else:
            first.add(parts[0])
            single.add(parts[-1])
    return frozenset(single), frozenset(first)


@cache
def org_words(language: str) -> frozenset[str]:
    return frozenset(
        normalise(w, language) for w in roles(language).get("org_keywords", []) if " " not in w
    )


def load_clusters(language: str, directory: Path = MODEL_DIR) -> dict[str, tuple[str, str]]:
    path = directory / f"clusters-{language}.tsv"
    out: dict[str, tuple[str, str]] = {}
    if not path.is_file():
        return out
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3:
                out[parts[0]] = (parts[1], parts[2])
    return out


# --- features ----------------------------------------------------------------------


def _shape(word: str) -> str:
    out: list[str] = []
    for c in word:
        if c.isupper():
            s = "X"
        elif c.isalpha():
            s = "x"
        elif c.isdigit():
            s = "d"
        else:
            s = c
        if not out or out[-1] != s:
            out.append(s)
    return "".join(out[:6])


class Featurizer:
    """Word-type features, cached; a sentence's features are concatenations."""

    def __init__(self, language: str, clusters: dict[str, tuple[str, str]] | None = None) -> None:
        self.language = language
        self.clusters = clusters if clusters is not None else {}
        self.gaz = gazetteer(language)
        self.roles, self.role_first = role_words(language)
        self.orgs = org_words(language)
        self._cache: dict[str, tuple[list[str], ...]] = {}
        self._lock = threading.Lock()

    def word(self, word: str) -> tuple[list[str], ...]:
        """(own, as -1, as +1, as -2, as +2) feature strings of one word type."""
        hit = self._cache.get(word)
        if hit is not None:
            return hit
        lang = self.language
        n = normalise(word, lang)
        shape = _shape(word)
        own = ["b", "w=" + n, "sh=" + shape]
        ln = len(n)
        maxp = 6 if lang in ("kk", "ar") else 4
        for k in range(2, maxp + 1):
            if ln > k:
                own.append(f"p{k}=" + n[:k])
        for k in range(1, 5):
            if ln > k:
                own.append(f"s{k}=" + n[-k:])
        first = word[:1]
        is_title = first.isupper()
        if is_title:
            own.append("T")
            if word.isupper() and ln > 1:
                own.append("U")
        if not word.isalnum():
            if not any(c.isalnum() for c in word):
                own.append("P")
            if "-" in word:
                own.append("hy")
        if any(c.isdigit() for c in word):
            own.append("D")
        key = n
        if lang == "ar":
            pre, stem = arabic_split(n)
            key = stem
            if pre:
                own.append("cl=" + pre)
                own.append("st=" + stem)
                for k in (2, 3, 4):
                    if len(stem) > k:
                        own.append(f"sp{k}=" + stem[:k])
            for k in (1, 2, 3):
                if len(stem) > k + 1:
                    own.append(f"ss{k}=" + stem[-k:])
        elif lang == "fr" and n[-1:] in _APOS:
            own.append("el")
        gz = _gaz_lookup(key, self.gaz, lang) if len(key) > 2 else None
        if gz:
            own.append("gz=" + gz)
        role = n in self.roles or key in self.roles or _stem_in(n, self.roles, lang)
        if role:
            own.append("role")
        elif n in self.role_first:
            own.append("role1")
        org = n in self.orgs or key in self.orgs or _stem_in(n, self.orgs, lang)
        if org:
            own.append("orgw")
        cl = self.clusters.get(n)
        if cl is not None:
            own.append("c=" + cl[0])
            own.append("cf=" + cl[1])
        # what a neighbour sees
        short = ["w=" + n]
        if is_title:
            short.append("T")
        if cl is not None:
            short.append("c=" + cl[0])
        if role:
            short.append("role")
        if org:
            short.append("orgw")
        near = [*short, "sh=" + shape]
        if ln > 3:
            near.append("s3=" + n[-3:])
        if gz:
            near.append("gz=" + gz)
        if lang == "ar" and key != n:
            near.append("st=" + key)
        if cl is not None:
            near.append("cf=" + cl[1])
        out = (
            own,
            ["-1" + f for f in near],
            ["+1" + f for f in near],
            ["-2" + f for f in short],
            ["+2" + f for f in short],
        )
        if len(self._cache) < 500_000:
            with self._lock:
                self._cache[word] = out
        return out

    def sentence(self, tokens: Sequence[str]) -> list[list[str]]:
        feats = [self.word(t) for t in tokens]
        n = len(feats)
        out: list[list[str]] = []
        norms = [f[0][1] for f in feats]  # "w=..."
        for i in range(n):
            f = list(feats[i][0])
            if i == 0:
                f.append("BOS")
            else:
                f += feats[i - 1][1]
                f.append("bg-=" + norms[i - 1][2:] + "|" + norms[i][2:])
                if i > 1:
                    f += feats[i - 2][3]
            if i == n - 1:
                f.append("EOS")
            else:
                f += feats[i + 1][2]
                f.append("bg+=" + norms[i][2:] + "|" + norms[i + 1][2:])
                if i < n - 2:
                    f += feats[i + 2][4]
            out.append(f)
        return out


# --- the tagger ----------------------------------------------------------------------


def model_path(language: str, directory: Path = MODEL_DIR) -> Path:
    return directory / f"ner-{language}.crfsuite"


def _repair(tags: Iterable[str]) -> list[str]:
    """IOB2 over PER/LOC/ORG: other types become O, orphan I- become B-."""
    out: list[str] = []
    prev = "O"
    for tag in tags:
        if tag == "O" or tag[2:] not in TYPES:
            out.append("O")
            prev = "O"
            continue
        t = tag[2:]
        if tag[0] == "I" and prev[2:] == t:
            out.append(tag)
        else:
            out.append("B-" + t)
        prev = out[-1]
    return out


class NerTagger:
    """A committed CRF model and its featurizer for one language."""

    def __init__(self, language: str, directory: Path = MODEL_DIR) -> None:
        import pycrfsuite

        path = model_path(language, directory)
        if not path.is_file():
            raise FileNotFoundError(f"no NER model for {language!r} at {path}")
        self.language = language
        self.featurizer = Featurizer(language, load_clusters(language, directory))
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(path))
        self._lock = threading.Lock()

    def tag(self, tokens: Sequence[str]) -> list[str]:
        if not tokens:
            return []
        xseq = self.featurizer.sentence(tokens)
        with self._lock:  # a CRFsuite tagger holds state between calls
            raw = self._tagger.tag(xseq)
        return _repair(raw)


_taggers: dict[str, NerTagger] = {}
_taggers_lock = threading.Lock()


def get_tagger(language: str) -> NerTagger:
    tagger = _taggers.get(language)
    if tagger is None:
        with _taggers_lock:
            tagger = _taggers.get(language)
            if tagger is None:
                tagger = NerTagger(language)
                _taggers[language] = tagger
    return tagger


def has_model(language: str) -> bool:
    return model_path(language).is_file()


def tag_tokens(tokens: list[str], language: str) -> list[str]:
    """IOB2 tags (B-/I- PER, LOC, ORG or O) for one sentence's tokens."""
    if language in CRF_LANGUAGES and has_model(language):
        return get_tagger(language).tag(tokens)
    return rule_tags(tokens, language)


# --- the fallback recogniser ---------------------------------------------------------


def _strip_apostrophe_suffix(word: str) -> str:
    for a in _APOS:
        i = word.find(a)
        if i > 0:
            return word[:i]
    return word


def _is_cap(word: str) -> bool:
    return (word[:1].isupper() and any(c.islower() for c in word[1:])) or (
        word.isupper() and len(word) > 1 and word.isalpha()
    )


def rule_tags(tokens: Sequence[str], language: str) -> list[str]:
    """Capitalised sequences typed by role words, organisation words and CLDR places.

    A sequence after a role word is a person;
    one that contains an organisation keyword is an organisation; one made of known
    place names is a place; two or three capitalised words with no other clue are
    taken for a person's name; a lone unknown capitalised word is left alone.
    """
    n = len(tokens)
    tags = ["O"] * n
    if n == 0:
        return tags
    lang = language
    r = roles(lang)
    not_names = frozenset(r.get("not_names", []))
    connectors = frozenset(r.get("connectors", []))
    role_single, role_first = role_words(lang)
    orgs = org_words(lang)
    gaz = gazetteer(lang)
    norms = [normalise(_strip_apostrophe_suffix(t), lang) for t in tokens]
    is_role = [nm in role_single for nm in norms]
    # multi-word roles: mark "prime" of "prime minister" too
    for i in range(n - 1):
        if norms[i] in role_first and is_role[i + 1]:
            is_role[i] = True
    i = 0
    while i < n:
        tok = tokens[i]
        if not _is_cap(tok) or is_role[i] or (tok in not_names):
            i += 1
            continue
        j = i + 1
        run_is_place = _gaz_lookup(norms[i], gaz, lang) == "LOC"
        while j < n:
            if _is_cap(tokens[j]) and not is_role[j]:
                if not run_is_place and _gaz_lookup(norms[j], gaz, lang) == "LOC":
                    break  # "İlham Əliyev Bakıda": the place starts a new sequence
                j += 1
            elif (
                tokens[j].lower() in connectors
                and j + 1 < n
                and _is_cap(tokens[j + 1])
                and any(norms[k] in orgs for k in range(i, j + 2) if k < n)
            ):
                j += 2
            else:
                break
        words = norms[i:j]
        kind: str | None = None
        if any(w in orgs for w in words) or (j - i == 1 and tok.isupper() and len(tok) >= 2):
            kind = "ORG"
        elif all(_gaz_lookup(w, gaz, lang) == "LOC" for w in words) or (
            j - i > 1 and all(_gaz_lookup(w, gaz, lang) for w in words)
        ):
            kind = "LOC"
        else:
            after_role = i > 0 and is_role[i - 1]
            if after_role or 2 <= j - i <= 4:
                kind = "PER"
        if kind is not None:
            tags[i] = "B-" + kind
            for k in range(i + 1, j):
                tags[k] = "I-" + kind
        i = j
    return tags


# --- text to mentions ------------------------------------------------------------------

_SENT_END = frozenset({".", "!", "?", "؟", "…"})


def sentences(tokens: Sequence[Token]) -> list[list[Token]]:
    out: list[list[Token]] = [[]]
    for tok in tokens:
        out[-1].append(tok)
        if tok.text in _SENT_END:
            out.append([])
    return [s for s in out if s]


def find_entities(text: str, language: str) -> list[Mention]:
    """People, places and organisations in `text`, with character offsets."""
    use_crf = language in CRF_LANGUAGES and has_model(language)
    source = "crf" if use_crf else "rules"
    mentions: list[Mention] = []
    for sent in sentences(tokenize(text, language)):
        words = [t.text for t in sent]
        tags = get_tagger(language).tag(words) if use_crf else rule_tags(words, language)
        i = 0
        while i < len(tags):
            if tags[i].startswith("B-"):
                kind = tags[i][2:]
                j = i + 1
                while j < len(tags) and tags[j] == "I-" + kind:
                    j += 1
                start, end = sent[i].start, sent[j - 1].end
                if not use_crf and language in ("tr", "az"):
                    end = (
                        start
                        + len(text[start:end].rstrip())
                        - (len(sent[j - 1].text) - len(_strip_apostrophe_suffix(sent[j - 1].text)))
                    )
                mentions.append(Mention(text[start:end], start, end, kind, source))
                i = j
            else:
                i += 1
    return mentions
