"""People across scripts: one id for 'Balayeva', 'Балаева' and 'بالاييفا'; roles stated.

Keys. A person name becomes a tuple of romanised tokens: titles (Шейх, M., الشيخ) and
name particles (бин, Әл, al-) out, Kazakh/Turkish/Azerbaijani case endings stripped
first ('Қажыбаеваға' → 'Қажыбаева', 'Əliyevin' → 'Əliyev'), Russian ones folded
('Алиевым' → 'Алиев'), then `latin_key` (ICU) per token. Two names are compared by the
consonant skeleton of the surname (`skeleton`, so 'Altun' = 'ألتون', 'Balayeva' =
'Балаева') and, when both have given names, by their first consonant or a rapidfuzz
ratio ('Fahrettin' ~ 'فخر الدين': both start with f).

Within one item, surname-only and first-name-only mentions join the full name they
match (`group`); across items, `PersonRegistry` (in memory; the lead persists it later)
keeps the people seen so far: `resolve(mention) -> entity_id`, `known()`.

Roles. A role phrase next to a name is attached to it:
* apposition after the name: 'Aida Balayeva, ministre de l'Information ... du
  Kazakhstan,'; '“فخر الدين ألتون” مدير الإتصالات الرئاسية،';
* before the name, head-final languages (kk, tr, az): the phrase that ends with a role
  word right before the name, extended leftwards over capitalised words and a few
  role-internal words ('ҚР Президентінің Телерадиокешені директоры Раушан Қажыбаева');
* before the name, head-initial languages (fr, en, ru, ar): the farthest role word
  within eight words before the name ('président de la République et Commandant
  suprême, Ilham Aliyev'; 'المساعد الرئاسي الأذربيجاني “حكمت حاجييف”').
The person's country is the first country named inside the role (or the country of an
organisation named there); failing that, the person's country already known from the
registry; failing that, the nearest country named in the same sentence.

Role words come from data/roles/<lang>.json (the NER's lists) plus EXTRA_ROLES below.

Names the statistical NER misses are added by rule (`rule_people`): a capitalised
sequence right before ', <role>' or right after a role word, a short quoted Arabic name
next to a role word or after a speech verb (قال “...”), and repeats of a found name or
surname elsewhere in the item.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from pathlib import Path

from rapidfuzz import fuzz

from ortaq.entities.gazetteer import Folded, Rules, fold, load
from ortaq.model import Mention
from ortaq.read.normalise import latin_key, match_key, skeleton

ROLES_DIR = Path(__file__).resolve().parent / "data" / "roles"
HEAD_FINAL = frozenset({"kk", "tr", "az"})

# Role words the shared role lists lack (to be moved into data/roles/ by their owner).
EXTRA_ROLES: dict[str, tuple[str, ...]] = {
    "fr": ("responsable", "poète", "écrivain", "écrivaine", "assistant", "assistante", "chef"),
    "en": ("poet", "writer", "assistant", "aide", "head"),
    "ar": ("المساعد", "مساعد", "الشاعر", "شاعر", "الكاتب", "رئيسة"),
    "kk": ("ақын", "ақыны", "жазушы", "жазушысы", "министр", "бастығы", "өкілі"),
    "ru": ("поэт", "писатель", "руководитель", "руководителя", "глава"),
    "tr": ("şair", "şairi", "yazarı", "başdanışmanı"),
    "az": ("şair", "şairi", "yazıçısı", "rəhbəri"),
}
TITLES = frozenset(
    match_key(t)
    for t in (
        "Шейх", "Sheikh", "Cheikh", "Şeyh", "Şeyx", "الشيخ", "شيخ", "السيد", "السيدة",
        "الدكتور", "M", "Mme", "Mlle", "Mr", "Mrs", "Ms", "Dr", "Prof", "мырза", "ханым",
        "г-н", "г-жа", "Sayın", "cənab", "Emir", "Әмір", "Амир",
    )
)  # fmt: skip
PARTICLES = frozenset(
    match_key(p)
    for p in ("бин", "ибн", "bin", "ibn", "ben", "al", "el", "әл", "ал", "аль", "эль", "ад",
              "ed", "ad", "abu", "әбу", "абу", "بن", "ابن", "أبو", "ul", "ал-", "van", "von")
)  # fmt: skip
ROLE_INTERNAL_KK = frozenset(
    match_key(w)
    for w in ("бас", "жөніндегі", "істер", "және", "ақпарат", "мәдениет", "вице", "төтенше",
              "өкілетті", "бірінші", "орынбасары", "genel", "baş", "işleri", "və", "ve", "dış",
              "xarici", "işlər", "bakan", "nazir")
)  # fmt: skip
SPEECH_VERBS_AR = frozenset(
    match_key(w)
    for w in ("قال", "وقال", "أضاف", "وأضاف", "أشار", "وأشار", "تابع", "وتابع", "أكد", "وأكد",
              "أوضح", "وأوضح", "صرح", "وصرح", "قالت", "وقالت", "أعلن", "وأعلن")
)  # fmt: skip
DETERMINERS = frozenset(
    match_key(w) for w in ("le", "la", "l", "les", "the", "a", "an", "un", "une")
)
_DELIMS = ',.;:!?()«»“”"\n،؛؟[]'
_WORD = re.compile(r"[^\W_]+(?:[-'’ʼ][^\W_]+)*|[^\w\s]", re.UNICODE)
_QUOTED = re.compile(r"[“\"«]([^“”\"«»\n]{2,60})[”\"»“]")
_SENTENCE_END = re.compile(r"[.!?؟\n]")


# --- role words ----------------------------------------------------------------------


@cache
def role_heads(language: str) -> frozenset[str]:
    """Folded head words of role phrases (last word in kk/tr/az, first elsewhere)."""
    words: list[str] = list(EXTRA_ROLES.get(language, ()))
    path = ROLES_DIR / f"{language}.json"
    if path.is_file():
        words.extend(json.loads(path.read_text("utf-8")).get("person_roles", []))
    out = set()
    for phrase in words:
        key = match_key(phrase)
        if not key:
            continue
        parts = key.split()
        out.add(parts[-1] if language in HEAD_FINAL else parts[0])
    # a title is not a role ('M.', 'мырза')
    return frozenset(out - {"m", "mm", "me", "dr", "pr", "d"})


@cache
def _role_data(language: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(connectors, organisation keywords, capitalised non-names) of the role data."""
    path = ROLES_DIR / f"{language}.json"
    data = json.loads(path.read_text("utf-8")) if path.is_file() else {}
    connectors = {match_key(w) for w in data.get("connectors", [])} | DETERMINERS
    org_words = {match_key(w) for w in data.get("org_keywords", [])}
    return frozenset(connectors), frozenset(org_words), frozenset(data.get("not_names", []))


