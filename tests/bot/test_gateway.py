import os
import re
import sqlite3

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.gateway import create_app
from bot.settings import GatewaySettings, parse_origins
from lotse import content as content_module
from lotse.conversation_ids import widget_conversation

CONTENT = content_module.load()
needs_rasa = pytest.mark.needs_rasa


async def say(gateway, sender, text, hint="de"):
    response = await gateway.post("/api/messages", json={
        "sender_id": sender, "text": text, "language_hint": hint})
    return response.status, await response.json()


def stored_events(db, conversation):
    return db.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?",
                      (conversation,)).fetchone()[0]


def first_line(topic, lang):
    return CONTENT.answer(topic, lang).splitlines()[0]


@needs_rasa
async def test_german_question_gets_german_answer_with_buttons(gateway, sender):
    status, data = await say(gateway, sender, "ich brauche einen termin bei der ausländerbehörde")
    assert status == 200
    texts = [m["text"] for m in data["messages"]]
    assert first_line("appointment", "de") in texts[0]
    assert data["messages"][1]["buttons"][0]["payload"] == "/thank"


@needs_rasa
async def test_arabic_question_gets_arabic_answer(gateway, sender):
    status, data = await say(gateway, sender, "بدي جيب مرتي وولادي لعندي على ألمانيا", hint="de")
    assert status == 200
    assert first_line("family_reunification", "ar") in data["messages"][0]["text"]
    assert (data["language"], data["direction"]) == ("ar", "rtl")
    assert data["messages"][1]["text"] == CONTENT.message("followup", "ar")


@needs_rasa
async def test_language_sticks_after_ok_and_button_round_trips(gateway, sender):
    await say(gateway, sender, "мені треба продовжити дозвіл на проживання", hint="en")
    status, data = await say(gateway, sender, "ok", hint="en")
    assert status == 200
    assert data["messages"][0]["text"].startswith(CONTENT.message("affirm", "uk"))
    payload = data["messages"][0]["buttons"][0]["payload"]
    assert payload == "/help"
    _, menu = await say(gateway, sender, payload, hint="en")
    assert CONTENT.button("group_residence", "uk") in [b["title"] for b in menu["messages"][0]["buttons"]]


@needs_rasa
async def test_html_is_just_text(gateway, sender):
    status, data = await say(gateway, sender, "<img src=x onerror=alert(1)> <script>alert(1)</script>")
    assert status == 200
    assert data["messages"] and all(isinstance(m["text"], str) for m in data["messages"])


@needs_rasa
async def test_delete_my_data_erases_the_stored_conversation(gateway, sender):
    await say(gateway, sender, "wie lange dauert die einbürgerung")
    tracker_db = os.environ["LOTSE_TRACKER_DB"]
    with sqlite3.connect(tracker_db) as db:
        before = stored_events(db, widget_conversation(sender))
    assert before > 0
    status, data = await say(gateway, sender, "/delete_my_data")
    assert status == 200
    assert data["messages"][0]["text"] == CONTENT.message("delete_my_data", "de")
    assert "custom" not in data["messages"][0] and data["erased"] is True
    with sqlite3.connect(tracker_db) as db:
        after = stored_events(db, widget_conversation(sender))
    assert after == 0


@needs_rasa
async def test_a_widget_page_cannot_write_into_a_telegram_conversation(gateway):
    # Telegram's conversation ids are "tg-" + a known number; the widget's live under "web-".
    telegram_id = "tg-" + str(int.from_bytes(os.urandom(4), "big") + 10**9)
    status, _ = await say(gateway, telegram_id, "ich brauche einen termin")
    assert status == 200
    with sqlite3.connect(os.environ["LOTSE_TRACKER_DB"]) as db:
        assert stored_events(db, telegram_id) == 0
        assert stored_events(db, "web-" + telegram_id) > 0


async def test_over_long_message_gets_friendly_answer_without_rasa(gateway, sender):
    status, data = await say(gateway, sender, "Frage " * 20_000, hint="uk")  # ~120 kB
    assert status == 200
    assert data["messages"][0]["text"] == CONTENT.message("too_long", "uk")


async def test_empty_message_gets_friendly_answer_without_rasa(gateway, sender):
    status, data = await say(gateway, sender, "   \u200f ", hint="fa")
    assert status == 200
    assert data["messages"][0]["text"] == CONTENT.message("empty_message", "fa")


@pytest.mark.parametrize("body, reason", [
    (b"not json", "body must be JSON"),
    (b"[1, 2]", "body must be a JSON object"),
    (b'{"sender_id": "x", "text": "hi"}', "sender_id"),
    (b'{"sender_id": "abcdefgh12", "text": 5}', "text must be a string"),
    (b"\xff\xfe\x00", "body must be JSON"),
])
async def test_bad_requests_get_400_with_reason(gateway, body, reason):
    response = await gateway.post("/api/messages", data=body,
                                  headers={"Content-Type": "application/json"})
    assert response.status == 400
    assert reason in (await response.json())["error"]


