"""Full-text search on both backends (the `store` fixture runs SQLite and PostgreSQL):
the cases of issue 20, entity search, ranking, facets, paging, filters and the policy."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ortaq.chain import Chain, default_chain
from ortaq.exchange.agreements import Agreement, save_agreement
from ortaq.exchange.policy import Viewer
from ortaq.model import Derived, Hints, Item
from ortaq.search_terms import fold_words
from ortaq.store import Store
from ortaq.viewer import OPERATOR
from tests.exchange.helpers import Clock, add_members

FILLER = [
    "The agencies exchanged photographs of the harvest in the north.",
    "Heavy rain closed two mountain roads for most of the morning.",
    "Агентства обменялись фотографиями урожая на севере страны.",
    "وقالت الوكالة إن الأمطار الغزيرة أغلقت طريقين جبليين.",
    "Kuzeydeki hasadın fotoğrafları ajanslar arasında paylaşıldı.",
    "Солтүстіктегі егін жинау суреттері агенттіктер арасында бөлісілді.",
]


def item(uri: str, headline: str, body: list[str], language: str, **fields: object) -> Item:
    fields.setdefault("provider", "ma")
    return Item(uri=uri, headline=headline, body=body, language=language, **fields)  # type: ignore[arg-type]


def found(store: Store, text: str, **options: object) -> list[str]:
    options.setdefault("viewer", OPERATOR)
    return [hit.stored.item.uri for hit in store.search(text, limit=100, **options).hits]  # type: ignore[arg-type]


def with_filler(store: Store, count: int = 6) -> None:
    """Items that match none of the queries below (bm25 needs a corpus to weigh by)."""
    for n in range(count):
        store.save(item(f"filler-{n}", f"Bulletin {n}", [FILLER[n % len(FILLER)]], "en"))


# -- the cases of the issue -------------------------------------------------------------


def test_turkish_capital_dotted_i_finds_the_lower_case_word(store: Store) -> None:
    store.save(item("tr-1", "Türkiye ile Kazakistan arasında anlaşma", ["Ankara açıkladı."], "tr"))
    store.save(item("tr-2", "Haber", ["TÜRKİYE'NİN ajansı duyurdu."], "tr"))
    store.save(item("tr-3", "Işık festivali", ["Işıklar yandı."], "tr"))
    with_filler(store)
    assert sorted(found(store, "TÜRKİYE")) == ["tr-1", "tr-2"]
    assert sorted(found(store, "türkiye")) == ["tr-1", "tr-2"]
    assert found(store, "IŞIK") == found(store, "ışık") == ["tr-3"]


def test_arabic_without_hamza_or_with_marks_finds_the_word(store: Store) -> None:
    store.save(item("ar-1", "منصة إعلامية مشتركة", ["بين تركيا وأذربيجان في إسطنبول."], "ar"))
    store.save(item("ar-2", "أذربيجان", ["قال مصطفى إن المدرسة فتحت."], "ar"))
    with_filler(store)
    for query in ("اذربيجان", "أذربيجان", "أَذْرَبِيجَان", "أذربيـــجان"):
        assert sorted(found(store, query)) == ["ar-1", "ar-2"], query
    assert found(store, "مصطفي مدرسه") == ["ar-2"]  # alef maqsura, ta marbuta


def test_almaty_meets_across_scripts(store: Store) -> None:
    spellings = {
        "en": "Almaty hosts the drill",
        "ru": "Учения прошли в Алматы",
        "tr": "Tatbikat Almatı'da yapıldı",
        "ar": "أجريت التدريبات في ألماتي",
        "kk": "Оқу-жаттығу Алматыда өтті",
    }
    for language, text in spellings.items():
        store.save(item(f"almaty-{language}", text, [], language))
    with_filler(store)
    for query in ("Almaty", "Алматы", "Almatı", "ألماتي"):
        assert sorted(found(store, query)) == sorted(f"almaty-{lang}" for lang in spellings), query


def test_altun_finds_the_arabic_spelling(store: Store) -> None:
    store.save(item("altun-ar", "اجتماع المنصة", ["قال فخر الدين ألتون إن التعاون مهم."], "ar"))
    store.save(item("taawun-ar", "التعاون الإعلامي", ["تعزيز التعاون بين الوكالات."], "ar"))
    with_filler(store)
    assert found(store, "Altun") == ["altun-ar"]


def tokayev(name: str) -> dict[str, object]:
    return {"id": "person:kasymzhomart-tokayev", "name": name, "mentions": 1}


def test_a_name_that_resolves_to_an_entity_finds_every_item_linked_to_it(store: Store) -> None:
    """The full name is written in only one item; the others name the surname alone,
    in Arabic and Kazakh. They are found because the entities stage linked them."""
    store.save(item("tk-en", "Kassym-Jomart Tokayev visits Baku", [], "en",
                    people=[tokayev("Kassym-Jomart Tokayev")]))  # fmt: skip
    store.save(item("tk-ar", "الرئيس توكاييف في باكو", [], "ar", people=[tokayev("توكاييف")]))
    store.save(item("tk-kk", "Тоқаев Бакуде", [], "kk", people=[tokayev("Тоқаев")]))
    store.save(item("tk-unlinked", "الرئيس توكاييف", [], "ar"))  # no entity on it
    with_filler(store)
    everyone = ["tk-ar", "tk-en", "tk-kk"]
    assert sorted(found(store, "Kassym-Jomart Tokayev")) == everyone
    assert sorted(found(store, "Қасым-Жомарт Тоқаев")) == everyone
    assert sorted(found(store, "Tokayev")) == [*everyone, "tk-unlinked"]  # text alone too


def test_a_country_is_found_under_its_names_in_other_languages(store: Store) -> None:
    """تركيا is Turkey: the gazetteer's names of the linked country resolve the query."""
    places = [{"id": "country:TR", "name": "تركيا", "mentions": 1}]
    store.save(item("tr-ar", "زيارة إلى تركيا", [], "ar", places=places))
    with_filler(store)
    assert found(store, "Turkey") == found(store, "Турция") == ["tr-ar"]


