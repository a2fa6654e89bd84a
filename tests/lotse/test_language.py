import pytest

from lotse import language, nlu_data, sentence_encoder
from lotse.language import Detection, decide, detect


def _embed(texts):
    return sentence_encoder.embed([sentence_encoder.prepare(t) for t in texts])


@pytest.fixture(scope="module")
def model():
    """The production language classifier, trained on all examples (embeddings cached)."""
    cache = sentence_encoder.training_cache()
    items = nlu_data.read_all()
    trained = language.train_from_items(
        ((i.text, i.lang) for i in items),
        embed=lambda texts: sentence_encoder.embed(
            [sentence_encoder.prepare(t) for t in texts], cache))
    cache.save()
    return trained


def detect_with_embedding(text, model):
    return detect(text, model, _embed([text])[0])


@pytest.mark.parametrize("text, lang", [
    ("مرحبا بدي جدد الاقامة", "ar"),
    ("سلام میخوام اقامتمو تمدید کنم", "fa"),
    ("Привіт, як продовжити дозвіл на проживання", "uk"),
    ("Привет, как продлить вид на жительство", "ru"),
])
def test_script_and_unique_letters(text, lang, model):
    assert detect_with_embedding(text, model).lang == lang


@pytest.mark.parametrize("text, lang", [
    ("mein aufenthaltstitel läuft nächsten monat ab was muss ich machen", "de"),
    ("my permit expires next month what should i do", "en"),
    ("oturum iznim gelecek ay bitiyor ne yapmam lazim", "tr"),
    ("moja karta pobytu konczy sie w przyszlym miesiacu co robic", "pl"),
    ("bdi jadded el i9ame taba3i", "ar"),
    ("salam mikham eqamatamo tamdid konam", "fa"),
    ("kak prodlit vid na zhitelstvo", "ru"),
])
def test_latin_script_messages(text, lang, model):
    result = detect_with_embedding(text, model)
    assert result.lang == lang, result.ranking
    assert result.reliable


def test_no_letters_means_no_language(model):
    for text in ("", "👍", "12345", "!!!", "\u200f\u200f"):
        assert detect(text, model).lang is None


def test_button_payload_is_not_detected(model):
    assert detect('/change_language{"language": "ar"}', model).lang is None


def test_detection_round_trips_through_parse_data(model):
    result = detect_with_embedding("wie lange dauert die einbürgerung", model)
    assert Detection.from_dict(result.as_dict()).lang == result.lang


def strong(lang, words=5):
    return Detection(lang, 0.97, letters=30, words=words)


def weak(lang):
    return Detection(lang, 0.55, letters=2, words=1)


def test_first_message_sets_language():
    assert decide(None, strong("ar")) == "ar"


def test_channel_hint_is_used_when_the_first_message_is_unclear():
    assert decide(None, Detection(None, 0.0, 0, 0), hint="uk-UA") == "uk"
    assert decide(None, weak("pl"), hint="tr") == "tr"


def test_default_without_any_signal():
    assert decide(None, Detection(None, 0.0, 0, 0), default="de") == "de"


@pytest.mark.parametrize("detection", [
    Detection(None, 0.0, 0, 0),                 # 👍
    Detection("en", 0.7, letters=2, words=1),   # ok
    Detection("pl", 0.9, letters=5, words=1),   # a name
    Detection("tr", 0.62, letters=20, words=4), # unclear
])
def test_short_or_ambiguous_message_never_flips(detection):
    assert decide("fa", detection, hint="en") == "fa"


def test_clear_message_in_another_language_switches():
    assert decide("de", strong("ru")) == "ru"


def test_run_of_two_messages_switches():
    one_word = Detection("uk", 0.8, letters=8, words=1)
    assert decide("de", one_word) == "de"
    assert decide("de", one_word, previous=Detection("uk", 0.75, letters=9, words=1)) == "uk"


def test_explicit_request_always_wins():
    assert decide("de", strong("de"), explicit="fa") == "fa"
    assert decide("de", strong("de"), explicit="klingon") == "de"


def test_answers_inside_a_form_never_flip_the_language():
    assert decide("uk", strong("ru"), locked=True) == "uk"
    assert decide("uk", strong("ru"), previous=strong("ru"), locked=True) == "uk"
    assert decide("uk", strong("ru"), explicit="ar", locked=True) == "ar"
    assert decide(None, strong("ru"), locked=True) == "ru"
