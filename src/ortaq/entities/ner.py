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


@cache
def given_names(language: str) -> frozenset[str]:
    """Common first names (`given_names` in the roles file), as lexicon keys."""
    return frozenset(
        lexicon_key(w, language) for w in roles(language).get("given_names", []) if " " not in w
    )


def load_clusters(language: str, directory: Path = MODEL_DIR) -> dict[str, tuple[str, ...]]:
    """Word -> cluster ids at each granularity (coarse first) from clusters-<lang>.tsv."""
    path = directory / f"clusters-{language}.tsv"
    out: dict[str, tuple[str, ...]] = {}
    if not path.is_file():
        return out
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 3:
                out[parts[0]] = tuple(parts[1:])
    return out


#: a lexicon entry: the feature strings of one word type (e.g. "lx=PER3")
Lexicon = dict[str, tuple[str, ...]]


def load_lexicon(language: str, directory: Path = MODEL_DIR) -> Lexicon:
    """Word -> entity-lexicon features from lexicon-<lang>.tsv (learned from training)."""
    path = directory / f"lexicon-{language}.tsv"
    out: Lexicon = {}
    if not path.is_file():
        return out
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2:
                out[parts[0]] = tuple(parts[1:])
    return out


def lexicon_key(word: str, language: str) -> str:
    """The key a word is looked up by in the entity lexicon (Arabic: the clitic-free stem)."""
    n = normalise(word, language)
    if language == "ar":
        return arabic_split(n)[1]
    return n


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

    def __init__(
        self,
        language: str,
        clusters: dict[str, tuple[str, ...]] | None = None,
        lexicon: Lexicon | None = None,
    ) -> None:
        self.language = language
        self.clusters = clusters if clusters is not None else {}
        self.lexicon = lexicon if lexicon is not None else {}
        self.gaz = gazetteer(language)
        self.roles, self.role_first = role_words(language)
        self.orgs = org_words(language)
        self.given = given_names(language)
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
        given = key in self.given
        if given:
            own.append("gn")
        cl = self.clusters.get(n)
        if cl is None and key != n:
            cl = self.clusters.get(key)
        if cl is not None:
            own.append("c=" + cl[0])
            own.append("cf=" + cl[1])
            for k, c in enumerate(cl[2:]):
                own.append(f"c{k + 2}=" + c)
        lex = self.lexicon.get(key) if self.lexicon else None
        if lex:
            own.extend(lex)
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
        if lex:
            near.extend(lex)
        if given:
            near.append("gn")
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


_FR_ELIDED = frozenset({"c", "d", "j", "l", "m", "n", "s", "t", "qu", "jusqu", "lorsqu", "puisqu"})
_FR_ABBR = frozenset({"M", "MM", "Mme", "Mlle", "Mgr", "Dr", "Me", "St", "Ste", "Mr", "Prof", "Jr"})


def merge_french(tokens: Sequence[str]) -> tuple[list[str], list[int]]:
    """Tokens as the French model was trained on them, and how many input tokens each covers.

    Other tokenisers (HIPE-2020's among them) split what this one keeps together:
    "d" "'" -> "d'", "M" "." -> "M.", an initial "F" "." -> "F.", "Etats" "-" "Unis"
    -> "Etats-Unis".
    """
    words: list[str] = []
    groups: list[int] = []
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        if i + 1 < n:
            nxt = tokens[i + 1]
            if (nxt in ("'", "’") and tok.lower() in _FR_ELIDED) or (
                nxt == "." and (tok in _FR_ABBR or (len(tok) == 1 and tok.isupper()))
            ):
                words.append(tok + nxt)
                groups.append(2)
                i += 2
                continue
        size = 1
        # "Etats" "-" "Unis" -> "Etats-Unis", "Chaux" "-" "de" "-" "Fonds" -> one word
        while (
            i + size + 1 < n
            and tokens[i + size] == "-"
            and tok[-1:].isalpha()
            and tokens[i + size + 1][:1].isalpha()
        ):
            tok = tok + "-" + tokens[i + size + 1]
            size += 2
        words.append(tok)
        groups.append(size)
        i += size
    return words, groups


