"""IPTC ninjs 1.x/2.x/3.x, the Superdesk and AP media API dialects, and JSON feeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ortaq.formats.base import ParseResult
from ortaq.formats.ninjs import SCHEMA_DIR_ENV, NinJS, ninjs_family
from ortaq.model import Hints, IngestError, Item, Skipped

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
FEEDS = DATA / "agency-feeds"
NINJS = DATA / "iptc" / "ninjs"
SCHEMAS = NINJS / "schemas"
EXAMPLES = NINJS / "examples"
ALL_EXAMPLES = sorted(EXAMPLES.rglob("*.json"))
OWNED_FEEDS = sorted(FEEDS.glob("*.json"))


def parse(path: Path, adapter: NinJS | None = None) -> ParseResult:
    adapter = adapter or NinJS(schema_dir_from_env=False)
    return adapter.parse(path.read_bytes(), Hints(source_name=path.name))


def one_item(path: Path, adapter: NinJS | None = None) -> Item:
    results = parse(path, adapter)
    assert len(results) == 1
    assert isinstance(results[0], Item), results[0]
    return results[0]


def skip_reason(path: Path) -> str:
    results = parse(path)
    assert len(results) == 1
    assert isinstance(results[0], Skipped), results[0]
    return results[0].reason


# --- agency feeds: Superdesk ninjs 1.x ---------------------------------------------


def test_superdesk_ninjs1_text() -> None:
    item = one_item(FEEDS / "ninjs1.json")
    assert item.uri == (
        "urn:newsml:localhost:2017-08-24T14:37:19.783611:c044162e-7f40-4d04-b700-49b6a66e652c"
    )
    assert item.headline == "headline"
    assert item.summary == "abstract"
    assert item.body == ["The story so far."]
    assert item.language == "fr"
    assert item.version == 2
    assert item.versioncreated is not None
    assert item.versioncreated.isoformat() == "2017-08-24T04:38:34+00:00"
    assert item.firstcreated is not None
    assert item.firstcreated.isoformat() == "2017-08-24T04:37:19+00:00"
    assert item.byline == "Peter and Jane"
    assert item.located == "Milton Keynes"
    assert item.copyrightholder == "Australian Associated Press"
    assert item.usageterms == "Usage"
    assert item.pubstatus == "usable"
    assert item.subjects == [{"code": "01000000", "name": "arts, culture and entertainment"}]
    assert item.places == [{"code": "NSW", "name": "NSW"}]
    meta = item.stage_data["source_meta"]
    assert meta["ednote"] == "ed note"
    assert meta["urgency"] == 3
    assert meta["ninjs_version"] == "1.x"
    assert item.source_format == "ninjs"
    assert "validation" not in item.stage_data  # no schema dir: no validation


def test_superdesk_ninjs2_body_html_newlines_are_not_paragraphs() -> None:
    item = one_item(FEEDS / "ninjs2.json")
    assert item.uri == "tag:localhost:2017:7ca07622-3b19-4d61-8daf-18500412d46b"
    assert item.headline == "Oil prices edge up on first drop in US drilling in months"
    assert item.body[0].startswith("Oil prices edged up on Monday, supported by the first autumn")
    assert len(item.body) == 9
    assert item.version == 4
    assert item.byline == "By Henning Gloystein"
    assert item.located == "Singapore"
    assert item.language is None  # the text item declares none (only its picture does)
    assert item.stage_data["source_meta"]["slugline"] == "GLOBAL-OIL"


def test_superdesk_picture_is_skipped() -> None:
    assert skip_reason(FEEDS / "ninjs3.json") == "picture item, not a text item"


def test_futurezone_ninjs4() -> None:
    item = one_item(FEEDS / "ninjs4.json")
    assert item.uri.endswith(
        "article216742303/China-behauptet-einen-Polizeihund-geklont-zu-haben.html"
    )
    assert item.headline == "China behauptet, einen Polizeihund geklont zu haben"
    assert item.language == "de"
    assert item.body[0].startswith("Es kann ganz schön kostspielig sein, Polizeihunde")
    assert any("klon" in p.lower() for p in item.body[1:])
    assert item.versioncreated is not None
    assert item.versioncreated.isoformat() == "2019-03-25T08:54:09+00:00"
    assert {"code": "science", "name": "Science", "scheme": "fuzo"} in item.subjects
    assert "klonen" in item.stage_data["source_meta"]["keywords"]


def test_embargoed_item() -> None:
    item = one_item(FEEDS / "ninjs_embargoed.json")
    assert item.headline == "Trouble is brewing for the future of beer"
    assert item.embargoed is not None
    assert item.embargoed.isoformat() == "2022-06-29T02:30:00+00:00"
    assert item.version == 11
    assert item.body[0].startswith("What does torched earth taste like?")
    assert item.copyrightholder is None  # "" in the source
    assert {"code": "06011000", "name": "global warming"} in item.subjects


@pytest.mark.parametrize("name", ["ninjsExSimpleText1.json", "ninjsExMediumText1.json"])
def test_ninjs1_examples_prefer_structured_markup(name: str) -> None:
    item = one_item(FEEDS / name)
    assert item.uri.startswith("http://ninjs.example.com/newsitems/20130709")
    assert item.headline == "Captain of wrecked cruise ship on trial in Italy"
    assert item.byline == "Paulo Santalucia and Frances d'Emilio"
    assert item.versioncreated is not None
    assert item.versioncreated.isoformat() == "2013-07-09T10:37:00+00:00"
    # body_text is one run-on paragraph; body_xhtml has the four real ones
    assert len(item.body) == 4
    assert item.body[0].startswith("GROSSETO, Italy (AP) -- The trial of the captain")
    assert item.body[3].endswith("Schettino has denied wrongdoing.")


def test_ninjs1_medium_example_metadata() -> None:
    item = one_item(FEEDS / "ninjsExMediumText1.json")
    assert item.language == "en"
    assert item.located == "Grossetto, Italy"
    assert [p["name"] for p in item.people] == ["Francesco Schettino"]
    assert [p["name"] for p in item.places] == ["Grossetto", "Tuscany", "Italy"]
    assert item.organisations[0]["name"] == "Costa Crociere SpA"


def test_feed_wrapper_item_list() -> None:
    results = parse(FEEDS / "bbc-ninjs-text-test.json")
    assert len(results) == 1
    item = results[0]
    assert isinstance(item, Item)
    assert item.uri == "https://www.example.com//12345"
    assert item.headline == "advisory"
    assert item.body == ["body"]
    assert item.summary == "LDRS WALES v.1"
    assert item.language == "en"
    assert item.byline == "John Doe"
    assert item.stage_data["source_meta"]["type"] == "advisory"


@pytest.mark.parametrize(
    ("name", "count", "reason"),
    [
        ("ap_media_item.json", 1, "picture item, not a text item"),
        ("ap_media_picture.json", 1, "picture item, not a text item"),
        ("ap_media_feed.json", 1, "picture item, not a text item"),
        ("ap_media_text_item.json", 1, "text is not inline"),
        ("ap_media_text_feed.json", 1, "text is not inline"),
    ],
)
def test_ap_media_api(name: str, count: int, reason: str) -> None:
    results = parse(FEEDS / name)
    assert len(results) == count
    assert all(isinstance(r, Skipped) and reason in r.reason for r in results), results


@pytest.mark.parametrize("name", ["ninjs4_mock.json", "upload_from_url_mock.json"])
def test_http_mocks_are_not_ninjs(name: str) -> None:
    [skipped] = parse(FEEDS / name)  # well-formed JSON, but no news item: skipped, not an error
    assert isinstance(skipped, Skipped) and skipped.source_name == name
    assert skipped.reason.startswith("not a ninjs item") and "keys: requests" in skipped.reason


def test_every_owned_feed_file_has_an_answer() -> None:
    for path in OWNED_FEEDS:
        try:
            results = parse(path)
        except IngestError as error:
            assert str(error).startswith(path.name)
            continue
        assert results
        for result in results:
            if isinstance(result, Item):
                assert result.headline and result.body, path.name
            else:
                assert result.reason, path.name


# --- the official IPTC examples ------------------------------------------------------


@pytest.mark.parametrize("version", ["2.1", "3.0"])
def test_official_simple_text(version: str) -> None:
    item = one_item(EXAMPLES / version / f"ninjsExSimpleText_{version[0]}.json")
    assert item.headline == "Captain of wrecked cruise ship on trial in Italy"
    assert item.byline == "Paulo Santalucia and Frances d'Emilio"
    assert len(item.body) == 4
    assert item.stage_data["source_meta"]["ninjs_version"] == f"{version[0]}.x"


@pytest.mark.parametrize("version", ["2.1", "3.0"])
def test_official_dpa_text(version: str) -> None:
    item = one_item(EXAMPLES / version / "dpa_text.json")
    assert item.uri == "urn:newsml:dpa.com:20090101:190510-99-167362"
    assert item.headline == "Faktencheck Derby-Elfmeter: Hat Schiedsrichter Zwayer recht?"
    assert item.language == "de"
    assert item.version == 2
    assert item.byline == "Von Christian Hollmann, dpa"
    assert item.copyrightholder == "dpa"
    assert item.versioncreated is not None
    assert item.versioncreated.isoformat() == "2019-05-10T16:02:28+02:00"
    assert item.body[0].startswith("Für Lucien Favre war es «der größte Skandal im Fußball")


@pytest.mark.parametrize("version", ["2.1", "3.0"])
def test_official_ntb_text_without_body_uses_the_lead(version: str) -> None:
    item = one_item(EXAMPLES / version / "ntb_text.json")
    assert item.headline == "Google har kjøpt giganttomt i Skien"
    assert item.body == [
        "IT-giganten Google har kjøpt en tomt på nærmere 2.000 mål i Skien i tilfelle det "
        "blir behov for flere datasentre i Europa."
    ]
    assert item.summary is None
    assert item.language == "nb"
    assert item.version == 6
    assert item.firstcreated is not None
    assert item.firstcreated.isoformat() == "2019-08-09T09:30:04+00:00"
    meta = item.stage_data["source_meta"]
    assert meta["body_from"] == "description"
    assert meta["ednote"] == "Noe utvidet."


def test_official_tt_text_drops_repeated_headline() -> None:
    item = one_item(EXAMPLES / "3.0" / "tt_text_image_3.json")
    assert item.headline == "Militärövning i jätteformat hålls 2023"
    assert item.language == "sv"
    assert item.body[0] != item.headline
    assert any(p.startswith("Pandemin satte stopp") for p in item.body)
    assert item.versioncreated is not None
    assert item.versioncreated.isoformat() == "2021-05-26T13:40:18+02:00"


def test_official_addb_text_camelcase_3x() -> None:
    path = EXAMPLES / "3.0"
    path /= (
        "20231008-anti-doping-measures-at-the-tour-down-under-will-be-the-toughest-ever"
        "-addb-ninjs-nitf.json"
    )
    item = one_item(path)
    assert (
        item.headline == "Anti-doping measures at the 'Tour Down Under' will be the toughest ever"
    )
    assert item.located == "Oslo, Norway"
    assert item.byline == "Trond Husø, The Anti-Doping Database"
    assert item.summary is not None
    assert item.summary.startswith("The Australian Sports Anti-Doping Authority (ASADA)")
    assert item.body[0].startswith("The initiatives are being implemented")
    assert {
        "code": "15000000",
        "name": "Sport",
        "scheme": "http://cv.iptc.org/newscodes/mediatopic/",
    } in item.subjects
    assert item.stage_data["source_meta"]["body_from"] == "text"  # text/plain, not NITF


@pytest.mark.parametrize("version", ["2.1", "3.0"])
def test_official_businesswire(version: str) -> None:
    composite = one_item(EXAMPLES / version / "businesswire-newsml-20130731006140.json")
    assert composite.headline is not None
    assert composite.headline.startswith("Lunch Taking a Toll?")
    assert composite.body[0].startswith("With more Applebee’s® Lunch Combos than ever")
    assert composite.language == "en"
    chinese = one_item(EXAMPLES / version / "businesswire-newsml-20130605006126.json")
    assert chinese.language == "zh"
    assert "Cambrios" in chinese.body[0]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("SIPA_image", "picture"),
        ("ap_image", "picture"),
        ("imageEncodedRights", "picture"),
        ("imageLinkedRights", "picture"),
        ("ap_audio", "audio"),
        ("ap_video", "video"),
    ],
)
@pytest.mark.parametrize("version", ["2.1", "3.0"])
def test_official_media_items_are_skipped(name: str, kind: str, version: str) -> None:
    suffix = f"_{version[0]}" if name == "SIPA_image" else ""
    assert (
        skip_reason(EXAMPLES / version / f"{name}{suffix}.json") == f"{kind} item, not a text item"
    )


@pytest.mark.parametrize(
    "name",
    [
        "20231004-UEFA-ChampionLeague.json",
        "20231005-65-addb-event.json",
        "20231016-addb-example-press-conference.json",
        "simpleEvent.json",
        "tt_event_pressconference_3.0.json",
    ],
)
def test_official_events_are_skipped(name: str) -> None:
    assert skip_reason(EXAMPLES / "3.0" / name) == "event (planning) item, not a text item"


def test_official_collection_gives_one_result_per_item() -> None:
    results = parse(EXAMPLES / "3.0" / "collection" / "20231016-event-timeline-sample.json")
    assert len(results) == 14
    assert all(isinstance(r, Skipped) and "event" in r.reason for r in results)
    assert results[3].source_name == "20231016-event-timeline-sample.json#3"


def test_a_schema_file_is_not_an_item() -> None:
    path = EXAMPLES / "2.1" / "schema-extension" / "extension-schema.json"
    [skipped] = parse(path)
    assert skipped == Skipped("extension-schema.json", "a JSON Schema document, not a ninjs item")


def test_extension_example_is_read() -> None:
    item = one_item(EXAMPLES / "2.1" / "schema-extension" / "extension-example.json")
    assert item.headline == "Militärövning i jätteformat hålls 2023"


# --- schema validation ---------------------------------------------------------------

# Official examples that do not validate against the official schema, on purpose or not.
KNOWN_INVALID = {
    "extension-example.json": "'foofoo' was unexpected",  # valid only under its extension
    "20231016-event-timeline-sample.json": "is not of type 'array'",  # events: an object
    "extension-schema.json": "'uri' is a required property",  # a schema, not an item
}


@pytest.mark.parametrize("path", ALL_EXAMPLES, ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_official_examples_validate(path: Path) -> None:
    adapter = NinJS(SCHEMAS)
    data = json.loads(path.read_text(encoding="utf-8"))
    violations = [
        v for doc in (data if isinstance(data, list) else [data]) for v in adapter.validate(doc)[1]
    ]
    if path.name in KNOWN_INVALID:
        assert any(KNOWN_INVALID[path.name] in v for v in violations), violations
    else:
        assert violations == []


@pytest.mark.parametrize("path", ALL_EXAMPLES, ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_items_from_official_examples_record_clean_validation(path: Path) -> None:
    if path.name in KNOWN_INVALID:
        return
    for result in parse(path, NinJS(SCHEMAS)):
        if isinstance(result, Item):
            assert result.stage_data["validation"] == []
            assert result.stage_data["source_meta"]["ninjs_schema"][0] in "23"


def test_schema_version_follows_the_declared_standard() -> None:
    adapter = NinJS(SCHEMAS)
    tt = json.loads((EXAMPLES / "2.1" / "tt_text_image_2.json").read_text(encoding="utf-8"))
    assert adapter.validate(tt) == ("2.1", [])
    undeclared = json.loads((EXAMPLES / "3.0" / "dpa_text.json").read_text(encoding="utf-8"))
    assert adapter.validate(undeclared) == ("3.1", [])  # the newest 3.x schema


def test_violations_are_recorded_not_rejected() -> None:
    item = one_item(FEEDS / "ninjs1.json", NinJS(SCHEMAS))
    violations = item.stage_data["validation"]
    assert item.stage_data["source_meta"]["ninjs_schema"] == "1.6"
    assert "(root): 'uri' is a required property" in violations  # Superdesk sends guid
    assert any("'guid'" in v for v in violations)
    assert item.headline == "headline"


def test_schema_dir_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SCHEMA_DIR_ENV, str(SCHEMAS))
    assert NinJS().schema_dir == SCHEMAS
    assert NinJS(schema_dir_from_env=False).schema_dir is None
    item = one_item(EXAMPLES / "3.0" / "dpa_text.json", NinJS())
    assert item.stage_data["validation"] == []


def test_missing_schema_family_is_reported(tmp_path: Path) -> None:
    item = one_item(EXAMPLES / "3.0" / "dpa_text.json", NinJS(tmp_path))
    assert item.stage_data["validation"] == [f"no ninjs 3.x schema in {tmp_path}"]


# --- detection, sniffing, bad input --------------------------------------------------


def test_family_detection() -> None:
    assert ninjs_family({"uri": "u", "headline": "h", "body_text": "b"}) == 1
    assert ninjs_family({"uri": "u", "headlines": [{"value": "h"}], "versioncreated": "x"}) == 2
    assert ninjs_family({"uri": "u", "headlines": [{"value": "h"}], "versionCreated": "x"}) == 3
    assert ninjs_family({"uri": "u", "$standard": {"version": "1.3"}}) == 1
    assert ninjs_family({"uri": "u", "standard": {"version": "3.0"}}) == 3


def test_sniff() -> None:
    adapter = NinJS(schema_dir_from_env=False)
    hints = Hints(source_name="x.json")
    assert adapter.sniff((FEEDS / "ninjs1.json").read_bytes(), hints) == 0.95
    assert adapter.sniff(b'[{"uri": "a"}]', hints) == 0.95
    assert 0 < adapter.sniff(b'{"requests": {}}', hints) < 0.95
    assert adapter.sniff(b"<rss/>", hints) == 0.0
    assert adapter.sniff(b"plain text", Hints()) == 0.0


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"uri": "a", "headline": ', "not valid JSON"),
        (b'"just a string"', "JSON str, not a ninjs object"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
        (b'{"api_version": "1", "data": {}}', "AP media API response without data.item"),
    ],
)
def test_bad_input(raw: bytes, message: str) -> None:
    with pytest.raises(IngestError, match=rf"^bad.json: .*{message}"):
        NinJS(schema_dir_from_env=False).parse(raw, Hints(source_name="bad.json"))


def test_empty_feed_and_feed_junk() -> None:
    adapter = NinJS(schema_dir_from_env=False)
    assert adapter.parse(b"[]", Hints(source_name="f.json")) == [
        Skipped("f.json", "JSON feed with no items")
    ]
    results = adapter.parse(b'[1, {"uri": "u", "headline": "H", "body_text": "B"}]', Hints())
    assert isinstance(results[0], Skipped)
    assert isinstance(results[1], Item)
    assert results[1].body == ["B"]


def test_pubstatus_and_version_mapping() -> None:
    raw = (
        b'{"uri": "u", "headline": "H", "body_text": "B", "pubstatus": "Canceled", "version": "x"}'
    )
    item = NinJS(schema_dir_from_env=False).parse(raw, Hints())[0]
    assert isinstance(item, Item)
    assert item.pubstatus == "canceled"
    assert item.version == 1


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(max_size=2048))
def test_arbitrary_bytes(raw: bytes) -> None:
    check_well_behaved(raw)


SEEDS = [p for p in OWNED_FEEDS if p.stat().st_size < 20_000] + ALL_EXAMPLES[:12]


@settings(max_examples=200, deadline=None)
@given(
    seed=st.sampled_from(SEEDS),
    cut=st.floats(min_value=0.0, max_value=1.0),
    junk=st.binary(max_size=12),
)
def test_mutated_real_files(seed: Path, cut: float, junk: bytes) -> None:
    raw = seed.read_bytes()
    position = int(len(raw) * cut)
    check_well_behaved(raw[:position] + junk + raw[position + len(junk) :])


@settings(max_examples=200, deadline=None)
@given(
    document=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "uri",
                        "headline",
                        "headlines",
                        "bodies",
                        "body_html",
                        "type",
                        "value",
                        "subject",
                        "renditions",
                        "version",
                        "language",
                        "descriptions",
                    ]
                ),
                children,
                max_size=5,
            )
        ),
        max_leaves=20,
    )
)
def test_arbitrary_json_shapes(document: object) -> None:
    check_well_behaved(json.dumps(document).encode())


def check_well_behaved(raw: bytes) -> None:
    adapter = NinJS(SCHEMAS)
    try:
        results = adapter.parse(raw, Hints(source_name="fuzz.json"))
    except IngestError as error:
        assert str(error).startswith("fuzz.json")
        return
    assert isinstance(results, list)
    assert all(isinstance(r, Item | Skipped) for r in results)


def test_broken_schema_file_loses_no_item(tmp_path: Path) -> None:
    (tmp_path / "ninjs-schema_3.1.json").write_text("{", encoding="utf-8")
    item = one_item(EXAMPLES / "3.0" / "dpa_text.json", NinJS(tmp_path))
    assert item.headline == "Faktencheck Derby-Elfmeter: Hat Schiedsrichter Zwayer recht?"
    (violation,) = item.stage_data["validation"]
    assert violation.startswith("schema validation failed: ")
