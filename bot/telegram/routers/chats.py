"""Groups, supergroups and channels: Lotse is for private chats only.

The first message seen in such a chat gets one short notice; everything after it is ignored
and nothing from these chats ever reaches the assistant.
"""
from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.methods import AnswerCallbackQuery
from aiogram.types import CallbackQuery, Message

from bot.telegram import sending
from bot.telegram.memory import BoundedLru
from bot.telegram.relay import AssistantRelay

logger = logging.getLogger("lotse.telegram.chats")


def create_router() -> Router:
    router = Router(name="chats")
    not_private = F.chat.type != ChatType.PRIVATE
    for observer in (router.message, router.edited_message, router.channel_post,
                     router.edited_channel_post):
        observer.register(on_shared_chat, not_private)
    router.callback_query.register(on_foreign_button, ~(F.message.chat.type == ChatType.PRIVATE))
    return router


async def on_shared_chat(message: Message, bot: Bot, relay: AssistantRelay,
                         noticed_chats: BoundedLru) -> None:
    """``noticed_chats``: chats that got the notice already."""
    if message.chat.id in noticed_chats:
        return
    noticed_chats.put(message.chat.id, True)
    logger.info("%s chat: private-chat notice sent once", message.chat.type)
    lang = relay.language_of(message.from_user)
    await sending.send_text(bot, message.chat.id,
                            relay.content.message("private_chat_only", lang))


async def on_foreign_button(callback: CallbackQuery, bot: Bot) -> None:
    """A button not in a private chat (Lotse sends none there): acknowledged, nothing else."""
    logger.info("button outside a private chat ignored")
    await sending.call(bot, AnswerCallbackQuery(callback_query_id=callback.id), attempts=1)

