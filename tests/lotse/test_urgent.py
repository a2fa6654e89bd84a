import pytest

from lotse import content as content_module
from lotse.urgent import UrgentMatcher, normalise, validate

CONTENT = content_module.load()


@pytest.mark.parametrize("text", [
    "Mein Mann schlagt mich, was passiert mit meinem Aufenthaltstitel?",
    "my husband hits me and I need my permit extended",
    "جوزي عم يضربني وبدي جدد الإقامة",
    "kocam beni dövüyor oturum izni ne olacak",
    "чоловік б'є мене, що з дозволом на проживання?",
    "муж бьёт меня, что с ВНЖ",
    "شوهرم منو میزنه اقامتم چی میشه",
    "mąż mnie bije, co z kartą pobytu",
])
def test_danger_inside_another_question_is_found_in_every_language(text):
    assert CONTENT.urgent_matcher.matches(text)


@pytest.mark.parametrize("text", [
    "ich brauche dringend einen Termin", "urgent appointment please", "Notfall-Termin?",
    "ضروري موعد", "acil randevu lazım", "срочно нужен термин", "pilnie potrzebuję terminu",
    "کمک میخوام برای اقامت", "", "👍",
])
def test_everyday_urgency_is_not_danger(text):
    assert not CONTENT.urgent_matcher.matches(text)


def test_matching_rules():
    matcher = UrgentMatcher({"de": ["bedroh", "bringt mich um"], "ar": ["يضربني"]})
    assert matcher.matches("Er BEDROHT uns")          # start of a word, any case
    assert not matcher.matches("unbedrohlich")        # not inside a Latin word
    assert matcher.matches("er bringt mich um")
    assert matcher.matches("وعم يضربني")               # Arabic prefixes attach
    assert matcher.matches("عم يضربنى")                # alef maksura spelled for yeh
    assert normalise("SCHLÄGT") == "schlagt"


def test_validation_requires_every_language_and_safe_keywords():
    errors = []
    validate({"source": "x", "checked": "2026-11-26", "keywords": {"de": ["ab"] * 12}},
             ["de", "en"], errors)
    assert any("'en' needs at least 10 keywords" in e for e in errors)
    assert any("too short" in e for e in errors)
