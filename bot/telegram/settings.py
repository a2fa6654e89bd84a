"""Settings of the Telegram bot, read once from the environment.

The token and the webhook secret are never part of an error message or a repr.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Mapping, Optional
from urllib.parse import urlparse

from bot.rasa_client import DEFAULT_MAX_IN_FLIGHT, ROUTINGS, parse_max_in_flight, parse_routing

TOKEN = re.compile(r"^\d{5,16}:[A-Za-z0-9_-]{30,64}$")
WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
MODES = ("polling", "webhook")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message says which and how to fix it."""


@dataclass(frozen=True)
class TelegramSettings:
    token: str = field(repr=False)
    mode: str = "polling"
    webhook_url: str = ""
    webhook_secret: str = field(default="", repr=False)
    webhook_host: str = "127.0.0.1"
    webhook_port: int = 8081
    webhook_path: str = "/telegram/webhook"
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_timeout: float = 20.0
    rasa_routing: str = ROUTINGS[0]
    rasa_max_in_flight: int = DEFAULT_MAX_IN_FLIGHT
    api_url: Optional[str] = None

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "TelegramSettings":
        env = os.environ if env is None else env
        token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
        if not token:
            raise SettingsError("TELEGRAM_BOT_TOKEN is not set. Create a bot with @BotFather "
                                "in Telegram and set the token it gives you.")
        if not TOKEN.match(token):
            raise SettingsError("TELEGRAM_BOT_TOKEN is malformed: expected the token from "
                                "@BotFather, digits, a colon, then 30-64 letters, digits, "
                                "'_' or '-'.")
        mode = env.get("LOTSE_TELEGRAM_MODE", cls.mode).strip().lower() or cls.mode
        if mode not in MODES:
            raise SettingsError("LOTSE_TELEGRAM_MODE must be 'polling' or 'webhook'.")
        settings = cls(
            token=token,
            mode=mode,
            webhook_url=env.get("LOTSE_TELEGRAM_WEBHOOK_URL", "").strip(),
            webhook_secret=env.get("LOTSE_TELEGRAM_WEBHOOK_SECRET", "").strip(),
            webhook_host=env.get("LOTSE_TELEGRAM_WEBHOOK_HOST", cls.webhook_host).strip(),
            webhook_port=_number(env, "LOTSE_TELEGRAM_WEBHOOK_PORT", cls.webhook_port, int),
            webhook_path=env.get("LOTSE_TELEGRAM_WEBHOOK_PATH", cls.webhook_path).strip(),
            rasa_url=(env.get("LOTSE_RASA_URL") or cls.rasa_url).strip().rstrip("/"),
            rasa_timeout=_number(env, "LOTSE_RASA_TIMEOUT", cls.rasa_timeout, float),
            rasa_routing=_routing(env),
            rasa_max_in_flight=_max_in_flight(env),
            api_url=env.get("LOTSE_TELEGRAM_API_URL", "").strip().rstrip("/") or None,
        )
        if mode == "webhook":
            settings._check_webhook()
        return settings

    def _check_webhook(self) -> None:
        url = urlparse(self.webhook_url)
        if url.scheme != "https" or not url.hostname:
            raise SettingsError("LOTSE_TELEGRAM_WEBHOOK_URL must be the public https URL "
                                "Telegram posts updates to (webhook mode).")
        if not WEBHOOK_SECRET.match(self.webhook_secret):
            raise SettingsError("LOTSE_TELEGRAM_WEBHOOK_SECRET is required in webhook mode: "
                                "1-256 letters, digits, '_' or '-'.")
        if not self.webhook_path.startswith("/"):
            raise SettingsError("LOTSE_TELEGRAM_WEBHOOK_PATH must start with '/'.")
        if not 0 < self.webhook_port < 65536:
            raise SettingsError("LOTSE_TELEGRAM_WEBHOOK_PORT must be a port number.")


def _number(env: Mapping[str, str], name: str, default, kind):
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number.") from None
    if value <= 0:
        raise SettingsError(f"{name} must be greater than 0.")
    return value


def _routing(env: Mapping[str, str]) -> str:
    try:
        return parse_routing(env.get("LOTSE_RASA_ROUTING", ""))
    except ValueError as error:
        raise SettingsError(str(error)) from None


def _max_in_flight(env: Mapping[str, str]) -> int:
    try:
        return parse_max_in_flight(env.get("LOTSE_RASA_MAX_IN_FLIGHT", ""))
    except ValueError as error:
        raise SettingsError(str(error)) from None