# --- name keys -------------------------------------------------------------------------

_RU_SURNAME = re.compile(r"(ов|ев|ёв|ин|ын)(а|у|ым|ом|е|ой|ою|ых|ыми)$")
_TR_SURNAME = re.compile(
    r"(ov|ev|yev|ova|eva|yeva|oğlu|lı|li)('?(nin|nın|in|ın|a|ə|e|ya|yə|yı|yi|u|ü|un|ün|dan|dən|la|lə|da|də))$"
)


@cache
def _suffix_rules(language: str) -> Rules:
    return Rules.from_data(language, load(language))


def strip_case_ending(token: str, language: str) -> str:
    """The name token without a case ending: 'Балаеваның' → 'Балаева' (kk)."""
    token = re.split(r"['’ʼ]", token, maxsplit=1)[0] or token
    if language == "kk":
        rules = _suffix_rules("kk")
        low = token.casefold()
        for cut in range(min(6, len(token) - 4), 1, -1):
            rest = match_key(low[-cut:])
            if rest in _KK_NAME_ENDINGS and rules.suffix_chain(rest):
                return token[:-cut]
        return token
    if language == "ru":
        m = _RU_SURNAME.search(token)
        return token[: m.start(2)] if m else token
    if language in ("tr", "az"):
        m = _TR_SURNAME.search(token)
        return token[: m.start(2)] if m else token
    return token