@pytest.fixture(scope="module")
def real_items(shared: Path) -> list[Item]:
    """Real agency articles read by the whole chain with one linker, as `ortaq ingest`
    reads a batch: Tokayev in Kazakh, Arabic and Russian; Altun in French and Arabic."""
    from dataclasses import replace

    from ortaq.chain import DEFAULT_STAGES, Stage
    from ortaq.entities import EntityLinker, stage_with

    linker = EntityLinker()
    stages = [Stage("entities", stage_with(linker)) if s.name == "entities" else s
              for s in DEFAULT_STAGES]  # fmt: skip
    chain: Chain = replace(default_chain(), stages=stages)
    paths = [
        shared / "realnews" / "articles" / name
        for name in ("141_kk.txt", "146_ar.txt", "148_ru.txt", "101_ru.txt", "102_en.txt")
    ] + [shared / "samples" / name for name in ("000_245ae993ddb0ab34.txt",
                                                 "001_cc7b8ed6a474cf0f.txt")]  # fmt: skip
    items = []
    for path in paths:
        read = chain.process(path.read_bytes(), Hints(source_name=path.name, uri=path.name))
        items.append(read)
    return items


def test_real_articles_linked_to_a_person_are_found_by_the_name(
    store: Store, real_items: list[Item]
) -> None:
    for real in real_items:
        store.save(real)
    linked = {
        entity["id"]: sorted(i.uri for i in real_items if entity in i.people)
        for i in real_items
        for entity in i.people
    }
    tokayev_items = sorted(
        i.uri for i in real_items if any(p["id"] == "person:kasymzhomart-tokayev" for p in i.people)
    )
    assert len(tokayev_items) >= 3, linked  # the entities stage linked kk, ar and ru
    assert set(tokayev_items) <= set(found(store, "Tokayev"))
    assert "001_cc7b8ed6a474cf0f.txt" in found(store, "Altun")  # فخر الدين ألتون


# -- ranking, facets, paging, filters ------------------------------------------------------


def test_a_headline_match_outranks_a_passing_mention(store: Store) -> None:
    store.save(item("passing", "Regional news roundup", [
        "Farmers reported a good harvest across the region this week.",
        "Officials in Almaty also attended a meeting on roads.",
        "The weather is expected to stay dry until the weekend.",
    ], "en"))  # fmt: skip
    store.save(item("headline", "Almaty earthquake drill", ["Rescuers trained all day."], "en"))
    with_filler(store)
    results = store.search("Almaty", viewer=OPERATOR)
    assert [h.stored.item.uri for h in results.hits] == ["headline", "passing"]
    assert results.hits[0].score > results.hits[1].score


def countries(*codes: str) -> dict[str, Derived]:
    return {"countries": Derived(list(codes), "gazetteer", 0.9)}


CORPUS = [  # uri, provider, language, countries
    ("c1", "ma", "en", ("KZ",)),
    ("c2", "ma", "ru", ("KZ", "TR")),
    ("c3", "mb", "en", ("TR",)),
    ("c4", "mb", "tr", ()),
    ("c5", "mc", "en", ("KZ",)),
]


def add_corpus(store: Store) -> None:
    for uri, provider, language, codes in CORPUS:
        store.save(item(uri, f"Media forum {uri}", ["Media forum in Astana."], language,
                        provider=provider, derived=countries(*codes)))  # fmt: skip
    with_filler(store)


