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
