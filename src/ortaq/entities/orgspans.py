"""Organisation-shaped spans: organisations no list knows, found by their head word.

    find_org_spans(text, language) -> list[Mention]   (type ORG, source 'rules-org')

The words are data: data/orgspans/<lang>.json gives the head words of organisation
names ('agency', 'агентство', 'وكالة', 'Ajansı', 'агенттігі', ...), which side the name
extends to, the words that may join its parts, the lower-case modifiers and adjective
endings allowed inside, the generic words that do not name anything by themselves,
and the stop words that end a span. Per language:

* head-final names extend left from the head over capitalised words, quoted names
  and modifiers, and start at a capitalised, quoted or abbreviated word
  ('Azerbaycan Medya Geliştirme Ajansı', '«Кабар» ұлттық ақпарат агенттігі'); in
  Kazakh, Turkish and Azerbaijani the case suffix on the head is cut off
  ('Agentliyinin' → 'Agentliyi') so the span is the name in its base form;
* head-initial names extend right: over a connector followed by capitalised words
  ('Ministry of Culture and Tourism'), adjectives ('Agence mauritanienne'), capitalised
  genitives, abbreviations and quoted names ('агентство Туркмении ТДХ',
  'КНИА «Кабар»'), in Arabic over the complement of the head and definite words
  ('وكالة أنباء الإمارات', 'الوكالة الموريتانية للأنباء');
* a parenthesised abbreviation right after the name is part of it
  ('Qatar News Agency (QNA)').

A span is kept only when something in it names an organisation: a word that is not a
head, connector or generic word ('News Agency' and 'وكالة الأنباء' are not names), and,
in cased scripts, that word is capitalised, quoted or an abbreviation. Spans never
cross punctuation other than quotes, hyphens and the abbreviation's parentheses.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from ortaq.model import Mention
from ortaq.read.normalise import match_key

DATA = Path(__file__).resolve().parent / "data" / "orgspans"
_MEMO_SIZE = 65536  # words whose head test is remembered
MAX_WORDS = 16  # the longest name this recogniser builds, in words
_LEFT_WINDOW = 7  # words looked at left of a head
_OPEN_QUOTES = "«“„\"'‘"
_CLOSE_QUOTES = "»”\"'’"
_APOSTROPHES = "'’ʼ"
# words (letters and digits, inner hyphens and dots: 'Medya-Geliştirme', 'News.Az') and
# single other characters; apostrophes split ('Ajansı'nın' → 'Ajansı' ''' 'nın')
_TOKEN = re.compile(r"[^\W_]+(?:[-.][^\W_]+)*|\S")
_ARABIC_CLITICS = ("وال", "فال", "بال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك")


@dataclass(slots=True)  # not frozen: built for every word, and never changed
class Token:
    text: str
    start: int
    end: int
    key: str

    @property
    def is_word(self) -> bool:
        return bool(self.key)

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()

    @property
    def acronym(self) -> bool:
        letters = [c for c in self.text if c.isalpha()]
        return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 2


def tokenize(text: str) -> list[Token]:
    return [
        Token(m.group(), m.start(), m.end(), fold_word(m.group())) for m in _TOKEN.finditer(text)
    ]


@lru_cache(maxsize=65536)
def fold_word(word: str) -> str:
    """match_key of one word, cached: news repeats its words."""
    return match_key(word)


@dataclass(frozen=True)
class SpanRules:
    """The data of one language (data/orgspans/<lang>.json), folded with match_key."""

    language: str
    left: bool
    left_capitalised: bool  # capitalised words extend a name leftwards (not in Russian)
    right: bool
    right_direct: bool
    head_capitalised: bool  # en, tr, az write every word of a name with a capital
    head_chains: bool  # 'News Agency': a head right after a head continues the name
    heads: frozenset[str]
    final_only: frozenset[str]  # heads that only end a name ('News', 'TV')
    prefix_heads: bool
    cut_suffix: bool
    suffix_heads: frozenset[str]
    not_heads: tuple[str, ...]
    connectors: frozenset[str]
    split_connectors: frozenset[str]
    modifiers: frozenset[str]
    modifier_endings: tuple[str, ...]
    genitive_endings: tuple[str, ...]
    generic: frozenset[str]
    stops: frozenset[str]
    events: frozenset[str]
    _heads_seen: dict[tuple[str, str], int | None] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    @property
    def cased(self) -> bool:
        return self.language != "ar"

    def head_length(self, token: Token) -> int | None:
        """How much of the token is the head word (None: not a head)."""
        memo = (token.text, token.key)
        if memo not in self._heads_seen:
            if len(self._heads_seen) > _MEMO_SIZE:
                self._heads_seen.clear()
            self._heads_seen[memo] = self._head_length(token)
        return self._heads_seen[memo]

    def _head_length(self, token: Token) -> int | None:
        key = token.key
        if " " in key and self.prefix_heads:
            key = key.rsplit(" ", 1)[1]  # 'медиа-платформа': the last part is the head
        if not key or " " in key:
            return None
        if token.text in self.suffix_heads:
            return len(token.text)
        if self.language == "ar":
            return len(token.text) if _arabic_bare(key) & self.heads else None
        if self.head_capitalised and not token.text[:1].isupper():
            return None
        if key in self.heads:
            return len(token.text)
        if self.prefix_heads and not key.startswith(self.not_heads):
            for head in self.heads:
                if key.startswith(head) and len(key) - len(head) <= 8:
                    return len(head) if self.cut_suffix else len(token.text)
        return None

    def modifier(self, token: Token) -> bool:
        key = token.key
        if key in self.modifiers:
            return True
        if self.language == "ar":
            return bool(_arabic_bare(key) & self.modifiers)
        return len(key) > 3 and key.endswith(self.modifier_endings)

    def names_something(self, token: Token) -> bool:
        """A word of the span that can carry an organisation's name."""
        key = token.key
        if not key or key in self.generic or key in self.connectors:
            return False
        if self.head_length(token) is not None:
            return False
        if not self.cased:
            return not (_arabic_bare(key) & self.generic)
        return token.capitalised or token.acronym