def test_facets_count_every_match_the_viewer_may_read(store: Store) -> None:
    add_corpus(store)
    results = store.search("forum", limit=2, viewer=OPERATOR)
    assert results.total == len(CORPUS)
    assert len(results.hits) == 2
    assert results.facets["language"] == dict(Counter(lang for _, _, lang, _ in CORPUS))
    assert results.facets["member"] == dict(Counter(p for _, p, _, _ in CORPUS))
    assert results.facets["country"] == dict(Counter(c for *_, codes in CORPUS for c in codes))


def test_filters_by_language_member_and_country(store: Store) -> None:
    add_corpus(store)
    assert sorted(found(store, "forum", language="en")) == ["c1", "c3", "c5"]
    assert sorted(found(store, "forum", member="mb")) == ["c3", "c4"]
    assert sorted(found(store, "forum", country="TR")) == ["c2", "c3"]
    assert found(store, "forum", language="en", member="mb", country="TR") == ["c3"]


@pytest.mark.parametrize("order", ["relevance", "newest"])
def test_paging_returns_every_match_once_in_order(store: Store, order: str) -> None:
    for n in range(23):
        extra = " drill" * (n % 4)  # scores differ, and some are equal
        store.save(item(f"p{n:02d}", f"Drill {n}", [f"Earthquake{extra} in Almaty."], "en"))
    with_filler(store)
    seen: list[tuple[float, int]] = []
    cursor = None
    pages = 0
    while True:
        results = store.search("drill", limit=5, cursor=cursor, order=order, viewer=OPERATOR)  # type: ignore[arg-type]
        assert results.total == 23 - 5 * pages  # counted from the cursor on
        assert results.complete
        seen.extend((h.score, h.stored.id) for h in results.hits)
        pages += 1
        cursor = results.next_cursor
        if cursor is None:
            break
    assert pages == 5
    assert len(seen) == len(set(seen)) == 23
    if order == "relevance":
        assert seen == sorted(seen, key=lambda s: (-s[0], -s[1]))
    else:
        assert [i for _, i in seen] == sorted((i for _, i in seen), reverse=True)


