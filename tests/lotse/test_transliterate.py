import pytest

from lotse.transliterate import mostly_latin, to_native_script


@pytest.mark.parametrize("text, lang, expected", [
    ("yak prodovzhyty dozvil", "uk", "як продовжити дозвіл"),
    ("dyakuyu", "uk", "дякую"),
    ("mne nuzhen advokat", "ru", "мне нужен адвокат"),
    ("mar7aba", "ar", "مرحبا"),
    ("bdi", "ar", "بدي"),
    ("chetori", "fa", "چتوری"),
])
def test_words_come_out_in_native_script(text, lang, expected):
    assert to_native_script(text, lang) == expected


def test_other_languages_and_native_text_are_unchanged():
    assert to_native_script("Mein Termin", "de") == "Mein Termin"
    assert to_native_script("مرحبا", "ar") == "مرحبا"


def test_mostly_latin():
    assert mostly_latin("bdi jadded el i9ame")
    assert not mostly_latin("بدي Termin بالـ Ausländerbehörde اليوم")
    assert not mostly_latin("👍")
