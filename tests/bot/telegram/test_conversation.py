"""Conversations through the real aiogram stack and the real assistant (LOTSE_RASA_URL)."""
import os
import sqlite3

import pytest

from tests.bot.telegram import updates
from tests.bot.telegram.support import CONTENT, first_line, keyboard_of

pytestmark = pytest.mark.needs_rasa


async def _answers(standin, user_id, count):
    """The first ``count`` sendMessage calls to the resident, once they all arrived."""
    await standin.wait_for_texts(user_id, count)
    return [c for c in standin.calls_of("sendMessage", user_id) if c.status == 200]


async def test_german_question_gets_german_answer_with_keyboard(standin, start_bot):
    await start_bot()
    user_id = updates.new_user_id()
    standin.queue(updates.text(user_id, "ich brauche einen termin bei der ausländerbehörde"))
    answer, followup = await _answers(standin, user_id, 2)
    assert first_line("appointment", "de") in answer.params["text"]
    assert "parse_mode" not in answer.params
    assert followup.params["text"] == CONTENT.message("followup", "de")
    buttons = [b for row in keyboard_of(followup) for b in row]
    assert buttons[0] == {"text": CONTENT.button("helped_yes", "de"), "callback_data": "/thank"}
    request = standin.calls_of("sendChatAction", user_id)
    assert request and request[0].params["action"] == "typing"


async def test_arabic_conversation_and_a_sticker_answered_in_arabic(standin, start_bot):
    await start_bot()
    user_id = updates.new_user_id()
    standin.queue(updates.text(user_id, "بدي جيب مرتي وولادي لعندي على ألمانيا", lang="de"))
    answer, followup = await _answers(standin, user_id, 2)
    assert first_line("family_reunification", "ar") in answer.params["text"]
    assert followup.params["text"] == CONTENT.message("followup", "ar")
    assert keyboard_of(followup)
    # The Telegram app is German, but the conversation is Arabic: so is the sticker's answer.
    standin.queue(updates.message(user_id, lang="de", **updates.CONTENT_SAMPLES["sticker"]))
    texts = await standin.wait_for_texts(user_id, 3)
    assert texts[2] == CONTENT.message("unreadable", "ar")


async def test_button_click_round_trips(standin, start_bot):
    await start_bot()
    user_id = updates.new_user_id()
    standin.queue(updates.text(user_id, "wie lange dauert die einbürgerung"))
    _, followup = await _answers(standin, user_id, 2)
    menu_button = next(b for row in keyboard_of(followup) for b in row
                       if b["text"] == CONTENT.button("menu", "de"))
    message_id = followup.result["message_id"]
    standin.queue(updates.callback(user_id, menu_button["callback_data"], message_id))
    texts = await standin.wait_for_texts(user_id, 3)
    assert CONTENT.message("help", "de") in texts[2]
    assert "/help" not in texts  # the payload is never shown
    answered = standin.calls_of("answerCallbackQuery")
    assert len(answered) == 1
    removed = standin.calls_of("editMessageReplyMarkup", user_id)
    assert [(c.params["message_id"], c.params.get("reply_markup")) for c in removed] == [
        (message_id, None)]
    menu = standin.calls_of("sendMessage", user_id)[2]
    titles = [b["text"] for row in keyboard_of(menu) for b in row]
    assert CONTENT.button("group_residence", "de") in titles


async def test_start_sends_greeting_with_language_buttons(standin, start_bot):
    await start_bot()
    user_id = updates.new_user_id()
    standin.queue(updates.text(user_id, "/start", lang="tr"))
    texts = await standin.wait_for_texts(user_id, 1)
    assert texts[0] == CONTENT.message("greet", "tr")
    greeting = standin.calls_of("sendMessage", user_id)[0]
    rows = keyboard_of(greeting)
    names = [b["text"] for row in rows for b in row]
    assert names == [CONTENT.languages["names"][code] for code in CONTENT.required_languages]
    assert all(len(row) == 2 for row in rows)
    assert rows[0][1]["callback_data"] == '/change_language{"language": "en"}'


async def test_delete_erases_the_conversation(standin, start_bot):
    await start_bot()
    user_id = updates.new_user_id()
    standin.queue(updates.text(user_id, "ich brauche einen termin bei der ausländerbehörde",
                               lang="en"))
    await standin.wait_for_texts(user_id, 2)
    standin.queue(updates.text(user_id, "/delete", lang="en"))
    texts = await standin.wait_for_texts(user_id, 3)
    assert texts[2] == CONTENT.message("delete_my_data", "de")
    assert len(texts) == 3  # the assistant's empty closing message is not sent
    tracker_db = os.environ.get("LOTSE_TRACKER_DB")
    if tracker_db:  # set by scripts/test.sh: the assistant's SQLite tracker store
        with sqlite3.connect(tracker_db) as db:
            left = db.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?",
                              (f"tg-{user_id}",)).fetchone()[0]
        assert left == 0
    # The bot forgot the conversation's language too: back to the Telegram app's language.
    standin.queue(updates.message(user_id, lang="en", **updates.CONTENT_SAMPLES["sticker"]))
    texts = await standin.wait_for_texts(user_id, 4)
    assert texts[3] == CONTENT.message("unreadable", "en")

