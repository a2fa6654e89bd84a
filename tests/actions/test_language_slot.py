from actions.common import get_content
from actions.language_slot import ActionChangeLanguage, ActionDetectLanguage


def test_channel_hint_sets_language_when_first_message_is_short(run_action):
    _, events = run_action(ActionDetectLanguage(), "de_first_message_hint_uk")
    assert events == [{"event": "slot", "timestamp": None, "name": "language", "value": "uk"}]


def test_ok_does_not_flip_persian_conversation(run_action):
    _, events = run_action(ActionDetectLanguage(), "fa_ok_after_persian")
    assert events == []


def test_language_button_switches_and_confirms_in_new_language(run_action):
    messages, events = run_action(ActionChangeLanguage(), "uk_change_language_button")
    assert events == [{"event": "slot", "timestamp": None, "name": "language", "value": "uk"}]
    assert messages[0]["text"].startswith(get_content().message("language_set", "uk"))
    assert [b["payload"] for b in messages[0]["buttons"]][:3] == [
        '/help{"topic_group": "residence"}', '/help{"topic_group": "social"}',
        '/help{"topic_group": "urgent"}']


def test_detect_action_honours_explicit_language_button(run_action):
    _, events = run_action(ActionDetectLanguage(), "uk_change_language_button")
    assert events == [{"event": "slot", "timestamp": None, "name": "language", "value": "uk"}]