async def test_unreachable_assistant_gives_apology_with_office_contact(sender):
    settings = GatewaySettings(rasa_url="http://127.0.0.1:9", rasa_timeout=2)
    client = TestClient(TestServer(create_app(settings)))
    await client.start_server()
    try:
        response = await client.post("/api/messages", json={
            "sender_id": sender, "text": "hallo", "language_hint": "tr"})
        data = await response.json()
    finally:
        await client.close()
    assert response.status == 503
    assert data["unavailable"] is True
    assert CONTENT.message("fallback_give_up", "tr") in data["messages"][0]["text"]
    assert CONTENT.offices["auslaenderbehoerde"]["phone"] in data["messages"][0]["text"]


async def test_demo_page_embeds_the_widget_under_a_strict_csp(gateway):
    page = await gateway.get("/")
    assert page.status == 200
    assert '<script src="/widget.js"' in await page.text()
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


async def test_widget_script_has_its_texts_and_is_cached_by_etag(gateway):
    script = await gateway.get("/widget.js")
    assert script.status == 200
    assert script.content_type == "text/javascript"
    body = await script.text()
    assert "LOTSE:BUNDLE" not in body and "LOTSE:CSS_VERSION" not in body
    assert "textContent" in body and "innerHTML" not in body
    assert '"launcher": "اسألوا Lotse"' in body  # content/widget.yml, inlined
    assert script.headers["Cache-Control"] == "public, max-age=300"
    assert script.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    again = await gateway.get("/widget.js", headers={"If-None-Match": script.headers["ETag"]})
    assert again.status == 304


async def test_widget_stylesheet_is_cached_long_when_versioned(gateway):
    script = await (await gateway.get("/widget.js")).text()
    version = re.search(r'const CSS_VERSION = "([0-9a-f]+)"', script).group(1)
    style = await gateway.get(f"/widget.css?v={version}")
    assert style.status == 200 and style.content_type == "text/css"
    assert "immutable" in style.headers["Cache-Control"]
    assert "immutable" not in (await gateway.get("/widget.css?v=old")).headers["Cache-Control"]


async def test_message_api_needs_a_json_content_type(gateway, sender):
    response = await gateway.post("/api/messages", data=f'{{"sender_id": "{sender}", "text": "hi"}}',
                                  headers={"Content-Type": "text/plain"})
    assert response.status == 400
    assert "Content-Type" in (await response.json())["error"]


@pytest.fixture
async def embeddable():
    settings = GatewaySettings(rasa_url="http://127.0.0.1:9", rasa_timeout=2,
                               widget_origins=("https://www.kreis-pinneberg.de",))
    client = TestClient(TestServer(create_app(settings)))
    await client.start_server()
    yield client
    await client.close()


async def test_cors_preflight_only_for_configured_origins(embeddable):
    preflight = {"Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type"}
    allowed = await embeddable.options("/api/messages", headers={
        "Origin": "https://www.kreis-pinneberg.de", **preflight})
    assert allowed.status == 204
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://www.kreis-pinneberg.de"
    assert allowed.headers["Access-Control-Allow-Headers"] == "Content-Type"
    assert "POST" in allowed.headers["Access-Control-Allow-Methods"]
    other = await embeddable.options("/api/messages", headers={
        "Origin": "https://evil.example", **preflight})
    assert other.status == 403 and "Access-Control-Allow-Origin" not in other.headers


async def test_cors_headers_on_answers_even_errors_only_for_configured_origins(embeddable, sender):
    body = {"sender_id": sender, "text": "hallo"}
    answer = await embeddable.post("/api/messages", json=body,
                                   headers={"Origin": "https://www.kreis-pinneberg.de"})
    assert answer.status == 503  # no assistant here: the page must still read the apology
    assert answer.headers["Access-Control-Allow-Origin"] == "https://www.kreis-pinneberg.de"
    assert answer.headers["Vary"] == "Origin"
    bad = await embeddable.post("/api/messages", json={"text": 1},
                                headers={"Origin": "https://www.kreis-pinneberg.de"})
    assert bad.status == 400 and "Access-Control-Allow-Origin" in bad.headers
    huge = await embeddable.post("/api/messages", json={**body, "text": "x" * 600_000},
                                 headers={"Origin": "https://www.kreis-pinneberg.de"})
    assert huge.status == 413 and "Access-Control-Allow-Origin" in huge.headers
    assert (await huge.json())["error"]
    other = await embeddable.post("/api/messages", json=body,
                                  headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    page = await embeddable.get("/", headers={"Origin": "https://www.kreis-pinneberg.de"})
    assert "Access-Control-Allow-Origin" not in page.headers


@pytest.mark.parametrize("value, origins", [
    ("", ()),
    ("https://www.kreis-pinneberg.de/, http://LOCALHOST:8000 ,",
     ("https://www.kreis-pinneberg.de", "http://localhost:8000")),
])
def test_widget_origins_setting(value, origins):
    assert GatewaySettings.from_env({"LOTSE_WIDGET_ORIGINS": value}).widget_origins == origins


@pytest.mark.parametrize("value", ["*", "kreis-pinneberg.de", "https://x.de/path", "ftp://x.de",
                                   "https://*.kreis-pinneberg.de"])
def test_widget_origins_setting_rejects_what_is_not_an_origin(value):
    with pytest.raises(ValueError):
        parse_origins(value)