# Case endings stripped from Kazakh names (no one-letter ones: 'Раушан', 'Балаева').
_KK_NAME_ENDINGS = frozenset(
    match_key(s)
    for s in ("ның", "нің", "дың", "дің", "тың", "тің", "ға", "ге", "қа", "ке", "на", "не",
              "ны", "ні", "ды", "ді", "ты", "ті", "да", "де", "та", "те", "дан", "ден", "тан",
              "тен", "нан", "нен", "мен", "бен", "пен", "ға", "ның", "ныңдағы", "мен", "нда", "нде")
)  # fmt: skip


def name_tokens(name: str, language: str) -> list[str]:
    """Surface tokens of a person's name: titles and particles out, case endings off."""
    raw = [t for t in re.split(r"[\s]+", name.strip()) if t]
    heads = role_heads(language)
    out: list[str] = []
    for token in raw:
        token = token.strip('.,;:«»“”"()')
        pieces = re.split(r"-", token)
        if len(pieces) > 1 and match_key(pieces[0]) in PARTICLES:
            token = "-".join(pieces[1:])
        key = match_key(token)
        if not key or key in TITLES or key in PARTICLES or key in heads:
            continue
        out.append(token)
    if out:
        out[-1] = strip_case_ending(out[-1], language)
    return out


def display_name(name: str, language: str) -> str:
    """The name as written, without titles and role words, last token case-stripped."""
    heads = role_heads(language)
    raw = [t.strip('.,;:«»“”"()') for t in name.split()]
    raw = [t for t in raw if t]
    while raw and (match_key(raw[0]) in TITLES or match_key(raw[0]) in heads):
        raw.pop(0)
    if not raw:
        return name
    raw[-1] = strip_case_ending(raw[-1], language)
    return " ".join(raw)


@dataclass(frozen=True)
class NameKey:
    tokens: tuple[str, ...]  # romanised tokens
    surname: str  # skeleton of the last token
    given: str  # skeleton of the given names joined

    @property
    def full(self) -> bool:
        return len(self.tokens) > 1


def name_key(name: str, language: str) -> NameKey:
    tokens = tuple(k for k in (latin_key(t) for t in name_tokens(name, language)) if k)
    if not tokens:
        return NameKey((), "", "")
    return NameKey(tokens, skeleton(tokens[-1]), skeleton("".join(tokens[:-1])))


def _surname_match(a: str, b: str) -> bool:
    if not a or not b:
        return False
    # an Arabic article written into the romanised surname: الصواغ 'lswg' ~ Al-Sawagh 'swg'
    return (
        a == b
        or (len(a) > 2 and a[0] == "l" and a[1:] == b)
        or (len(b) > 2 and b[0] == "l" and b[1:] == a)
    )


def _given_match(a: NameKey, b: NameKey) -> bool:
    if not a.given or not b.given:
        return True
    if a.given[0] == b.given[0]:
        return True
    return fuzz.ratio("".join(a.tokens[:-1]), "".join(b.tokens[:-1])) >= 70


def same_person(a: str, b: str, language_a: str = "", language_b: str = "") -> bool:
    """Whether two spellings name the same person by the rules above (any scripts)."""
    ka, kb = name_key(a, language_a), name_key(b, language_b)
    return _surname_match(ka.surname, kb.surname) and _given_match(ka, kb)


# --- the registry ------------------------------------------------------------------------


@dataclass
class Person:
    id: str
    canonical: str
    key: NameKey
    country: str | None = None
    role: str | None = None
    names: list[str] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)  # first role stated, per language


def _slug(tokens: Iterable[str]) -> str:
    return "-".join(t for t in tokens if t) or "unnamed"


