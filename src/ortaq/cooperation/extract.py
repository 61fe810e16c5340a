"""Cooperation events of one item: who agreed, met, signed, trained or exchanged with whom.

Pure: reads item.headline/summary/body, item.language, item.derived (publication date
and dateline), item.mentions (the entities stage), item.sentences and item.dates (the
read stage), and returns events. Sentence by sentence:

1. Triggers from the language's lexicon (data/triggers/<lang>.json) give candidate event
   types; a 'combo' type (platform_created, bureau_opening) needs its noun and its verb in
   the same clause. Of the types found in one sentence, a type subsumed by another
   (taxonomy.json 'subsumes': a meeting during which an agreement was signed is coded as
   the agreement) is dropped.
2. Guards: a negation cue within 40 characters of the trigger in its clause drops it; a
   hypothetical cue ('could help', 'peut contribuer') turns it into a statement_of_intent.
3. Status: what a signed document provides for is 'agreed' (an area in the clause of a
   signed document, or after a provision cue nearer than a done/ongoing cue); a document
   only referred to ('under the agreement') is no signing. Otherwise the status cue
   nearest the trigger in the sentence, not one inside a date or capitalised mid-sentence
   ('May') (Kazakh, Turkish and Azerbaijani put the verb last, so cues after the trigger
   count as nearer there); no cue: 'planned' when the event's date is after publication,
   else the language default (done). A statement_of_intent is only an event while
   unrealised.
4. Parties, who acts in the trigger's clause (a clause ends at ':', ';' or a spaced dash),
   from the entities stage's mentions; organisations outside the knowledge base are
   parties by name, one organisation's names joined (inflected forms, a short name in
   brackets or apposition, two mentions side by side). Not parties: credits (dateline,
   '(UNA)', 'X reports'), dignitaries attending ('in the presence of'), a country naming
   an organisation ('Qatari News Agency'), names of generic words only ('СМИ').
   - 'between' words ('entre X et Y', 'X мен Y арасында', 'بين X و Y') name the sides;
   - anaphora ('les deux pays', 'тараптар', 'الطرفين') point back to the sides of the
     previous event of the item, or the item's main pair;
   - otherwise the clause's organisations, people whose role names one, officials for
     their state (CAMEO's 'KAZGOV'); countries named only when fewer than two
     organisations act;
   - still fewer than two sides: the previous event's sides, then the item's main pair
     (the two most-mentioned parties of different countries) fill in, with less
     confidence;
   - visits: guest and host (the visited organisation, or the country of the place);
     bureaus: the body and the country; documents in the plural signed with several
     partners: one signing per partner.
   Sides group parties by country, in order of appearance ("a", "b", ...).
5. When: the date in the sentence nearest the trigger (the read stage's dates, resolved
   against the publication date). Where: the nearest place in the sentence; for realised
   meetings, visits and trainings without one, the dateline place (lower confidence).
6. Mentions of one event in one item merge: same type, same sides (or one naming one
   side of the other), same realised/unrealised class (meetings and visits without a date
   merge across it: 'during the meeting' is the meeting already reported), no conflicting
   year. The first mention's status is kept (news states the event first, then
   elaborates on it), unless it was the headline's.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache, lru_cache
from typing import Any

from ortaq.cooperation.lexicon import Hit, Lexicon, fold, lexicon
from ortaq.cooperation.taxonomy import taxonomy
from ortaq.model import DateMention, Item, Mention
from ortaq.read.dates import find_dates
from ortaq.read.segment import sentences

SOV = frozenset({"kk", "tr", "az"})
NEGATION_WINDOW = 40
SIGNED_WINDOW = 60  # a 'signed' cue this near a document word makes it a signing
GOVERNMENT_KINDS = frozenset({"ministry", "government", "embassy", "parliament", "presidency"})
HOST_TYPES = frozenset({"visit", "bureau_opening"})
# types that say nothing of media by themselves: in a longer text, a state visit, a
# summit or a trade protocol with no media word and no media body is no media event
GENERIC_TYPES = frozenset({"meeting", "visit", "agreement_signed", "action_plan", "bureau_opening"})
MEDIA_CONTEXT_SENTENCES = 3  # a shorter text is all context there is: keep its events
# bodies of the media field in the knowledge base: their acts are media cooperation
MEDIA_KINDS = frozenset(
    {
        "agency",
        "broadcaster",
        "newspaper",
        "press_service",
        "union",
        "association",
        "platform",
        "regulator",
        "training",
        "company",
    }
)
# a body may state a will alone ('AMI is ready to cooperate with every agency of the
# region'): a sentence naming one acting party keeps it alone (guideline section 4)
SOLO_TYPES = frozenset({"statement_of_intent"})
PLACE_FALLBACK_TYPES = frozenset({"meeting", "visit", "training"})
SETTING_TYPES = frozenset({"meeting", "visit"})  # merge across statuses when undated
# what the areas of a signed document are (guideline section 7): agreed when provided for
PROVIDED_TYPES = frozenset(
    {
        "statement_of_intent",
        "action_plan",
        "platform_created",
        "joint_project",
        "content_exchange",
        "expert_exchange",
        "training",
        "bureau_opening",
        "countering_disinformation",
    }
)


@dataclass(frozen=True)
class Party:
    id: str
    name: str
    kind: str  # "country" or "organisation"
    country: str | None
    side: str = "a"
    aliases: tuple[str, ...] = ()  # the names the text gives an organisation

    @property
    def group(self) -> str:
        """What sides are made of: the country, or the party itself when it has none."""
        return self.country or self.id

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "country": self.country,
            "side": self.side,
            "aliases": list(self.aliases),
        }


@dataclass(frozen=True)
class Evidence:
    start: int  # offsets into entities.item_text(item)
    end: int
    text: str
    trigger: str

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "trigger": self.trigger}


@dataclass
class Event:
    type: str
    status: str
    parties: list[Party]
    evidence: list[Evidence]
    confidence: float
    language: str
    when: dict[str, Any] | None = None
    where: dict[str, Any] | None = None
    people: list[dict[str, Any]] = field(default_factory=list)
    also: list[Party] = field(default_factory=list)  # parties of merged mentions
    method: list[str] = field(default_factory=list)
    headline: bool = False  # first said in the headline (whose tense says little)

    @property
    def realised(self) -> bool:
        return taxonomy().realised(self.status)

    @property
    def sides(self) -> frozenset[str]:
        return frozenset(p.group for p in self.parties)

    @property
    def party_ids(self) -> tuple[str, ...]:
        return tuple(sorted(p.id for p in self.parties))

    @property
    def key(self) -> str:
        """Identity of the event across items: type, sides and realised class."""
        realised = "r" if self.realised else "u"
        year = (self.when or {}).get("value", "")[:4]
        sides = ",".join(sorted(self.sides))
        return f"{self.type}|{sides}|{realised}|{year}"

    def to_json(self) -> dict[str, Any]:
        code, label = taxonomy().cameo(self.type, self.status)
        first = self.evidence[0]
        return {
            "id": hashlib.sha256(self.key.encode()).hexdigest()[:16],
            "key": self.key,
            "type": self.type,
            "status": self.status,
            "cameo": {"code": code, "label": label},
            "plover": taxonomy().types[self.type].plover,
            "parties": [p.to_json() for p in self.parties],
            "also": [p.to_json() for p in self.also],
            "people": self.people,
            "when": self.when,
            "where": self.where,
            "evidence": first.to_json(),
            "mentions": [e.to_json() for e in self.evidence],
            "confidence": round(self.confidence, 3),
            "language": self.language,
            "method": sorted(set(self.method)),
        }


# --- organisations -----------------------------------------------------------------------


@cache
def _org_kinds() -> dict[str, str]:
    from ortaq.entities.organisations import seed

    return {org.id: org.kind for org in seed()}


@cache
def _seed_names() -> dict[str, tuple[str, ...]]:
    from ortaq.entities.organisations import seed

    return {org.id: tuple(org.aliases()) for org in seed()}


def _kb_names(entity_id: str) -> tuple[str, ...]:
    """Every name the knowledge base gives an organisation (members: none here)."""
    return _seed_names().get(entity_id, ())


def _org_kind(entity_id: str) -> str | None:
    if entity_id.startswith("member:"):
        return "member"
    return _org_kinds().get(entity_id)


# --- the item as the extractor sees it -----------------------------------------------------


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    role: str  # "org", "country", "official" (a person acting for a state), "person", "place"
    party: Party | None  # what the mention stands for as a party
    person: dict[str, Any] | None = None
    place: dict[str, Any] | None = None
    inactive: str = ""  # why it is no party here: "credit", "attending", "modifier"


@dataclass
class _Context:
    text: str
    folded: str
    language: str
    lexicon: Lexicon
    mentions: list[_Mention]
    starts: list[int]
    main_pair: list[Party]
    reference: date | None
    published: str | None
    dateline_place: dict[str, Any] | None
    dates: Sequence[DateMention] | None  # the read stage's (resolved), None: scan sentences
    headline_end: int = 0
    last_parties: list[Party] = field(default_factory=list)
    last_paragraph: int = -1  # where the previous event's paragraph starts
    signings: list[list[Party]] = field(default_factory=list)  # each signing's parties
    sentences: int = 0  # how many sentences the text has


def item_text(item: Item) -> str:
    return item.text


def _sentence_spans(item: Item, language: str) -> list[tuple[int, int]]:
    if item.sentences is not None:  # the read stage's
        return [(s.start, s.end) for s in item.sentences]
    spans = []
    offset = 0
    for part in (item.headline, item.summary, *item.body):
        if not part:
            continue
        for span in sentences(part, language):
            spans.append((offset + span.start, offset + span.end))
        offset += len(part) + 1
    return spans


def _paragraph_start(text: str, position: int) -> int:
    return text.rfind("\n", 0, position) + 1


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for line in text.split("\n"):
        spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


@dataclass
class _Org:
    """One organisation of the item: its id, the names the text gives it."""

    id: str
    name: str
    country: str | None
    names: list[str]


class _Identity:
    """Which organisation each ORG mention is: the knowledge base's id when it has one;
    otherwise the first name of the item that is the same name (cooperation.names:
    'TİMBİR' and 'TİMBİR-in'), and an acronym defined in brackets right after a name
    ('Emirates News Agency (WAM)') is that name's organisation."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.orgs: dict[str, _Org] = {}
        self.redirect: dict[str, str] = {}

    def find(self, entity_id: str) -> str:
        while entity_id in self.redirect:
            entity_id = self.redirect[entity_id]
        return entity_id

    def add(self, entity_id: str, text: str, canonical: str, country: str | None) -> str:
        from ortaq.cooperation.names import same_name

        entity_id = self.find(entity_id)
        if entity_id not in self.orgs and not _org_kind(entity_id):
            for other in self.orgs.values():
                if not _org_kind(other.id) and any(
                    same_name(text, n, self.language) for n in other.names
                ):
                    self.redirect[entity_id] = other.id
                    entity_id = other.id
                    break
        org = self.orgs.setdefault(entity_id, _Org(entity_id, canonical, country, []))
        if text not in org.names:
            org.names.append(text)
        org.country = org.country or country
        return entity_id

    def alias(self, short_id: str, long_id: str, defined: bool = False) -> None:
        """The two ids are one organisation: keep the knowledge base's, else the long.
        `defined`: the text defines the short name for the long one ('Agence de presse
        sénégalaise (APS)'), which then wins over the knowledge base's 'APS'."""
        short_id, long_id = self.find(short_id), self.find(long_id)
        if short_id == long_id or short_id not in self.orgs or long_id not in self.orgs:
            return
        if defined and _org_kind(short_id) and not _org_kind(long_id):
            pass
        elif _org_kind(short_id) and not _org_kind(long_id):
            short_id, long_id = long_id, short_id
        elif _org_kind(short_id):
            return  # two organisations of the knowledge base stay two
        self.redirect[short_id] = long_id
        short = self.orgs.pop(short_id)
        target = self.orgs[long_id]
        target.names.extend(n for n in short.names if n not in target.names)
        target.country = target.country or short.country

    def join_known(self) -> None:
        """A name the knowledge base does not know that is another form of the name of
        an organisation it knows, named in the same item, is that organisation:
        'Телерадиокомплекса Президента Казахстана' and the known 'Телерадиокомплекс
        Президента Казахстана', wherever each comes in the text."""
        from ortaq.cooperation.names import same_name

        unknown = [o for o in self.orgs.values() if not _org_kind(o.id)]
        known = [o for o in self.orgs.values() if _org_kind(o.id)]
        if not unknown or not known:
            return
        for org in unknown:
            for other in known:
                forms = {*other.names, *_kb_names(other.id)}
                forms |= {_without_short_name(n) for n in other.names}
                if any(same_name(a, b, self.language) for a in org.names for b in forms):
                    self.alias(org.id, other.id)
                    break

    def party(self, entity_id: str) -> Party:
        org = self.orgs[self.find(entity_id)]
        return Party(org.id, org.name, "organisation", org.country, aliases=tuple(org.names))


