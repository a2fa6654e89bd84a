from actions.common import get_content
from actions.topic_answer import ActionAnswerTopic


def test_arabic_topic_answer_comes_from_content_with_followup_buttons(run_action):
    messages, events = run_action(ActionAnswerTopic(), "ar_family_reunification")
    content = get_content()
    assert events == []
    assert content.answer("family_reunification", "ar") in messages[0]["text"]
    assert content.message("who_decides_note", "ar") in messages[0]["text"]
    followup = messages[1]
    assert followup["text"] == content.message("followup", "ar")
    payloads = [b["payload"] for b in followup["buttons"]]
    assert payloads == ["/thank", "/request_human", "/help"]
    assert followup["buttons"][1]["title"] == content.button("counsellor", "ar")


def test_violence_answer_starts_with_police_and_hotline(run_action):
    messages, _ = run_action(ActionAnswerTopic(), "tr_emergency")
    lines = messages[0]["text"].splitlines()
    assert "110" in lines[0]
    assert "116 016" in lines[1]
    assert get_content().answer("violence_protection", "tr") in messages[0]["text"]


def test_danger_inside_another_topic_gets_the_emergency_numbers_first(tracker_for):
    from rasa_sdk.executor import CollectingDispatcher

    from actions.topic_answer import ActionAnswerTopic

    dispatcher = CollectingDispatcher()
    ActionAnswerTopic().run(dispatcher, tracker_for(
        "mein mann schlägt mich, kann ich trotzdem meinen titel verlängern?",
        "residence_permit_extension"), {})
    first, second = dispatcher.messages[0]["text"], dispatcher.messages[1]["text"]
    assert "110" in first and "112" in first and "116 016" in first
    assert second.startswith(get_content().answer("residence_permit_extension", "de")[:30])

    calm = CollectingDispatcher()
    ActionAnswerTopic().run(calm, tracker_for("wie verlängere ich meinen titel",
                                              "residence_permit_extension"), {})
    assert "116 016" not in calm.messages[0]["text"]