class PersonRegistry:
    """People seen so far, in memory. The interface the lead persists later."""

    def __init__(self) -> None:
        self._people: dict[str, Person] = {}
        self._lock = threading.Lock()

    def known(self) -> list[Person]:
        return list(self._people.values())

    def get(self, entity_id: str) -> Person | None:
        return self._people.get(entity_id)

    def find(self, key: NameKey) -> Person | None:
        if not key.tokens:
            return None
        candidates = [
            p
            for p in self._people.values()
            if _surname_match(p.key.surname, key.surname) and _given_match(p.key, key)
        ]
        if not key.given:
            # a surname alone links only when it is not ambiguous
            return candidates[0] if len(candidates) == 1 else None
        with_given = [p for p in candidates if p.key.given]
        pool = with_given or candidates
        return pool[0] if len(pool) == 1 else None

    def resolve(self, mention: Mention, language: str = "") -> str:
        """The id of the person `mention` names, registering a new person if needed."""
        key = name_key(mention.canonical or mention.text, language)
        return self.register(key, mention.canonical or mention.text, mention.country,
                             mention.role, language).id  # fmt: skip

    def register(
        self,
        key: NameKey,
        canonical: str,
        country: str | None,
        role: str | None,
        language: str = "",
    ) -> Person:
        with self._lock:
            person = self.find(key)
            if person is None:
                base = f"person:{_slug(key.tokens)}"
                entity_id, n = base, 2
                while entity_id in self._people:
                    entity_id, n = f"{base}-{n}", n + 1
                person = Person(entity_id, canonical, key, country, role)
                self._people[entity_id] = person
            else:
                if key.full and not person.key.full:
                    person.key = key
                    person.canonical = canonical
                person.country = person.country or country
                person.role = person.role or role
            if role and language:
                person.roles.setdefault(language, role)
            if canonical not in person.names:
                person.names.append(canonical)
            return person


# --- tokens --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tok:
    text: str
    start: int
    end: int
    key: str


def tokens(text: str) -> list[Tok]:
    return [Tok(m.group(), m.start(), m.end(), _key(m.group())) for m in _WORD.finditer(text)]


@lru_cache(maxsize=65536)
def _key(word: str) -> str:
    return match_key(word)


def _is_word(t: Tok) -> bool:
    return bool(t.key)


def _capitalised(t: Tok) -> bool:
    return t.text[:1].isupper()


def _index_at(toks: Sequence[Tok], offset: int) -> int:
    """Index of the first token starting at or after `offset`."""
    lo, hi = 0, len(toks)
    while lo < hi:
        mid = (lo + hi) // 2
        if toks[mid].start < offset:
            lo = mid + 1
        else:
            hi = mid
    return lo


# --- finding names the NER misses ----------------------------------------------------


def _covered(start: int, end: int, spans: Sequence[Mention]) -> bool:
    return any(m.start < end and start < m.end for m in spans)


def _name_run(toks: Sequence[Tok], i: int, blocked: Sequence[Mention], forward: bool) -> list[Tok]:
    """A run of capitalised tokens (with particles and initials) from toks[i]."""
    run: list[Tok] = []
    step = 1 if forward else -1
    j = i
    while 0 <= j < len(toks) and len(run) < 6:
        t = toks[j]
        if _covered(t.start, t.end, blocked):
            break
        if _is_word(t) and (_capitalised(t) or (run and t.key in PARTICLES)):
            if t.key in TITLES and not run and forward:
                j += step
                continue
            run.append(t)
        elif t.text == "." and run and len(run[-1].text) == 1 and forward:
            pass  # an initial: 'З. Буамама'
        else:
            break
        j += step
    if not forward:
        run.reverse()
    while run and run[-1].key in PARTICLES:
        run.pop()
    while run and run[0].key in PARTICLES | TITLES:
        run.pop(0)
    return run


