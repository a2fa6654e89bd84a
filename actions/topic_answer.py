"""Answers a topic intent from content, then asks whether it helped."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from lotse import replies
from actions.common import get_content, language_of, latest_intent, send, urgent_first


class ActionAnswerTopic(Action):
    def name(self) -> Text:
        return "action_answer_topic"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        content = get_content()
        topic = latest_intent(tracker)
        lang = language_of(tracker)
        urgent_first(dispatcher, tracker)
        if not topic or not content.is_answer_topic(topic):
            send(dispatcher, [replies.help_menu(content, lang)])
            return []
        send(dispatcher, replies.topic_answer(content, topic, lang))
        return []