def _arabic_bare(key: str) -> set[str]:
    """The word with each possible proclitic sequence removed, and as written."""
    out = {key}
    for clitic in _ARABIC_CLITICS:
        if key.startswith(clitic) and len(key) - len(clitic) >= 2:
            rest = key[len(clitic) :]
            out.add(rest)
            out.add("ال" + rest)
    return out


@cache
def rules(language: str) -> SpanRules | None:
    path = DATA / f"{language}.json"
    if not path.is_file():
        return None
    data = json.loads(path.read_text("utf-8"))

    def keys(name: str) -> frozenset[str]:
        return frozenset(k for k in (match_key(w) for w in data.get(name, [])) if k)

    return SpanRules(
        language=language,
        left=bool(data.get("left")),
        left_capitalised=bool(data.get("left_capitalised", True)),
        right=bool(data.get("right")),
        right_direct=bool(data.get("right_direct")),
        head_capitalised=bool(data.get("head_capitalised")),
        head_chains=bool(data.get("head_chains", True)),
        final_only=keys("final_only"),
        heads=keys("heads"),
        prefix_heads=bool(data.get("prefix_heads")),
        cut_suffix=bool(data.get("cut_suffix")),
        suffix_heads=frozenset(data.get("suffix_heads", [])),
        not_heads=tuple(match_key(w) for w in data.get("not_heads", [])),
        connectors=keys("connectors"),
        split_connectors=keys("split_connectors"),
        modifiers=keys("modifiers"),
        modifier_endings=tuple(match_key(w) for w in data.get("modifier_endings", [])),
        genitive_endings=tuple(match_key(w) for w in data.get("genitive_endings", [])),
        generic=keys("generic"),
        stops=keys("stops"),
        events=keys("events"),
    )


