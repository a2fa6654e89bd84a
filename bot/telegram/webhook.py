"""Webhook mode: an aiohttp app that receives Telegram's updates.

Run it behind the reverse proxy that terminates TLS for LOTSE_TELEGRAM_WEBHOOK_URL. Telegram
sends the secret in ``X-Telegram-Bot-Api-Secret-Token``; a request without the right one gets
401 and is never handled. The webhook stays registered at shutdown, so Telegram keeps the
updates of a restart and delivers them afterwards.
"""
from __future__ import annotations

import json
import logging
import secrets

from aiogram import Bot, Dispatcher
from aiogram.methods import SetWebhook
from aiogram.types import Update
from pydantic import ValidationError
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.telegram import sending
from bot.telegram.settings import TelegramSettings

logger = logging.getLogger("lotse.telegram.webhook")
MAX_UPDATE_BYTES = 1024 * 1024


@web.middleware
async def reject_malformed_updates(request: web.Request, handler) -> web.StreamResponse:
    """A body that is not a JSON object of an update is answered 400 before aiogram sees it
    (aiogram would fail with a 500). The secret is still checked first by aiogram's handler."""
    if request.method != "POST":
        return await handler(request)
    try:
        body = json.loads((await request.read()).decode("utf-8"))  # strict, as aiogram reads it
        if not isinstance(body, dict):
            raise ValueError("not an object")
        Update.model_validate(body)
    except web.HTTPException:
        raise
    except (ValueError, ValidationError):
        if not secrets.compare_digest(
                request.headers.get("X-Telegram-Bot-Api-Secret-Token", "").encode(),
                request.app[SECRET_KEY].encode()):
            return web.Response(status=401, text="unauthorized")
        logger.warning("malformed update refused")
        return web.json_response({"error": "body is not a Telegram update"}, status=400)
    return await handler(request)


SECRET_KEY = web.AppKey("webhook_secret", str)


def create_webhook_app(bot: Bot, dispatcher: Dispatcher,
                       settings: TelegramSettings) -> web.Application:
    app = web.Application(client_max_size=MAX_UPDATE_BYTES,
                          middlewares=[reject_malformed_updates])
    app[SECRET_KEY] = settings.webhook_secret or ""
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
