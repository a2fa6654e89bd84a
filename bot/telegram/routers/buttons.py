"""Button clicks: the button's payload goes to the assistant as the resident's message.

The click is acknowledged at once (the spinner stops), the used keyboard is removed so it
cannot be clicked twice, and the payload is never shown as text. A key that expired (long
payloads live in memory only) gets a friendly request to type instead.
"""
from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.methods import AnswerCallbackQuery, EditMessageReplyMarkup
from aiogram.types import CallbackQuery

from bot.telegram import sending
from bot.telegram.memory import BoundedLru
from bot.telegram.relay import AssistantRelay

logger = logging.getLogger("lotse.telegram.buttons")


def create_router() -> Router:
    router = Router(name="buttons")
    # Lotse sends keyboards only in private chats; a message too old to edit still has its chat.
    router.callback_query.register(on_button, F.message.chat.type == ChatType.PRIVATE)
    return router


async def on_button(callback: CallbackQuery, bot: Bot, relay: AssistantRelay,
                    used_keyboards: BoundedLru) -> None:
    """``used_keyboards``: (chat id, message id) of used keyboards; a quick second click
    on the same keyboard does nothing."""
    await sending.call(bot, AnswerCallbackQuery(callback_query_id=callback.id), attempts=2)
    message = callback.message
    keyboard_id = (message.chat.id, message.message_id)
    if keyboard_id in used_keyboards:
        logger.info("button of a used keyboard ignored")
        return
    used_keyboards.put(keyboard_id, True)
    await sending.call(bot, EditMessageReplyMarkup(chat_id=message.chat.id,
                                                   message_id=message.message_id))
    payload = relay.payloads.decode(callback.data)
    if payload is None:
        logger.info("button with an expired key")
        await relay.notify(bot, callback.from_user, "button_expired")
        return
    logger.info("button clicked")
    await relay.ask(bot, callback.from_user, payload)
