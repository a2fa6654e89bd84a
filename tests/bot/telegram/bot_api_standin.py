"""A stand-in for the Telegram Bot API: a real HTTP server on 127.0.0.1 (random port).

It implements the methods the bot uses, records every call (method, parameters, time, status)
and serves queued updates through getUpdates with Telegram's offset semantics. ``fail_next``
makes the next calls of a method fail (e.g. 429 with retry_after).
"""
from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple

from aiohttp import web

LONG_POLL_CAP = 0.5  # seconds; keeps getUpdates short in tests
INTEGER_FIELDS = {"chat_id", "message_id", "offset", "timeout", "limit"}
JSON_FIELDS = {"reply_markup", "commands", "allowed_updates", "scope"}
TRUE_METHODS = {"setWebhook", "deleteWebhook", "answerCallbackQuery", "setMyCommands",
                "sendChatAction"}


@dataclass
class Call:
    method: str
    params: Dict[str, Any]
    at: float
    status: int = 200
    result: Any = None


@dataclass
class StandIn:
    token: str
    calls: List[Call] = field(default_factory=list)
    updates: List[Dict[str, Any]] = field(default_factory=list)
    _failures: Dict[str, List[Tuple[int, Dict[str, Any]]]] = field(default_factory=dict)
    _update_ids: Any = field(default_factory=lambda: itertools.count(1))
    _message_ids: Any = field(default_factory=lambda: itertools.count(1000))
    _runner: Optional[web.AppRunner] = None
    url: str = ""

    async def start(self) -> "StandIn":
        self._new_update = asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what tests use -------------------------------------------------------------------
    def queue(self, update: Dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        self.updates.append({"update_id": update_id, **update})
        self._new_update.set()
        return update_id

    def fail_next(self, method: str, count: int, status: int, body: Dict[str, Any]) -> None:
        self._failures.setdefault(method, []).extend([(status, body)] * count)

    def calls_of(self, method: str, chat_id: Optional[int] = None) -> List[Call]:
        return [c for c in self.calls if c.method == method
                and (chat_id is None or c.params.get("chat_id") == chat_id)]

    def sent_texts(self, chat_id: Optional[int] = None) -> List[str]:
        return [c.params["text"] for c in self.calls_of("sendMessage", chat_id) if c.status == 200]

    async def wait_for(self, condition: Callable[[], Any], timeout: float = 60.0) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = condition()
            if result:
                return result
            await asyncio.sleep(0.05)
        raise AssertionError(f"timed out after {timeout}s; calls: "
                             f"{[(c.method, c.status) for c in self.calls]}")

    async def wait_for_texts(self, chat_id: int, count: int, timeout: float = 60.0) -> List[str]:
        return await self.wait_for(
            lambda: self.sent_texts(chat_id) if len(self.sent_texts(chat_id)) >= count else None,
            timeout)

    # -- the HTTP side ----------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await _read_params(request)
        call = Call(method, params, time.monotonic())
        self.calls.append(call)
        failures = self._failures.get(method)
        if failures:
            call.status, body = failures.pop(0)
            return web.json_response(body, status=call.status)
        if method == "getUpdates":
            return _ok(await self._get_updates(params))
        if method == "getMe":
            bot_id = int(self.token.split(":")[0])
            return _ok({"id": bot_id, "is_bot": True, "first_name": "Lotse",
                        "username": "lotse_test_bot"})
        if method in TRUE_METHODS:
            return _ok(True)
        if method in ("sendMessage", "editMessageReplyMarkup"):
            call.result = self._message(params)
            return _ok(call.result)
        call.status = 404
        return _error(404, "Not Found: method not found")

    async def _get_updates(self, params: Dict[str, Any]) -> List[Dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]  # confirmed ones go
        if not self.updates:
            self._new_update.clear()
            wait = min(float(params.get("timeout") or 0), LONG_POLL_CAP)
            try:
                await asyncio.wait_for(self._new_update.wait(), wait)
            except asyncio.TimeoutError:
                pass
        return list(self.updates)

    def _message(self, params: Dict[str, Any]) -> Dict[str, Any]:
        message = {"message_id": int(params.get("message_id") or next(self._message_ids)),
                   "date": int(time.time()),
                   "chat": {"id": params["chat_id"], "type": "private"},
                   "from": {"id": int(self.token.split(":")[0]), "is_bot": True,
                            "first_name": "Lotse"},
                   "text": params.get("text", "")}
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message


async def _read_params(request: web.Request) -> Dict[str, Any]:
    """aiogram posts multipart form data; others send JSON or urlencoded forms."""
    if request.content_type == "application/json":
        return dict(await request.json())
    raw = dict(await request.post()) if request.can_read_body else dict(request.query)
    return {key: _decode(key, value) for key, value in raw.items()}


def _decode(key: str, value: Any) -> Any:
    """Form values are strings; nested objects (reply_markup, commands) arrive as JSON text."""
    if not isinstance(value, str):
        return value
    if key in INTEGER_FIELDS and value.lstrip("-").isdigit():
        return int(value)
    if key in JSON_FIELDS:
        return json.loads(value)
    return value


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(status: int, description: str) -> web.Response:
    return web.json_response({"ok": False, "error_code": status, "description": description},
                             status=status)


TOO_MANY_REQUESTS = {"ok": False, "error_code": 429,
                     "description": "Too Many Requests: retry after 1",
                     "parameters": {"retry_after": 1}}
