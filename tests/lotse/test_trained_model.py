"""The trained model (models/lotse.tar.gz, trained by scripts/test.sh before the unit tests)."""
import asyncio
from pathlib import Path

import pytest

MODEL = Path(__file__).resolve().parents[2] / "models" / "lotse.tar.gz"
pytestmark = pytest.mark.skipif(not MODEL.exists(), reason="model not trained yet")


@pytest.fixture(scope="module")
def agent():
    from rasa.core.agent import Agent

    return Agent.load(str(MODEL))


def parse(agent, text):
    return asyncio.run(agent.parse_message(text))


@pytest.mark.parametrize("text, lang, intent", [
    ("mein aufenthaltstitel läuft bald ab, was soll ich machen", "de", "residence_permit_extension"),
    ("how can i bring my wife and kids to germany", "en", "family_reunification"),
    ("kif ba3mel termin bel auslanderbehorde", "ar", "appointment"),
    ("kindergeld icin nereye basvurmam lazim", "tr", "child_family_benefits"),
    ("як продовжити захист за параграфом 24", "uk", "ukraine_protection"),
    ("mne nuzhen advokat, otkaz prishel", "ru", "legal_help"),
    ("میخوام شهروندی آلمان بگیرم چیکار کنم", "fa", "naturalisation"),
    ("zgubilem paszport co teraz robic", "pl", "lost_documents"),
])
def test_parse_result_has_intent_and_detected_language(agent, text, lang, intent):
    result = parse(agent, text)
    assert result["language"]["code"] == lang
    assert result["intent"]["name"] == intent


def test_nonsense_goes_to_fallback_or_out_of_scope(agent):
    result = parse(agent, "qqqq zzzz xxxx")
    assert result["intent"]["name"] in ("nlu_fallback", "out_of_scope")


def test_language_entity_is_normalised_to_a_code(agent):
    result = parse(agent, "bitte auf arabisch")
    assert result["intent"]["name"] == "change_language"
    assert [e["value"] for e in result["entities"] if e["entity"] == "language"] == ["ar"]


def test_confident_messages_are_answered_without_a_sentence_embedding(agent, encoder_calls):
    """config.yml's screens: the n-gram-only classifiers answer alone when they are sure."""
    calls = encoder_calls
    embedded = {}
    for text in ("wie bekomme ich kindergeld", "hallo", "danke", "qqqq zzzz xxxx",
                 "kif ba3mel termin bel auslanderbehorde", "sorry what"):
        before = len(calls)
        parse(agent, text)
        embedded[text] = len(calls) > before
    assert not all(embedded.values()), embedded  # some skip the encoder ...
    assert any(embedded.values()), embedded  # ... and the unsure ones still use it


def test_screens_can_be_switched_off(monkeypatch, encoder_calls):
    from rasa.core.agent import Agent

    monkeypatch.setenv("LOTSE_NLU_SCREENS", "off")
    agent = Agent.load(str(MODEL))
    calls = encoder_calls
    for text in ("wie bekomme ich kindergeld", "hallo", "danke"):
        parse(agent, text)
    assert len(calls) == 3


def test_a_message_naming_a_language_always_gets_the_full_model(agent, encoder_calls):
    calls = encoder_calls
    result = parse(agent, "زبان چت رو اوکراینی کن")  # "chat in Ukrainian, please"
    assert calls, "the n-gram screen answered alone"
    assert result["intent"]["name"] == "change_language"
    assert [e["value"] for e in result["entities"] if e["entity"] == "language"] == ["uk"]


def test_button_payloads_are_not_classified_as_text(agent, encoder_calls):
    calls = encoder_calls
    result = parse(agent, '/affirm{"handoff_choice": "age_27_plus"}')
    assert result["intent"]["name"] == "affirm"
    assert [(e["entity"], e["value"]) for e in result["entities"]] == \
        [("handoff_choice", "age_27_plus")]
    assert parse(agent, "/request_human")["intent"]["name"] == "request_human"
    assert calls == []
    # An unknown "intent" after a slash is the resident's text: classified as usual.
    typed = parse(agent, "/wie bekomme ich kindergeld")
    assert typed["intent"]["name"] == "child_family_benefits"
