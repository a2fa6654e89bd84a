"""A stoppable stand-in for the assistant's Lotse channel (only for the fault tests and for
proving that some updates never reach the assistant). Records every request."""
from __future__ import annotations

import asyncio
import socket
from typing import Any, Dict, List, Optional

from aiohttp import web

PATH = "/webhooks/lotse/webhook"


class AssistantStub:
    def __init__(self, answer: str = "Hallo vom Stub", language: str = "de") -> None:
        self.answer, self.language = answer, language
        self.delay = 0.0
        self.broken = False  # answers 200 with a body that is not JSON
        self.requests: List[Dict[str, Any]] = []
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._runner: Optional[web.AppRunner] = None

    async def start(self) -> "AssistantStub":
        app = web.Application()
        app.router.add_post(PATH, self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port, reuse_address=True).start()
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(body)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.broken:
            # valid JSON of the wrong shape: the relay meets an error nobody planned for
            return web.json_response({"messages": 5, "language": "tr"})
        return web.json_response({
            "messages": [{"text": self.answer,
                          "buttons": [{"title": "Ja", "payload": "/affirm"}]}],
            "language": self.language, "direction": "ltr", "erased": False})


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
