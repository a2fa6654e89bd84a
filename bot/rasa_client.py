"""Talks to the assistant through Lotse's Rasa input channel (lotse/rasa_channel.py).

``base_url`` may list several Rasa replicas, comma-separated. By default one conversation always
goes to the same replica (``sticky``: chosen by a hash of the sender id), so each replica's own
in-memory lock keeps that conversation's turns in order and the embedded default can run one
replica per core on one shared SQLite tracker store. ``round_robin`` spreads every message over
the replicas; it needs the shared Redis lock store. Either way a replica that cannot be reached
is skipped for this message (the conversation lives in the shared tracker store).
"""
from __future__ import annotations

import itertools
import zlib
from typing import Any, Dict, List, Optional

import aiohttp


class AssistantUnavailable(Exception):
    """Rasa could not be reached or answered with an error."""


def rasa_time(server_timing: str) -> Optional[float]:
    """Rasa's own handling time from ``Server-Timing: rasa;dur=12.3``, in milliseconds."""
    for metric in server_timing.split(","):
        name, _, params = metric.strip().partition(";")
        if name == "rasa" and params.startswith("dur="):
            try:
                return float(params[4:])
            except ValueError:
                return None
    return None


ROUTINGS = ("sticky", "round_robin")


class RasaClient:
    def __init__(self, base_url: str, timeout: float = 20.0, routing: str = "sticky") -> None:
        if routing not in ROUTINGS:
            raise ValueError(f"routing must be one of {', '.join(ROUTINGS)}")
        self.routing = routing
        self.urls: List[str] = [url.strip().rstrip("/") + "/webhooks/lotse/webhook"
                                for url in base_url.split(",") if url.strip()]
        if not self.urls:
            raise ValueError("no assistant URL given")
        self._next = itertools.cycle(range(len(self.urls)))
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: Optional[aiohttp.ClientSession] = None

    async def send(self, sender_id: str, text: str,
                   metadata: Dict[str, Any]) -> Dict[str, Any]:
        """{"messages": [...], "language": "ar", "direction": "rtl", "erased": False,
        "rasa_ms": Rasa's own handling time}"""
        if self._session is None or self._session.closed:
            # A new connection per message: a kept-alive connection to a replica that has
            # gone away fails while sending (measured in tests/bot/test_rasa_client.py), and
            # then it is unclear whether the replica got the message; a refused connection
            # is clear, and the next replica is tried.
            self._session = aiohttp.ClientSession(
                timeout=self._timeout, connector=aiohttp.TCPConnector(force_close=True))
        body = {"sender": sender_id, "message": text, "metadata": metadata}
        first = self.first_replica(sender_id)
        error: Exception = AssistantUnavailable("no replica")
        for offset in range(len(self.urls)):
            url = self.urls[(first + offset) % len(self.urls)]
            try:
                async with self._session.post(url, json=body) as response:
                    if response.status != 200:
                        raise AssistantUnavailable(f"HTTP {response.status}")
                    try:
                        result = await response.json()
                    except ValueError as failure:  # not JSON: a proxy's error page, say
                        raise AssistantUnavailable("invalid answer") from failure
                    result["rasa_ms"] = rasa_time(response.headers.get("Server-Timing", ""))
                    return result
            except aiohttp.ClientConnectorError as failure:
                error = failure  # not reached at all: the next replica may answer
                continue
            except (aiohttp.ClientError, TimeoutError) as failure:
                # The message may have been processed: sending it again could duplicate it.
                raise AssistantUnavailable(type(failure).__name__) from failure
        raise AssistantUnavailable(type(error).__name__) from error

    def first_replica(self, sender_id: str) -> int:
        if self.routing == "sticky":
            return zlib.crc32(sender_id.encode("utf-8", "surrogatepass")) % len(self.urls)
        return next(self._next)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