_BRACKET = re.compile(r"\s*[(（]\s*([^()\n]{1,40}?)\s*[)）]")


def _names_a_body(m: Mention) -> bool:
    """An organisation of the knowledge base, or a name that is more than generic words
    ('СМИ', 'the Federation' are not names of a party) and not that of a joint body of
    the parties ('لجنة مشتركة', 'the joint media platform': what they create or meet in),
    nor a group headed by a plural ('agencies of ...')."""
    from ortaq.cooperation.names import is_generic, is_group, is_joint_body

    kind = _org_kind(m.entity_id or "")
    if kind == "platform" or is_joint_body(m.text) or (not kind and is_group(m.text)):
        return False
    return bool(kind) or not is_generic(m.text)


def _org_id(m: Mention) -> str:
    if m.entity_id:
        return m.entity_id
    return "org:" + "-".join(fold(m.text).split())


_QUOTED_END = re.compile(r"[«“\"]([^«»“”\"]{2,30})[»”\"]\s*$")
_CAPS_END = re.compile(r"\s([A-ZА-ЯӘҒҚҢӨҰҮҺІƏÜÖÇŞİĞ]{2,6})\s*$")
_BRACKET_END = re.compile(r"\(\s*([^()]{1,40}?)\s*\)\s*$")


def _without_short_name(name: str) -> str:
    """'Государственное информационное агентство Туркмении ТДХ' → the name alone."""
    for pattern in (_BRACKET_END, _QUOTED_END, _CAPS_END):
        found = pattern.search(name)
        if found and found.start() > 0:
            return name[: found.start()].strip()
    return name


def _short_name(mention: Mention, text: str) -> str | None:
    """The short name an organisation's mention gives for it: an acronym in brackets
    ('Emirates News Agency (WAM)', inside the span or right after it), a trailing
    acronym or quoted name in apposition ('агентство Туркмении ТДХ', 'وكالة الأنباء
    اليمنية "سبأ"')."""
    match = _BRACKET.match(text, mention.end)
    if match and len(match.group(1).split()) <= 2:
        return match.group(1).split(",")[0].strip()
    inner = mention.text
    for pattern in (_BRACKET_END, _QUOTED_END, _CAPS_END):
        found = pattern.search(inner)
        if found and found.start() > 0 and len(found.group(1).split()) <= 2:
            return found.group(1).split(",")[0].strip()
    return None


def _acronym_mentions(text: str, orgs: list[Mention], identity: _Identity) -> list[Mention]:
    """'Mauritanian News Agency (AMI)': AMI names that agency here and wherever else the
    text writes it as a word. Two organisation mentions side by side ('l'Agence de presse
    officielle cubaine Prensa Latina') are one organisation too. Returns the extra ORG
    mentions found."""
    from ortaq.cooperation.names import same_name

    covered = [(m.start, m.end) for m in orgs]
    extra: list[Mention] = []
    for m, following in itertools.pairwise(orgs):
        gap = text[m.end : following.start] if following.start >= m.end else "x"
        if not gap.strip(' «»"“”'):
            identity.alias(_org_id(following), _org_id(m))
    for m in orgs:
        short = _short_name(m, text)
        if not short:
            continue
        identity.add(_org_id(m), short, short, None)
        for other in orgs:
            if other is not m and same_name(other.text, short, identity.language):
                identity.alias(_org_id(other), _org_id(m), defined=other.text == short)
        if not any(c.isupper() for c in short):
            continue  # a quoted name without capitals: not searched as a word
        pattern = re.compile(rf"(?<!\w){re.escape(short)}(?!\w)")
        for hit in pattern.finditer(text):
            if any(s < hit.end() and hit.start() < e for s, e in covered):
                continue
            covered.append(hit.span())
            extra.append(replace(m, text=short, start=hit.start(), end=hit.end()))
    return extra


