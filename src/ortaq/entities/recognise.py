"""All recognisers in one call: gazetteer + organisations + NER + rules, then linking.

    recognise(text, language, paragraphs=None, linker=None) -> list[Mention]

1. places and countries (gazetteer.py), knowledge-base organisations
   (organisations.py) on the folded text, and organisation-shaped spans around head
   words (orgspans.py); a span that holds known names replaces them and takes the id
   of the one organisation it holds ('Kabar News Agency of Kyrgyzstan' → org:kabar);
2. the statistical NER (ortaq.entities.ner.find_entities) for what no list knows;
3. people the NER misses, by rule around role words and quotes (linking.rule_people);
4. overlap resolution: knowledge base and gazetteer beat rules, rules beat the NER;
   within a tier the longer span wins; an NER span that runs into a known one is cut
   before it ('Раушан Қажыбаева Al Jazeera' → 'Раушан Қажыбаева');
5. person spans cut to the name (personspans.py: no title, role, event word or
   byline);
6. an organisation keeps the countries named inside it (`named_countries`:
   'Azerbaijan Television' names AZ), since the span hides the place mention;
7. repeats of the names found (surname alone, other case forms) and linking: ids for
   people across scripts and items, roles and countries (linking.EntityLinker).

Every mention satisfies text[m.start:m.end] == m.text. NER places and organisations
unknown to the lists get ids 'place:<latin-slug>' / 'org:<latin-slug>'.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from ortaq.entities.gazetteer import countries, find_places, fold
from ortaq.entities.linking import (
    EntityLinker,
    name_tokens,
    registry_people,
    repeat_people,
    rule_people,
)
from ortaq.entities.organisations import Organisation, by_stem, find_organisations, name_stem
from ortaq.entities.orgspans import find_org_spans, generic_only
from ortaq.entities.personspans import clean_person, common_words
from ortaq.model import Mention
from ortaq.read.normalise import latin_key

__all__ = ["Mention", "countries", "default_linker", "recognise", "slug", "to_json"]

_TIER = {"gazetteer": 0, "kb": 0, "kb-office": 0, "rules-org": 0}
_TRIM = " \t\n,.;:-–—«»“”\"'()"
_REPEATS = frozenset({"rules-repeat", "rules-registry"})
_GLUE = "-'’ʼ"  # a word part after these is a suffix, not a word
_DEFAULT_LINKER: EntityLinker | None = None


def default_linker() -> EntityLinker:
    """The process-wide linker (its registry links people across items)."""
    global _DEFAULT_LINKER
    if _DEFAULT_LINKER is None:
        _DEFAULT_LINKER = EntityLinker()
    return _DEFAULT_LINKER


def _ner() -> Callable[[str, str], Sequence[Any]]:
    try:
        from ortaq.entities.ner import find_entities
    except ImportError as error:  # pragma: no cover - the module ships with the package
        raise RuntimeError(
            "ortaq.entities.ner.find_entities is missing: the statistical NER is part of "
            "the entities stage (see src/ortaq/entities/ner.py)"
        ) from error
    return find_entities


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", latin_key(text)).strip("-") or "x"


def _tier(m: Mention) -> int:
    if m.source in _TIER:
        return 0
    if m.source.startswith("rules"):
        return 1
    return 2


def resolve_overlaps(mentions: Sequence[Mention], text: str) -> list[Mention]:
    """Non-overlapping mentions: lower tier first, then longer, then leftmost."""
    chosen: list[Mention] = []
    for m in sorted(mentions, key=lambda m: (_tier(m), m.start - m.end, m.start)):
        clashes = [c for c in chosen if c.start < m.end and m.start < c.end]
        if not clashes:
            chosen.append(m)
            continue
        if _tier(m) == 2:
            rest = _longest_uncovered(m, clashes, text)
            if rest is not None:
                chosen.append(rest)
    chosen.sort(key=lambda m: (m.start, m.end))
    return chosen


_TITLE_WORD = re.compile(r"[^\W\d_]{4,}")
_TITLE_SHARE = 0.6  # of the longer words capitalised: the line is written in title case
_HEADLINE_WORDS = 20  # longer lines are running text, whatever their capitals


def title_case_lines(text: str) -> list[tuple[int, int]]:
    """The headline (first line of a longer text) when its longer words are mostly
    capitalised ('Économie, Transport et Logistique'): there a capital says nothing
    about a name."""
    headline, newline, _ = text.partition("\n")
    if not newline:
        return []  # one line: no headline to tell apart from the text
    words = _TITLE_WORD.findall(headline)
    capitals = sum(w[0].isupper() for w in words)
    short = len(headline.split()) <= _HEADLINE_WORDS
    if short and capitals >= 3 and capitals >= _TITLE_SHARE * len(words):
        return [(0, len(headline))]
    return []


def _only_capitalised_by_title_case(
    start: int, end: int, text: str, titled: Sequence[tuple[int, int]]
) -> bool:
    """An NER span in a title-case line whose words the text never writes elsewhere
    (outside title-case lines): the capital is the headline's, not a name's."""
    if not any(a <= start and end <= b for a, b in titled):
        return False
    elsewhere = list(text)
    for a, b in titled:
        elsewhere[a:b] = " " * (b - a)
    return text[start:end] not in "".join(elsewhere)


def _people(
    mentions: Sequence[Mention], text: str, language: str, common: frozenset[str]
) -> list[Mention]:
    """The person mentions cut to their names, those that hold one (personspans.py)."""
    cleaned = (clean_person(m, text, language, common) for m in mentions if m.type == "PER")
    return [m for m in cleaned if m is not None and _person_enough(m, language)]


def _person_enough(m: Mention, language: str) -> bool:
    """A person needs a name; one word alone counts only as the repeat of a full name
    found in the item or the registry, not from the NER or a role word alone
    ('Foreign', 'Ali', 'Туркмении')."""
    words = name_tokens(m.text, language)
    return len(words) > 1 or (len(words) == 1 and m.source in _REPEATS)


_TITLE_WORDS = 10
_OPENING = '"«“'
_CLOSING = '"»”'


def _inside_quoted_title(m: Mention, text: str) -> bool:
    """A capitalised word of a quoted title ('"Les Héritiers des Grands Turcs"') is
    not an organisation, although the NER may read it as one: the nearest quotes around
    the span, on its line, hold a short phrase without sentence punctuation (a title,
    not speech), of three or more words and more than the span."""
    line_start = text.rfind("\n", 0, m.start) + 1
    line_end = text.find("\n", m.end)
    line_end = len(text) if line_end == -1 else line_end
    before = text[line_start : m.start]
    after = text[m.end : line_end]
    opened = max(before.rfind(q) for q in _OPENING)
    closes = [k for k in (after.find(q) for q in _CLOSING) if k != -1]
    if opened == -1 or not closes:
        return False
    inner = (before[opened + 1 :] + m.text + after[: min(closes)]).strip()
    if any(c in inner for c in ".,;:!?"):
        return False  # a quoted sentence (speech), not a title
    return 3 <= len(inner.split()) <= _TITLE_WORDS and inner != m.text


def _may_be_a_name(text: str) -> bool:
    """A capital somewhere, or a script without capitals ('and' is no name)."""
    cased = any(c.isalpha() and c.lower() != c.upper() for c in text)
    return not cased or any(c.isupper() for c in text)


def _longest_uncovered(m: Mention, clashes: Sequence[Mention], text: str) -> Mention | None:
    """The longest part of an NER span outside the known spans it runs into, in whole
    words ('Раушан Қажыбаева Al Jazeera' → 'Раушан Қажыбаева', 'RT Маргарита Симоньян'
    → 'Маргарита Симоньян')."""
    pieces: list[tuple[int, int]] = []
    cursor = m.start
    for c in sorted(clashes, key=lambda c: c.start):
        if c.start > cursor:
            pieces.append((cursor, c.start))
        cursor = max(cursor, c.end)
    if cursor < m.end:
        pieces.append((cursor, m.end))
    best: Mention | None = None
    for start, end in pieces:
        piece = _strip_span(replace(m, text=text[start:end], start=start, end=end), text)
        if piece is None or len(piece.text) < 2 or not _may_be_a_name(piece.text):
            continue
        before = text[piece.start - 1] if piece.start > 0 else " "
        after = text[piece.end] if piece.end < len(text) else " "
        if before.isalnum() or before in _GLUE or after.isalnum():
            continue  # the cut falls inside a word ('İA-nın', 'TASS'ın')
        if best is None or len(piece.text) > len(best.text):
            best = piece
    return best


def _strip_span(m: Mention, text: str) -> Mention | None:
    """Trim punctuation off an NER span's ends; None when nothing is left."""
    start, end = m.start, m.end
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    if end <= start or not any(ch.isalpha() for ch in text[start:end]):
        return None
    return replace(m, text=text[start:end], start=start, end=end)


