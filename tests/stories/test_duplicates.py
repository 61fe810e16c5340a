from ortaq.stories.duplicates import NearDuplicateIndex

TEXT = (
    "Президент Казахстана встретился с делегацией Азербайджана в Астане. Стороны обсудили "
    "торговлю, транспорт и энергетику. Встреча прошла в понедельник и длилась три часа. "
    "По итогам было подписано пять соглашений о сотрудничестве в разных областях."
)


def test_exact_near_and_unrelated():
    index = NearDuplicateIndex()
    assert index.add("a", TEXT, "ru") == []
    assert index.add("b", TEXT.upper().replace(",", ""), "ru") == [("a", 1.0)]
    edited = "Новый заголовок о встрече. " + TEXT + " Подписывайтесь на наш канал."
    near = index.add("c", edited, "ru")
    assert [other for other, _ in near] == ["a", "b"]
    assert 0.5 <= near[0][1] < 1.0
    assert index.add("d", "Сборная выиграла матч со счётом два один в Алматы вечером.", "ru") == []


def test_translation_is_not_duplication():
    index = NearDuplicateIndex()
    index.add("ru", TEXT, "ru")
    assert index.add("kk", TEXT, "kk") == []  # languages never meet


def test_dropped_and_reordered_sentences():
    index = NearDuplicateIndex()
    sentences = TEXT.split(". ")
    index.add("orig", TEXT, "ru")
    reordered = ". ".join([sentences[0], sentences[2], sentences[1], sentences[3]])
    assert index.add("copy", reordered, "ru")[0][0] == "orig"
