"""The one way the bot calls Telegram: bounded retries, and logs without any text.

- 429 (TelegramRetryAfter): wait ``retry_after`` seconds, then call again.
- Network errors and Telegram server errors: retry with exponential backoff.
- 403 (the resident blocked the bot) and other API errors: logged (type only) and skipped.
Gives up after ``attempts`` calls and returns None; a failed call never raises.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Optional

from aiogram import Bot
from aiogram.exceptions import (TelegramAPIError, TelegramForbiddenError, TelegramNetworkError,
                                TelegramRetryAfter, TelegramServerError)
from aiogram.methods import SendMessage, TelegramMethod
from aiogram.types import InlineKeyboardMarkup

logger = logging.getLogger("lotse.telegram.sending")

ATTEMPTS = 4
BACKOFF_SECONDS = 0.5
MAX_RETRY_AFTER = 60.0  # a longer flood wait is not worth holding a resident's answers for


async def call(bot: Bot, method: TelegramMethod[Any], *, attempts: int = ATTEMPTS,
               backoff: float = BACKOFF_SECONDS) -> Optional[Any]:
    name = method.__api_method__
    for attempt in range(1, attempts + 1):
        try:
            return await bot(method)
        except TelegramRetryAfter as error:
            if attempt == attempts or error.retry_after > MAX_RETRY_AFTER:
                logger.error("%s: rate limited (retry after %ss), giving up after %d attempts",
                             name, error.retry_after, attempt)
                return None
            logger.warning("%s: rate limited, retrying in %ss", name, error.retry_after)
            await asyncio.sleep(error.retry_after)
        except TelegramForbiddenError:
            logger.info("%s: forbidden (bot blocked or removed), skipped", name)
            return None
        except (TelegramNetworkError, TelegramServerError) as error:
            if attempt == attempts:
                logger.error("%s: %s, giving up after %d attempts",
                             name, type(error).__name__, attempt)
                return None
            delay = backoff * 2 ** (attempt - 1)
            logger.warning("%s: %s, retrying in %.1fs", name, type(error).__name__, delay)
            await asyncio.sleep(delay)
        except TelegramAPIError as error:
            logger.warning("%s: %s, skipped", name, type(error).__name__)
            return None
    return None


async def send_text(bot: Bot, chat_id: int, text: str,
                    keyboard: Optional[InlineKeyboardMarkup] = None) -> Optional[Any]:
    """Plain text: parse_mode stays unset, so nothing is read as HTML or Markdown."""
    return await call(bot, SendMessage(chat_id=chat_id, text=text, reply_markup=keyboard))