def _person_orgs(
    raw: Sequence[Mention],
    identity: _Identity,
    folded_names: dict[str, list[str]],
    language: str,
) -> dict[Any, str]:
    """Whom each person acts for: the organisation their stated role names, one the
    text names elsewhere, else one of the knowledge base ('Director of the Presidential
    Television and Radio Complex' when the complex is not recognised on its own). Keyed
    by (person id, offset) for a mention with a role of its own ('' when that role names
    none: 'ministre des Affaires étrangères' there, whatever the headline said), and by
    person id for the first role given, which their other mentions take."""
    out: dict[Any, str] = {}
    for m in raw:
        pid, role = m.entity_id, m.role
        if m.type != "PER" or not pid or not role:
            continue
        org = _role_org(role, identity, folded_names, language)
        out[(pid, m.start)] = org or ""
        if org and pid not in out:
            out[pid] = org
    return out


def _role_org(
    role: str, identity: _Identity, folded_names: dict[str, list[str]], language: str
) -> str | None:
    folded_role = f" {fold(role)} "
    # the longest name the role holds: 'head of RT Arabic' acts for RT Arabic, not RT
    named = [
        (len(name), org_id)
        for org_id, names in folded_names.items()
        for name in names
        if _contains_word(folded_role, name)
    ]
    if named:
        return identity.find(max(named, key=lambda pair: pair[0])[1])
    known = _role_organisation(role, language)
    return identity.add(*known) if known else None


@lru_cache(maxsize=4096)
def _role_organisation(role: str, language: str) -> tuple[str, str, str, str | None] | None:
    """(id, text, canonical, country) of the first knowledge-base organisation a role
    names; roles recur from item to item, so the lookup is kept."""
    from ortaq.entities.organisations import find_organisations

    for hit in find_organisations(role, language):
        if hit.entity_id:
            return str(hit.entity_id), hit.text, hit.canonical or hit.text, hit.country
    return None


@lru_cache(maxsize=4096)
def _official_role(role: str, language: str) -> bool:
    lex = lexicon(language)
    return bool(lex and lex.roles.find(fold(role)))


def _contains_word(text: str, name: str) -> bool:
    if len(name) < 2:
        return False
    pos = text.find(name)
    while pos != -1:
        before = text[pos - 1] if pos > 0 else " "
        after = text[pos + len(name)] if pos + len(name) < len(text) else " "
        if not before.isalnum() and not (after.isalnum() and len(name) < 4):
            return True
        pos = text.find(name, pos + 1)
    return False


def _country_party(code: str, name: str) -> Party:
    return Party(f"country:{code}", name, "country", code)


def _mentions(
    raw: Sequence[Mention], text: str, lex: Lexicon, cues: Sequence[Hit], agency: str
) -> list[_Mention]:
    identity = _Identity(lex.language)
    orgs = sorted(
        (m for m in raw if m.type == "ORG" and m.text and _names_a_body(m)),
        key=lambda m: m.start,
    )
    for m in orgs:
        identity.add(_org_id(m), m.text, m.canonical or m.text, m.country)
    extra = _acronym_mentions(text, orgs, identity)
    for m in extra:
        identity.add(_org_id(m), m.text, m.canonical or m.text, m.country)
    identity.join_known()
    orgs = sorted([*orgs, *extra], key=lambda m: m.start)
    names = {org_id: [fold(n) for n in org.names] for org_id, org in identity.orgs.items()}
    person_orgs = _person_orgs(raw, identity, names, lex.language)
    out: list[_Mention] = []
    for m in [*orgs, *(r for r in raw if r.type in ("LOC", "PER"))]:
        out.append(_mention(m, identity, person_orgs, lex))
    out.sort(key=lambda x: x.start)
    out = _short_names(out)
    return _inactive(out, text, cues, agency, lex)


def _mention(
    m: Mention, identity: _Identity, person_orgs: dict[Any, str], lex: Lexicon
) -> _Mention:
    entity_id = m.entity_id or ""
    kind = m.type
    start, end = m.start, m.end
    if kind == "ORG":
        return _Mention(start, end, "org", identity.party(_org_id(m)))
    if kind == "LOC" and entity_id.startswith("country:"):
        code = entity_id.split(":", 1)[1]
        party = _country_party(code, m.canonical or m.text)
        return _Mention(start, end, "country", party)
    if kind == "LOC":
        place = {"id": entity_id or None, "name": m.canonical or m.text, "country": m.country}
        return _Mention(start, end, "place", None, place=place)
    person = {"id": entity_id or None, "name": m.canonical or m.text, "country": m.country}
    org_id = person_orgs.get((entity_id, start), person_orgs.get(entity_id)) or None
    if org_id is not None and _org_kind(org_id) not in GOVERNMENT_KINDS:
        return _Mention(start, end, "person", identity.party(org_id), person=person)
    country = m.country
    if country and (org_id is not None or _official_role(m.role or "", lex.language)):
        return _Mention(start, end, "official", _country_party(country, country), person=person)
    return _Mention(start, end, "person", None, person=person)


def _short_names(mentions: list[_Mention]) -> list[_Mention]:
    """'Al Jazeera' after 'Al Jazeera Media Institute' is that institute: a short name
    stands for the latest full name it begins, of the same country, named before it."""
    out: list[_Mention] = []
    full: list[Party] = []
    for m in mentions:
        party = m.party
        if party is not None and party.kind == "organisation":
            short = fold(party.name) + " "
            longer = [
                p for p in full if p.country == party.country and fold(p.name).startswith(short)
            ]
            if longer:
                m = replace(m, party=longer[-1])
            else:
                full = [p for p in full if p.id != party.id] + [party]
        out.append(m)
    return out


# --- who is no party: credits, dignitaries attending, countries naming an organisation ---


def _inactive(
    mentions: list[_Mention], text: str, cues: Sequence[Hit], agency: str, lex: Lexicon
) -> list[_Mention]:
    paragraphs = _paragraph_spans(text)
    orgs = [m for m in mentions if m.role == "org"]
    cues = [c for c in cues if c.kind.startswith(("credit_", "presence_"))]
    out = []
    previous: _Mention | None = None  # the last mention before m that is not a place
    for m in mentions:
        reason = ""
        if m.role == "org" and _is_credit(m, text, paragraphs, orgs, cues, agency):
            reason = "credit"
        elif m.role == "org" and _in_aside(m, text, orgs):
            reason = "aside"
        elif m.role in ("org", "official", "country", "person") and _attending(m, text, cues):
            reason = "attending"
        elif m.role == "country" and _names_an_organisation(m, text, orgs):
            reason = "modifier"
        elif m.role == "country" and _posting(m, previous, text, lex):
            reason = "posting"
        out.append(replace(m, inactive=reason) if reason else m)
        if m.role != "place":
            previous = m
    return out


# 'ambassador of Cuba in Azerbaijan', 'посол Казахстана в Аргентине': the second country
# is where the official serves, not a side (the official acts for the first)
_TITLE_WINDOW = 40  # characters before the first country where the official's title is
_POSTING_WORDS = frozenset({"in", "to", "en", "au", "aux", "à", "в", "во", "في", "لدى"})


def _posting(m: _Mention, first: _Mention | None, text: str, lex: Lexicon) -> bool:
    """A country right after another country (`first`, the mention before it) and a
    preposition of place, with an official's title just before the first
    ('L'ambassadeur de Cuba en Azerbaïdjan')."""
    if first is None or first.role != "country" or first.end > m.start:
        return False
    gap = text[first.end : m.start].split()
    if len(gap) != 1 or gap[0].lower() not in _POSTING_WORDS:
        return False
    title = text[max(0, first.start - _TITLE_WINDOW) : first.start]
    return bool(lex.roles.find(fold(title, lex.language)))