def test_a_broad_query_checks_the_policy_on_the_best_matches_a_window_at_a_time(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With more matches than a window, total and facets count the windows examined
    (`complete` is False), and the pages still reach every match."""
    from ortaq.store import fulltext

    monkeypatch.setattr(fulltext, "WINDOW", 4)
    for n in range(10):
        store.save(item(f"w{n}", f"Forum {n}", ["Media forum."], "en"))
    first = store.search("forum", limit=3, viewer=OPERATOR)
    assert not first.complete and first.total == 4  # one window gave 3 + the next
    seen, cursor = [h.stored.item.uri for h in first.hits], first.next_cursor
    while cursor:
        page = store.search("forum", limit=3, cursor=cursor, viewer=OPERATOR)
        seen += [h.stored.item.uri for h in page.hits]
        cursor = page.next_cursor
    assert sorted(seen) == sorted(f"w{n}" for n in range(10))


def test_a_broad_query_ranks_the_newest_candidates(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More matches than CANDIDATES: relevance orders the newest CANDIDATES and its pages
    end with them (`complete` is False); newest-first pages reach every match."""
    from ortaq.store import fulltext

    monkeypatch.setattr(fulltext, "CANDIDATES", 6)
    for n in range(10):
        store.save(item(f"c{n}", f"Summit {n}", ["Summit" + " summit" * (n % 3) + "."], "en"))
    with_filler(store)
    ids = {s.item.uri: s.id for s in store.list_items(limit=50, viewer=OPERATOR)}
    newest_six = sorted((ids[f"c{n}"] for n in range(10)), reverse=True)[:6]

    def walk(order: str) -> tuple[list[int], list[float], bool]:
        seen, scores, complete, cursor = [], [], True, None
        while True:
            page = store.search("summit", limit=4, cursor=cursor, order=order, viewer=OPERATOR)  # type: ignore[arg-type]
            seen += [h.stored.id for h in page.hits]
            scores += [h.score for h in page.hits]
            complete = complete and page.complete
            if page.next_cursor is None:
                return seen, scores, complete
            cursor = page.next_cursor

    ranked, scores, complete = walk("relevance")
    assert sorted(ranked) == sorted(newest_six) and not complete
    assert scores == sorted(scores, reverse=True)
    newest, _scores, _complete = walk("newest")
    assert newest == sorted((ids[f"c{n}"] for n in range(10)), reverse=True)


def test_the_newest_candidates_asked_for_by_id_range_are_the_same(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL asks for the newest matches in a range of ids, widening it eightfold
    until enough matched (`fulltext._newest`): with ranges of 2 ids, a query matching
    items far apart finds the same candidates, in both orders and on every page."""
    from ortaq.store import fulltext

    monkeypatch.setattr(fulltext, "CANDIDATES", 5)
    for n in range(12):
        store.save(item(f"r{n}", f"Harvest {n}", ["Harvest" + " harvest" * (n % 3) + "."], "en"))
        for k in range(3):  # matches spread over the ids
            store.save(item(f"r{n}-f{k}", f"Bulletin {n} {k}", [FILLER[1]], "en"))

    def walk(order: str) -> list[tuple[int, float, bool]]:
        seen, cursor = [], None
        while True:
            page = store.search("harvest", limit=3, cursor=cursor, order=order, viewer=OPERATOR)  # type: ignore[arg-type]
            seen += [(h.stored.id, h.score, page.complete) for h in page.hits]
            if page.next_cursor is None:
                return seen
            cursor = page.next_cursor

    wide = {order: walk(order) for order in ("relevance", "newest")}
    monkeypatch.setattr(fulltext, "RANGE", 2)
    assert {order: walk(order) for order in ("relevance", "newest")} == wide
    assert len(wide["newest"]) == 12 and len(wide["relevance"]) == 5


def test_a_bad_cursor_is_a_clear_error(store: Store) -> None:
    with pytest.raises(ValueError, match="cursor"):
        store.search("drill", cursor="not-a-cursor", viewer=OPERATOR)
    newest = store.search("x", order="newest", viewer=OPERATOR).next_cursor
    assert newest is None


def test_a_query_without_words_matches_nothing(store: Store) -> None:
    add_corpus(store)
    results = store.search("  «» - ,", viewer=OPERATOR)
    assert results.hits == [] and results.total == 0


def test_a_correction_replaces_the_indexed_text(store: Store) -> None:
    store.save(item("corr", "Forum opens", ["The alpha session starts."], "en"))
    store.save(item("corr", "Forum opens", ["The beta session starts."], "en"))
    with_filler(store)
    assert found(store, "alpha") == []
    assert found(store, "beta") == ["corr"]
    assert [s.item.uri for s in store.list_items(text="beta", viewer=OPERATOR)] == ["corr"]


def test_reindex_rebuilds_the_index(store: Store) -> None:
    add_corpus(store)
    with store.engine.begin() as conn:
        table = "search_index" if conn.dialect.name == "sqlite" else "search_documents"
        conn.execute(sa.text(f"DELETE FROM {table}"))
    assert found(store, "forum") == []
    assert store.reindex() == len(CORPUS) + 6
    assert sorted(found(store, "forum")) == [uri for uri, *_ in CORPUS]


# -- the access policy -------------------------------------------------------------------


def test_search_returns_only_what_the_viewer_may_read_in_full(store: Store) -> None:
    clock = Clock()
    store.clock = clock
    add_members(store, ("ma", "mb", "mc"))
    save_agreement(store, Agreement.between("ab", "A and B", ("ma", "mb"), status="active",
                                            embargo="flagged"))  # fmt: skip
    later = clock.now + timedelta(hours=4)
    for uri, extra in (("open", {}), ("embargoed", {"embargoed": later}), ("killed", {}),
                       ("withheld", {}), ("mc-own", {"provider": "mc"})):  # fmt: skip
        store.save(item(uri, "Secret summit in Almaty", ["Almaty summit text."], "en", **extra))
    store.kill("killed", provider="ma")
    store.withhold("withheld", provider="ma")
    partner, outsider = Viewer("mb", actor="mb"), Viewer("mc", actor="mc")
    assert found(store, "Almaty summit", viewer=partner) == ["open"]
    results = store.search("summit", viewer=partner)
    assert results.total == 1 and results.facets["member"] == {"ma": 1}
    assert found(store, "summit", viewer=outsider) == ["mc-own"]
    own = sorted(found(store, "summit", viewer=Viewer("ma", actor="ma")))
    assert own == ["embargoed", "killed", "open", "withheld"]  # its own, in full
    assert len(found(store, "summit", viewer=Viewer.as_operator())) == 5
    assert [s.item.uri for s in store.list_items(text="summit", viewer=partner)] == ["open"]
    clock.advance(hours=5)  # the embargo has passed
    assert sorted(found(store, "summit", viewer=partner)) == ["embargoed", "open"]


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    words=st.lists(
        st.text(alphabet="abcçğıiİöşüəqxАаБбҚқЁёابتأإةىـ'-", min_size=2, max_size=10),
        min_size=1,
        max_size=6,
    ),
    language=st.sampled_from([None, "tr", "kk", "ar", "ru", "en"]),
    data=st.data(),
)
def test_any_word_of_an_item_finds_it_in_the_database(
    store: Store, words: list[str], language: str | None, data: st.DataObject
) -> None:
    count = store.count_items()
    uri = f"prop-{count}"
    store.save(item(uri, " ".join(words), [], language or "und"))
    word = data.draw(st.sampled_from(words))
    if fold_words(word):  # a word of punctuation and tatweel only has nothing to find
        assert uri in found(store, word)
