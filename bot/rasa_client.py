"""Talks to the assistant through Lotse's Rasa input channel (lotse/rasa_channel.py)."""
from __future__ import annotations

from typing import Any, Dict, Optional

import aiohttp


class AssistantUnavailable(Exception):
    """Rasa could not be reached or answered with an error."""


class RasaClient:
    def __init__(self, base_url: str, timeout: float = 20.0) -> None:
        self._url = base_url.rstrip("/") + "/webhooks/lotse/webhook"
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: Optional[aiohttp.ClientSession] = None

    async def send(self, sender_id: str, text: str,
                   metadata: Dict[str, Any]) -> Dict[str, Any]:
        """{"messages": [...], "language": "ar", "direction": "rtl", "erased": False}"""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        body = {"sender": sender_id, "message": text, "metadata": metadata}
        try:
            async with self._session.post(self._url, json=body) as response:
                if response.status != 200:
                    raise AssistantUnavailable(f"HTTP {response.status}")
                return await response.json()
        except (aiohttp.ClientError, TimeoutError) as error:
            raise AssistantUnavailable(type(error).__name__) from error

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