def recognise(
    text: str,
    language: str,
    paragraphs: list[str] | None = None,
    linker: EntityLinker | None = None,
    members: tuple[Organisation, ...] = (),
) -> list[Mention]:
    """People, places and organisations of `text`, linked; sorted by offset.

    `paragraphs` is accepted for the stage (the text is recognised as a whole either
    way: offsets are always into `text`). `linker` defaults to the process-wide one.
    `members`: the platform's member organisations, recognised by every name they have
    (organisations.member_organisations), handed in by the door.
    """
    del paragraphs
    if not text or not text.strip():
        return []
    folded = fold(text)
    places = find_places(text, language, folded)
    orgs = find_organisations(text, language, folded, members)
    known = merge_org_spans(find_org_spans(text, language), [*places, *orgs])
    ner: list[Mention] = []
    titled = title_case_lines(text)
    for e in _ner()(text, language):
        if _only_capitalised_by_title_case(e.start, e.end, text, titled):
            continue
        m = _strip_span(Mention(e.text, e.start, e.end, e.type, source=f"ner-{e.source}"), text)
        if m is None or (m.type == "ORG" and generic_only(m.text, language)):
            continue
        if m.type == "ORG" and _inside_quoted_title(m, text):
            continue
        ner.append(m)
    linker = linker or default_linker()
    rules = rule_people(text, language, known)
    rules.extend(registry_people(text, language, linker.registry, [*known, *rules]))
    first = resolve_overlaps([*known, *rules, *ner], text)
    common = common_words(text)
    first = [*(m for m in first if m.type != "PER"), *_people(first, text, language, common)]
    people = [m for m in first if m.type == "PER"]
    repeats = repeat_people(text, language, people, folded) if people else []
    if repeats:
        repeats = [replace(m, source="rules-repeat") for m in repeats]
        first = resolve_overlaps([*first, *repeats], text)
    clean = {(m.start, m.end) for m in people}  # cut to their names already
    people = [
        *(m for m in first if m.type == "PER" and (m.start, m.end) in clean),
        *_people([m for m in first if (m.start, m.end) not in clean], text, language, common),
    ]
    others = [m for m in first if m.type != "PER"]
    linked = linker.link(text, language, [*others, *people], known)
    out = []
    countries_in = [m for m in places if (m.entity_id or "").startswith("country:")]
    for m in linked:
        if m.type == "ORG":
            m = _with_named_countries(_known_by_stem(m, language), countries_in)
        if m.entity_id is None:
            # other case forms of one name get one id ('агентства'/'агентством')
            key = m.text if m.type == "LOC" else name_stem(_without_abbreviation(m.text))
            prefix = "place" if m.type == "LOC" else "org"
            m = replace(m, entity_id=f"{prefix}:{slug(key)}", canonical=m.text)
        out.append(m)
    out.sort(key=lambda m: (m.start, m.end))
    return out