_CLOSING_QUOTES = frozenset("’”»\"'")
_CREDIT_GAP = 4  # characters between a credit cue and the agency ("a appris l'APS")


def _is_credit(
    m: _Mention,
    text: str,
    paragraphs: Sequence[tuple[int, int]],
    orgs: Sequence[_Mention],
    cues: Sequence[Hit],
    agency: str,
) -> bool:
    para = next((p for p in paragraphs if p[0] <= m.start < p[1] + 1), (0, len(text)))
    line = text[para[0] : para[1]]
    if not line.replace(text[m.start : m.end], "").strip(" .,;:-–—()/«»\"'"):
        return True  # a line of its own: the source tag under the text
    if agency and _same_agency(text[m.start : m.end], agency) and _in_dateline(m, text, para):
        return True
    if _in_brackets(m, text, para, orgs):
        return True
    for cue in cues:
        if cue.kind == "credit_before" and 0 <= m.start - cue.end <= _CREDIT_GAP:
            return _no_stop(text[cue.end : m.start])
        if cue.kind == "credit_after" and 0 <= cue.start - m.end <= _CREDIT_GAP:
            # '«… entre l'UNA et l'APS», rapporte le communiqué': after a closing quote
            # the reporter follows the verb
            gap = text[m.end : cue.start]
            return _no_stop(gap) and not any(c in _CLOSING_QUOTES for c in gap)
    return False


def _in_dateline(m: _Mention, text: str, para: tuple[int, int]) -> bool:
    """'Bakou, 26 octobre, AZERTAC', 'ABU DHABI. KAZINFORM …', 'MOSCOW, … – RIA Novosti.':
    the agency at the head of a paragraph, after a place or date and a comma or stop, or
    before a dash or the end of the line."""
    prefix = text[para[0] : m.start]
    after = text[m.end : para[1]].lstrip(" )/")
    if len(prefix) > 80:
        return False
    return (
        prefix.rstrip(" (/").endswith((",", ".", "–", "-", "—")) or not after or after[0] in "–-—.:"
    )


def _no_stop(gap: str) -> bool:
    return not any(c in gap for c in ".;:!?\n")


def _same_agency(mention: str, agency: str) -> bool:
    a, b = fold(mention).strip(), fold(agency).strip(" ().-")
    return bool(a) and (a == b or a in b.split())


def _in_brackets(m: _Mention, text: str, para: tuple[int, int], orgs: Sequence[_Mention]) -> bool:
    """'(UNA)', '/TASS/', '(UrduPoint / WAM - 21st Dec)': a credit, unless the bracket
    follows an organisation's name and holds a short name (then it is that name's
    acronym); a longer bracket after a name is an aside ('(part of the RT group)')."""
    left = text[para[0] : m.start]
    right = text[m.end : para[1]]
    open_at = max(left.rfind("("), left.rfind("/"))
    if open_at == -1 or left.rfind(")") > open_at:
        return False
    close = right.find(")") if left[open_at] == "(" else right.find("/")
    if close == -1 or "(" in right[:close]:
        return False
    if left[open_at] == "(" and left[:open_at].endswith("("):
        return False  # '((شينخوا))': doubled brackets quote a name, no credit is doubled
    if left[open_at] == "/" and (left[open_at + 1 :].strip() or right[:close].strip()):
        return False  # 'UrduPoint / Pakistan Point' inside brackets is handled by '('
    bracket = para[0] + open_at
    before = text[:bracket].rstrip()
    return not any(o.end == len(before) and o is not m for o in orgs)


def _in_aside(m: _Mention, text: str, orgs: Sequence[_Mention]) -> bool:
    """'Sputnik (part of the Russia Today media group) and QNA signed': an organisation
    inside a bracket that follows another's name and says more than a short name is
    said about that one, not acting."""
    open_at = text.rfind("(", max(0, m.start - 60), m.start)
    if open_at == -1 or ")" in text[open_at : m.start] or "\n" in text[open_at : m.start]:
        return False
    close = text.find(")", m.end, m.end + 80)
    if close == -1 or "\n" in text[m.end : close]:
        return False
    inside = text[open_at + 1 : close].strip()
    if fold(inside) == fold(text[m.start : m.end]):
        return False  # '(WAM)': the short name of the name before it
    before = text[:open_at].rstrip()
    return any(o.end == len(before) and o is not m for o in orgs)


_PRESENCE_AFTER = 150  # 'in the presence of' + the dignitaries it lists
_PRESENCE_BEFORE = 120  # the dignitaries + 'iştirakı ilə' (verb-final languages)


def _attending(m: _Mention, text: str, cues: Sequence[Hit]) -> bool:
    for cue in cues:
        if cue.kind == "presence_before" and 0 <= m.start - cue.end <= _PRESENCE_AFTER:
            return _no_stop(text[cue.end : m.start])
        if cue.kind == "presence_after" and 0 <= cue.start - m.end <= _PRESENCE_BEFORE:
            gap = text[m.end : cue.start]
            return _no_stop(gap) and "," not in gap
    return False


_MODIFIER_GAP = frozenset({"", "of", "of the", "de", "du", "de la", "d'", "'s", "’s", "s"})


def _names_an_organisation(m: _Mention, text: str, orgs: Sequence[_Mention]) -> bool:
    """'Qatari News Agency', 'Kabar News Agency of Kyrgyzstan', 'Russia's TASS': the
    country only says whose organisation it is."""
    for o in orgs:
        if o.start <= m.start and m.end <= o.end:
            return True
        if o.start >= m.end:
            gap = text[m.end : o.start]
        elif m.start >= o.end:
            gap = text[o.end : m.start]
        else:
            continue
        if len(gap) <= 8 and fold(gap).strip(' ,"«»“”') in _MODIFIER_GAP:
            return True
    return False


def _main_pair(mentions: Sequence[_Mention]) -> list[Party]:
    counts: Counter[str] = Counter()
    first: dict[str, Party] = {}
    for m in mentions:
        if m.party is not None and not m.inactive:
            counts[m.party.id] += 1
            first.setdefault(m.party.id, m.party)
    order = sorted(counts, key=lambda pid: (-counts[pid], list(first).index(pid)))
    pair: list[Party] = []
    for pid in order:
        party = first[pid]
        if all(party.group != p.group for p in pair):
            pair.append(party)
        if len(pair) == 2:
            break
    return pair


def _reference(item: Item) -> tuple[date | None, str | None]:
    published = item.derived.get("published")
    value = (
        published.value.get("value") if published and isinstance(published.value, dict) else None
    )
    if not value:
        return None, None
    try:
        if len(value) >= 10:
            return date.fromisoformat(value[:10]), value[:10]
    except ValueError:
        return None, value
    return None, value


def _dateline_agency(item: Item) -> str:
    dateline = item.derived.get("dateline")
    value = dateline.value if dateline else None
    if isinstance(value, dict) and value.get("agency"):
        return str(value["agency"])
    return ""


def _dateline_place(item: Item) -> dict[str, Any] | None:
    dateline = item.derived.get("dateline")
    value = dateline.value if dateline else None
    if isinstance(value, dict) and value.get("place"):
        return {
            "id": None,
            "name": value["place"],
            "country": value.get("country"),
            "method": "dateline",
        }
    return None


# --- extraction ----------------------------------------------------------------------------


@dataclass
class _Candidate:
    type: str
    start: int
    end: int
    trigger: str
    combo: bool = False


