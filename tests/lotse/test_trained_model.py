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
