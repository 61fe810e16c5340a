from ortaq.stories.features import analyse, cross_keys, numbers, strip_suffixes, text_features


def test_snowball_languages():
    assert analyse("The agencies were publishing", "en") == ["the", "agenc", "were", "publish"]
    assert analyse("агентства публикуют", "ru")[0].startswith("агентств")
    assert analyse("ajansların haberleri", "tr")[0] == "ajans"
    assert analyse("les agences publient", "fr")[1] == "agenc"
    assert len(analyse("الوكالات الإخبارية", "ar")) == 2


def test_kazakh_and_azerbaijani_strippers():
    assert strip_suffixes("агенттиктердин", "kk") == "агентти" or strip_suffixes(
        "агенттиктердин", "kk"
    ).startswith("агент")
    assert analyse("Қазақстанның", "kk") == analyse("Қазақстанда", "kk")
    assert analyse("düşərgələrdə", "az") == analyse("düşərgələri", "az")
    assert strip_suffixes("kitab", "az") == "kitab"  # too short to strip further


def test_numbers_normalised():
    assert numbers("1,250 people and 1 250 more; ١٢٥٠ in Arabic") == ["1250", "1250", "1250"]
    assert numbers("2,5 млн and 2.5 million") == ["2.5", "2.5"]
    assert numbers("7 people") == []  # single digits say nothing


def test_cross_keys_meet_across_scripts():
    kk = cross_keys("Пәкістанның лагерлерін Харкер", "kk")
    en = cross_keys("Pakistan camps Harker", "en")
    ru = cross_keys("Пакистана Харкер", "ru")
    assert "s:bkstn" in kk and "s:bkstn" in en
    assert all("q:bkst" in keys and "q:rkr" in keys for keys in (kk, en, ru))
    assert {k for k in kk if k.startswith("q:")} & {k for k in en if k.startswith("q:")}


def test_terms_are_per_language():
    features = text_features("Президент выступил", "ru")
    assert all(k.startswith("w:ru:") for k in features.terms)
    assert "c5:prezi" in features.cross


def _names(keys: dict[str, int]) -> set[str]:
    return {k for k in keys if k[:2] in ("s:", "q:")}


def test_hyphenated_names_meet_names_written_apart():
    """Сан-Франциско and San Francisco: the parts of a hyphenated name are names."""
    ru = _names(cross_keys("Сан-Франциско", "ru"))
    en = _names(cross_keys("San Francisco", "en"))
    assert {k for k in en if k.startswith("q:")} <= ru
    # the lower-case half of a compound word gives no name key of its own
    assert not _names(cross_keys("агентство-партнёр", "ru"))


def test_english_c_meets_its_transliterations():
    """Monica/Моника, Francisco/Франциско, Rebecca/Ребекка share a coarse skeleton."""
    for en, ru in (("Monica", "Моника"), ("Francisco", "Франциско"), ("Rebecca", "Ребекка")):
        en_q = {k for k in cross_keys(en, "en") if k.startswith("q:")}
        ru_q = {k for k in cross_keys(ru, "ru") if k.startswith("q:")}
        assert en_q & ru_q, (en, ru, en_q, ru_q)
    # ch stays as written: Chelsea is not Kelsey
    assert not {k for k in cross_keys("Chelsea", "en") if k.startswith("q:")} & {
        k for k in cross_keys("Kelsey", "en") if k.startswith("q:")
    }
