"""The website gateway: serves the chat page and widget, relays messages to the assistant.

Rasa's API is never exposed: the browser talks only to this gateway, which checks input,
adds channel metadata and turns faults into a friendly answer; Rasa's Lotse channel returns the
conversation's language and erases conversations on request.
Run: ``python -m bot.gateway``.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from pathlib import Path
from typing import Any, Dict, List

from aiohttp import web

from bot.rasa_client import AssistantUnavailable, RasaClient
from bot.settings import GatewaySettings
from lotse import content as content_module
from lotse import replies

logger = logging.getLogger("lotse.gateway")
STATIC = Path(__file__).resolve().parent / "static"
SENDER_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
LANGUAGE_HINT = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
SETTINGS = web.AppKey("settings", GatewaySettings)
CLIENT = web.AppKey("client", RasaClient)
CONTENT = web.AppKey("content", content_module.Content)


def _bad_request(reason: str) -> web.Response:
    return web.json_response({"error": reason}, status=400)


def _friendly(content: content_module.Content, key: str, lang: str) -> Dict[str, Any]:
    return {"messages": [replies.simple(content, key, lang).as_dict()]}


async def post_message(request: web.Request) -> web.Response:
    settings, content = request.app[SETTINGS], request.app[CONTENT]
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError):
        return _bad_request("body must be JSON")
    if not isinstance(body, dict):
        return _bad_request("body must be a JSON object")
    sender_id, text = body.get("sender_id"), body.get("text")
    hint = body.get("language_hint") or ""
    if not isinstance(sender_id, str) or not SENDER_ID.match(sender_id):
        return _bad_request("sender_id must be 8-64 letters, digits, '-' or '_'")
    if not isinstance(text, str):
        return _bad_request("text must be a string")
    if not isinstance(hint, str) or (hint and not LANGUAGE_HINT.match(hint)):
        hint = ""
    lang = content.lang_or_default(hint.split("-")[0].lower())
    text = text.replace("\x00", "").strip()
    if not has_visible_content(text):
        return web.json_response(_friendly(content, "empty_message", lang))
    text = text[: settings.max_message_chars]
    try:
        result = await request.app[CLIENT].send(
            sender_id, text, {"channel": "widget", "language_hint": hint})
    except AssistantUnavailable as error:
        logger.warning("assistant unavailable: %s", error)
        reply = replies.office_contact_reply(content, "fallback_give_up", lang)
        return web.json_response({"messages": [reply.as_dict()], "unavailable": True},
                                 status=503)
    language = result.get("language") or lang
    return web.json_response({
        "messages": [_public(m) for m in result.get("messages") or []],
        "language": language, "direction": content.direction(language),
        "erased": bool(result.get("erased"))})


def has_visible_content(text: str) -> bool:
    """False for text of only whitespace, direction marks and other invisible characters."""
    return any(not c.isspace() and unicodedata.category(c) not in ("Cf", "Cc", "Zs")
               for c in text)


def _public(message: Dict[str, Any]) -> Dict[str, Any]:
    """Only what the page renders: text and buttons (never raw custom payloads)."""
    out: Dict[str, Any] = {"text": str(message.get("text") or "")}
    buttons: List[Dict[str, str]] = [
        {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
        for b in message.get("buttons") or [] if isinstance(b, dict)]
    if buttons:
        out["buttons"] = buttons
    return out


async def index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "demo.html")


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def _close_client(app: web.Application) -> None:
    await app[CLIENT].close()


def create_app(settings: GatewaySettings) -> web.Application:
    app = web.Application(client_max_size=64 * 1024)
    app[SETTINGS] = settings
    app[CLIENT] = RasaClient(settings.rasa_url, settings.rasa_timeout)
    app[CONTENT] = content_module.load()
    app.router.add_get("/", index)
    app.router.add_get("/health", health)
    app.router.add_post("/api/messages", post_message)
    app.router.add_static("/static/", STATIC)
    app.on_cleanup.append(_close_client)
    return app


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = GatewaySettings.from_env()
    web.run_app(create_app(settings), host=settings.host, port=settings.port,
                access_log=None, print=None)


if __name__ == "__main__":
    main()