def extract_events(item: Item) -> list[Event]:
    """The cooperation events of one item, merged, in text order. Never raises on text."""
    language = item.language or ""
    lex = lexicon(language)
    if lex is None:
        return []
    text = item_text(item)
    if not text:
        return []
    folded = fold(text, language)
    trigger_hits = lex.triggers.find(folded)
    if not trigger_hits:
        return []
    cue_hits = lex.cues.find(folded)
    mentions = _mentions(item.mentions or (), text, lex, cue_hits, _dateline_agency(item))
    reference, published = _reference(item)
    ctx = _Context(
        text=text,
        folded=folded,
        language=language,
        lexicon=lex,
        mentions=mentions,
        starts=[m.start for m in mentions],
        main_pair=_main_pair(mentions),
        reference=reference,
        published=published,
        dateline_place=_dateline_place(item),
        headline_end=len(item.headline or ""),
        dates=None if item.dates is None else [d for d in item.dates if d.value is not None],
    )
    trigger_starts = [h.start for h in trigger_hits]
    cue_starts = [h.start for h in cue_hits]
    events: list[Event] = []
    spans = _sentence_spans(item, language)
    ctx.sentences = len(spans)
    for start, end in spans:
        lo = bisect.bisect_left(trigger_starts, start)
        hi = bisect.bisect_left(trigger_starts, end)
        if lo == hi:
            continue
        triggers = trigger_hits[lo:hi]
        cues = cue_hits[bisect.bisect_left(cue_starts, start) : bisect.bisect_left(cue_starts, end)]
        events.extend(_sentence_events(ctx, start, end, triggers, cues))
    return _merge(events)


