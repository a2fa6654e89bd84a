"""Builds the assistant's replies (text and buttons) from content, in the resident's language."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

from lotse.content import Content

URGENT_TOPICS = ("emergency", "violence_protection")


@dataclass
class Reply:
    text: str
    buttons: List[Dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> Dict[str, object]:
        data: Dict[str, object] = {"text": self.text}
        if self.buttons:
            data["buttons"] = self.buttons
        return data


def payload(intent: str, **entities: str) -> str:
    """A Rasa button payload that triggers ``intent`` directly, bypassing NLU."""
    return f"/{intent}{json.dumps(entities, ensure_ascii=False)}" if entities else f"/{intent}"


def _button(title: str, intent: str, **entities: str) -> Dict[str, str]:
    return {"title": title, "payload": payload(intent, **entities)}


def followup_buttons(content: Content, topic: str, lang: str) -> List[Dict[str, str]]:
    buttons = [_button(content.button("helped_yes", lang), "thank")]
    if content.topics[topic].get("handoff"):
        buttons.append(_button(content.button("counsellor", lang), "request_human"))
    buttons.append(_button(content.button("menu", lang), "help"))
    return buttons


def topic_answer(content: Content, topic: str, lang: str) -> List[Reply]:
    """The answer to a topic: the text, links, who decides, then 'did that help?' buttons."""
    spec = content.topics[topic]
    parts = [content.answer(topic, lang)]
    links = spec.get("links") or []
    if links:
        parts.append(content.message("more_info", lang) + " " + " ".join(links))
    if spec["group"] == "residence":
        parts.append(content.message("who_decides_note", lang))
    if topic == "appointment":
        parts.append(content.office_contact("auslaenderbehoerde", lang))
    # One bubble: Rasa's output channels split a text into separate messages at blank lines.
    return [
        Reply("\n".join(parts)),
        Reply(content.message("followup", lang), followup_buttons(content, topic, lang)),
    ]


def urgent_notice(content: Content, lang: str) -> Reply:
    """110/112 and the violence hotline, shown before anything else in an urgent topic."""
    numbers = content.hotlines
    lines = [
        content.message("urgent_first", lang),
        f"🚓 {numbers['police']['number']}   🚑 {numbers['fire_ambulance']['number']}",
        f"☎️ {numbers['violence_against_women']['number']}",
    ]
    return Reply("\n".join(lines))


def help_menu(content: Content, lang: str) -> Reply:
    return Reply(
        content.message("help", lang),
        [
            _button(content.button("group_residence", lang), "help", topic_group="residence"),
            _button(content.button("group_social", lang), "help", topic_group="social"),
            _button(content.button("group_urgent", lang), "help", topic_group="urgent"),
            _button(content.button("change_language", lang), "change_language"),
        ],
    )


def group_menu(content: Content, group: str, lang: str) -> Reply:
    if group == "urgent":
        topics: Sequence[str] = URGENT_TOPICS
    else:
        topics = [t for t in content.topic_ids(group) if t not in URGENT_TOPICS]
    return Reply(
        content.message("help_group", lang),
        [_button(content.title(t, lang), t) for t in topics],
    )


def language_picker(content: Content, lang: str, text_key: str = "change_language") -> Reply:
    names = content.languages["names"]
    return Reply(
        content.message(text_key, lang),
        [_button(names[code], "change_language", language=code)
         for code in content.required_languages],
    )


def fallback_suggestions(content: Content, lang: str, candidates: Sequence[str]) -> Reply:
    """First fallback stage: the likeliest topics as buttons, and 'none of these'."""
    buttons = [_button(content.title(t, lang), t) for t in candidates if content.is_answer_topic(t)]
    buttons.append(_button(content.button("none_of_these", lang), "nlu_fallback"))
    return Reply(content.message("fallback_suggest", lang), buttons)


def fallback_give_up(content: Content, lang: str) -> Reply:
    return Reply(
        content.message("fallback_give_up", lang) + "\n"
        + content.office_contact("auslaenderbehoerde", lang),
        [_button(content.button("menu", lang), "help")],
    )


def office_contact_reply(content: Content, key: str, lang: str) -> Reply:
    return Reply(
        content.message(key, lang) + "\n" + content.office_contact("auslaenderbehoerde", lang),
        [_button(content.button("menu", lang), "help")],
    )


def simple(content: Content, key: str, lang: str, with_menu: bool = False) -> Reply:
    buttons = [_button(content.button("menu", lang), "help")] if with_menu else []
    return Reply(content.message(key, lang), buttons)


def greeting(content: Content, lang: str) -> List[Reply]:
    return [language_picker(content, lang, text_key="greet")]


def language_confirmed(content: Content, lang: str) -> Reply:
    return help_menu_with_intro(content, lang, intro_key="language_set")


def help_menu_with_intro(content: Content, lang: str, intro_key: Optional[str]) -> Reply:
    menu = help_menu(content, lang)
    if intro_key:
        menu.text = content.message(intro_key, lang) + "\n" + menu.text
    return menu
