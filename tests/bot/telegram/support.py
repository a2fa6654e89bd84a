"""Constants and small helpers shared by the Telegram tests."""
from typing import List

from lotse import content as content_module

TOKEN = "123456789:AAE_test-token-for-the-stand-in-0123456"
CONTENT = content_module.load()
UNREACHABLE = "http://127.0.0.1:9"  # nothing listens there: the assistant is unreachable


def keyboard_of(call) -> List[List[dict]]:
    markup = call.params.get("reply_markup") or {}
    return markup.get("inline_keyboard") or []


def first_line(topic: str, lang: str) -> str:
    return CONTENT.answer(topic, lang).splitlines()[0]
