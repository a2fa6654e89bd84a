"""Servers and page helpers for the widget's browser tests."""
from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from lotse import content as content_module
from lotse.conversation_ids import widget_conversation

ROOT = Path(__file__).resolve().parents[3]
CONTENT = content_module.load()
PORTS = range(36000, 37000)  # the range this project's widget tests may use
SHADOW = "document.querySelector('lotse-widget').shadowRoot"


def free_port() -> int:
    for port in random.sample(PORTS, len(PORTS)):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port in 36000-36999")


class Gateway:
    """``python -m bot.gateway`` on a fixed free port, stoppable and restartable."""

    def __init__(self, rasa_url: str, origins: str = "") -> None:
        self.port, self.rasa_url, self.origins = free_port(), rasa_url, origins
        self.process: subprocess.Popen | None = None
        self.log = tempfile.TemporaryFile()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, rasa_url: str | None = None) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "LOTSE_GATEWAY_HOST": "127.0.0.1",
               "LOTSE_GATEWAY_PORT": str(self.port), "LOTSE_WIDGET_ORIGINS": self.origins,
               "LOTSE_RASA_URL": rasa_url or self.rasa_url}
        self.process = subprocess.Popen([sys.executable, "-m", "bot.gateway"], cwd=ROOT, env=env,
                                        stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/health", timeout=1).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        self.log.seek(0)
        raise RuntimeError("gateway did not start:\n" + self.log.read().decode(errors="replace"))

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


class HostSite:
    """A static page on its own port that embeds the widget from a gateway given in the URL."""

    def __init__(self) -> None:
        self.port = free_port()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # /embed?gateway=http://127.0.0.1:PORT
                gateway = self.path.partition("gateway=")[2]
                body = EMBED_PAGE.replace("GATEWAY", gateway).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, host: str, gateway: Gateway) -> str:
        return f"http://{host}:{self.port}/embed?gateway={gateway.url}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# A host page whose CSS would wreck an unprotected widget.
EMBED_PAGE = """<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Host</title>
<style>html { font-size: 8px } * { color: #f0f !important; font-family: serif !important;
letter-spacing: 3px } button { display: none !important } div, p { margin: 40px !important }</style>
</head><body><main><h1>Kreis Pinneberg</h1><p>Host page</p></main>
<script src="GATEWAY/widget.js" data-position="left" data-color="#7a1f5c" data-lang="tr" defer>
</script></body></html>"""


def first_line(topic: str, lang: str) -> str:
    return CONTENT.answer(topic, lang).splitlines()[0]


def text(key: str, lang: str) -> str:
    """A text the assistant sends (content/answers), first line."""
    return CONTENT.message(key, lang).splitlines()[0]


def widget_text(key: str, lang: str) -> str:
    """A text of the widget's own controls (content/widget.yml)."""
    from lotse import widget_strings
    return widget_strings.load(CONTENT.directory)[key][lang]


def shadow(page, expression: str):
    """Evaluates ``expression`` with ``root`` bound to the widget's shadow root."""
    return page.evaluate(f"() => {{ const root = {SHADOW}; return {expression}; }}")


def bot_count(page) -> int:
    return page.locator(".msg.bot").count()


def wait_for_reply(page, bot_messages_before: int) -> None:
    page.wait_for_function(
        f"n => {{ const root = {SHADOW}; return root.querySelectorAll('.msg.bot').length > n"
        " && root.querySelector('form').getAttribute('aria-busy') === 'false'; }",
        arg=bot_messages_before)


def open_widget(page, url: str) -> None:
    """Loads the page, opens the panel and waits for the greeting."""
    page.goto(url)
    page.locator(".launcher").click()
    wait_for_reply(page, 0)


def ask(page, question: str) -> None:
    before = bot_count(page)
    page.locator("textarea").fill(question)
    page.locator("textarea").press("Enter")
    wait_for_reply(page, before)


def bubbles(page) -> list:
    return page.locator(".msg .bubble").all_inner_texts()


def stored(page, gateway: Gateway):
    return page.evaluate(f"() => JSON.parse(localStorage.getItem('lotse-widget:{gateway.url}'))")


def tracker_events(sender: str) -> int | None:
    """Stored events of a conversation, when the tests know the assistant's SQLite store."""
    import sqlite3
    path = os.environ.get("LOTSE_TRACKER_DB")
    if not path or not os.path.exists(path):
        return None
    with sqlite3.connect(path) as db:
        return db.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?",
                          (widget_conversation(sender),)).fetchone()[0]
