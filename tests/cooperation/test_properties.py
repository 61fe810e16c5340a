"""Property tests: arbitrary text never breaks the extractor; evidence stays in the text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ortaq import entities, read
from ortaq.cooperation.extract import extract_events
from ortaq.entities import item_text
from ortaq.model import Item, Mention

LANGUAGES = st.sampled_from(["kk", "ar", "fr", "tr", "az", "ru", "en", "de", None])
WORDS = st.sampled_from(
    [
        "Kazakhstan",
        "Turkey",
        "signed",
        "memorandum",
        "entre",
        "et",
        "Қазақстан",
        "мен",
        "Түркия",
        "кездесті",
        "تركيا",
        "بين",
        "مذكرة تفاهم",
        "وقعت",
        "Azərbaycan",
        "və",
        "görüş",
        "встретились",
        "между",
        "Россия",
        "formation",
        "visit",
        "Al Jazeera",
        ".",
        ":",
        "\n",
        "les deux pays",
        "тараптар",
        "2024",
        "27 février",
        "pas",
        "not",
        "(TASS)",
        "reported by",
        "Kazinform reports",
        "in the presence of",
        "بحضور",
        "iştirakı ilə",
        "Qatar News Agency (QNA)",
        "under the memorandum",
        "memorandums",
        "–",
        ";",
        "in May",
        "الاجتماعي",
        "ziyaretçi",
    ]
)
TEXT = st.one_of(
    st.text(max_size=300),
    st.lists(WORDS, max_size=60).map(" ".join),
)


@settings(max_examples=150)
@given(
    headline=st.one_of(st.none(), TEXT),
    body=st.lists(TEXT, max_size=4),
    language=LANGUAGES,
    read_first=st.booleans(),
)
def test_arbitrary_text_never_raises_and_offsets_hold(
    headline: str | None, body: list[str], language: str | None, read_first: bool
) -> None:
    item = Item(uri="urn:test", headline=headline, body=body, language=language)
    if read_first:  # the read stage's sentences and dates, else the extractor's own
        item = read.stage(item)
    item = entities.stage(item)
    text = item_text(item)
    for event in extract_events(item):
        data = event.to_json()
        assert data["type"] and data["status"]
        for evidence in data["mentions"]:
            assert 0 <= evidence["start"] <= evidence["end"] <= len(text)
            assert text[evidence["start"] : evidence["end"]] == evidence["text"]
        assert 0.0 < data["confidence"] <= 1.0


@settings(max_examples=100)
@given(text=st.text(max_size=200), start=st.integers(-5, 400), end=st.integers(-5, 400))
def test_broken_mentions_do_not_raise(text: str, start: int, end: int) -> None:
    item = Item(
        uri="urn:test", body=[text + " Kazakhstan and Turkey signed a memorandum."], language="en"
    )
    item.mentions = (
        Mention("x", start, end, "LOC", entity_id="country:KZ"),
        Mention("y", end, start, "PER"),
        Mention("z", 0, 1, "ORG", entity_id="org:unknown"),
    )
    extract_events(item)
