"""Talks to the assistant through Lotse's Rasa input channel (lotse/rasa_channel.py).

``base_url`` may list several Rasa replicas, comma-separated; they share one tracker store.
The client sends one message of a conversation at a time (a lock per sender id), so a
conversation's turns reach the assistant in order whichever replica takes them.

Routing (``LOTSE_RASA_ROUTING``):
- ``balanced`` (default): the replica with the fewest messages in progress from this client;
  among equals the conversation's own (a hash of the sender id). With ``max_in_flight``
  (``LOTSE_RASA_MAX_IN_FLIGHT``, default 2) a replica gets at most that many messages at once;
  further messages wait here, first come first served, for the first free replica (at most
  ``timeout`` seconds). Rasa computes one message at a time and interleaves the others at its
  action calls, which stretched every message on a busy replica. A conversation may move
  between replicas, which is safe because this client is its only way in (sender ids are per
  channel, lotse/conversation_ids.py) and holds its lock; with several gateway or bot processes
  for one channel use the Redis lock store.
- ``sticky``: always the conversation's own replica, so each replica's in-memory lock is enough
  even with several client processes.
- ``round_robin``: every message to the next replica; needs the Redis lock store.
Either way a replica that cannot be reached is skipped for this message.
"""
from __future__ import annotations

import asyncio
import itertools
import zlib
from typing import Any, Dict, List, Optional

import aiohttp

from bot.keyed_locks import KeyedLocks


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


ROUTINGS = ("balanced", "sticky", "round_robin")
DEFAULT_MAX_IN_FLIGHT = 2


def parse_routing(value: str) -> str:
    """``LOTSE_RASA_ROUTING``: empty means the default, anything unknown is refused."""
    routing = value.strip() or ROUTINGS[0]
    if routing not in ROUTINGS:
        raise ValueError(f"LOTSE_RASA_ROUTING: '{routing}' is not one of {', '.join(ROUTINGS)}")
    return routing


def parse_max_in_flight(value: str) -> int:
    """``LOTSE_RASA_MAX_IN_FLIGHT``: empty means the default, 0 no limit."""
    raw = value.strip()
    if not raw:
        return DEFAULT_MAX_IN_FLIGHT
    if not (raw.isascii() and raw.isdigit()):
        raise ValueError("LOTSE_RASA_MAX_IN_FLIGHT must be a whole number (0: no limit)")
    return int(raw)


class RasaClient:
    def __init__(self, base_url: str, timeout: float = 20.0, routing: str = "balanced",
                 max_in_flight: int = 0) -> None:
        if routing not in ROUTINGS:
            raise ValueError(f"routing must be one of {', '.join(ROUTINGS)}")
        self.routing = routing
        # messages at once per replica (balanced routing only; 0: no limit)
        self.max_in_flight = max_in_flight if routing == "balanced" else 0
        self.urls: List[str] = [url.strip().rstrip("/") + "/webhooks/lotse/webhook"
                                for url in base_url.split(",") if url.strip()]
        if not self.urls:
            raise ValueError("no assistant URL given")
        self._next = itertools.cycle(range(len(self.urls)))
        self._in_progress = [0] * len(self.urls)
        self.answered = [0] * len(self.urls)  # messages answered, per replica
        self._conversations = KeyedLocks()
        self._replica_freed = asyncio.Condition()
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
        async with self._conversations.hold(sender_id):
            error: Exception = AssistantUnavailable("no replica")
            tried: List[int] = []
            while len(tried) < len(self.urls):
                index = await self._take_replica(sender_id, tried)
                tried.append(index)
                try:
                    result = await self._post(self.urls[index], body)
                    self.answered[index] += 1
                    return result
                except aiohttp.ClientConnectorError as failure:
                    error = failure  # not reached at all: the next replica may answer
                finally:
                    await self._release_replica(index)
            raise AssistantUnavailable(type(error).__name__) from error

    async def _take_replica(self, sender_id: str, tried: List[int]) -> int:
        """The best replica not tried yet for this message, counted as busy with it."""
        def free() -> List[int]:
            return [index for index in self.replica_order(sender_id) if index not in tried
                    and (not self.max_in_flight or self._in_progress[index] < self.max_in_flight)]

        if self.max_in_flight:
            async with self._replica_freed:
                try:
                    await asyncio.wait_for(self._replica_freed.wait_for(free),
                                           self._timeout.total)
                except asyncio.TimeoutError:
                    raise AssistantUnavailable("every replica busy") from None
        index = free()[0]
        self._in_progress[index] += 1
        return index

    async def _release_replica(self, index: int) -> None:
        self._in_progress[index] -= 1
        if self.max_in_flight:
            async with self._replica_freed:
                self._replica_freed.notify_all()  # waiters re-check in the order they came

    async def _post(self, url: str, body: Dict[str, Any]) -> Dict[str, Any]:
        assert self._session is not None
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
        except aiohttp.ClientConnectorError:
            raise
        except (aiohttp.ClientError, TimeoutError) as failure:
            # The message may have been processed: sending it again could duplicate it.
            raise AssistantUnavailable(type(failure).__name__) from failure

    def replica_order(self, sender_id: str) -> List[int]:
        """The replicas to try for this message, best first."""
        count = len(self.urls)
        if self.routing == "round_robin":
            first = next(self._next)
        else:
            first = zlib.crc32(sender_id.encode("utf-8", "surrogatepass")) % count
        order = [(first + offset) % count for offset in range(count)]
        if self.routing == "balanced":
            order.sort(key=lambda index: self._in_progress[index])  # stable: ties keep order
        return order

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