_CLAUSE_BREAK = re.compile(r":(?=[ \"«“'])|;| [–—](?= )")


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Clauses: reported speech after ':', and what a dash or a semicolon sets apart
    ('… signed a memorandum – this is the first agreement of …')."""
    bounds = [start]
    for match in _CLAUSE_BREAK.finditer(text, start, max(start, end - 1)):
        bounds.append(match.end() if match.group() != ";" else match.start() + 1)
    bounds.append(end)
    return [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1) if bounds[i] < bounds[i + 1]]


def _clause_of(clauses: Sequence[tuple[int, int]], position: int) -> tuple[int, int]:
    for clause in clauses:
        if clause[0] <= position < clause[1]:
            return clause
    return clauses[-1]


def _candidates(
    ctx: _Context, clauses: Sequence[tuple[int, int]], hits: Sequence[Hit]
) -> list[_Candidate]:
    found: dict[str, _Candidate] = {}
    nouns: dict[tuple[tuple[int, int], str], Hit] = {}
    verbs: set[tuple[tuple[int, int], str]] = set()
    verb_starts: dict[str, list[int]] = {}
    windows = ctx.lexicon.windows
    for hit in sorted(_longest_triggers(hits), key=lambda h: h.start):
        if hit.kind == "verb":
            verb_starts.setdefault(hit.label, []).append(hit.start)
        if hit.kind == "trigger":
            found.setdefault(
                hit.label, _Candidate(hit.label, hit.start, hit.end, ctx.text[hit.start : hit.end])
            )
        else:
            clause = _clause_of(clauses, hit.start)
            if hit.kind == "noun" and hit.label in windows:
                near = [v for v in verb_starts.get(hit.label, ()) if v <= hit.start]
                if near and hit.start - near[-1] <= windows[hit.label]:
                    nouns.setdefault((clause, hit.label), hit)
            elif hit.kind == "noun":
                nouns.setdefault((clause, hit.label), hit)
            else:
                verbs.add((clause, hit.label))
    for (clause, key), hit in nouns.items():
        if (clause, key) in verbs:
            event_type = ctx.lexicon.combos[key]
            found.setdefault(
                event_type,
                _Candidate(event_type, hit.start, hit.end, ctx.text[hit.start : hit.end], True),
            )
    types = taxonomy().types
    subsumed: set[str] = set()
    for name in found:
        subsumed |= types[name].subsumes
    return sorted((c for name, c in found.items() if name not in subsumed), key=lambda c: c.start)


def _longest_triggers(hits: Sequence[Hit]) -> list[Hit]:
    """A trigger inside a longer trigger of another type is part of that phrase:
    'exchange of visits' is an expert exchange, not a visit; nothing inside a phrase
    that names no event ('centre de formation') is a trigger."""
    masks = [h for h in hits if h.kind == "mask"]
    triggers = [h for h in hits if h.kind == "trigger"]
    out = []
    for h in hits:
        if h.kind == "mask" or any(m.start <= h.start and h.end <= m.end for m in masks):
            continue
        if h.kind == "trigger" and any(
            o.label != h.label
            and o.start <= h.start
            and h.end <= o.end
            and o.end - o.start > h.end - h.start
            for o in triggers
        ):
            continue
        out.append(h)
    return out


def _distance(language: str, cue: Hit, candidate: _Candidate) -> float:
    if cue.end > candidate.start and cue.start < candidate.end:
        return 0.0
    if cue.start >= candidate.end:
        return float(cue.start - candidate.end)
    gap = float(candidate.start - cue.end)
    return gap * 2 if language in SOV else gap


def _negated(candidate: _Candidate, cues: Sequence[Hit]) -> bool:
    return any(
        c.kind == "negation"
        and (
            abs(c.start - candidate.end) <= NEGATION_WINDOW
            or abs(candidate.start - c.end) <= NEGATION_WINDOW
        )
        for c in cues
    )


def _only_referred(document: _Candidate, cues: Sequence[Hit]) -> bool:
    """A document only referred to ('under the agreement', 'the memorandum provides'),
    with no 'signed' near it."""
    if not any(c.kind == "provision" for c in cues):
        return False
    return not any(
        c.kind == "status" and c.label == "done" and _distance("", c, document) <= SIGNED_WINDOW
        for c in cues
    )


def _background(ctx: _Context, candidate: _Candidate, cues: Sequence[Hit]) -> bool:
    """'in the presence of President X, on a state visit to Russia': a trigger said of
    the dignitaries attending (after a comma in their phrase) is not the event."""
    for cue in cues:
        gap = ctx.text[cue.end : candidate.start]
        near = cue.kind == "presence_before" and 0 <= len(gap) <= _PRESENCE_AFTER
        if near and "," in gap and _no_stop(gap):
            return True
    return False


def _capitalised_mid_sentence(text: str, start: int) -> bool:
    """'in May', 'Will Smith': a cue word written with a capital inside a sentence is a
    name, not the modal or verb."""
    if not text[start : start + 1].isupper():
        return False
    before = text[:start].rstrip(" \"«“'(")
    return bool(before) and before[-1] not in ".!?:\n"


def _status_cue(
    ctx: _Context, candidate: _Candidate, cues: Sequence[Hit], dates: Sequence[tuple[int, int]]
) -> tuple[str, float] | None:
    """The nearest status cue and its distance; not one inside the trigger ('plan' in
    'action plan') nor inside a date ('May' in 'opened in May')."""
    status_cues = [
        c
        for c in cues
        if c.kind == "status"
        and not (candidate.start <= c.start and c.end <= candidate.end)
        and not any(s < c.end and c.start < e for s, e in dates)
        and not _capitalised_mid_sentence(ctx.text, c.start)
    ]
    if not status_cues:
        return None
    best = min(status_cues, key=lambda c: _distance(ctx.language, c, candidate))
    return best.label, _distance(ctx.language, best, candidate)


def _status_cue_label(
    ctx: _Context, candidate: _Candidate, cues: Sequence[Hit], dates: Sequence[tuple[int, int]]
) -> str | None:
    found = _status_cue(ctx, candidate, cues, dates)
    return found[0] if found else None


def _provided(
    ctx: _Context,
    candidate: _Candidate,
    clause: tuple[int, int],
    clauses: Sequence[tuple[int, int]],
    documents: Sequence[_Candidate],
    provisions: Sequence[Hit],
    cue: tuple[str, float] | None,
) -> bool:
    """Is this area what a document provides for? A document named in the same clause
    ('signed a memorandum on news exchange', 'haber değişimi anlaşması'), or a
    provision cue ('under the memorandum', 'prévoit') nearer than any cue saying it is
    already done or going on ('opened … and republishes under a partner agreement')."""
    if any(_clause_of(clauses, d.start) == clause for d in documents):
        return True
    if not provisions:
        return False
    nearest = min(_distance(ctx.language, p, candidate) for p in provisions)
    return cue is None or cue[0] not in ("done", "ongoing") or nearest < cue[1]


def _sentence_events(
    ctx: _Context, start: int, end: int, triggers: Sequence[Hit], cues: Sequence[Hit]
) -> list[Event]:
    clauses = _clauses(ctx.text, start, end)
    out: list[Event] = []
    candidates = _candidates(ctx, clauses, triggers)
    if not candidates:
        return out
    media_sentence = any(c.kind == "media" for c in cues)
    # the parties the sentence names itself (not those the context supplies)
    named = [m.party for m in _active(_in_span(ctx, start, end)) if m.party is not None]
    dates, offset = _sentence_dates(ctx, start, end)
    date_spans = [(d.start + offset, d.end + offset) for d in dates]
    documents = [
        c
        for c in candidates
        if c.type == "agreement_signed"
        and not _only_referred(
            c, [h for h in cues if _clause_of(clauses, h.start) == _clause_of(clauses, c.start)]
        )
    ]
    for candidate in candidates:
        clause = _clause_of(clauses, candidate.start)
        in_clause = [c for c in cues if clause[0] <= c.start < clause[1]]
        if _negated(candidate, in_clause) or _background(ctx, candidate, in_clause):
            continue
        event_type = candidate.type
        method = ["combo" if candidate.combo else "trigger"]
        status: str | None = None
        provisions = [c for c in in_clause if c.kind == "provision"]
        if event_type == "agreement_signed" and _only_referred(candidate, in_clause):
            continue  # 'under the memorandum ...': the document, not a new signing
        cue = _status_cue(ctx, candidate, in_clause, date_spans)
        if any(
            c.kind == "hypothetical" and not _capitalised_mid_sentence(ctx.text, c.start)
            for c in in_clause  # 'Süleyman Basa' is a name, not a '-sa' conditional
        ):
            event_type, status = "statement_of_intent", "intended"
            method.append("hypothetical")
        elif event_type in PROVIDED_TYPES and _provided(
            ctx, candidate, clause, clauses, documents, provisions, cue
        ):
            status = "agreed"  # what a signed document provides for (guideline 7)
            method.append("provision")
        if status is None:
            status = cue[0] if cue else _status_cue_label(ctx, candidate, cues, date_spans)
            if status is not None:
                method.append("status-cue")
        when = _when(dates, offset, candidate, ctx)
        if status is None:
            if when and ctx.published and when["value"] > ctx.published:
                status = "planned"
            elif event_type == "statement_of_intent":
                status = "intended"
            else:
                status = ctx.lexicon.default_status
        if event_type == "statement_of_intent" and taxonomy().realised(status):
            continue  # cooperation that exists is not, by itself, an event
        parties, party_method = _parties(ctx, start, end, clause, candidate, in_clause, event_type)
        if (
            event_type in GENERIC_TYPES
            and ctx.sentences >= MEDIA_CONTEXT_SENTENCES
            and not media_sentence
            and named  # 'the sides …' continues the item's story: the context decides
            and not any(_media_body(p, ctx.lexicon) for p in named)
        ):
            continue  # a state visit or a trade protocol: no media cooperation (guideline 8)
        method += party_method
        where = _where(ctx, start, end, candidate, event_type, status)
        people = _people(ctx, start, end)
        confidence = 0.5
        confidence += 0.15 if "status-cue" in method or "provision" in method else 0.0
        confidence += 0.15 if "sentence-parties" in method else 0.0
        confidence += 0.1 if "between" in method or "anaphora" in method else 0.0
        confidence -= 0.15 if "context-parties" in method else 0.0
        confidence -= 0.05 if candidate.combo else 0.0
        confidence -= 0.2 if len({p.group for p in parties}) < 2 else 0.0
        evidence = Evidence(start, end, ctx.text[start:end], candidate.trigger)
        from_context = "context-parties" in party_method
        previous = [] if _has_subject(ctx, clause, candidate) else ctx.last_parties
        for group in _per_partner(candidate, in_clause, parties, from_context, previous):
            event = Event(
                type=event_type,
                status=status,
                parties=group,
                evidence=[evidence],
                confidence=max(0.1, min(0.95, confidence)),
                language=ctx.language,
                when=when,
                where=where,
                people=people,
                method=method,
                headline=start < ctx.headline_end,
            )
            out.append(event)
            if event_type == "agreement_signed" and len({p.group for p in group}) >= 2:
                ctx.signings.append(group)
        if parties:
            ctx.last_parties = parties
            ctx.last_paragraph = _paragraph_start(ctx.text, start)
    return out


def _media_body(party: Party, lex: Lexicon) -> bool:
    """A party of the media field: a media body of the knowledge base, or an
    organisation whose name says it ('Türk İnternet Media Birliyi')."""
    if _org_kind(party.id) in MEDIA_KINDS:
        return True
    return party.kind == "organisation" and any(
        hit.kind == "media"
        for name in (party.name, *party.aliases)
        for hit in lex.cues.find(fold(name, lex.language))
    )


def _has_subject(ctx: _Context, clause: tuple[int, int], candidate: _Candidate) -> bool:
    """Is a party named before the trigger? (Verb-final languages: assume so.)"""
    if ctx.language in SOV:
        return True
    return any(m.start < candidate.start for m in _active(_in_span(ctx, clause[0], clause[1])))


def _per_partner(
    candidate: _Candidate,
    cues: Sequence[Hit],
    parties: list[Party],
    from_context: bool,
    previous: Sequence[Party],
) -> list[list[Party]]:
    """'TASS signed memorandums with A, B, C and D': one body signing documents (plural)
    with several partners signs one with each (guideline 7)."""
    plural = any(
        c.kind == "plural" and c.start < candidate.end + 40 and candidate.start < c.end + 40
        for c in cues
    )
    groups = list(dict.fromkeys(p.group for p in parties))
    if candidate.type == "bureau_opening" and len(groups) >= 3:
        # one body opening offices in several countries opens one in each
        opener = [p for p in parties if p.group == groups[0]]
        return [_sided([*opener, *(p for p in parties if p.group == g)]) for g in groups[1:]]
    if candidate.type != "agreement_signed" or not plural or len(groups) < 3:
        return [parties]
    # the body is the subject named first, or the one the context supplied (named in
    # an earlier sentence: 'TASS signed … In particular, memorandums were signed with:')
    body = groups[-1] if from_context else groups[0]
    first = [p for p in parties if p.group == body]
    if previous and not from_context and previous[0].group not in groups:
        # no subject in the clause: the body is the previous event's first party
        body, first = previous[0].group, [previous[0]]
    partners = [g for g in groups if g != body]
    return [_sided([*first, *(p for p in parties if p.group == g)]) for g in partners]


def _sentence_dates(ctx: _Context, start: int, end: int) -> tuple[list[DateMention], int]:
    """The sentence's dates and the offset their positions are from: the read stage's
    (offsets into the item text), or, for an item it did not read, the sentence scanned."""
    if ctx.dates is None:
        return find_dates(ctx.text[start:end], ctx.language, ctx.reference), start
    return [d for d in ctx.dates if start <= d.start and d.end <= end], 0


def _when(
    dates: Sequence[DateMention], offset: int, candidate: _Candidate, ctx: _Context
) -> dict[str, Any] | None:
    if not dates:
        return None

    def distance(d: DateMention) -> int:
        s, e = d.start + offset, d.end + offset
        if e <= candidate.start:
            return candidate.start - e
        return max(0, s - candidate.end)

    best = min(dates, key=distance)
    out: dict[str, Any] = {"text": best.text, "value": best.value, "precision": best.precision}
    if best.end_value:
        out["end_value"] = best.end_value
    out["start"], out["end"] = best.start + offset, best.end + offset
    if best.year_inferred or ctx.published:
        out["reference"] = ctx.published
    return out


def _in_span(ctx: _Context, start: int, end: int) -> list[_Mention]:
    lo = bisect.bisect_left(ctx.starts, start)
    hi = bisect.bisect_left(ctx.starts, end)
    return ctx.mentions[lo:hi]


def _distinct(parties: Iterable[Party]) -> list[Party]:
    seen: dict[str, Party] = {}
    for p in parties:
        seen.setdefault(p.id, p)
    return list(seen.values())


def _active(mentions: Iterable[_Mention]) -> list[_Mention]:
    return [m for m in mentions if m.party is not None and not m.inactive]


def _listed_after(ctx: _Context, mentions: Sequence[_Mention], cue_end: int) -> list[Party]:
    """'between A, B and C': the parties after the cue, as long as only commas and
    conjunctions separate them; a name repeating a party already listed ('Raushan
    Kazhibayeva, Director of the Presidential TV Complex') is skipped over."""
    out: list[Party] = []
    position = cue_end
    for m in mentions:
        if m.start < cue_end or m.party is None:
            continue
        if any(p.id == m.party.id for p in out):
            position = m.end
            continue
        gap = fold(ctx.text[position : m.start], ctx.language)
        words = [w for w in re.split(r"[\s,;«»\"“”()]+", gap) if w]
        if out and (len(words) > 4 or not all(_joins(ctx, w) for w in words)):
            break
        out.append(m.party)
        position = m.end
    return out


def _listed_before(ctx: _Context, mentions: Sequence[_Mention], cue_start: int) -> list[Party]:
    """'A, B və C arasında': the parties before a postposition, read backwards as long
    as only commas and conjunctions separate them."""
    out: list[Party] = []
    position = cue_start
    for m in reversed(mentions):
        if m.end > cue_start or m.party is None:
            continue
        if any(p.id == m.party.id for p in out):
            position = m.start
            continue
        gap = fold(ctx.text[m.end : position], ctx.language)
        words = [w for w in re.split(r"[\s,;«»\"“”()]+", gap) if w]
        if out and (len(words) > 4 or not all(_joins(ctx, w) for w in words)):
            break
        out.append(m.party)
        position = m.start
    return list(reversed(out))


_LABEL_WORDS = 4  # the longest description taken as a party


def _described_party(ctx: _Context, mentions: Sequence[_Mention], cue_start: int) -> list[Party]:
    """'X мен түркітілдес БАҚ басшылары арасында' (between X and the heads of Turkic
    media): an unnamed side is a party by its description (guideline section 4), the
    words between the conjunction after the named party and the postposition."""
    named = [m for m in mentions if m.end <= cue_start and m.party is not None]
    if not named:
        return []
    last = named[-1]
    gap = ctx.text[last.end : cue_start]
    words = gap.split()
    if len(words) < 2 or not _joins(ctx, fold(words[0].strip("-'’"), ctx.language)):
        return []
    label = words[1:]
    if len(label) > _LABEL_WORDS or any(not w.isalpha() for w in label):
        return []  # punctuation, figures or a long phrase: not one side's description
    name = " ".join(label)
    return [Party(f"label:{fold(name, ctx.language)}", name, "group", None, aliases=(name,))]


def _joins(ctx: _Context, word: str) -> bool:
    """A word between two names of one list: a conjunction (with a suffix: 'ilə',
    'мен'), an article ('the', 'l''). A preposition ends the list: 'between Turkey and
    Azerbaijan in the joint platform' does not list the platform."""
    conj = ctx.lexicon.conjunctions
    if word in conj or any(word.startswith(c) and len(word) <= len(c) + 3 for c in conj):
        return True
    return word in ctx.lexicon.list_articles


def _parties(
    ctx: _Context,
    start: int,
    end: int,
    clause: tuple[int, int],
    candidate: _Candidate,
    cues: Sequence[Hit],
    event_type: str,
) -> tuple[list[Party], list[str]]:
    if ctx.text[clause[0] : clause[1]].rstrip().endswith(":") and clause[1] < end:
        clause = (clause[0], end)  # 'the memorandums were signed with: A, B and C'
    everything = _in_span(ctx, *clause)
    in_clause = _active(everything)
    method: list[str] = []
    parties: list[Party] = _pair_before(ctx, in_clause, candidate)
    if parties:
        method.append("adjacent-list")
    for cue in () if parties else cues:
        if cue.kind == "between_before":
            after = _listed_after(ctx, in_clause, cue.end)
            if len({p.group for p in after}) >= 2 or len(after) >= 2:
                parties = after
        elif cue.kind == "between_after":
            before = _listed_before(ctx, in_clause, cue.start)
            if len(before) == 1:
                before += _described_party(ctx, in_clause, cue.start)
            if len(before) >= 2:
                parties = before
        if parties:
            method.append("between")
            break
    if not parties and any(c.kind == "anaphora" for c in cues):
        referents = ctx.last_parties or ctx.main_pair
        if ctx.signings and any(c.kind == "provision" for c in cues):
            referents = _main_signing(ctx)  # what 'the sides' agreed is the document's
        if referents:
            parties = list(referents)
            method.append("anaphora")
    if not parties:
        parties = _actors(in_clause)
        if len({p.group for p in parties}) >= 2:
            method.append("sentence-parties")
        else:
            people = [
                m.party
                for m in _active(_in_span(ctx, start, end))
                if m.role in ("person", "official") and m.party
            ]
            parties = _distinct([*parties, *people])
            if len({p.group for p in parties}) >= 2:
                method.append("sentence-parties")
    parties = _specific(parties)
    if event_type in HOST_TYPES:
        parties = _host(ctx, parties, everything, candidate)
    alone = event_type in SOLO_TYPES and bool(parties) and "anaphora" not in method
    partners = [] if alone or len({p.group for p in parties}) != 1 else _signed_with(ctx, parties)
    if partners:
        parties = [*parties, *partners]
        method.append("signing-parties")
    if len({p.group for p in parties}) < 2 and not alone:
        # the previous event's parties while the paragraph goes on; a new paragraph (a
        # quote under a subheading) is about the item's main pair
        same = ctx.last_paragraph == _paragraph_start(ctx.text, start)
        sources = (ctx.last_parties, ctx.main_pair) if same else (ctx.main_pair, ctx.last_parties)
        for source in sources:
            for extra in source:
                groups = {p.group for p in parties}
                if len(groups) >= 2:
                    break
                if extra.group not in groups:
                    parties = [*parties, extra]
                    method.append("context-parties")
    return _sided(_without_own_country(parties, event_type)), method


def _main_signing(ctx: _Context) -> list[Party]:
    """The parties of the item's main signing: the set of parties its signings name
    most often, the first of them on a tie (a headline and a lead name the same pair;
    a later sentence may name the signatories by their states)."""
    counts = Counter(frozenset(p.id for p in signing) for signing in ctx.signings)
    best = max(counts.values())
    return next(s for s in ctx.signings if counts[frozenset(p.id for p in s)] == best)


def _signed_with(ctx: _Context, parties: Sequence[Party]) -> list[Party]:
    """'The agreement with NAMPA provides for …': one party named, who signed with
    someone earlier in the item: what the agreement provides is between the two (the
    latest signing that party is in)."""
    ids = {p.id for p in parties}
    for signing in reversed(ctx.signings):
        if ids & {p.id for p in signing}:
            return [p for p in signing if p.id not in ids and p.group != parties[0].group]
    return []


_CASE_GAP = re.compile(r"(?:[-'’]?\w{1,4})?[\s«»“”\"]*")  # 'AZƏRTAC-ın ', 'ТАСС '


def _pair_before(ctx: _Context, mentions: Sequence[_Mention], candidate: _Candidate) -> list[Party]:
    """Verb-final languages put the parties right before the noun they qualify: 'TASS
    ilə AZƏRTAC-ın birgə layihəsi', 'Кабар мен ТАСС меморандумы'. A list of two sides
    that ends right where the trigger starts is its parties, whatever a later
    'arasında' pairs."""
    if ctx.language not in SOV or candidate.type in HOST_TYPES:
        return []  # before a visit or a bureau stands where ('Gürcistan'da temsilcilik')
    before = [m for m in mentions if m.party is not None and m.end <= candidate.start]
    if not before or not _CASE_GAP.fullmatch(ctx.text[before[-1].end : candidate.start]):
        return []
    listed = _listed_before(ctx, mentions, candidate.start)
    return listed if len({p.group for p in listed}) >= 2 else []


def _actors(mentions: Sequence[_Mention]) -> list[Party]:
    """Who acts in a clause: its organisations, the people who stand for one, officials
    for their states; countries named only when fewer than two organisations act (two
    agencies signing in Moscow do not make Russia a party; 'Kazakhstan and Turkey signed'
    does)."""
    orgs = _distinct(m.party for m in mentions if m.role in ("org", "person") and m.party)
    roles = (
        {"org", "person", "official"}
        if len(orgs) >= 2
        else {"org", "person", "official", "country"}
    )
    return _distinct(m.party for m in mentions if m.party is not None and m.role in roles)


def _specific(parties: list[Party]) -> list[Party]:
    """'Al Jazeera' gives way to 'Al Jazeera Media Institute' named next to it."""
    orgs = [p for p in parties if p.kind == "organisation"]
    names = {p.id: fold(p.name) + " " for p in orgs}
    drop = {
        a.id
        for a in orgs
        for b in orgs
        if a.id != b.id and a.group == b.group and fold(b.name).startswith(names[a.id])
    }
    return [p for p in parties if p.id not in drop]


def _host(
    ctx: _Context, parties: list[Party], in_clause: Sequence[_Mention], candidate: _Candidate
) -> list[Party]:
    """Visits and bureaus: the guest(s) and the host. When two sides act already (an
    agency's head visits another agency), they are the guest and the host; otherwise the
    host is the country of the place nearest the trigger (after it in SVO languages)."""
    two_sides = len({p.group for p in parties}) >= 2
    if candidate.type == "visit" and two_sides and any(p.kind == "organisation" for p in parties):
        return parties
    places: list[tuple[int, int, str, str]] = []
    for m in in_clause:
        if m.role == "place" and m.place and m.place.get("country"):
            places.append((m.start, m.end, m.place["country"], m.place["country"]))
        elif m.role == "country" and m.party and m.inactive != "credit":
            places.append((m.start, m.end, m.party.country or "", m.party.name))
    if not places:
        return parties
    after = [p for p in places if p[0] >= candidate.start]
    before = [p for p in places if p[0] < candidate.start]
    chosen = before[-1] if ctx.language in SOV and before else (after or places)[0]
    hosts = _listed_places(ctx, places, places.index(chosen))
    if candidate.type != "bureau_opening":
        hosts = hosts[:1]
    guests = [p for p in parties if p.group not in {code for code, _ in hosts}]
    if candidate.type == "bureau_opening":
        guests = guests[:1]  # the body that opens it; a bureau is opened in a country
    if not guests:
        return parties
    return [*guests, *_distinct(_host_party(parties, c, n) for c, n in hosts)]


def _host_party(parties: Sequence[Party], code: str, name: str) -> Party:
    return next((p for p in parties if p.id == f"country:{code}"), _country_party(code, name))


def _listed_places(
    ctx: _Context, places: Sequence[tuple[int, int, str, str]], index: int
) -> list[tuple[str, str]]:
    """The host place with the places listed with it ('in Azerbaijan and Georgia',
    'Azərbaycan və Gürcüstanda': a Turkic list takes its case ending on the last name
    only), as long as only commas and conjunctions separate them."""

    def joined(left: tuple[int, int, str, str], right: tuple[int, int, str, str]) -> bool:
        gap = fold(ctx.text[left[1] : right[0]], ctx.language)
        words = [w for w in re.split(r"[\s,;«»\"“”()]+", gap) if w]
        return len(words) <= 2 and all(_joins(ctx, w) for w in words)

    first = last = index
    while first > 0 and joined(places[first - 1], places[first]):
        first -= 1
    while last + 1 < len(places) and joined(places[last], places[last + 1]):
        last += 1
    ordered = [places[index], *places[first:index], *places[index + 1 : last + 1]]
    return [(code, name) for _, _, code, name in ordered if code]


def _without_own_country(parties: list[Party], event_type: str) -> list[Party]:
    """An organisation stands for its country: drop 'Kuwait' next to 'KUNA'."""
    org_countries = {p.country for p in parties if p.kind == "organisation" and p.country}
    if event_type in HOST_TYPES and parties:
        host = parties[-1]
        return (
            [
                p
                for p in parties
                if not (p.kind == "country" and p.country in org_countries) or p is host
            ]
            if host.kind == "country"
            else parties
        )
    return [p for p in parties if not (p.kind == "country" and p.country in org_countries)]


def _sided(parties: list[Party]) -> list[Party]:
    sides: dict[str, str] = {}
    out = []
    for p in parties:
        label = sides.setdefault(p.group, chr(ord("a") + min(len(sides), 25)))
        out.append(replace(p, side=label))  # keeps the names the text gives it
    return out


def _where(
    ctx: _Context, start: int, end: int, candidate: _Candidate, event_type: str, status: str
) -> dict[str, Any] | None:
    places = [m for m in _in_span(ctx, start, end) if m.role == "place" and m.place]
    if places:
        best = min(places, key=lambda m: abs(m.start - candidate.start))
        return {**(best.place or {}), "method": "sentence"}
    if event_type in PLACE_FALLBACK_TYPES and taxonomy().realised(status):
        return ctx.dateline_place
    return None


def _people(ctx: _Context, start: int, end: int) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for m in _in_span(ctx, start, end):
        if m.role == "person" and m.person:
            seen.setdefault(m.person["id"] or m.person["name"], m.person)
    return list(seen.values())


# --- merging -------------------------------------------------------------------------------


def _year(event: Event) -> str | None:
    return (event.when or {}).get("value", "")[:4] or None


def _same_event(a: Event, b: Event) -> bool:
    """Repeated mentions of one event: same type, the same sides (or one side of the
    other: a later mention often names one side only), no conflicting year, and the same
    realised class ('during the meeting' is the meeting already reported)."""
    if a.type != b.type:
        return False
    ids_a, ids_b = set(a.party_ids), set(b.party_ids)
    one_sided = len(a.sides) < 2 or len(b.sides) < 2
    if a.sides != b.sides and not (one_sided and ids_a & ids_b):
        return False
    ya, yb = _year(a), _year(b)
    if a.realised != b.realised:
        return a.type in SETTING_TYPES and (ya is None or yb is None)
    return ya is None or yb is None or ya == yb


def _more_specific(event: Event, target: Event, over_headline: bool) -> bool:
    """More sides; or, over a headline's summary, the same sides named by organisations
    rather than countries (headline 'Rossiya Segodnya signed with the Qatari media',
    then 'Sputnik and QNA signed')."""
    if len(event.sides) != len(target.sides):
        return len(event.sides) > len(target.sides)
    if event.sides != target.sides:
        return False

    def organisations(e: Event) -> int:
        return sum(p.kind == "organisation" for p in e.parties)

    if organisations(target) == 0 and organisations(event) == len(event.parties):
        return True  # 'Uzbekistan and Türkiye signed …', then '… between UzA and Anadolu'
    return over_headline and organisations(event) > organisations(target)


def _merge(events: Sequence[Event]) -> list[Event]:
    merged: list[Event] = []
    for event in events:
        target = next((m for m in merged if _same_event(m, event)), None)
        if target is None:
            merged.append(event)
            continue
        if _more_specific(event, target, target.headline and not event.headline):
            target.parties, event.parties = event.parties, target.parties
        if target.headline and not event.headline:
            target.status, target.headline = event.status, False  # the body says it better
        target.evidence.extend(event.evidence)
        known = {p.id for p in target.parties} | {p.id for p in target.also}
        target.also.extend(p for p in event.parties if p.id not in known)
        target.when = target.when or event.when
        target.where = target.where or event.where
        target.confidence = max(target.confidence, event.confidence)
        ids = {p.get("id") or p.get("name") for p in target.people}
        target.people.extend(p for p in event.people if (p.get("id") or p.get("name")) not in ids)
        target.method.extend(event.method)
    return _without_headline_intents(merged)


def _without_headline_intents(events: list[Event]) -> list[Event]:
    """'X and Y to enhance cooperation' over an article on what X and Y signed: the
    headline's wish is the aim of the specific event, not an event of its own."""
    specific = [e for e in events if e.type != "statement_of_intent"]
    return [
        e
        for e in events
        if not (
            e.type == "statement_of_intent"
            and e.headline
            and any(set(e.party_ids) & set(o.party_ids) for o in specific)
        )
    ]


def stage(item: Item) -> Item:
    """The cooperation stage: item.stage_data["cooperation"] = the item's events as JSON."""
    item.stage_data["cooperation"] = [event.to_json() for event in extract_events(item)]
    return item
