"""Builds the Telegram bot and its dispatcher; runs long polling.

The bot holds no dialogue logic: the routers hand text and button payloads to the assistant
(see relay.py) and answer what the assistant never sees from content.
"""
from __future__ import annotations

import logging
from typing import Optional

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods import DeleteWebhook
from aiogram.types import ErrorEvent

from bot.rasa_client import RasaClient
from bot.telegram import sending
from bot.telegram.memory import BoundedLru
from bot.telegram.relay import AssistantRelay
from bot.telegram.routers import get_routers
from bot.telegram.routers.commands import register_commands
from bot.telegram.settings import TelegramSettings
from lotse import content as content_module

logger = logging.getLogger("lotse.telegram")


def create_bot(settings: TelegramSettings) -> Bot:
    session = None
    if settings.api_url:
        session = AiohttpSession(api=TelegramAPIServer.from_base(settings.api_url))
    # No parse_mode: every text is sent as plain text.
    return Bot(settings.token, session=session, default=DefaultBotProperties(parse_mode=None))


def create_dispatcher(settings: TelegramSettings,
                      content: Optional[content_module.Content] = None) -> Dispatcher:
    content = content or content_module.load()
    client = RasaClient(settings.rasa_url, settings.rasa_timeout, settings.rasa_routing,
                        settings.rasa_max_in_flight)
    relay = AssistantRelay(content, client)
    dispatcher = Dispatcher(relay=relay, used_keyboards=BoundedLru(10_000),
                            noticed_chats=BoundedLru(10_000))
    dispatcher.include_routers(*get_routers())
    dispatcher.errors.register(on_error)
    dispatcher.startup.register(on_startup)
    dispatcher.shutdown.register(on_shutdown)
    return dispatcher


async def on_startup(bot: Bot, relay: AssistantRelay) -> None:
    await register_commands(bot, relay.content)


async def on_shutdown(relay: AssistantRelay) -> None:
    await relay.client.close()


async def on_error(event: ErrorEvent, bot: Bot, relay: AssistantRelay) -> bool:
    """Logs the error's type only (its message may quote the resident) and apologizes."""
    update = event.update
    logger.error("%s while handling a %s update", type(event.exception).__name__,
                 update.event_type)
    message = update.message or update.edited_message
    user = (update.callback_query.from_user if update.callback_query
            else message.from_user if message and message.chat.type == "private" else None)
    if user is not None:
        try:
            await relay.apologize(bot, user)
        except Exception as error:  # the apology must never raise out of the error handler
            logger.error("apology failed: %s", type(error).__name__)
    return True


async def run_polling(bot: Bot, dispatcher: Dispatcher, *, polling_timeout: int = 30,
                      handle_signals: bool = True) -> None:
    """Deletes a webhook left from webhook mode (Telegram refuses getUpdates while one is set),
    then polls until stopped."""
    await sending.call(bot, DeleteWebhook(drop_pending_updates=False))
    await dispatcher.start_polling(
        bot, polling_timeout=polling_timeout, handle_signals=handle_signals,
        allowed_updates=dispatcher.resolve_used_update_types(), close_bot_session=True)
