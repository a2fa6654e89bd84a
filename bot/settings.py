"""Settings of the channel adapters, read once from the environment."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class GatewaySettings:
    rasa_url: str = "http://127.0.0.1:5005"
    host: str = "127.0.0.1"
    port: int = 8080
    rasa_timeout: float = 20.0
    max_message_chars: int = 2000

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "GatewaySettings":
        env = os.environ if env is None else env
        return cls(
            rasa_url=env.get("LOTSE_RASA_URL", cls.rasa_url).rstrip("/"),
            host=env.get("LOTSE_GATEWAY_HOST", cls.host),
            port=int(env.get("LOTSE_GATEWAY_PORT", cls.port)),
            rasa_timeout=float(env.get("LOTSE_RASA_TIMEOUT", cls.rasa_timeout)),
        )
