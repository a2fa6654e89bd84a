from actions.common import get_content
from actions.conversation import ActionDeleteMyData, ActionShowHelp
from actions.fallback import ActionFallback


def test_group_menu_lists_topic_titles_in_polish(run_action):
    messages, _ = run_action(ActionShowHelp(), "pl_help_residence_group")
    content = get_content()
    buttons = messages[0]["buttons"]
    assert len(buttons) == len(content.topic_ids("residence"))
    assert buttons[0] == {"title": content.title("residence_permit_extension", "pl"),
                          "payload": "/residence_permit_extension"}


def test_first_fallback_offers_likeliest_topics(run_action):
    messages, _ = run_action(ActionFallback(), "de_fallback_first")
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    # greet is not a topic; nlu_fallback is the "none of these" button
    assert payloads == ["/lost_documents", "/appointment", "/fees", "/nlu_fallback"]
    assert messages[0]["text"] == get_content().message("fallback_suggest", "de")


def test_second_fallback_gives_office_contact(run_action):
    messages, _ = run_action(ActionFallback(), "de_fallback_second")
    content = get_content()
    assert messages[0]["text"].startswith(content.message("fallback_give_up", "de"))
    assert content.offices["auslaenderbehoerde"]["phone"] in messages[0]["text"]


def test_delete_restarts_and_marks_erasure_for_the_channel(run_action):
    messages, events = run_action(ActionDeleteMyData(), "pl_help_residence_group")
    assert events == [{"event": "restart", "timestamp": None}]
    assert messages[0]["custom"] == {"lotse_erase": True, "handoffs_erased": True}
    assert messages[0]["text"] == get_content().message("delete_my_data", "pl")