#: adjectives that make a capitalised organisation word a name ("Conseil fédéral")
_FR_INSTITUTIONAL = re.compile(
    r"^(?:nationa|fédéra|généra|communa|cantona|municipa|mondia|internationa|roya|"
    r"impéria|région|départementa|provincia|constitutionnel|législati|supérieu|"
    r"européen|suisse|français|fédératif|militaire|centra|populaire|socialiste|"
    r"radica|libéra|catholique|protestant)"
)
_FR_ARTICLES = frozenset({"le", "la", "les", "l'", "l’", "un", "une", "des", "ce", "cette", "ces"})


def french_rules(words: Sequence[str], tags: list[str]) -> list[str]:
    """Two corrections to the French CRF's output (both from error analysis).

    An organisation keyword written with a capital and followed by an institutional
    adjective is an organisation ("Conseil fédéral", "Banque nationale", "Chambres
    fédérales"); an article is never a name by itself nor the start of an
    organisation's name ("La fourniture", "Le Conseil communal").
    """
    out = list(tags)
    n = len(words)
    orgs = org_words("fr")
    for i in range(n - 1):
        w = words[i]
        if out[i] != "O" or not w[:1].isupper() or not w[1:].islower():
            continue
        low = w.lower()
        if low not in orgs and low.rstrip("s") not in orgs:
            continue
        j = i + 1
        while j < n and words[j].islower() and _FR_INSTITUTIONAL.match(words[j]):
            j += 1
        if j > i + 1 and all(t == "O" for t in out[i + 1 : j]):
            out[i] = "B-ORG"
            for k in range(i + 1, j):
                out[k] = "I-ORG"
    i = 0
    while i < n:
        if out[i].startswith("B-") and words[i].lower() in _FR_ARTICLES:
            kind = out[i][2:]
            j = i + 1
            while j < n and out[j] == "I-" + kind:
                j += 1
            if j == i + 1 or (kind == "ORG" and not words[i + 1][:1].isupper()):
                out[i:j] = ["O"] * (j - i)
            elif kind == "ORG":
                out[i] = "O"
                out[i + 1] = "B-ORG"
            i = j
            continue
        i += 1
    return out


def stack_model_path(language: str, directory: Path = MODEL_DIR) -> Path:
    return directory / f"ner-{language}-stack.crfsuite"


def stack_features(
    keys: Sequence[Sequence[str]], first: Sequence[Sequence[str]]
) -> list[list[list[str]]]:
    """Second-pass features from the first pass's labels over a whole document.

    For each token: the first-pass labels of itself and its neighbours, and the types
    that the first pass gave the same word (by lexicon key) elsewhere in the document
    ("dy=PER"; "dy=O" if it was never inside a name there).
    """
    seen: dict[str, dict[str, int]] = {}
    for ks, ys in zip(keys, first, strict=True):
        for k, y in zip(ks, ys, strict=True):
            t = y[2:] if y != "O" else "O"
            counts = seen.setdefault(k, {})
            counts[t] = counts.get(t, 0) + 1
    out: list[list[list[str]]] = []
    for ks, ys in zip(keys, first, strict=True):
        n = len(ys)
        sent: list[list[str]] = []
        for i in range(n):
            y = ys[i]
            f = ["y0=" + y, "y-1=" + (ys[i - 1] if i else "BOS")]
            f.append("y+1=" + (ys[i + 1] if i + 1 < n else "EOS"))
            f.append("y01=" + y + "|" + f[2][4:])
            k = ks[i]
            if len(k) > 2 and k[0].isalpha():
                own = y[2:] if y != "O" else "O"
                for t, cnt in seen[k].items():
                    if cnt - (t == own) > 0:
                        f.append("dy=" + t)
            sent.append(f)
        out.append(sent)
    return out


