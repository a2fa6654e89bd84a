"""Lotse's own Rasa input channel, used by the gateway (widget) and the Telegram bot.

Rasa's REST channel answers with the bot's messages only. This channel also returns the
conversation's language (the ``language`` slot) and text direction, so a channel adapter can
answer what Rasa never sees (a sticker, a voice message) in the resident's language and lay out
Arabic and Persian right-to-left. It erases the stored conversation itself when the resident
asks (``delete_my_data``), for any SQL tracker store, so adapters need no database access.

    POST /webhooks/lotse/webhook
    {"sender": "...", "message": "...", "metadata": {"channel": "telegram", "language_hint": "ar"}}
    -> {"messages": [{"text": ..., "buttons": [...]}, ...], "language": "ar",
        "direction": "rtl", "erased": false}

The ``Server-Timing`` header carries Rasa's own time for handling the message (``rasa;dur=ms``),
which the benchmark compares with what a resident waits for. Registered in credentials.yml.
Never logs message text.
"""
from __future__ import annotations

import functools
import logging
import re
import time
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage

from lotse import content as content_module
from lotse import log_redaction, rasa_speedups, replies
from lotse.text_input import has_visible_text

logger = logging.getLogger(__name__)
log_redaction.install()
rasa_speedups.install()
SENDER = re.compile(r"^[A-Za-z0-9_:.@-]{1,128}$")
MAX_MESSAGE_CHARS = 20_000
RTL_LANGUAGES = {"ar", "fa"}
METADATA_KEYS = {"channel", "language_hint", "telegram_username"}


def _error(reason: str, status: int = 400) -> HTTPResponse:
    return response.json({"error": reason}, status=status)


def _base_store(store: Any) -> Any:
    """The tracker store behind Rasa's fail-safe wrapper."""
    while hasattr(store, "_tracker_store"):
        store = store._tracker_store
    return store


async def erase_conversation(agent: Any, sender_id: str) -> int:
    """Deletes every stored event of ``sender_id``; returns how many (-1: store not supported)."""
    store = _base_store(agent.tracker_store)
    if hasattr(store, "SQLEvent") and hasattr(store, "session_scope"):
        with store.session_scope() as session:
            removed = session.query(store.SQLEvent).filter(
                store.SQLEvent.sender_id == sender_id).delete(synchronize_session=False)
            session.commit()
        return int(removed)
    if isinstance(getattr(store, "store", None), dict):  # InMemoryTrackerStore
        return 1 if store.store.pop(sender_id, None) is not None else 0
    logger.error("erasure is not supported for %s", type(store).__name__)
    return -1


def parse_body(body: Any) -> tuple:
    """(sender, message, metadata) or raises ValueError with a reason for the caller."""
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    sender, message = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not SENDER.match(sender):
        raise ValueError("sender must be 1-128 letters, digits or _:.@-")
    if not isinstance(message, str):
        raise ValueError("message must be a string")
    if len(message) > MAX_MESSAGE_CHARS:
        raise ValueError(f"message is longer than {MAX_MESSAGE_CHARS} characters")
    metadata = body.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise ValueError("metadata must be an object")
    clean = {key: str(value)[:64] for key, value in metadata.items()
             if key in METADATA_KEYS and isinstance(value, (str, int))}
    return sender, message, clean


def public_message(message: Dict[str, Any]) -> Dict[str, Any]:
    out: Dict[str, Any] = {"text": str(message.get("text") or "")}
    buttons = [{"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
               for b in message.get("buttons") or [] if isinstance(b, dict)]
    if buttons:
        out["buttons"] = buttons
    if message.get("image"):
        out["image"] = str(message["image"])
    custom = {k: v for k, v in (message.get("custom") or {}).items()
              if k not in ("lotse_erase", "handoffs_erased")}
    if custom:
        out["custom"] = custom
    return out


@functools.lru_cache(maxsize=1)
def _content() -> content_module.Content:
    return content_module.load()


def apology(language: Optional[str]) -> Dict[str, Any]:
    content = _content()
    return replies.office_contact_reply(content, "fallback_give_up",
                                        content.lang_or_default(language)).as_dict()


def has_content(message: Dict[str, Any]) -> bool:
    return bool(message["text"].strip() or len(message) > 1)


class LotseInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "lotse"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = Blueprint("lotse_webhook", __name__)

        @blueprint.listener("after_server_start")
        async def freeze_model_objects(_app: Any, _loop: Any) -> None:
            rasa_speedups.freeze_loaded_objects()  # the model is loaded before the server starts

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                body = request.json
            except Exception:  # sanic raises its own error for invalid JSON
                return _error("body must be JSON")
            try:
                sender, text, metadata = parse_body(body)
            except ValueError as error:
                return _error(str(error))
            if not has_visible_text(text):
                lang = _content().lang_or_default((metadata.get("language_hint") or "")[:2])
                reply = replies.simple(_content(), "empty_message", lang).as_dict()
                return response.json({"messages": [reply], "language": lang,
                                      "direction": _content().direction(lang), "erased": False})
            collector = CollectingOutputChannel()
            started = time.perf_counter()
            await on_new_message(UserMessage(text, collector, sender, input_channel=self.name(),
                                             metadata=metadata))
            handled_ms = (time.perf_counter() - started) * 1000
            messages: List[Dict[str, Any]] = collector.messages
            agent = request.app.ctx.agent
            language = await self._language(agent, sender)
            language = language or (metadata.get("language_hint") or "")[:2].lower() or None
            if not any(has_content(public_message(m)) for m in messages):
                # Every message gets an answer; none means an action failed (e.g. the action
                # server is down). The resident hears that, and how to reach the office.
                logger.error("no answer produced (action server unreachable?)")
                messages = [apology(language)]
            erased = False
            if any((m.get("custom") or {}).get("lotse_erase") for m in messages):
                removed = await erase_conversation(agent, sender)
                remember_saved_languages(agent.tracker_store).pop(sender, None)
                erased = removed >= 0
                logger.info("conversation erased (%d events)", removed)
            return response.json({
                "messages": [m for m in map(public_message, messages) if has_content(m)],
                "language": language,
                "direction": "rtl" if language in RTL_LANGUAGES else "ltr",
                "erased": erased,
            }, headers={"Server-Timing": f"rasa;dur={handled_ms:.1f}"})

        return blueprint

    @staticmethod
    async def _language(agent: Any, sender: str) -> Optional[str]:
        languages = remember_saved_languages(agent.tracker_store)
        if sender in languages:
            return languages[sender]
        tracker = await agent.tracker_store.retrieve(sender)
        return tracker.get_slot("language") if tracker else None


def remember_saved_languages(store: Any, size: int = 10_000) -> "OrderedDict[str, Any]":
    """The language slot of each conversation as this process last saved it.

    Reading it back from the tracker store after every message cost 13 % of Rasa's time per
    message (profiled here); the process that handled the message has just saved it anyway.
    """
    languages = getattr(store, "_lotse_saved_languages", None)
    if languages is not None:
        return languages
    languages = OrderedDict()
    save = store.save

    async def save_and_remember(tracker: Any) -> None:
        await save(tracker)
        languages[tracker.sender_id] = tracker.get_slot("language")
        languages.move_to_end(tracker.sender_id)
        while len(languages) > size:
            languages.popitem(last=False)

    store.save = save_and_remember
    store._lotse_saved_languages = languages
    return languages
