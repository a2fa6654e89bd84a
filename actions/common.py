"""Shared helpers for actions: the content (loaded once), the language, sending replies."""
from __future__ import annotations

import functools
from typing import Any, Dict, Iterable, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from lotse import content as content_module
from lotse.content import Content
from lotse.replies import URGENT_TOPICS, Reply, urgent_notice


@functools.lru_cache(maxsize=1)
def get_content() -> Content:
    return content_module.load()


def language_of(tracker: Tracker) -> str:
    return get_content().lang_or_default(tracker.get_slot("language"))


def latest_intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def latest_entity(tracker: Tracker, entity: str) -> Optional[str]:
    values = [e.get("value") for e in tracker.latest_message.get("entities") or []
              if e.get("entity") == entity]
    return str(values[-1]) if values else None


def user_events(tracker: Tracker) -> List[Dict[str, Any]]:
    return [e for e in tracker.events if e.get("event") == "user"]


def latest_metadata(tracker: Tracker) -> Dict[str, Any]:
    """The metadata the channel sent with the latest message (channel, language hint, ...)."""
    events = user_events(tracker)
    return (events[-1].get("metadata") or {}) if events else {}


def urgent_first(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """110 / 112 and the violence hotline before anything else when the message names danger
    (content/urgent.yml), unless the answer is an urgent topic's, which shows them anyway."""
    content = get_content()
    if latest_intent(tracker) in URGENT_TOPICS:
        return
    if content.urgent_matcher.matches(str(tracker.latest_message.get("text") or "")):
        send(dispatcher, [urgent_notice(content, language_of(tracker))])


def send(dispatcher: CollectingDispatcher, replies: Iterable[Reply]) -> None:
    for reply in replies:
        dispatcher.utter_message(text=reply.text, buttons=reply.buttons or None)
