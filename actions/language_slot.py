"""The conversation's language: decided after every message, changed on request."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from lotse import language, replies
from actions.common import (get_content, latest_entity, latest_intent, latest_metadata, send,
                            user_events)


def channel_hint(tracker: Tracker) -> str:
    """The channel's language hint from the latest message's metadata, if any."""
    return str(latest_metadata(tracker).get("language_hint") or "")


def _record_statistics(tracker: Tracker, language_code: str) -> None:
    # Runs once per user message (this action is the language slot's mapping).
    from actions.handoff import channel_of, get_recorder

    text = str(tracker.latest_message.get("text") or "")
    get_recorder().message(latest_intent(tracker), language_code, channel_of(tracker), text)


class ActionDetectLanguage(Action):
    """Fills the ``language`` slot (custom slot mapping, run after every user message)."""

    def name(self) -> Text:
        return "action_detect_language"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        content = get_content()
        current = tracker.get_slot("language")
        events = user_events(tracker)
        previous = None
        if len(events) >= 2:
            previous = language.Detection.from_dict(
                (events[-2].get("parse_data") or {}).get("language"))
        explicit = None
        if latest_intent(tracker) == "change_language":
            explicit = latest_entity(tracker, "language")
        chosen = language.decide(
            current,
            language.Detection.from_dict(tracker.latest_message.get("language")),
            hint=channel_hint(tracker),
            previous=previous,
            explicit=explicit,
            default=content.default_language,
            supported=content.required_languages,
            locked=bool((tracker.active_loop or {}).get("name")),
        )
        _record_statistics(tracker, chosen)
        return [] if chosen == current else [SlotSet("language", chosen)]


class ActionChangeLanguage(Action):
    """Confirms a language the resident chose, or shows the language picker."""

    def name(self) -> Text:
        return "action_change_language"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        content = get_content()
        chosen = latest_entity(tracker, "language")
        if content.supported(chosen):
            send(dispatcher, [replies.language_confirmed(content, chosen)])
            return [SlotSet("language", chosen)]
        lang = content.lang_or_default(tracker.get_slot("language"))
        send(dispatcher, [replies.language_picker(content, lang)])
        return []
