import datetime as dt

import pytest

from lotse import statistics
from lotse.handoff.store import HandoffStore


@pytest.fixture
def store(tmp_path):
    handoff_store = HandoffStore(f"sqlite:///{tmp_path}/stats.db")
    handoff_store.create_schema()
    return handoff_store


@pytest.mark.parametrize("text,expected", [
    ("ruf mich an 0176 1234 5678 bitte", "ruf mich an [Telefon] bitte"),
    ("mail: ali.r@example.org", "mail: [E-Mail]"),
    ("Aktenzeichen AB-12345", "Aktenzeichen AB-[Zahl]"),
    ("رقمي ٠١٧٦١٢٣٤٥٦٧٨", "رقمي [Telefon]"),
    ("+49 (176) 123-4567", "[Telefon]"),
    ("ich habe 2 kinder", "ich habe 2 kinder"),
])
def test_mask_removes_contact_data_and_long_numbers(text, expected):
    assert statistics.mask(text) == expected


def test_counts_are_anonymous_and_summed(store):
    recorder = statistics.StatisticsRecorder(store, flush_seconds=3600)
    recorder.message("appointment", "de", "widget", "termin bitte")
    recorder.message("appointment", "de", "widget", "termin?")
    recorder.message("appointment", "ar", "telegram", "موعد")
    recorder.message(None, "fa", "widget", "xyz 0176 12345678 asdf")
    recorder.message("nlu_fallback", "fa", "widget", "/affirm")  # a button: not a question
    recorder.handoff("jmd_kreis", "uk", "telegram")  # flushes
    recorder.message("appointment", "de", "widget", "noch mal termin")
    recorder.flush()
    summary = statistics.summarise(statistics.daily_rows(store, dt.date.today()))
    assert summary["messages"] == 6
    assert dict(summary["per_topic"]) == {"appointment": 4, "nlu_fallback": 2}
    assert dict(summary["per_language"]) == {"de": 3, "ar": 1, "fa": 2}
    assert dict(summary["per_channel"]) == {"widget": 5, "telegram": 1}
    assert summary["fallback_rate"] == pytest.approx(2 / 6)
    assert summary["handoffs_per_agency"] == [("jmd_kreis", 1)]
    [question] = statistics.unplaced_questions(store)
    assert question.text == "xyz [Telefon] asdf" and question.language == "fa"
    assert not hasattr(question, "sender_id")


def test_unplaced_questions_are_purged_by_retention(store):
    recorder = statistics.StatisticsRecorder(store, flush_seconds=0)
    recorder.message(None, "de", "widget", "was ist das")
    with store.session() as session:
        session.query(statistics.UnplacedQuestion).update(
            {"day": dt.date.today() - dt.timedelta(days=40)})
        session.commit()
    assert statistics.purge_unplaced(store, 30) == 1
    assert statistics.unplaced_questions(store) == []
