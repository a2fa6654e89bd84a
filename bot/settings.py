"""Settings of the channel adapters, read once from the environment."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional, Tuple
from urllib.parse import urlsplit

from bot.rasa_client import DEFAULT_MAX_IN_FLIGHT, ROUTINGS, parse_max_in_flight, parse_routing

ROOT = Path(__file__).resolve().parent.parent


def parse_origins(value: str) -> Tuple[str, ...]:
    """``LOTSE_WIDGET_ORIGINS``: comma-separated origins such as ``https://www.kreis-pinneberg.de``.

    Raises ValueError for anything that is not a plain http(s) origin (no path, no wildcard),
    so a typo stops the gateway instead of silently blocking the widget.
    """
    origins = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        parts = urlsplit(item.rstrip("/"))
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.path \
                or parts.query or parts.fragment or parts.username or "*" in item:
            raise ValueError(f"LOTSE_WIDGET_ORIGINS: '{item}' is not an origin like "
                             "https://www.example.de")
        origins.append(f"{parts.scheme}://{parts.netloc.lower()}")
    return tuple(dict.fromkeys(origins))


@dataclass(frozen=True)
class GatewaySettings:
    rasa_url: str = "http://127.0.0.1:5005"
    host: str = "127.0.0.1"
    port: int = 8080
    rasa_timeout: float = 20.0
    # How messages are spread over several replicas in LOTSE_RASA_URL (bot/rasa_client.py).
    rasa_routing: str = ROUTINGS[0]
    rasa_max_in_flight: int = DEFAULT_MAX_IN_FLIGHT
    max_message_chars: int = 2000
    # Web pages on other origins allowed to embed the widget (CORS for /api/messages).
    widget_origins: Tuple[str, ...] = ()

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "GatewaySettings":
        env = os.environ if env is None else env
        return cls(
            rasa_url=(env.get("LOTSE_RASA_URL") or cls.rasa_url).strip().rstrip("/"),
            host=env.get("LOTSE_GATEWAY_HOST", cls.host),
            port=int(env.get("LOTSE_GATEWAY_PORT", cls.port)),
            rasa_timeout=float(env.get("LOTSE_RASA_TIMEOUT", cls.rasa_timeout)),
            rasa_routing=parse_routing(env.get("LOTSE_RASA_ROUTING", cls.rasa_routing)),
            rasa_max_in_flight=parse_max_in_flight(env.get("LOTSE_RASA_MAX_IN_FLIGHT", "")),
            widget_origins=parse_origins(env.get("LOTSE_WIDGET_ORIGINS", "")),
        )