@cache
def title_words(language: str) -> frozenset[str]:
    """Folded words of titles and honorifics cut off a person's name ('Board', 'Lady')."""
    path = DATA / f"{language}.json"
    data = json.loads(path.read_text("utf-8")) if path.is_file() else {}
    return frozenset(match_key(w) for w in data.get("titles", []))


@cache
def byline_words(language: str) -> frozenset[str]:
    """Folded words that open a byline or a photo credit ('By', 'Фото', 'بقلم')."""
    path = DATA / f"{language}.json"
    data = json.loads(path.read_text("utf-8")) if path.is_file() else {}
    return frozenset(match_key(w) for w in data.get("bylines", []))


def event_words(language: str) -> frozenset[str]:
    """Folded words of events, documents and places that are never a person's name."""
    r = rules(language)
    return r.events if r is not None else frozenset()


def generic_only(name: str, language: str) -> bool:
    """Whether a name is made of head, generic and connector words only ('Union',
    'Agency and TV', 'СМИ'): no organisation is named by it."""
    r = rules(language)
    if r is None:
        return False
    words = [t for t in tokenize(name) if t.is_word]
    return bool(words) and all(
        t.key in r.generic or t.key in r.connectors or r.head_length(t) is not None for t in words
    )


# --- building one span -------------------------------------------------------------------


def _quoted_block(toks: Sequence[Token], close: int) -> int | None:
    """Index of the quote opening the quoted name that ends at toks[close]."""
    for j in range(close - 1, max(-1, close - 8), -1):
        if toks[j].text in _OPEN_QUOTES:
            return j if j < close - 1 else None
        if not toks[j].is_word and toks[j].text not in "-":
            return None
    return None


def _quoted_block_right(toks: Sequence[Token], open_: int) -> int | None:
    """Index of the quote closing the quoted name that starts at toks[open_]."""
    for j in range(open_ + 1, min(len(toks), open_ + 8)):
        if toks[j].text in _CLOSE_QUOTES:
            return j if j > open_ + 1 else None
        if not toks[j].is_word and toks[j].text not in "-—–":
            return None
    return None


def _adjacent(text: str, a: Token, b: Token) -> bool:
    """Only spaces between two tokens (no line break)."""
    gap = text[a.end : b.start]
    return not gap.strip() and "\n" not in gap


def _extend_left(text: str, toks: Sequence[Token], i: int, r: SpanRules, floor: int = 0) -> int:
    """Index of the first token of the name whose head is toks[i] (not before `floor`)."""
    start = i
    j = i - 1
    taken = 0
    while j >= floor and taken < _LEFT_WINDOW and _adjacent(text, toks[j], toks[j + 1]):
        t = toks[j]
        if t.text in _CLOSE_QUOTES:
            opened = _quoted_block(toks, j)
            if opened is None:
                break
            return opened  # a quoted name opens the organisation's name
        if not t.is_word or t.key in r.stops:
            break
        if t.key in r.connectors:
            # 'Radio and Television Corporation', not 'Kazinform and Mauritanian News Agency'
            joins_heads = (
                j > 0
                and r.head_length(toks[j - 1]) is not None
                and all(r.head_length(x) is not None for x in toks[j + 1 : i + 1] if x.is_word)
            )
            if t.key in r.split_connectors and not joins_heads:
                break
            if not (j > 0 and toks[j - 1].capitalised):
                break
        elif r.modifier(t):
            if t.capitalised or t.acronym:
                start = j
        elif (t.capitalised or t.acronym) and r.left_capitalised:
            start = j
        else:
            break
        j -= 1
        taken += 1
    return start


