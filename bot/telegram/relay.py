"""Relays a resident's text (or a button's payload) to the assistant and sends the answer back.

The conversation's sender id is ``"tg-" + str(telegram user id)`` (lotse/conversation_ids.py): stable per resident, and it
names no one. Nothing here logs text, names, usernames or phone numbers.
"""
from __future__ import annotations

import logging
from typing import Dict, Optional

from aiogram import Bot
from aiogram.enums import ChatAction
from aiogram.methods import SendChatAction
from aiogram.types import User

from bot.rasa_client import AssistantUnavailable, RasaClient
from bot.telegram import render, sending
from bot.telegram.callback_data import CallbackPayloads
from bot.keyed_locks import KeyedLocks
from bot.telegram.memory import BoundedLru
from lotse.content import Content
from lotse.conversation_ids import telegram_conversation

logger = logging.getLogger("lotse.telegram.relay")
OFFICE = "auslaenderbehoerde"


def sender_id(user_id: int) -> str:
    return telegram_conversation(user_id)


def metadata(user: User) -> Dict[str, str]:
    data = {"channel": "telegram"}
    if user.language_code:
        data["language_hint"] = user.language_code
    if user.username:
        data["telegram_username"] = user.username
    return data


class AssistantRelay:
    def __init__(self, content: Content, client: RasaClient,
                 payloads: Optional[CallbackPayloads] = None, memory_size: int = 10_000) -> None:
        self.content = content
        self.client = client
        self.payloads = payloads or CallbackPayloads()
        self._languages: BoundedLru[int, str] = BoundedLru(memory_size)
        self._locks = KeyedLocks()

    def language_of(self, user: Optional[User]) -> str:
        """The conversation's last language, else the Telegram language if supported, else German."""
        if user is None:
            return self.content.default_language
        remembered = self._languages.get(user.id)
        if remembered:
            return remembered
        code = (user.language_code or "").split("-")[0].lower()
        return self.content.lang_or_default(code)

    def remember(self, user_id: int, language: Optional[str]) -> None:
        if self.content.supported(language):
            self._languages.put(user_id, language)  # type: ignore[arg-type]

    def forget(self, user_id: int) -> None:
        self._languages.pop(user_id)

    async def ask(self, bot: Bot, user: User, text: str) -> None:
        """Sends ``text`` to the assistant as the resident and delivers every answer."""
        async with self._locks.hold(user.id):
            await sending.call(bot, SendChatAction(chat_id=user.id, action=ChatAction.TYPING),
                               attempts=1)
            try:
                result = await self.client.send(sender_id(user.id), text, metadata(user))
            except AssistantUnavailable as error:
                logger.warning("assistant unavailable: %s", error)
                await self._send_apology(bot, user)
                return
            self.remember(user.id, result.get("language"))
            if result.get("erased"):
                self.forget(user.id)
                logger.info("conversation erased on the resident's request")
            outgoing = render.render_messages(result.get("messages") or [], self.payloads.encode)
            if not outgoing:
                logger.warning("the assistant answered with no message")
            for message in outgoing:
                await sending.send_text(bot, user.id, message.text, message.keyboard)

    async def notify(self, bot: Bot, user: User, key: str) -> None:
        """A text from content (``key``) in the resident's language, without the assistant."""
        async with self._locks.hold(user.id):
            await sending.send_text(bot, user.id,
                                    self.content.message(key, self.language_of(user)))

    async def apologize(self, bot: Bot, user: User) -> None:
        async with self._locks.hold(user.id):
            await self._send_apology(bot, user)

    async def _send_apology(self, bot: Bot, user: User) -> None:
        lang = self.language_of(user)
        text = (self.content.message("fallback_give_up", lang) + "\n"
                + self.content.office_contact(OFFICE, lang))
        await sending.send_text(bot, user.id, text)