def rule_people(text: str, language: str, known: Sequence[Mention]) -> list[Mention]:
    """Person names found by rule around role words and quotes (see module doc)."""
    toks = tokens(text)
    heads = role_heads(language)
    blocked = [m for m in known if m.type in ("LOC", "ORG")]
    out: list[Mention] = []

    connectors, org_words, not_names = _role_data(language)

    def add(run: Sequence[Tok], source: str) -> None:
        if not run or not any(len(t.key) > 1 for t in run):
            return
        if run[0].key in org_words or any(t.key in org_words for t in run):
            return
        if all(t.text in not_names or t.key in heads for t in run):
            return
        start, end = run[0].start, run[-1].end
        if match_key(text[start:end]) in heads:
            return
        out.append(Mention(text[start:end], start, end, "PER", source=source))

    cased = language != "ar"
    for i, t in enumerate(toks):
        if not _is_word(t) or t.key not in heads:
            continue
        if cased:
            # name right after the role word (kk/tr/az: the role ends there)
            j = i + 1
            if language not in HEAD_FINAL:
                while (
                    j < len(toks)
                    and j <= i + 2
                    and toks[j].text.islower()
                    and toks[j].key not in connectors
                ):
                    j += 1  # 'poète kazakh Magzhan', not 'président du Conseil'
            if j < len(toks) and toks[j].key not in connectors:
                add(_name_run(toks, j, blocked, forward=True), "rules-role")
            # apposition: 'Aida Balayeva, ministre ...'
            k = i - 1
            if k >= 0 and toks[k].key in DETERMINERS:
                k -= 1
            if k >= 1 and toks[k].text == "," and language not in HEAD_FINAL:
                add(_name_run(toks, k - 1, blocked, forward=False), "rules-apposition")
    if language == "ar":
        for m in _QUOTED.finditer(text):
            inner = m.group(1).strip()
            words = inner.split()
            if not 1 <= len(words) <= 4 or _covered(m.start(1), m.end(1), blocked):
                continue
            start = m.start(1) + m.group(1).index(inner)
            i = _index_at(toks, m.start())
            before = toks[i - 1].key if i > 0 else ""
            after_i = _index_at(toks, m.end())
            after = toks[after_i].key if after_i < len(toks) else ""
            before_head = any(toks[j].key in heads for j in range(max(0, i - 4), i))
            if before in SPEECH_VERBS_AR or after in heads or before_head:
                out.append(Mention(inner, start, start + len(inner), "PER", source="rules-quote"))
    return out


def repeat_people(
    text: str, language: str, people: Sequence[Mention], folded: Folded | None = None
) -> list[Mention]:
    """Other occurrences of the names (full, or surname alone) of `people` in the item."""
    folded = folded if folded is not None else fold(text)
    norm = folded.norm
    rules = _suffix_rules(language)
    forms: dict[str, None] = {}
    for p in people:
        toks = name_tokens(p.text, language)
        if not toks:
            continue
        forms.setdefault(match_key(" ".join(toks)), None)
        if len(toks) > 1 and len(match_key(toks[-1])) >= 4:
            forms.setdefault(match_key(toks[-1]), None)
            raw_last = display_name(p.text, language).split()[-1]
            forms.setdefault(match_key(raw_last), None)  # 'Al-Sawagh' with its particle
    out: list[Mention] = []
    for form in sorted(forms, key=len, reverse=True):
        if not form:
            continue
        pos = norm.find(form)
        while pos != -1:
            end = pos + len(form)
            ok_start = pos == 0 or norm[pos - 1] == " "
            if not ok_start and rules.proclitics:
                ws = norm.rfind(" ", 0, pos) + 1
                ok_start = norm[ws:pos] in rules.proclitics
            word_end = end
            if end < len(norm) and norm[end] != " ":
                word_end = norm.find(" ", end)
                word_end = len(norm) if word_end == -1 else word_end
                ok_end = rules.suffix_chain(norm[end:word_end])
            else:
                ok_end = True
            o_start, o_end = folded.start(pos), folded.end(word_end)
            first = text[o_start : o_start + 1]
            if ok_start and ok_end and (first.isupper() or first.lower() == first.upper()):
                out.append(Mention(text[o_start:o_end], o_start, o_end, "PER",
                                   source="rules-repeat"))  # fmt: skip
            pos = norm.find(form, end)
    return out


