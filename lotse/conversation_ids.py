"""The assistant's conversation (sender) id for each channel, each channel in its own namespace.

A widget page chooses its own id, and Telegram user ids are known numbers: without the prefixes
a page could send "tg-123456" and write into, read from or erase that Telegram resident's
conversation (including the contact shown before a handoff is sent).
"""
from __future__ import annotations

WIDGET_PREFIX = "web-"
TELEGRAM_PREFIX = "tg-"


def widget_conversation(browser_id: str) -> str:
    """``browser_id`` is the widget's own id, already checked by the gateway."""
    return WIDGET_PREFIX + browser_id


def telegram_conversation(user_id: int) -> str:
    return TELEGRAM_PREFIX + str(int(user_id))
