"""Realistic items for benchmarks (bench/*.py only): real text, an exchange's shape.

`generate(n, seed)` yields `n` inputs as dump rows (`raw` plain text, `name`, `uri`,
`provider`, `published`: what `ortaq batch` reads from a JSONL or Parquet dump), made
from the real text in ../shared:

* **stories across languages**: the development set's articles (`realnews`, 60 agency
  articles in seven languages) with their story groups: each group is retold by several
  members, each in its own language, a few hours apart;
* **near-duplicates**: a partner's copy of an article with a sentence dropped or a line
  added (the credit), sent within the hour;
* **corrections**: a later version of the same uri with a changed paragraph;
* **everyday items** between the stories: 4-8 sentences of one language's real news
  (TTC-3600 Turkish, MasakhaNEWS French, KazNERD Kazakh, ANERcorp Arabic train80, X-WMT
  Azerbaijani, English and Russian), from a Zipf-weighted member writing in its
  languages, spread over `days` days.

`add_exchange(store, seed)` adds the members (50, each with a home language and country)
and 200 agreements among them of every shape the policy knows. Nothing here is used by
the platform itself; it reads only local files and never the network.
"""

from __future__ import annotations

import csv
import functools
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ortaq.config import ItemLimits
from ortaq.model import Derived, Hints, Item
from ortaq.read.segment import sentences
from ortaq.search_terms import MAX_DOCUMENT_WORDS, Document, Word, analyse_words
from ortaq.store import Store
from ortaq.store.bulk import BulkVersion
from ortaq.store.fulltext import Analysis, analyse

if TYPE_CHECKING:
    from ortaq.exchange.agreements import Agreement

SHARED = Path(__file__).resolve().parents[3] / "shared"
LANGUAGES = ("tr", "fr", "kk", "ar", "az", "en", "ru")
COUNTRIES = {"tr": "TR", "fr": "FR", "kk": "KZ", "ar": "QA", "az": "AZ", "en": "GB", "ru": "RU"}
MEMBERS = 50
AGREEMENTS = 200
STORY_SHARE = 0.15  # of the items: retellings of a development-set story
COPY_SHARE = 0.05  # near-duplicate copies of a story item by a partner
CORRECTION_SHARE = 0.02  # later versions of an item


@dataclass(frozen=True)
class Article:
    name: str
    language: str
    group: str
    headline: str
    paragraphs: tuple[str, ...]


def member_slugs() -> list[str]:
    return [f"member-{n:02d}" for n in range(MEMBERS)]


def member_language(slug: str) -> str:
    return LANGUAGES[int(slug.rsplit("-", 1)[1]) % len(LANGUAGES)]


def realnews(shared: Path = SHARED) -> list[Article]:
    """The development set's articles with their story groups (headline, paragraphs)."""
    root = shared / "realnews"
    found = []
    for line in (root / "index.jsonl").read_text("utf-8").splitlines():
        if not line.strip():
            continue
        entry = json.loads(line)
        text = (root / "articles" / entry["file"]).read_text("utf-8")
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        body = tuple(ln for ln in lines[1:] if not ln.startswith("date "))
        found.append(Article(entry["file"], entry["lang"], entry["story_group"], lines[0], body))
    return found


def conll_sentences(path: Path, limit: int) -> Iterator[str]:
    """Sentences of a `token tag` file, at most `limit`: ended by a blank line or a final
    full stop (ANERcorp has no blank lines)."""
    words: list[str] = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            parts = line.split()
            if parts:
                words.append(parts[0])
            if words and (not parts or parts[0] in {".", "؟", "!", "?"}):
                yield " ".join(words)
                words = []
                limit -= 1
                if limit == 0:
                    return


