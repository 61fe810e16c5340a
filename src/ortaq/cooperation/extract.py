"""Cooperation events of one item: who agreed, met, signed, trained or exchanged with whom.

Pure: reads item.headline/summary/body, item.language, item.derived (publication date
and dateline) and item.stage_data["mentions"] (the entities stage), and returns events.
Sentence by sentence (read.segment.sentences):

1. Triggers from the language's lexicon (data/triggers/<lang>.json) give candidate event
   types; a 'combo' type (platform_created, bureau_opening) needs its noun and its verb in
   the same clause. Of the types found in one sentence, a type subsumed by another
   (taxonomy.json 'subsumes': a meeting during which an agreement was signed is coded as
   the agreement) is dropped.
2. Guards: a negation cue within 40 characters of the trigger in its clause drops it; a
   hypothetical cue ('could help', 'peut contribuer') turns it into a statement_of_intent.
3. Status: the status cue nearest the trigger in the sentence (Kazakh, Turkish and
   Azerbaijani put the verb last, so cues after the trigger count as nearer there); no
   cue: 'planned' when the event's date is after publication, else the language default
   (done). A statement_of_intent is only an event while unrealised.
4. Parties, from the mentions of the trigger's clause (a clause ends at ':'):
   - 'between' words ('entre X et Y', 'X мен Y арасында', 'بين X و Y') name the two sides;
   - anaphora ('les deux pays', 'тараптар', 'الطرفين') point back to the sides of the
     previous event of the item, or the item's main pair;
   - otherwise every country and organisation of the clause; a person stands for their
     media organisation when their role names one, else for their country (officials act
     for their state, as CAMEO codes them: 'KAZGOV'); persons elsewhere in the sentence
     are added when the clause has fewer than two sides;
   - still fewer than two sides: the sides of the previous event, then the item's main
     pair (the two most-mentioned parties of different countries) fill in, and the
     confidence drops;
   - an organisation stands in for its own country (drop 'Kuwait' next to 'KUNA'); a
     short name ('Al Jazeera') gives way to a longer one it begins ('Al Jazeera Media
     Institute');
   - visits and bureau openings are between the guest and the host: the country of the
     place visited or of the bureau.
   Sides group parties by country, in order of appearance ("a", "b", ...).
5. When: the date in the sentence nearest the trigger (read.dates.find_dates), resolved
   against the publication date. Where: the nearest place in the sentence; for realised
   meetings, visits and trainings without one, the dateline place (lower confidence).
6. Mentions of one event in one item merge: same type, same sides at country level, same
   realised/unrealised class (meetings and visits without a date merge across it: 'during
   the meeting' is the meeting already reported), no conflicting year. The first
   mention's status is kept
   (news states the event first, then elaborates on it).
"""

from __future__ import annotations

import bisect
import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from ortaq.cooperation.lexicon import Hit, Lexicon, fold, lexicon
from ortaq.cooperation.taxonomy import taxonomy
from ortaq.model import Item
from ortaq.read.dates import DateMention, find_dates
from ortaq.read.segment import sentences

SOV = frozenset({"kk", "tr", "az"})
NEGATION_WINDOW = 40
GOVERNMENT_KINDS = frozenset({"ministry", "government", "embassy", "parliament", "presidency"})
HOST_TYPES = frozenset({"visit", "bureau_opening"})
PLACE_FALLBACK_TYPES = frozenset({"meeting", "visit", "training"})
SETTING_TYPES = frozenset({"meeting", "visit"})  # merge across statuses when undated


@dataclass(frozen=True)
class Party:
    id: str
    name: str
    kind: str  # "country" or "organisation"
    country: str | None
    side: str = "a"

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


def _org_kind(entity_id: str) -> str | None:
    if entity_id.startswith("member:"):
        return "member"
    return _org_kinds().get(entity_id)


# --- the item as the extractor sees it -----------------------------------------------------


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    role: str  # "party", "person" or "place"
    party: Party | None  # what the mention stands for as a party
    person: dict[str, Any] | None = None
    place: dict[str, Any] | None = None


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
    last_parties: list[Party] = field(default_factory=list)