def _extend_right(text: str, toks: Sequence[Token], i: int, r: SpanRules) -> int:
    """Index of the last token of the name whose head is toks[i]."""
    end = i
    j = i + 1
    n = len(toks)
    complement = False  # a connector or complement was taken: 'and' may continue it
    while j < n and j - i < 2 * MAX_WORDS and _adjacent(text, toks[j - 1], toks[j]):
        t = toks[j]
        k: int | None = None
        if t.text in _OPEN_QUOTES:
            k = _quoted_block_right(toks, j)
            if k is not None:
                end = k
                break  # a quoted name ends the name: 'КНИА «Кабар»'
        elif not t.is_word or t.key in r.stops:
            break
        elif r.language == "ar":
            first = j == i + 1 and not _definite(toks[i])
            k = j if _arabic_continues(t, r, first=first) else None
        elif t.key in r.connectors:
            if t.key in r.split_connectors and not complement and not _head_follows(toks, j, r):
                break  # 'Dala Press and Volga Wire' are two names
            k = _after_connectors(toks, j, r)
            if k is not None and _starts_other_name(toks, j, k, r):
                k = None
        elif not r.right_direct:
            break  # 'News Agency Director': only a connector continues the name
        elif (t.acronym and not t.text.isupper()) or r.modifier(t):
            k = j
        elif t.acronym:
            end = j
            break  # 'агентства ТАСС': an abbreviation completes the name
        elif t.capitalised and _genitive(t, r) and j - i <= 2:
            k = j  # 'агентство Туркмении', 'Телерадиокомплекс Президента Республики'

        elif r.language == "ru" and not t.capitalised:
            k = _after_connectors(toks, j, r)  # 'Телерадиокомплекс президента РК'
        if k is None:
            break
        # 'of', 'по', 'de' open the complement that 'and' may continue
        complement = complement or (k > j and t.key not in r.split_connectors)
        end = k
        j = k + 1
    return end


def _head_follows(toks: Sequence[Token], j: int, r: SpanRules) -> bool:
    """Heads on both sides of the connector at toks[j] ('Radio and Television')."""
    return (
        0 < j < len(toks) - 1
        and toks[j].key in r.split_connectors
        and r.head_length(toks[j - 1]) is not None
        and r.head_length(toks[j + 1]) is not None
    )


def _arabic_continues(t: Token, r: SpanRules, *, first: bool) -> bool:
    """The head's complement, a definite word, a modifier or a Latin name ('قناة RT')."""
    if first and r.head_length(t) is None:
        return True
    latin = t.text[:1].isascii() and t.capitalised
    return _definite(t) or r.modifier(t) or latin


def _definite(t: Token) -> bool:
    return t.key.startswith(("ال", "وال", "لل", "بال", "فال"))


def _genitive(token: Token, r: SpanRules) -> bool:
    """A capitalised word that may complement the head ('агентство Туркмении'); the
    ending is read as written (folding makes 'Андрей' end in 'и')."""
    return not r.genitive_endings or token.text.lower().endswith(r.genitive_endings)


def _after_connectors(toks: Sequence[Token], j: int, r: SpanRules) -> int | None:
    """After connectors at toks[j], the last token of the name part that follows."""
    n = len(toks)
    k = j
    lower = 0
    while k < n and (toks[k].key in r.connectors or toks[k].text in _APOSTROPHES):
        k += 1
    while k < n and toks[k].is_word and toks[k].key not in r.stops:
        t = toks[k]
        if t.capitalised or t.acronym:
            last = k
            if r.language == "ru":
                return last  # 'по делам СМИ', not '... СМИ Мансура Ибрагима'
            while (
                last + 1 < n
                and toks[last + 1].is_word
                and (
                    toks[last + 1].capitalised
                    or toks[last + 1].acronym
                    or r.modifier(toks[last + 1])
                )
            ):
                last += 1
            return last
        if r.cased and r.language not in ("fr", "ru"):
            return None
        lower += 1
        if lower > 2 or t.key in r.connectors:
            return None
        if r.language == "fr" and lower == 1:
            return k  # 'd'information', 'de presse'
        k += 1
    return None


def _starts_other_name(toks: Sequence[Token], j: int, k: int, r: SpanRules) -> bool:
    """After 'and' at toks[j]: a name of its own with its own head ('and the Emirates
    News Agency'), not the rest of this one ('Radio and Television Corporation')."""
    if toks[j].key not in r.split_connectors:
        return False
    words = [t for t in toks[j + 1 : k + 1] if t.is_word and t.key not in r.connectors]
    heads = [r.head_length(t) is not None for t in words]
    return any(heads) and not heads[0]


