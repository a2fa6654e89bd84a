import os
import sqlite3

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.gateway import create_app
from bot.settings import GatewaySettings
from lotse import content as content_module

CONTENT = content_module.load()
needs_rasa = pytest.mark.needs_rasa


async def say(gateway, sender, text, hint="de"):
    response = await gateway.post("/api/messages", json={
        "sender_id": sender, "text": text, "language_hint": hint})
    return response.status, await response.json()


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
        before = db.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[0]
    assert before > 0
    status, data = await say(gateway, sender, "/delete_my_data")
    assert status == 200
    assert data["messages"][0]["text"] == CONTENT.message("delete_my_data", "de")
    assert "custom" not in data["messages"][0] and data["erased"] is True
    with sqlite3.connect(tracker_db) as db:
        after = db.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[0]
    assert after == 0


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


async def test_demo_page_and_script_are_served(gateway):
    page = await gateway.get("/")
    assert page.status == 200
    assert '<script src="/static/chat.js">' in await page.text()
    script = await gateway.get("/static/chat.js")
    assert script.status == 200
    assert "textContent" in await script.text()
