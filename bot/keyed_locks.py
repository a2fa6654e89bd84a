"""One asyncio lock per key (a conversation), dropped when nobody holds or waits for it."""
from __future__ import annotations

import asyncio
import contextlib
from typing import AsyncIterator, Dict, Hashable, List


class KeyedLocks:
    """Messages are handled concurrently; holding the conversation's lock keeps two quick
    messages of one resident, and their answers, in the order they were written."""

    def __init__(self) -> None:
        self._locks: Dict[Hashable, List] = {}

    @contextlib.asynccontextmanager
    async def hold(self, key: Hashable) -> AsyncIterator[None]:
        entry = self._locks.setdefault(key, [asyncio.Lock(), 0])
        entry[1] += 1
        try:
            async with entry[0]:
                yield
        finally:
            entry[1] -= 1
            if entry[1] == 0:
                del self._locks[key]

    def __len__(self) -> int:
        return len(self._locks)
