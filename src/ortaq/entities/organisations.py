"""Organisations: a small knowledge base of media organisations and institutions.

data/organisations.json holds the seed (agencies, broadcasters, ministries and
intergovernmental bodies of the samples and the region) with names per language and
script, acronyms and kinds. Every member organisation of the platform is an entity too:
`add_member_organisations(members)` turns member records (slug, name, names per
language, country, kind -- the shape of the demo manifest's 'members') into entities
'member:<slug>'.

Matching reuses the gazetteer engine (Aho-Corasick over match_key-folded aliases, word
boundaries, Kazakh/Turkish/Azerbaijani case suffixes, Arabic proclitics). Names of every
language are matched in every language (a Kazakh article writes 'Al Jazeera Media
Network' in Latin letters), with the suffix rules of the article's language. Acronyms
and short all-capital aliases (AA, TRT, KUNA, ҚР СІМ) match only as written; one-word
aliases need a capital letter in Latin and Cyrillic text. Kazakh multi-word aliases also
match with a genitive on an inner word ('Алжирдің Коммуникациялар министрлігі').
For ministries, the title of their head ('ministre de l'Information et du Développement
social', 'Коммуникация министрі', 'وزير الإعلام') points to the ministry too (source
'kb-office').
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ortaq.entities.gazetteer import (
    LANGUAGES,
    Folded,
    Matcher,
    Rules,
    fold,
    load,
    russian_forms,
)
from ortaq.model import Mention
from ortaq.read.normalise import match_key

DATA = Path(__file__).resolve().parent / "data" / "organisations.json"

# (word of the institution, word of its head) per language, for ministries
_OFFICE_WORDS: dict[str, tuple[tuple[str, str], ...]] = {
    "fr": (("ministère", "ministre"),),
    "en": (("ministry", "minister"),),
    "kk": (("министрлігі", "министрі"), ("министрлігінің", "министрінің")),
    "ru": (("министерство", "министр"),),
    "tr": (("bakanlığı", "bakanı"),),
    "az": (("nazirliyi", "naziri"),),
    "ar": (("وزارة", "وزير"),),
}
_KK_GENITIVES = ("ның", "нің", "дың", "дің", "тың", "тің")


@dataclass(frozen=True)
class Organisation:
    id: str
    canonical: str
    country: str | None
    kind: str
    names: Mapping[str, tuple[str, ...]]
    acronyms: tuple[str, ...] = ()
    office: bool = False

    def display(self, language: str) -> str:
        names = self.names.get(language)
        return names[0] if names else self.canonical

    def aliases(self) -> list[str]:
        seen: dict[str, None] = {self.canonical: None}
        for names in self.names.values():
            for name in names:
                seen.setdefault(name, None)
        return list(seen)


@dataclass
class _Registry:
    seed: list[Organisation] = field(default_factory=list)
    members: dict[str, Organisation] = field(default_factory=dict)
    version: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


_REGISTRY = _Registry()


def _from_record(record: Mapping[str, Any]) -> Organisation:
    return Organisation(
        id=record["id"],
        canonical=record["canonical"],
        country=record.get("country"),
        kind=record.get("kind", "organisation"),
        names={lang: tuple(names) for lang, names in record.get("names", {}).items()},
        acronyms=tuple(record.get("acronyms", [])),
        office=bool(record.get("office", False)),
    )


@cache
def seed() -> tuple[Organisation, ...]:
    data = json.loads(DATA.read_text("utf-8"))
    return tuple(_from_record(r) for r in data["organisations"])


def organisations() -> list[Organisation]:
    """The knowledge base: the seed plus the member organisations added so far."""
    return [*seed(), *_REGISTRY.members.values()]


def get(entity_id: str) -> Organisation | None:
    for org in organisations():
        if org.id == entity_id:
            return org
    return None


def member_organisation(member: Mapping[str, Any]) -> Organisation:
    """The entity 'member:<slug>' of one member record.

    A record has 'slug', 'name' (several names may be joined with ' / '), optional
    'names' {language: name}, 'country', 'kind', 'acronyms' -- the shape of the store's
    `members` rows and of the demo manifest's 'members'.
    """
    slug = str(member["slug"])
    names: dict[str, list[str]] = {}
    for lang, name in (member.get("names") or {}).items():
        names.setdefault(lang, []).extend(p.strip() for p in str(name).split(" / "))
    general = [p.strip() for p in str(member.get("name", slug)).split(" / ")]
    names.setdefault("xx", []).extend(general)
    return Organisation(
        id=f"member:{slug}",
        canonical=general[-1] if general else slug,
        country=member.get("country"),
        kind=str(member.get("kind") or "member"),
        names={lang: tuple(dict.fromkeys(v)) for lang, v in names.items()},
        acronyms=tuple(member.get("acronyms") or ()),
    )


def member_organisations(members: Iterable[Mapping[str, Any]]) -> tuple[Organisation, ...]:
    """Member records as entities, for a door to hand to the stage (`stage_with`)."""
    return tuple(member_organisation(m) for m in members)


def add_member_organisations(members: Iterable[Mapping[str, Any]]) -> list[str]:
    """Make every member record an entity of the process-wide knowledge base; returns
    the ids added. Adding the same slug again replaces it; matchers rebuild on next use.
    Doors prefer `stage_with(linker, members=member_organisations(rows))`, which keeps
    the stage a function of its inputs."""
    added = []
    with _REGISTRY.lock:
        for org in member_organisations(members):
            _REGISTRY.members[org.id.removeprefix("member:")] = org
            added.append(org.id)
        _REGISTRY.version += 1
    return added


def clear_member_organisations() -> None:
    with _REGISTRY.lock:
        _REGISTRY.members.clear()
        _REGISTRY.version += 1


def _is_acronym(alias: str) -> bool:
    letters = [c for c in alias if c.isalpha()]
    return bool(letters) and len(alias) <= 6 and all(c.isupper() for c in letters)


def _office_forms(alias: str, language: str) -> list[str]:
    out = []
    low = alias.lower()
    for institution, head in _OFFICE_WORDS.get(language, ()):
        pos = low.find(institution)
        if pos != -1:
            out.append(alias[:pos] + head + alias[pos + len(institution) :])
    return out


def _russian_forms(alias: str) -> list[str]:
    """Case forms of a Russian name declined on its last word ('Милли Меджлиса')."""
    words = alias.split(" ")
    if not _is_cyrillic(words[-1]):
        return []
    return [" ".join([*words[:-1], form]) for form in russian_forms(words[-1])]


def _kk_genitive_forms(alias: str) -> list[str]:
    words = alias.split(" ")
    if not 2 <= len(words) <= 6:
        return []
    out = []
    for i in range(len(words) - 1):
        if not words[i][-1:].isalpha() or not _is_cyrillic(words[i]):
            continue
        for suffix in _KK_GENITIVES:
            out.append(" ".join([*words[:i], words[i] + suffix, *words[i + 1 :]]))
    return out


def _is_cyrillic(word: str) -> bool:
    return any("\u0400" <= c <= "\u04ff" for c in word)


_MATCHERS: dict[tuple[str, int, tuple[Any, ...]], Matcher] = {}
_MAX_MATCHERS = 32  # per language, registry version and member set


def matcher(language: str, members: tuple[Organisation, ...] = ()) -> Matcher:
    """The matcher of the knowledge base plus `members` (the door's member entities)."""
    language = language if language in LANGUAGES else "en"
    key = (language, _REGISTRY.version, _members_key(members))
    m = _MATCHERS.get(key)
    if m is None:
        m = _build(language, members)
        stale = [k for k in _MATCHERS if k[1] != _REGISTRY.version]
        if len(_MATCHERS) >= _MAX_MATCHERS:
            stale = list(_MATCHERS)
        for k in stale:
            del _MATCHERS[k]
        _MATCHERS[key] = m
    return m


def _members_key(members: tuple[Organisation, ...]) -> tuple[Any, ...]:
    """A hashable key of the member entities and every name they have."""
    return tuple(
        (o.id, o.canonical, o.country, o.acronyms, tuple(sorted(o.names.items()))) for o in members
    )


def _build(language: str, members: tuple[Organisation, ...] = ()) -> Matcher:
    m = Matcher(Rules.from_data(language, load(language)))
    known = {o.id for o in members}
    for org in [*(o for o in organisations() if o.id not in known), *members]:
        index = m.add_entity(org)
        for alias in org.aliases():
            if _is_acronym(alias):
                m.add(alias, index, "exact")
                continue
            one_word = " " not in alias.strip()
            m.add(alias, index, capital=one_word)
            if language == "ru":
                for form in _russian_forms(alias):
                    m.add(form, index, capital=True)
            if language == "kk":
                for form in _kk_genitive_forms(alias):
                    m.add(form, index, capital=False)
        for acronym in org.acronyms:
            m.add(acronym, index, "exact")
        if org.office:
            for lang, names in org.names.items():
                for alias in names:
                    for form in _office_forms(alias, lang):
                        m.add(form, index, "office", capital=False)
    for phrase in load(language).get("stop_phrases", []):
        m.add(phrase, -1, "stop")
    m.finish()
    return m


def name_stem(name: str) -> str:
    """A key of a name that ignores case endings: every word cut to six letters
    ('Катарского информационного агентства' = 'Катарское информационное агентство')."""
    return " ".join(word[:6] for word in match_key(name).split())


_STEMS: dict[int, dict[str, str | None]] = {}


def by_stem(name: str) -> Organisation | None:
    """The one organisation one of whose names has the stem of `name`, if only one has."""
    index = _STEMS.get(_REGISTRY.version)
    if index is None:
        index = {}
        for org in organisations():
            for alias in org.aliases():
                stem = name_stem(alias)
                if len(stem) < 8:
                    continue  # short names and acronyms: too many collisions
                index[stem] = org.id if index.get(stem, org.id) == org.id else None
        _STEMS.clear()
        _STEMS[_REGISTRY.version] = index
    found = index.get(name_stem(name))
    return get(found) if found else None


def _described(written: str, org: Organisation) -> bool:
    """A name of several words written all in lower case, where the organisation writes
    it with capitals, describes a body rather than naming it ('la chaîne de télévision
    algérienne AL24 News' is not 'Télévision algérienne'), unless the organisation itself
    has that lower-case name ('agence de presse hongroise')."""
    cased = [c for c in written if c.isalpha() and c.lower() != c.upper()]
    if " " not in written.strip() or not cased or any(c.isupper() for c in cased):
        return False
    key = match_key(written)
    return not any(match_key(alias) == key and alias == alias.lower() for alias in org.aliases())


def find_organisations(
    text: str,
    language: str,
    folded: Folded | None = None,
    members: tuple[Organisation, ...] = (),
) -> list[Mention]:
    """Organisations of the knowledge base (and `members`) named in `text`, in order."""
    m = matcher(language, members)
    folded = folded if folded is not None else fold(text)
    out = []
    for hit in m.find(folded):
        org: Organisation = m.entities[hit.entity]
        if hit.kind != "office" and _described(text[hit.start : hit.end], org):
            continue
        out.append(
            Mention(
                text[hit.start : hit.end],
                hit.start,
                hit.end,
                "ORG",
                org.id,
                org.display(language),
                org.country,
                None,
                "kb-office" if hit.kind == "office" else "kb",
            )
        )
    return out
