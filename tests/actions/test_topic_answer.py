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