class NerTagger:
    """A committed CRF model (and its optional second pass) for one language."""

    def __init__(self, language: str, directory: Path = MODEL_DIR) -> None:
        import pycrfsuite

        path = model_path(language, directory)
        if not path.is_file():
            raise FileNotFoundError(f"no NER model for {language!r} at {path}")
        self.language = language
        self.featurizer = Featurizer(
            language, load_clusters(language, directory), load_lexicon(language, directory)
        )
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(path))
        self._stack = None
        spath = stack_model_path(language, directory)
        if spath.is_file():
            self._stack = pycrfsuite.Tagger()
            self._stack.open(str(spath))
        self._lock = threading.Lock()

    def tag(self, tokens: Sequence[str]) -> list[str]:
        """IOB2 tags over PER/LOC/ORG for one sentence (a one-sentence document)."""
        return self.tag_document([tokens])[0]

    def first_pass(
        self, document: Sequence[Sequence[str]], xseqs: list[list[list[str]]] | None = None
    ) -> list[list[str]]:
        """The first CRF's raw labels (all corpus types) for each sentence."""
        if xseqs is None:
            xseqs = [self.featurizer.sentence(words) for words in document]
        with self._lock:  # a CRFsuite tagger holds state between calls
            return [self._tagger.tag(x) if x else [] for x in xseqs]

    def tag_document(self, document: Sequence[Sequence[str]]) -> list[list[str]]:
        """IOB2 tags for each sentence of one document (the second pass sees all of it)."""
        merged: list[Sequence[str]] = []
        groups: list[list[int] | None] = []
        for tokens in document:
            if self.language == "fr" and tokens:
                joined, sizes = merge_french(tokens)
                merged.append(joined)
                groups.append(sizes)
            else:
                merged.append(tokens)
                groups.append(None)
        xseqs = [self.featurizer.sentence(words) for words in merged]
        raw = self.first_pass(merged, xseqs)
        if self._stack is not None:
            keys = [[lexicon_key(w, self.language) for w in words] for words in merged]
            extra = stack_features(keys, raw)
            with self._lock:
                raw = [
                    self._stack.tag([f + x for f, x in zip(xseq, ex, strict=True)]) if xseq else []
                    for xseq, ex in zip(xseqs, extra, strict=True)
                ]
        out: list[list[str]] = []
        for words, r, g in zip(merged, raw, groups, strict=True):
            tags = _repair(r)
            if g is not None:
                tags = french_rules(words, tags)
                full: list[str] = []
                for tag, size in zip(tags, g, strict=True):
                    full.append(tag)
                    full.extend(["O" if tag == "O" else "I-" + tag[2:]] * (size - 1))
                tags = full
            out.append(tags)
        return out


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


def tag_document(document: list[list[str]], language: str) -> list[list[str]]:
    """IOB2 tags for each sentence of one document (names repeated across sentences
    inform each other through the second pass, where a model has one)."""
    if language in CRF_LANGUAGES and has_model(language):
        return get_tagger(language).tag_document(document)
    return [rule_tags(tokens, language) for tokens in document]


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


#: languages whose capitalised organisation names end at their keyword ('Kabar Agency')
_HEAD_FINAL_NAMES = frozenset({"en", "tr", "az"})
#: an all-capital word longer than this is a shouted word ('EMBARGOED'), not an acronym
_MAX_ACRONYM = 8


def _shouted(token: str) -> bool:
    """A word in capitals only (an abbreviation, or a dateline's city)."""
    return len(token) > 1 and token.isupper()


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
                if lang in _HEAD_FINAL_NAMES and norms[j - 1] in orgs and norms[j] not in orgs:
                    break  # "Kabar Agency | Mederbek Shermetaliev": the name ends at its head
                if _shouted(tokens[j]) != _shouted(tokens[j - 1]):
                    break  # "ТАСС | Андрей Кондрашов", "Hatem Mohamed | SHARJAH"
                j += 1
            elif (
                tokens[j].lower() in connectors
                and j + 1 < n
                and _is_cap(tokens[j + 1])
                and not is_role[j + 1]
                and any(norms[k] in orgs for k in range(i, j + 2) if k < n)
            ):
                j += 2
            else:
                break
        words = norms[i:j]
        kind: str | None = None
        acronym = j - i == 1 and tok.isupper() and 2 <= len(tok) <= _MAX_ACRONYM
        if any(w in orgs for w in words) or acronym:
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
    sents = sentences(tokenize(text, language))
    if use_crf:
        doc_tags = get_tagger(language).tag_document([[t.text for t in s] for s in sents])
    else:
        doc_tags = [rule_tags([t.text for t in s], language) for s in sents]
    for sent, tags in zip(sents, doc_tags, strict=True):
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
