"""``python -m bot.telegram``: runs the Telegram bot (long polling, or webhook mode).

Exit code 2 when a setting is missing or malformed (the message says which). Settings are
checked before aiogram is imported, so a wrong setting is reported at once.
"""
from __future__ import annotations

import asyncio
import logging
import sys

from bot.telegram.settings import SettingsError, TelegramSettings

logger = logging.getLogger("lotse.telegram")


def main() -> int:
    try:
        settings = TelegramSettings.from_env()
    except SettingsError as error:
        print(f"lotse telegram: {error}", file=sys.stderr)
        return 2
    from aiohttp import web

    from bot.telegram import logs
    from bot.telegram.app import create_bot, create_dispatcher, run_polling
    from bot.telegram.webhook import create_webhook_app

    logs.configure()
    bot, dispatcher = create_bot(settings), create_dispatcher(settings)
    if settings.mode == "webhook":
        logger.info("webhook mode on %s:%d%s", settings.webhook_host, settings.webhook_port,
                    settings.webhook_path)
        web.run_app(create_webhook_app(bot, dispatcher, settings), host=settings.webhook_host,
                    port=settings.webhook_port, access_log=None, print=None)
    else:
        logger.info("polling mode")
        asyncio.run(run_polling(bot, dispatcher))
    return 0


if __name__ == "__main__":
    sys.exit(main())
