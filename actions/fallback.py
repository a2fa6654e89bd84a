"""Two-stage fallback: first the likeliest topics as buttons, then the office's contact."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from lotse import replies
from actions.common import get_content, language_of, send, urgent_first, user_events

MAX_SUGGESTIONS = 3


def consecutive_fallbacks(tracker: Tracker) -> int:
    """How many of the resident's latest messages in a row the assistant could not place."""
    count = 0
    for event in reversed(user_events(tracker)):
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent != "nlu_fallback":
            break
        count += 1
    return count


def likely_topics(tracker: Tracker) -> List[str]:
    content = get_content()
    ranking = tracker.latest_message.get("intent_ranking") or []
    names = [r.get("name") for r in ranking]
    return [n for n in names if n and content.is_answer_topic(n)][:MAX_SUGGESTIONS]


class ActionFallback(Action):
    def name(self) -> Text:
        return "action_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        content = get_content()
        lang = language_of(tracker)
        candidates = likely_topics(tracker)
        urgent_first(dispatcher, tracker)
        if consecutive_fallbacks(tracker) <= 1 and candidates:
            send(dispatcher, [replies.fallback_suggestions(content, lang, candidates)])
        else:
            send(dispatcher, [replies.fallback_give_up(content, lang)])
        return []