def merge_org_spans(spans: Sequence[Mention], known: Sequence[Mention]) -> list[Mention]:
    """Known mentions, with organisation-shaped spans replacing the names they hold.

    A span that a known name runs across (neither inside nor holding it) is dropped:
    the list knows better. A span that holds exactly one known organisation at its edge
    (or over half its length) names that organisation: it takes its id, canonical name
    and country ('Emirates News Agency (WAM)', 'TASS İnformasiya Agentliyi').
    """
    chosen: list[Mention] = []
    held: set[int] = set()
    for span in sorted(spans, key=lambda m: (m.start - m.end, m.start)):
        inside = [k for k in known if span.start <= k.start and k.end <= span.end]
        crossing = [
            k for k in known if k.start < span.end and span.start < k.end and k not in inside
        ]
        if crossing or any(c.start < span.end and span.start < c.end for c in chosen):
            continue
        if any((k.start, k.end) == (span.start, span.end) for k in inside):
            continue  # the list knows this very name (a country: 'Russian Federation')
        span, inside = _from_first_organisation(span, inside)
        named = _named_after(
            span,
            [k for k in inside if k.type == "ORG"],
            {k.country for k in inside if k.type == "LOC" and k.country},
        )
        if named is None:
            continue  # 'AZƏRTAC və Anadolu Agentliyi': a list, not one name
        chosen.append(named)
        held.update(id(k) for k in inside)
    return [*(k for k in known if id(k) not in held), *chosen]