def registry_people(
    text: str, language: str, registry: PersonRegistry, known: Sequence[Mention]
) -> list[Mention]:
    """Surnames of people already in the registry, in any script: 'Балаеваның' → Balayeva.

    A capitalised word (case ending stripped) whose romanisation is close to a known
    surname (same skeleton of at least three consonants, rapidfuzz ratio >= 80). Only
    people seen with a stated role count: they are the ones found with confidence.
    """
    surnames: dict[str, list[str]] = {}
    for person in registry.known():
        if (
            person.role
            and person.key.full
            and len(person.key.surname) >= 3
            and len(person.key.tokens[-1]) >= 5
        ):
            surnames.setdefault(person.key.surname, []).append(person.key.tokens[-1])
    if not surnames:
        return []
    out: list[Mention] = []
    toks = tokens(text)
    heads = role_heads(language)
    for i, t in enumerate(toks):
        if not _is_word(t) or len(t.key) < 5 or t.text[:1].islower():
            continue
        if _covered(t.start, t.end, known):
            continue
        latin = latin_key(strip_case_ending(t.text, language))
        candidates = surnames.get(skeleton(latin))
        if candidates and any(fuzz.ratio(latin, c) >= 80 for c in candidates):
            start = t.start
            j = i - 1
            # a given name right before it: 'Aida Balayeva'
            while j >= 0 and i - j <= 2 and _is_word(toks[j]) and _capitalised(toks[j]):
                if toks[j].key in heads or toks[j].key in TITLES:
                    break
                if text[toks[j].end : start].strip() or _covered(toks[j].start, toks[j].end, known):
                    break
                start = toks[j].start
                j -= 1
            out.append(Mention(text[start : t.end], start, t.end, "PER", source="rules-registry"))
    return out


# --- roles ---------------------------------------------------------------------------


def _phrase_end(text: str, start: int, limit: int = 160) -> int:
    end = start
    stop = min(len(text), start + limit)
    while end < stop and text[end] not in _DELIMS:
        end += 1
    return len(text[:end].rstrip())


def find_role(
    text: str, language: str, person: Mention, toks: Sequence[Tok], people: Sequence[Mention]
) -> tuple[int, int] | None:
    """(start, end) of a role phrase stated next to `person`, if any."""
    heads = role_heads(language)
    # apposition after the name
    i = _index_at(toks, person.end)
    j = i
    if j < len(toks) and toks[j].text in '”"»':
        j += 1
    comma = j < len(toks) and toks[j].text in ",،"
    if comma:
        j += 1
    if (comma or language == "ar") and j < len(toks):
        if toks[j].key in DETERMINERS and j + 1 < len(toks):
            j += 1
        start = toks[j].start
        end = _phrase_end(text, start)
        phrase = [t for t in toks[j : _index_at(toks, end)] if _is_word(t)]
        if phrase and len(phrase) <= 14:
            head = phrase[-1] if language in HEAD_FINAL else phrase[0]
            if head.key in heads and not _covered(start, end, people):
                return start, end
    # before the name
    i = _index_at(toks, person.start) - 1
    while i >= 0 and (toks[i].text in '“"«' or toks[i].key in TITLES):
        i -= 1
    if i < 0:
        return None
    if language in HEAD_FINAL:
        if toks[i].key not in heads:
            return None
        end = toks[i].end
        k = i - 1
        count = 0
        while k >= 0 and count < 8:
            t = toks[k]
            if not _is_word(t) or _covered(t.start, t.end, people) or t.key.isdigit():
                break
            if not (_capitalised(t) or t.key in ROLE_INTERNAL_KK or t.key in heads):
                break
            k -= 1
            count += 1
        return toks[k + 1].start, end
    # head-initial: the farthest role word within eight words, no sentence break between
    last = i
    if toks[last].text in ",،":
        last -= 1
    found = None
    words = 0
    k = last
    while k >= 0 and words < 8:
        t = toks[k]
        if not _is_word(t):
            if t.text in "-'’":
                k -= 1
                continue
            break
        if _covered(t.start, t.end, people):
            break
        words += 1
        if t.key in heads:
            found = k
        k -= 1
    if found is None:
        return None
    return toks[found].start, toks[last].end


# --- the linker ------------------------------------------------------------------------