def item_text(item: Item) -> str:
    return "\n".join(p for p in (item.headline, item.summary, *item.body) if p)


def _sentence_spans(item: Item, language: str) -> list[tuple[int, int]]:
    spans = []
    offset = 0
    for part in (item.headline, item.summary, *item.body):
        if not part:
            continue
        for span in sentences(part, language):
            spans.append((offset + span.start, offset + span.end))
        offset += len(part) + 1
    return spans


def _person_orgs(raw: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """person id -> the organisation their stated role names (first one found)."""
    orgs = [m for m in raw if m.get("type") == "ORG" and _org_kind(m.get("entity_id") or "")]
    out: dict[str, dict[str, Any]] = {}
    for m in raw:
        pid, role = m.get("entity_id"), m.get("role")
        if m.get("type") != "PER" or not pid or not role or pid in out:
            continue
        folded_role = fold(role)
        for org in orgs:
            names = {fold(org["text"]), fold(org.get("canonical") or org["text"])}
            if any(name and name in folded_role for name in names):
                out[pid] = org
                break
    return out


def _org_party(m: dict[str, Any]) -> Party | None:
    entity_id = m.get("entity_id") or ""
    if not _org_kind(entity_id):
        return None  # statistical guesses outside the knowledge base are not parties
    return Party(entity_id, m.get("canonical") or m["text"], "organisation", m.get("country"))


def _country_party(code: str, name: str) -> Party:
    return Party(f"country:{code}", name, "country", code)


def _mentions(raw: Sequence[dict[str, Any]]) -> list[_Mention]:
    person_orgs = _person_orgs(raw)
    out = []
    for m in raw:
        entity_id = m.get("entity_id") or ""
        kind = m.get("type")
        start, end = int(m["start"]), int(m["end"])
        if kind == "LOC" and entity_id.startswith("country:"):
            code = entity_id.split(":", 1)[1]
            out.append(
                _Mention(start, end, "party", _country_party(code, m.get("canonical") or m["text"]))
            )
        elif kind == "LOC":
            place = {
                "id": entity_id or None,
                "name": m.get("canonical") or m["text"],
                "country": m.get("country"),
            }
            out.append(_Mention(start, end, "place", None, place=place))
        elif kind == "ORG":
            org_party = _org_party(m)
            if org_party is not None:
                out.append(_Mention(start, end, "party", org_party))
        elif kind == "PER":
            person = {
                "id": entity_id or None,
                "name": m.get("canonical") or m["text"],
                "country": m.get("country"),
            }
            org = person_orgs.get(entity_id)
            stands_for: Party | None = None
            if org is not None and _org_kind(org["entity_id"]) not in GOVERNMENT_KINDS:
                stands_for = _org_party(org)
            if stands_for is None and m.get("country"):
                stands_for = _country_party(m["country"], m["country"])
            out.append(_Mention(start, end, "person", stands_for, person=person))
    out.sort(key=lambda x: x.start)
    return _short_names(out)


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
                m = _Mention(m.start, m.end, m.role, longer[-1], m.person, m.place)
            else:
                full = [p for p in full if p.id != party.id] + [party]
        out.append(m)
    return out


def _main_pair(mentions: Sequence[_Mention]) -> list[Party]:
    counts: Counter[str] = Counter()
    first: dict[str, Party] = {}
    for m in mentions:
        if m.party is not None:
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
    mentions = _mentions(item.stage_data.get("mentions") or [])
    reference, published = _reference(item)
    ctx = _Context(
        text=text,
        folded=fold(text, language),
        language=language,
        lexicon=lex,
        mentions=mentions,
        starts=[m.start for m in mentions],
        main_pair=_main_pair(mentions),
        reference=reference,
        published=published,
        dateline_place=_dateline_place(item),
    )
    trigger_hits = lex.triggers.find(ctx.folded)
    if not trigger_hits:
        return []
    cue_hits = lex.cues.find(ctx.folded)
    trigger_starts = [h.start for h in trigger_hits]
    cue_starts = [h.start for h in cue_hits]
    events: list[Event] = []
    for start, end in _sentence_spans(item, language):
        lo = bisect.bisect_left(trigger_starts, start)
        hi = bisect.bisect_left(trigger_starts, end)
        if lo == hi:
            continue
        triggers = trigger_hits[lo:hi]
        cues = cue_hits[bisect.bisect_left(cue_starts, start) : bisect.bisect_left(cue_starts, end)]
        events.extend(_sentence_events(ctx, start, end, triggers, cues))
    return _merge(events)


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    bounds = [start]
    for i in range(start, end - 1):
        if text[i] == ":" and text[i + 1] in " \"«“'":
            bounds.append(i + 1)
    bounds.append(end)
    return [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]


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
    for hit in hits:
        if hit.kind == "trigger":
            found.setdefault(
                hit.label, _Candidate(hit.label, hit.start, hit.end, ctx.text[hit.start : hit.end])
            )
        else:
            clause = _clause_of(clauses, hit.start)
            if hit.kind == "noun":
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


def _distance(language: str, cue: Hit, candidate: _Candidate) -> float:
    if cue.end > candidate.start and cue.start < candidate.end:
        return 0.0
    if cue.start >= candidate.end:
        return float(cue.start - candidate.end)
    gap = float(candidate.start - cue.end)
    return gap * 2 if language in SOV else gap


def _sentence_events(
    ctx: _Context, start: int, end: int, triggers: Sequence[Hit], cues: Sequence[Hit]
) -> list[Event]:
    clauses = _clauses(ctx.text, start, end)
    out: list[Event] = []
    dates: list[DateMention] | None = None
    for candidate in _candidates(ctx, clauses, triggers):
        clause = _clause_of(clauses, candidate.start)
        in_clause = [c for c in cues if clause[0] <= c.start < clause[1]]
        if any(
            c.kind == "negation"
            and (
                abs(c.start - candidate.end) <= NEGATION_WINDOW
                or abs(candidate.start - c.end) <= NEGATION_WINDOW
            )
            for c in in_clause
        ):
            continue
        event_type = candidate.type
        method = ["combo" if candidate.combo else "trigger"]
        status: str | None = None
        if any(c.kind == "hypothetical" for c in in_clause):
            event_type, status = "statement_of_intent", "intended"
            method.append("hypothetical")
        if status is None:
            status_cues = [
                c
                for c in cues
                if c.kind == "status"
                and not (candidate.start <= c.start and c.end <= candidate.end)
            ]  # 'plan' inside 'action plan' says nothing about the status
            if status_cues:
                best = min(status_cues, key=lambda c: _distance(ctx.language, c, candidate))
                status = best.label
                method.append("status-cue")
        if dates is None:
            dates = find_dates(ctx.text[start:end], ctx.language, ctx.reference)
        when = _when(dates, start, candidate, ctx)
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
        method += party_method
        where = _where(ctx, start, end, candidate, event_type, status)
        people = _people(ctx, start, end)
        confidence = 0.5
        confidence += 0.15 if "status-cue" in method else 0.0
        confidence += 0.15 if "sentence-parties" in method else 0.0
        confidence += 0.1 if "between" in method or "anaphora" in method else 0.0
        confidence -= 0.15 if "context-parties" in method else 0.0
        confidence -= 0.05 if candidate.combo else 0.0
        confidence -= 0.2 if len({p.group for p in parties}) < 2 else 0.0
        evidence = Evidence(start, end, ctx.text[start:end], candidate.trigger)
        event = Event(
            type=event_type,
            status=status,
            parties=parties,
            evidence=[evidence],
            confidence=max(0.1, min(0.95, confidence)),
            language=ctx.language,
            when=when,
            where=where,
            people=people,
            method=method,
        )
        if parties:
            ctx.last_parties = parties
        out.append(event)
    return out


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


def _parties(
    ctx: _Context,
    start: int,
    end: int,
    clause: tuple[int, int],
    candidate: _Candidate,
    cues: Sequence[Hit],
    event_type: str,
) -> tuple[list[Party], list[str]]:
    in_clause = _in_span(ctx, *clause)
    method: list[str] = []
    parties: list[Party] = []
    for cue in cues:
        if cue.kind == "between_before":
            after = _distinct(m.party for m in in_clause if m.start >= cue.end and m.party)
            if len({p.group for p in after[:2]}) == 2 or len(after) >= 2:
                parties = after[:2]
        elif cue.kind == "between_after":
            before = _distinct(
                m.party for m in reversed(in_clause) if m.end <= cue.start and m.party
            )
            if len(before) >= 2:
                parties = list(reversed(before[:2]))
        if parties:
            method.append("between")
            break
    if not parties and any(c.kind == "anaphora" for c in cues):
        referents = ctx.last_parties or ctx.main_pair
        if referents:
            parties = list(referents)
            method.append("anaphora")
    if not parties:
        parties = _distinct(m.party for m in in_clause if m.party)
        if len({p.group for p in parties}) >= 2:
            method.append("sentence-parties")
        else:
            people = [m.party for m in _in_span(ctx, start, end) if m.role == "person" and m.party]
            parties = _distinct([*parties, *people])
            if len({p.group for p in parties}) >= 2:
                method.append("sentence-parties")
    parties = _specific(parties)
    if event_type in HOST_TYPES:
        parties = _host(ctx, parties, in_clause, candidate)
    if len({p.group for p in parties}) < 2:
        for source in (ctx.main_pair, ctx.last_parties):
            for extra in source:
                groups = {p.group for p in parties}
                if len(groups) >= 2:
                    break
                if extra.group not in groups:
                    parties = [*parties, extra]
                    method.append("context-parties")
    return _sided(_without_own_country(parties, event_type)), method


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
    """Visits and bureaus: the guest(s) and the country of the place."""
    places: list[tuple[int, str, str]] = []
    for m in in_clause:
        if m.role == "place" and m.place and m.place.get("country"):
            places.append((m.start, m.place["country"], m.place["country"]))
        elif m.role == "party" and m.party and m.party.kind == "country":
            places.append((m.start, m.party.country or "", m.party.name))
    if not places:
        return parties
    after = [p for p in places if p[0] >= candidate.start]
    _, code, name = (after or places)[0]
    guests = [p for p in parties if p.group != code]
    if not guests:
        return parties
    host = next((p for p in parties if p.id == f"country:{code}"), _country_party(code, name))
    return [*guests, host]


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
        out.append(Party(p.id, p.name, p.kind, p.country, label))
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
    if a.type != b.type or a.sides != b.sides:
        return False
    ya, yb = _year(a), _year(b)
    if a.realised != b.realised:
        # 'during the meeting ...' refers back to the meeting already reported
        return a.type in SETTING_TYPES and (ya is None or yb is None)
    return ya is None or yb is None or ya == yb


def _merge(events: Sequence[Event]) -> list[Event]:
    merged: list[Event] = []
    for event in events:
        target = next((m for m in merged if _same_event(m, event)), None)
        if target is None:
            merged.append(event)
            continue
        target.evidence.extend(event.evidence)
        known = {p.id for p in target.parties} | {p.id for p in target.also}
        target.also.extend(p for p in event.parties if p.id not in known)
        target.when = target.when or event.when
        target.where = target.where or event.where
        target.confidence = max(target.confidence, event.confidence)
        ids = {p.get("id") or p.get("name") for p in target.people}
        target.people.extend(p for p in event.people if (p.get("id") or p.get("name")) not in ids)
        target.method.extend(event.method)
    return merged


def stage(item: Item) -> Item:
    """The cooperation stage: item.stage_data["cooperation"] = the item's events as JSON."""
    item.stage_data["cooperation"] = [event.to_json() for event in extract_events(item)]
    return item