def _from_first_organisation(
    span: Mention, inside: Sequence[Mention]
) -> tuple[Mention, list[Mention]]:
    """A span that runs left past a known organisation inside it starts there: what
    lies before is another phrase ('Қасым-Жомарт Тоқаев Al Jazeera English
    телеарнасы' → 'Al Jazeera English телеарнасы')."""
    orgs = sorted((k for k in inside if k.type == "ORG"), key=lambda k: k.start)
    name_end = span.start + len(_without_abbreviation(span.text).rstrip(_TRIM))
    if not orgs or orgs[0].start == span.start or orgs[0].end >= name_end:
        return span, list(inside)
    start = orgs[0].start
    cut = replace(span, text=span.text[start - span.start :], start=start)
    return cut, [k for k in inside if k.start >= start]


def _named_after(
    span: Mention, orgs: Sequence[Mention], countries: frozenset[str] | set[str] = frozenset()
) -> Mention | None:
    """The span named after the one known organisation it holds at its edge or in its
    closing abbreviation ('Emirates News Agency (WAM)', 'Union des agences de presse de
    l'OCI (UNA)'); None when it holds several and none names it: a list of names. An
    abbreviation of another country's organisation does not name it: 'Agence de presse
    sénégalaise (APS)' is not Algérie Presse Service."""
    name = _without_abbreviation(span.text).rstrip(_TRIM)
    name_end = span.start + len(name)
    closing = [o for o in orgs if o.start >= name_end]
    foreign = bool(countries) and any(o.country and o.country not in countries for o in closing)
    if foreign:
        return span if len(orgs) == len(closing) else None
    if len({o.entity_id for o in closing}) == 1:
        org = closing[0]
        return replace(span, entity_id=org.entity_id, canonical=org.canonical, country=org.country)
    if len({o.entity_id for o in orgs}) > 1:
        return None
    if not orgs:
        return span
    org = orgs[0]
    at_edge = org.start == span.start or org.end == name_end
    covers = sum(o.end - o.start for o in orgs) * 2 >= span.end - span.start
    if not (at_edge or covers):
        return span
    return replace(span, entity_id=org.entity_id, canonical=org.canonical, country=org.country)


def _without_abbreviation(name: str) -> str:
    """'Qatar News Agency (QNA)' → 'Qatar News Agency'."""
    if name.endswith(")") and " (" in name:
        return name[: name.rfind(" (")]
    return name


def _known_by_stem(m: Mention, language: str) -> Mention:
    """An organisation found by shape or by the NER, named in another case form of a
    known name ('Катарского информационного агентства' → org:qna)."""
    if m.entity_id is not None:
        return m
    org = by_stem(_without_abbreviation(m.text))
    if org is None:
        return m
    return replace(m, entity_id=org.id, canonical=org.display(language), country=org.country)


def _with_named_countries(m: Mention, countries_in: Sequence[Mention]) -> Mention:
    codes = tuple(
        dict.fromkeys(
            c.country for c in countries_in if m.start <= c.start and c.end <= m.end and c.country
        )
    )
    return replace(m, named_countries=codes) if codes else m


def to_json(mentions: Sequence[Mention]) -> list[dict[str, Any]]:
    return [m.to_json() for m in mentions]
