"""Greeting, small talk, help menu, contact and privacy replies, all from content."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from lotse import replies
from actions.handoff import erase_conversation
from actions.common import (get_content, language_of, latest_entity, latest_intent, send,
                            urgent_first)

# Intents answered with one text from content (messages.<intent>); True: add a menu button.
SIMPLE_REPLIES = {
    "goodbye": False, "thank": False, "affirm": True, "deny": True, "bot_challenge": True,
    "privacy": True, "out_of_scope": True,
}


class ActionGreet(Action):
    def name(self) -> Text:
        return "action_greet"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        urgent_first(dispatcher, tracker)
        send(dispatcher, replies.greeting(get_content(), language_of(tracker)))
        return []


class ActionReply(Action):
    def name(self) -> Text:
        return "action_reply"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        intent = latest_intent(tracker) or "out_of_scope"
        key = intent if intent in SIMPLE_REPLIES else "out_of_scope"
        urgent_first(dispatcher, tracker)
        send(dispatcher, [replies.simple(get_content(), key, language_of(tracker),
                                         with_menu=SIMPLE_REPLIES[key])])
        return []


class ActionShowHelp(Action):
    """The menu of topic groups, or the topics of one group (button payload entity)."""

    def name(self) -> Text:
        return "action_show_help"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        content = get_content()
        lang = language_of(tracker)
        group = latest_entity(tracker, "topic_group")
        urgent_first(dispatcher, tracker)
        if group in ("residence", "social", "urgent"):
            send(dispatcher, [replies.group_menu(content, group, lang)])
        else:
            send(dispatcher, [replies.help_menu(content, lang)])
        return []


class ActionDeleteMyData(Action):
    """Erases the resident's handoffs and asks the channel gateway to delete the conversation."""

    def name(self) -> Text:
        return "action_delete_my_data"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        return erase_conversation(dispatcher, tracker)