def sentence_pool(shared: Path = SHARED, limit: int = 4000) -> dict[str, list[str]]:
    """Real news sentences per language (longer than 30 characters)."""
    data = shared / "data"
    pool: dict[str, list[str]] = {lang: [] for lang in LANGUAGES}
    with (data / "ttc3600" / "ttc3600.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            text = " ".join(json.loads(line)["text"].split())
            pool["tr"].extend(s.text for s in sentences(text, "tr")[:4] if len(s.text) > 30)
            if len(pool["tr"]) >= limit:
                break
    with (data / "masakhanews_fra" / "dev.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            text = " ".join(row["text"].split())
            pool["fr"].extend(s.text for s in sentences(text, "fr") if len(s.text) > 30)
    for lang, folder, name in (
        ("kk", "kaznerd", "IOB2_valid.txt"),
        ("ar", "anercorp", "ANERcorp_train80.txt"),
    ):
        found = conll_sentences(data / folder / name, limit)
        pool[lang].extend(s for s in found if len(s) > 30)
    for lang, name in (("az", "az-en.az"), ("en", "en-kk.en"), ("ru", "en-ru.ru")):
        lines = (data / "xwmt" / name).read_text(encoding="utf-8").splitlines()
        pool[lang].extend(s.strip() for s in lines[:limit] if len(s.strip()) > 30)
    return {lang: found[:limit] for lang, found in pool.items() if found}


def _row(
    uri: str, provider: str, published: datetime, headline: str, body: list[str]
) -> dict[str, Any]:
    text = "\n".join([headline, *body]) + "\n"
    name = uri.rsplit(":", 1)[-1] + ".txt"
    return {
        "raw": text,
        "name": name,
        "uri": uri,
        "provider": provider,
        "format": "plaintext",
        "published": published.isoformat(),
    }


def generate(
    count: int, seed: int = 0, *, days: int = 30, shared: Path = SHARED
) -> Iterator[dict[str, Any]]:
    """`count` dump rows, about in publication-time order (a correction comes when it
    is made, hours after its original; see the module docstring)."""
    rng = random.Random(seed)
    pool = sentence_pool(shared)
    articles = realnews(shared)
    groups: dict[str, list[Article]] = {}
    for article in articles:
        groups.setdefault(article.group, []).append(article)
    slugs = member_slugs()
    by_language = {lang: [s for s in slugs if member_language(s) == lang] for lang in LANGUAGES}
    weights = [1.0 / (rank + 1) ** 0.6 for rank in range(len(slugs))]  # a few big members
    start = datetime(2024, 9, 1, tzinfo=UTC)
    step = days * 86400.0 / max(count, 1)
    made = 0
    recent: list[dict[str, Any]] = []  # items that a correction may change
    while made < count:
        moment = start + timedelta(seconds=made * step)
        roll = rng.random()
        if roll < STORY_SHARE:
            group = groups[rng.choice(sorted(groups))]
            for article in group:  # the story, told by a member of each language
                if made >= count:
                    break
                provider = rng.choice(by_language.get(article.language) or slugs)
                uri = f"urn:ortaq-bench:{provider}:{made}"
                when = moment + timedelta(minutes=rng.uniform(0, 360))
                row = _row(uri, provider, when, article.headline, list(article.paragraphs))
                recent.append(row)
                yield row
                made += 1
                if made < count and rng.random() < COPY_SHARE / STORY_SHARE:
                    yield _copy(rng, article, slugs, made, when)
                    made += 1
        elif roll < STORY_SHARE + CORRECTION_SHARE and recent:
            original = recent.pop(rng.randrange(len(recent)))
            lines = original["raw"].splitlines()
            lang_pool = pool.get(_language_of(original["provider"]), pool["en"])
            lines[-1] = rng.choice(lang_pool)
            published = datetime.fromisoformat(original["published"]) + timedelta(hours=2)
            yield {**original, "raw": "\n".join(lines) + "\n", "published": published.isoformat()}
            made += 1
        else:
            provider = rng.choices(slugs, weights)[0]
            texts = pool.get(member_language(provider), pool["en"])
            chosen = [rng.choice(texts) for _ in range(rng.randint(4, 8))]
            row = _row(
                f"urn:ortaq-bench:{provider}:{made}", provider, moment, chosen[0], chosen[1:]
            )
            if rng.random() < 0.1:
                recent.append(row)
            yield row
            made += 1
        del recent[:-200]


def _language_of(provider: str) -> str:
    return member_language(provider)


def _copy(
    rng: random.Random, article: Article, slugs: list[str], made: int, when: datetime
) -> dict[str, Any]:
    """A partner's near-duplicate: the same text with a sentence dropped and a credit."""
    provider = rng.choice(slugs)
    body = list(article.paragraphs)
    if len(body) > 2:
        body.pop(rng.randrange(1, len(body)))
    body.append(f"({article.headline.split()[0]} / {provider})")
    later = when + timedelta(minutes=rng.uniform(5, 60))
    return _row(f"urn:ortaq-bench:{provider}:{made}", provider, later, article.headline, body)


def write_jsonl(path: Path, count: int, seed: int = 0) -> int:
    """Write `count` generated rows to a JSONL dump; returns the rows written."""
    written = 0
    with path.open("w", encoding="utf-8") as out:
        for row in generate(count, seed):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            written += 1
    return written


def add_exchange(store: Store, seed: int = 0) -> list[Agreement]:
    """The members (a home language and country each) and 200 agreements among them:
    bilateral, one-way and multilateral, scoped by language or kind, every embargo
    handling and status, some expired or not yet valid. Returns the agreements."""
    from ortaq.exchange.agreements import Agreement, save_agreement
    from ortaq.exchange.policy import AGREEMENT_STATUSES, EMBARGO_HANDLINGS

    rng = random.Random(seed)
    slugs = member_slugs()
    for n, slug in enumerate(slugs):
        language = member_language(slug)
        store.upsert_member(
            slug, f"Member {n:02d} News", country=COUNTRIES[language], languages=[language]
        )
    now = datetime.now(UTC)
    saved: list[Agreement] = []
    for n in range(AGREEMENTS):
        shape = rng.random()
        parties = rng.sample(slugs, 2 if shape < 0.45 else rng.randint(3, 8))
        if shape < 0.45 or shape >= 0.75:  # bilateral or multilateral: all send and receive
            senders, receivers = parties, parties
        else:  # one-way
            senders, receivers = parties[:1], parties[1:]
        terms: dict[str, Any] = {}
        if rng.random() < 0.3:
            terms["languages"] = tuple(rng.sample(LANGUAGES, rng.randint(1, 3)))
        if rng.random() < 0.2:
            terms["kinds"] = ("text",)
        validity = rng.random()
        if validity < 0.1:  # expired
            terms["valid_from"] = now - timedelta(days=rng.uniform(400, 800))
            terms["valid_to"] = now - timedelta(days=rng.uniform(1, 300))
        elif validity < 0.15:  # not yet in force
            terms["valid_from"] = now + timedelta(days=rng.uniform(1, 60))
        agreement = Agreement(
            f"bench-{n:03d}",
            f"Exchange {n:03d}",
            tuple(senders),
            tuple(receivers),
            usage_terms="Republication with credit; no resale.",
            attribution=f"via agreement {n:03d}",
            republish=rng.random() < 0.8,
            edit=rng.random() < 0.3,
            translate=rng.random() < 0.7,
            embargo=rng.choices(EMBARGO_HANDLINGS, [5, 3, 2])[0],
            status=rng.choices(AGREEMENT_STATUSES, [8, 78, 8, 6])[0],
            **terms,
        )
        saved.append(save_agreement(store, agreement))
    return saved


def bulk_load(
    store: Store, count: int, seed: int = 0, *, workers: int | None = None
) -> dict[str, Any]:
    """A benchmark store, fast: `count` generated inputs through `ortaq batch`'s local
    engine (the chain and the search analysis on every core) and its one writer (100
    items a transaction, stories assigned in publication-time order). Returns the
    batch's counts."""
    import tempfile

    from ortaq.batch import run_batch
    from ortaq.batch.engines import ChainSpec, LocalEngine
    from ortaq.batch.inputs import JsonlInput, Record

    with tempfile.TemporaryDirectory(prefix="ortaq-bench-") as temp:
        dump = Path(temp) / "items.jsonl"
        write_jsonl(dump, count, seed)

        def records(done: Any) -> Iterator[Record]:
            return JsonlInput().records(str(dump), Hints(), store, 1 << 24, done)

        spec = ChainSpec.of(1 << 24, ItemLimits(), store.list_members())
        engine = LocalEngine(workers)
        try:
            report = run_batch(store, engine, records, spec, Path(temp) / "work")
        finally:
            engine.close()
    return report.as_dict()


# -- stores of any size, fast (`Store.bulk_load`) ------------------------------------------

KILL_SHARE = 0.01  # items a member cancels (partners see a notice)
WITHHOLD_SHARE = 0.005
EMBARGO_SHARE = 0.05  # items sent under an embargo of 2-72 hours
PHOTO_SHARE = 0.05
MEDIATOPICS = ("01000000", "04000000", "07000000", "11000000", "13000000", "15000000")


def read_articles(shared: Path = SHARED) -> dict[str, Item]:
    """The development set's articles read once by the whole chain (entities, dates,
    countries), by file name: the stories' retellings reuse what the chain found."""
    from ortaq.chain import process

    read: dict[str, Item] = {}
    for article in realnews(shared):
        text = "\n".join([article.headline, *article.paragraphs]) + "\n"
        hints = Hints(source_name=article.name, format="plaintext", language=article.language)
        read[article.name] = process(text.encode("utf-8"), hints)
    return read


def bulk_versions(
    count: int,
    seed: int = 0,
    *,
    days: int = 30,
    now: datetime | None = None,
    shared: Path = SHARED,
) -> Iterator[BulkVersion]:
    """`count` stored versions for `Store.bulk_load`, with the decisions the writer would
    make (current version, story, copy link), ending at `now` over `days` days.

    The same exchange as `generate`: the development set's stories retold by members
    of each language (the chain's reading of each article, once), partners' near-copies
    in the same story, corrections (a new version in its item's story), and everyday
    items of real sentences, each a story of its own; some items killed, withheld,
    embargoed, or photos; IPTC media topics and the countries their language suggests."""
    rng = random.Random(seed)
    pool = sentence_pool(shared)
    articles = realnews(shared)
    read = read_articles(shared)
    analysed = {name: analyse(item) for name, item in read.items()}  # a retelling's text
    groups: dict[str, list[Article]] = {}
    for article in articles:
        groups.setdefault(article.group, []).append(article)
    slugs = member_slugs()
    by_language = {lang: [s for s in slugs if member_language(s) == lang] for lang in LANGUAGES}
    weights = [1.0 / (rank + 1) ** 0.6 for rank in range(len(slugs))]
    end = now or datetime.now(UTC)
    start = end - timedelta(days=days)
    step = days * 86400.0 / max(count, 1)
    made, story = 0, 0
    recent: list[BulkVersion] = []  # current versions a correction may replace
    while made < count:
        moment = start + timedelta(seconds=made * step)
        roll = rng.random()
        if roll < STORY_SHARE:
            story += 1
            for article in groups[rng.choice(sorted(groups))]:
                if made >= count:
                    break
                provider = rng.choice(by_language.get(article.language) or slugs)
                when = min(moment + timedelta(minutes=rng.uniform(0, 360)), end)
                item = _retold(rng, read[article.name], provider, made, when)
                told = BulkVersion(made + 1, item, story, analysis=analysed[article.name])
                recent.append(told)
                yield told
                made += 1
                if made < count and rng.random() < COPY_SHARE / STORY_SHARE:
                    copy = _near_copy(rng, item, slugs, made, when, end)
                    yield BulkVersion(made + 1, copy, story, None, told.item_id,
                                      round(rng.uniform(0.8, 0.98), 3))  # fmt: skip
                    made += 1
        elif roll < STORY_SHARE + CORRECTION_SHARE and recent:
            original = recent.pop(rng.randrange(len(recent)))
            lang_pool = pool.get(original.item.language or "en", pool["en"])
            body = [*original.item.body[:-1], rng.choice(lang_pool)]
            when = min((original.item.versioncreated or moment) + timedelta(hours=2), end)
            fixed = replace(original.item, body=body, version=original.item.version + 1,
                            versioncreated=when)  # fmt: skip
            corrected = BulkVersion(made + 1, fixed, original.story, original.item_id)
            recent.append(corrected)
            yield corrected
            made += 1
        else:
            story += 1
            provider = rng.choices(slugs, weights)[0]
            item = _everyday(rng, pool, provider, made, moment)
            everyday = BulkVersion(made + 1, item, story, analysis=_everyday_analysis(item))
            if rng.random() < 0.1:
                recent.append(everyday)
            yield everyday
            made += 1
        del recent[:-200]


@functools.lru_cache(maxsize=100_000)
def _sentence_words(sentence: str, language: str | None) -> tuple[Word, ...]:
    return analyse_words(sentence, language)


def _everyday_analysis(item: Item) -> Analysis:
    """`fulltext.analyse(item)` of an item of pool sentences, from each sentence's words
    (the analysis splits at white space, so the body's words are its sentences' words)."""
    body = [word for sentence in item.body for word in _sentence_words(sentence, item.language)]
    document = Document(
        _sentence_words(item.headline or "", item.language)[:MAX_DOCUMENT_WORDS],
        (),
        tuple(body[:MAX_DOCUMENT_WORDS]),
    )
    return Analysis(document, frozenset())


def _statuses(rng: random.Random, item: Item, when: datetime) -> Item:
    roll = rng.random()
    item.pubstatus = (
        "canceled" if roll < KILL_SHARE
        else "withheld" if roll < KILL_SHARE + WITHHOLD_SHARE
        else "usable"
    )  # fmt: skip
    if rng.random() < EMBARGO_SHARE:
        item.embargoed = when + timedelta(hours=rng.uniform(2, 72))
    item.subjects = [{"code": f"medtop:{rng.choice(MEDIATOPICS)}", "scheme": "mediatopic"}]
    return item


def _retold(rng: random.Random, read: Item, provider: str, made: int, when: datetime) -> Item:
    """A member's retelling of a development-set article: the chain's reading of it."""
    item = replace(
        read,
        uri=f"urn:ortaq-bench:{provider}:{made}",
        provider=provider,
        version=1,
        firstcreated=when,
        versioncreated=when,
        source_name=f"{provider}-{made}.txt",
    )
    return _statuses(rng, item, when)


def _near_copy(
    rng: random.Random, told: Item, slugs: list[str], made: int, when: datetime, end: datetime
) -> Item:
    """A partner's copy: a sentence dropped and a credit added (as `_copy` makes it)."""
    provider = rng.choice(slugs)
    body = list(told.body)
    if len(body) > 2:
        body.pop(rng.randrange(1, len(body)))
    body.append(f"({(told.headline or '').split()[0] if told.headline else ''} / {told.provider})")
    later = min(when + timedelta(minutes=rng.uniform(5, 60)), end)
    item = replace(told, uri=f"urn:ortaq-bench:{provider}:{made}", provider=provider,
                   body=body, firstcreated=later, versioncreated=later,
                   source_name=f"{provider}-{made}.txt")  # fmt: skip
    return _statuses(rng, item, later)


def _everyday(
    rng: random.Random, pool: dict[str, list[str]], provider: str, made: int, when: datetime
) -> Item:
    """4-8 real sentences of the member's language (the chain's language, no entities)."""
    language = member_language(provider)
    texts = pool.get(language, pool["en"])
    chosen = [rng.choice(texts) for _ in range(rng.randint(4, 8))]
    countries = [COUNTRIES[language]] if rng.random() < 0.6 else []
    item = Item(
        uri=f"urn:ortaq-bench:{provider}:{made}",
        headline=chosen[0],
        body=chosen[1:],
        language=language,
        type="photo" if rng.random() < PHOTO_SHARE else "text",
        firstcreated=when,
        versioncreated=when,
        provider=provider,
        source_name=f"{provider}-{made}.txt",
        source_format="plaintext",
        derived={"countries": Derived(countries, "bench", 1)},
    )
    return _statuses(rng, item, when)