class EntityLinker:
    """Gives people ids (within an item and across items) and attaches stated roles."""

    def __init__(self, registry: PersonRegistry | None = None) -> None:
        self.registry = registry if registry is not None else PersonRegistry()

    def resolve(self, mention: Mention, language: str = "") -> str:
        if mention.type != "PER":
            return mention.entity_id or ""
        return self.registry.resolve(mention, language)

    def known(self) -> list[Person]:
        return self.registry.known()

    def link(
        self,
        text: str,
        language: str,
        mentions: Sequence[Mention],
        context: Sequence[Mention] = (),
    ) -> list[Mention]:
        """`mentions` with people grouped, given ids, roles and countries.

        `context`: every place/organisation hit before overlap resolution (countries
        inside a role are often hidden by a longer organisation span).
        """
        people = [m for m in mentions if m.type == "PER"]
        if not people:
            return list(mentions)
        toks = tokens(text)
        places = [m for m in [*context, *mentions] if m.type in ("LOC", "ORG") and m.country]
        groups = group(people, language)
        updated: dict[int, Mention] = {}
        for members in groups:
            roles: dict[int, str] = {}
            country: str | None = None
            for m in members:
                span = find_role(text, language, m, toks, people)
                if span is None:
                    continue
                roles[id(m)] = text[span[0] : span[1]]
                if country is None:
                    country = _role_country(span, places)
            head = max(members, key=lambda m: (len(name_tokens(m.text, language)), -m.start))
            canonical = display_name(head.text, language)
            key = name_key(head.text, language)
            first_role = next((roles[id(m)] for m in members if id(m) in roles), None)
            person = self.registry.register(key, canonical, country, first_role, language)
            if country is None:
                country = person.country or _nearest_country(text, members[0], places)
                person.country = person.country or country
            for m in members:
                updated[id(m)] = replace(
                    m,
                    entity_id=person.id,
                    canonical=person.canonical,
                    country=country,
                    role=roles.get(id(m)),
                )
        return [updated.get(id(m), m) for m in mentions]


def group(people: Sequence[Mention], language: str) -> list[list[Mention]]:
    """People mentions of one item grouped: full names first, then parts joining them."""
    order = sorted(people, key=lambda m: (-len(name_tokens(m.text, language)), m.start))
    groups: list[tuple[NameKey, list[Mention]]] = []
    for m in order:
        key = name_key(m.text, language)
        if not key.tokens:
            groups.append((key, [m]))
            continue
        home = None
        matches = []
        for gkey, members in groups:
            if not gkey.tokens:
                continue
            if _surname_match(gkey.surname, key.surname) and _given_match(gkey, key):
                matches.append(members)
            elif len(key.tokens) == 1 and skeleton(key.tokens[0]) in {
                skeleton(t) for t in gkey.tokens[:-1]
            }:
                matches.append(members)  # a first name alone: 'Шейх Нассер'
        if len(matches) == 1 or (matches and key.full):
            home = matches[0]
        if home is None:
            groups.append((key, [m]))
        else:
            home.append(m)
    return [members for _key, members in groups]


def _role_country(span: tuple[int, int], places: Sequence[Mention]) -> str | None:
    inside = [m for m in places if span[0] <= m.start and m.end <= span[1] + 1]
    for kind in ("country:", "org:", "member:", "place:"):
        for m in sorted(inside, key=lambda m: m.start):
            if m.entity_id and m.entity_id.startswith(kind) and m.country:
                return m.country
    return None


def _nearest_country(text: str, person: Mention, places: Sequence[Mention]) -> str | None:
    starts = [m.end() for m in _SENTENCE_END.finditer(text, 0, person.start)]
    s_start = starts[-1] if starts else 0
    after = _SENTENCE_END.search(text, person.end)
    s_end = after.start() if after else len(text)
    best: tuple[int, str] | None = None
    for m in places:
        if not (m.entity_id or "").startswith("country:") or not m.country:
            continue
        if m.start < s_start or m.end > s_end:
            continue
        distance = person.start - m.end if m.end <= person.start else m.start - person.end
        if best is None or distance < best[0]:
            best = (distance, m.country)
    return best[1] if best else None