def _abbreviation(text: str, toks: Sequence[Token], end: int) -> int:
    """The closing parenthesis of '(QNA)' right after the name, else `end`."""
    window = toks[end + 1 : end + 4]
    if (
        len(window) == 3
        and window[0].text == "("
        and window[2].text == ")"
        and window[1].is_word
        and len(window[1].text) <= 10
        and any(c.isupper() for c in window[1].text)
        and not text[toks[end].end : window[0].start].strip()
    ):
        return end + 3
    return end


def find_org_spans(text: str, language: str) -> list[Mention]:
    """Organisation names built around head words (see module doc), in text order."""
    r = rules(language)
    if r is None or not text:
        return []
    toks = tokenize(text)
    out: list[Mention] = []
    i = 0
    taken_until = -1
    while i < len(toks):
        found = _span_at(text, toks, i, r, taken_until + 1)
        if found is None:
            i += 1
            continue
        mention, last = found
        out.append(mention)
        taken_until = last
        i = last + 1
    return out


def _last_head(text: str, toks: Sequence[Token], i: int, r: SpanRules) -> int:
    """The last head of a run of heads from toks[i] ('News Agency', 'Radio and
    Television Corporation')."""
    while r.head_chains and i + 1 < len(toks):
        nxt = i + (2 if _head_follows(toks, i + 1, r) else 1)
        if not (
            nxt < len(toks)
            and _adjacent(text, toks[nxt - 1], toks[nxt])
            and (toks[nxt].capitalised or not r.cased)
            and r.head_length(toks[nxt]) is not None
        ):
            break
        i = nxt
    return i


def _span_at(
    text: str, toks: Sequence[Token], first_head: int, r: SpanRules, floor: int
) -> tuple[Mention, int] | None:
    """The organisation whose (first) head is toks[first_head], and its last token."""
    if r.head_length(toks[first_head]) is None:
        return None
    i = _last_head(text, toks, first_head, r)
    head = toks[i]
    start = _extend_left(text, toks, first_head, r, floor) if r.left else first_head
    end = i
    if r.right and head.key not in r.final_only:
        end = _extend_right(text, toks, i, r)
    # a head-final name ends at the head, without its case suffix ('Agentliyinin')
    cut = r.head_length(head) or len(head.text)
    stop = head.start + cut if end == i and r.left else toks[end].end
    while start < i and toks[start].key in r.connectors:
        start += 1
    while end > i and toks[end].key in r.connectors:
        end -= 1
        stop = toks[end].end
    closing = _abbreviation(text, toks, end)
    if closing != end:
        end, stop = closing, toks[closing].end
    span = toks[start : end + 1]
    if len([s for s in span if s.is_word]) > MAX_WORDS or not _names_an_organisation(span, head, r):
        return None
    begin = toks[start].start
    if r.language == "ar":
        begin += _conjunction(toks[start], r)
    return Mention(text[begin:stop], begin, stop, "ORG", source="rules-org"), end


def _conjunction(token: Token, r: SpanRules) -> int:
    """Length of the proclitics before the head ('ومجموعة' → 1, 'لوكالة' → 1)."""
    for cut in (1, 2):
        clitics = token.text[:cut]
        if all(c in "وفبلك" for c in clitics) and match_key(token.text[cut:]) in r.heads:
            return cut
    return 0


def _names_an_organisation(span: Sequence[Token], head: Token, r: SpanRules) -> bool:
    if any(t.text in _OPEN_QUOTES for t in span):
        return True
    naming = [t for t in span if t is not head and r.names_something(t)]
    if naming:
        return not all(t.key in r.events for t in naming)
    # 'Agence mauritanienne d'information', 'ministère algérien de la Communication':
    # an adjective that is not generic, with a capitalised head or word
    adjective = any(r.modifier(t) and t.key not in r.generic for t in span)
    return r.cased and adjective and any(t.capitalised for t in span)
