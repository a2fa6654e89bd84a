"""Everything in a private chat that is not text: a short friendly answer, never the assistant.

Photos, voice, stickers, locations, contacts, polls ... get ``unreadable`` ("I can only read
text") in the conversation's language; nothing is downloaded or stored. Edited messages are
not sent to the assistant again: the original was answered already, and a changed answer in
the middle of a form (a corrected phone number) would be taken as the next answer. The
resident is asked to send the change as a new message instead.
"""
from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.enums import ChatType, ContentType
from aiogram.types import Message

from bot.telegram.relay import AssistantRelay

logger = logging.getLogger("lotse.telegram.other_content")

# Service messages of a private chat that nobody wrote to the bot: not answered.
SILENT = {
    ContentType.MESSAGE_AUTO_DELETE_TIMER_CHANGED, ContentType.PINNED_MESSAGE,
    ContentType.CHAT_BACKGROUND_SET, ContentType.WRITE_ACCESS_ALLOWED,
    ContentType.CONNECTED_WEBSITE, ContentType.PROXIMITY_ALERT_TRIGGERED,
}


def create_router() -> Router:
    router = Router(name="other_content")
    private = (F.chat.type == ChatType.PRIVATE, F.from_user)
    router.message.register(on_other_content, *private)
    router.edited_message.register(on_edited, *private)
    return router


async def on_other_content(message: Message, bot: Bot, relay: AssistantRelay) -> None:
    kind = message.content_type
    if kind in SILENT:
        logger.info("service message %s not answered", kind)
        return
    logger.info("%s message answered with 'unreadable'", kind)
    await relay.notify(bot, message.from_user, "unreadable")


async def on_edited(message: Message, bot: Bot, relay: AssistantRelay) -> None:
    if message.location:  # a live location moving: its first message was answered already
        return
    logger.info("edited %s message answered", message.content_type)
    await relay.notify(bot, message.from_user, "edited_not_read")
