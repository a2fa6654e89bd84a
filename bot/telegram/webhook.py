"""Webhook mode: an aiohttp app that receives Telegram's updates.

Run it behind the reverse proxy that terminates TLS for LOTSE_TELEGRAM_WEBHOOK_URL. Telegram
sends the secret in ``X-Telegram-Bot-Api-Secret-Token``; a request without the right one gets
401 and is never handled. The webhook stays registered at shutdown, so Telegram keeps the
updates of a restart and delivers them afterwards.
"""
from __future__ import annotations

import logging

from aiogram import Bot, Dispatcher
from aiogram.methods import SetWebhook
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.telegram import sending
from bot.telegram.settings import TelegramSettings

logger = logging.getLogger("lotse.telegram.webhook")
MAX_UPDATE_BYTES = 1024 * 1024


def create_webhook_app(bot: Bot, dispatcher: Dispatcher,
                       settings: TelegramSettings) -> web.Application:
    app = web.Application(client_max_size=MAX_UPDATE_BYTES)
    SimpleRequestHandler(dispatcher, bot, secret_token=settings.webhook_secret).register(
        app, path=settings.webhook_path)

    async def health(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def set_webhook(_: web.Application) -> None:
        done = await sending.call(bot, SetWebhook(
            url=settings.webhook_url, secret_token=settings.webhook_secret,
            allowed_updates=dispatcher.resolve_used_update_types()))
        if done:
            logger.info("webhook registered")
        else:
            logger.error("webhook NOT registered; Telegram will not deliver updates")

    async def close_session(_: web.Application) -> None:
        await bot.session.close()

    app.router.add_get("/health", health)
    setup_application(app, dispatcher, bot=bot)
    app.on_startup.append(set_webhook)
    app.on_cleanup.append(close_session)
    return app
