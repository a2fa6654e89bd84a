"""The website gateway: serves the chat page and widget, relays messages to the assistant.

Rasa's API is never exposed: the browser talks only to this gateway, which checks input,
adds channel metadata and turns faults into a friendly answer; Rasa's Lotse channel returns the
conversation's language and erases conversations on request.
Run: ``python -m bot.gateway``.
"""
from __future__ import annotations

import logging
import re
import time
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict

from aiohttp import web

from bot.rasa_client import AssistantUnavailable, RasaClient
from bot.settings import GatewaySettings
from bot.widget_assets import WidgetAssets
from lotse import content as content_module
from lotse import replies
from lotse.conversation_ids import widget_conversation
from lotse.text_input import has_visible_text

logger = logging.getLogger("lotse.gateway")
STATIC = Path(__file__).resolve().parent / "static"
SENDER_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
LANGUAGE_HINT = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
SETTINGS = web.AppKey("settings", GatewaySettings)
CLIENT = web.AppKey("client", RasaClient)
CONTENT = web.AppKey("content", content_module.Content)
ASSETS = web.AppKey("assets", WidgetAssets)
API_PATH = "/api/messages"
# The demo page loads only its own files; proves the widget needs no inline script or style.
DEMO_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


def _bad_request(reason: str) -> web.Response:
    return web.json_response({"error": reason}, status=400)


def _friendly(content: content_module.Content, key: str, lang: str) -> Dict[str, Any]:
    return {"messages": [replies.simple(content, key, lang).as_dict()]}


async def post_message(request: web.Request) -> web.Response:
    settings, content = request.app[SETTINGS], request.app[CONTENT]
    if request.content_type != "application/json":
        # Makes browsers on other sites send a CORS preflight (no plain form posts).
        return _bad_request("Content-Type must be application/json")
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
    if not has_visible_text(text):
        return web.json_response(_friendly(content, "empty_message", lang))
    if len(text) > settings.max_message_chars:
        return web.json_response(_friendly(content, "too_long", lang))
    started = time.perf_counter()
    try:
        result = await request.app[CLIENT].send(
            widget_conversation(sender_id), text, {"channel": "widget", "language_hint": hint})
    except AssistantUnavailable as error:
        logger.warning("assistant unavailable: %s", error)
        reply = replies.office_contact_reply(content, "fallback_give_up", lang)
        return web.json_response({"messages": [reply.as_dict()], "unavailable": True},
                                 status=503)
    language = result.get("language") or lang
    timing = f"gateway;dur={(time.perf_counter() - started) * 1000:.1f}"
    if result.get("rasa_ms") is not None:
        timing = f"rasa;dur={result['rasa_ms']:.1f}, " + timing
    return web.json_response({
        "messages": [m for m in map(_public, result.get("messages") or [])
                     if m["text"].strip() or m.get("buttons")],
        "language": language, "direction": content.direction(language),
        "erased": bool(result.get("erased"))}, headers={"Server-Timing": timing})


def _public(message: Dict[str, Any]) -> Dict[str, Any]:
    """Only what the page renders: text and buttons, never custom payloads. Lotse's Rasa
    channel has already turned both into strings (lotse/rasa_channel.public_message).

    A message that was only a signal to the channel (the erase marker) ends up empty and is
    dropped by the caller, so the page shows no empty bubble."""
    out: Dict[str, Any] = {"text": str(message.get("text") or "")}
    if isinstance(message.get("buttons"), list) and message["buttons"]:
        out["buttons"] = message["buttons"]
    return out


async def index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "demo.html", headers={"Content-Security-Policy": DEMO_CSP})


async def widget_script(request: web.Request) -> web.Response:
    return request.app[ASSETS].script.response(request)


async def widget_style(request: web.Request) -> web.Response:
    return request.app[ASSETS].style.response(request)


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def cors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """CORS for the message API, only for the configured embedding origins."""
    if request.path != API_PATH:
        return await handler(request)
    origin = request.headers.get("Origin", "")
    allowed = origin.lower() in request.app[SETTINGS].widget_origins
    if request.method == "OPTIONS":
        if not allowed:
            return web.Response(status=403, headers={"Vary": "Origin"})
        return web.Response(status=204, headers={
            "Access-Control-Allow-Origin": origin, "Vary": "Origin",
            "Access-Control-Allow-Methods": "POST", "Access-Control-Allow-Headers": "Content-Type",
            "Access-Control-Max-Age": "600"})
    try:
        response = await handler(request)
    except web.HTTPException as error:  # e.g. 413: the widget must still be able to read it
        if error.status < 400:
            raise
        response = web.json_response({"error": error.reason.lower()}, status=error.status)
    response.headers["Vary"] = "Origin"
    if allowed:
        response.headers["Access-Control-Allow-Origin"] = origin
    return response


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def _close_client(app: web.Application) -> None:
    await app[CLIENT].close()


def create_app(settings: GatewaySettings) -> web.Application:
    # Bodies up to 512 kB are read, so an over-long message gets a friendly answer, not an error.
    app = web.Application(client_max_size=512 * 1024, middlewares=[cors])
    app[SETTINGS] = settings
    app[CLIENT] = RasaClient(settings.rasa_url, settings.rasa_timeout, settings.rasa_routing,
                             settings.rasa_max_in_flight)
    app[CONTENT] = content_module.load()
    app[ASSETS] = WidgetAssets.build(STATIC, app[CONTENT])
    app.router.add_get("/", index)
    app.router.add_get("/health", health)
    app.router.add_get("/widget.js", widget_script)
    app.router.add_get("/widget.css", widget_style)
    app.router.add_post(API_PATH, post_message)
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
