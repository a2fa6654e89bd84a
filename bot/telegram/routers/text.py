"""Text messages go to the assistant unchanged, except for a leading "/".

A resident's text never becomes an intent payload: an unknown command ("/stop") shows the
help menu, and other text starting with "/" is sent without it. Payloads come only from
commands and buttons.
"""
from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.enums import ChatType, MessageEntityType
from aiogram.types import Message

from bot.telegram.relay import AssistantRelay
from lotse.text_input import has_visible_text

logger = logging.getLogger("lotse.telegram.text")
HELP_PAYLOAD = "/help"


def create_router() -> Router:
    router = Router(name="text")
    router.message.register(on_text, F.chat.type == ChatType.PRIVATE, F.from_user, F.text)
    return router


def is_command(message: Message) -> bool:
    return any(e.type == MessageEntityType.BOT_COMMAND and e.offset == 0
               for e in message.entities or [])


async def on_text(message: Message, bot: Bot, relay: AssistantRelay) -> None:
    if is_command(message):
        logger.info("unknown command, showing the help menu")
        await relay.ask(bot, message.from_user, HELP_PAYLOAD)
        return
    text = message.text.replace("\x00", "").lstrip().lstrip("/").strip()
    if not has_visible_text(text):
        await relay.notify(bot, message.from_user, "empty_message")
        return
    logger.info("text message (%d characters)", len(text))
    await relay.ask(bot, message.from_user, text)
