"""Faults: Telegram rate limits, blocked bots and network errors; the assistant down or slow."""
import pytest

from tests.bot.telegram import updates
from tests.bot.telegram.bot_api_standin import TOO_MANY_REQUESTS
from tests.bot.telegram.support import CONTENT, UNREACHABLE

PHONE = CONTENT.offices["auslaenderbehoerde"]["phone"]


def apology(lang):
    return CONTENT.message("fallback_give_up", lang)


async def test_429_is_retried_after_retry_after(standin, start_bot):
    await start_bot(rasa_url=UNREACHABLE)
    user_id = updates.new_user_id()
    standin.fail_next("sendMessage", 1, 429, TOO_MANY_REQUESTS)
    standin.queue(updates.message(user_id, **updates.CONTENT_SAMPLES["sticker"]))
    texts = await standin.wait_for_texts(user_id, 1)
    assert texts == [CONTENT.message("unreadable", "de")]
    first, second = standin.calls_of("sendMessage", user_id)
    assert (first.status, second.status) == (429, 200)
    assert second.at - first.at >= 1.0
    assert first.params["text"] == second.params["text"]


async def test_blocked_bot_is_skipped_and_the_next_resident_is_served(standin, start_bot):
    await start_bot(rasa_url=UNREACHABLE)
    blocked, other = updates.new_user_id(), updates.new_user_id()
    standin.fail_next("sendMessage", 1, 403, {
        "ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"})
    standin.queue(updates.message(blocked, **updates.CONTENT_SAMPLES["voice"]))
    await standin.wait_for(lambda: standin.calls_of("sendMessage", blocked))
    standin.queue(updates.message(other, lang="uk", **updates.CONTENT_SAMPLES["voice"]))
    assert await standin.wait_for_texts(other, 1) == [CONTENT.message("unreadable", "uk")]
    assert len(standin.calls_of("sendMessage", blocked)) == 1  # not retried


async def test_telegram_server_errors_are_retried_with_backoff(standin, start_bot):
    await start_bot(rasa_url=UNREACHABLE)
    user_id = updates.new_user_id()
    standin.fail_next("sendMessage", 2, 502, {
        "ok": False, "error_code": 502, "description": "Bad Gateway"})
    standin.queue(updates.message(user_id, **updates.CONTENT_SAMPLES["photo"]))
    assert await standin.wait_for_texts(user_id, 1) == [CONTENT.message("unreadable", "de")]
    statuses = [c.status for c in standin.calls_of("sendMessage", user_id)]
    assert statuses == [502, 502, 200]


async def test_unreachable_assistant_gets_an_apology_with_the_office_phone(standin, start_bot):
    await start_bot(rasa_url=UNREACHABLE)
    user_id = updates.new_user_id()
    standin.queue(updates.text(user_id, "Ich brauche Hilfe mit meinem Visum", lang="pl"))
    texts = await standin.wait_for_texts(user_id, 1)
    assert texts[0].startswith(apology("pl")) and PHONE in texts[0]


async def test_assistant_back_after_being_down_answers_again(standin, start_bot,
                                                            assistant_stub):
    await start_bot(rasa_url=assistant_stub.url)
    user_id = updates.new_user_id()
    await assistant_stub.stop()
    standin.queue(updates.text(user_id, "hallo", lang="de"))
    texts = await standin.wait_for_texts(user_id, 1)
    assert texts[0].startswith(apology("de")) and PHONE in texts[0]
    await assistant_stub.start()
    standin.queue(updates.text(user_id, "hallo nochmal", lang="de"))
    texts = await standin.wait_for_texts(user_id, 2)
    assert texts[1] == assistant_stub.answer
    assert [r["message"] for r in assistant_stub.requests] == ["hallo nochmal"]


async def test_slow_assistant_times_out_then_the_next_message_works(standin, start_bot,
                                                                   assistant_stub):
    await start_bot(rasa_url=assistant_stub.url, rasa_timeout=0.5)
    user_id = updates.new_user_id()
    assistant_stub.language = "fa"
    assistant_stub.delay = 2.0
    standin.queue(updates.text(user_id, "سلام", lang="fa"))
    texts = await standin.wait_for_texts(user_id, 1)
    assert texts[0].startswith(apology("fa")) and PHONE in texts[0]
    assistant_stub.delay = 0
    standin.queue(updates.text(user_id, "سلام دوباره", lang="fa"))
    texts = await standin.wait_for_texts(user_id, 2)
    assert texts[1] == assistant_stub.answer


async def test_unexpected_error_is_logged_by_type_and_apologized_for(
        standin, start_bot, assistant_stub, caplog):
    await start_bot(rasa_url=assistant_stub.url)
    user_id = updates.new_user_id()
    assistant_stub.broken = True
    standin.queue(updates.text(user_id, "Mein Name ist Leyla Demir", lang="tr"))
    texts = await standin.wait_for_texts(user_id, 1)
    assert texts[0].startswith(apology("tr")) and PHONE in texts[0]
    errors = [r.getMessage() for r in caplog.records if r.name == "lotse.telegram"]
    assert errors == ["TypeError while handling a message update"]
    assert "Leyla" not in caplog.text
    assistant_stub.broken = False
    standin.queue(updates.text(user_id, "merhaba", lang="tr"))
    assert (await standin.wait_for_texts(user_id, 2))[1] == assistant_stub.answer


@pytest.mark.parametrize("username, expected", [("test_resident", "test_resident"), (None, None)])
async def test_sender_id_and_metadata(standin, start_bot, assistant_stub, username, expected):
    await start_bot(rasa_url=assistant_stub.url)
    user_id = updates.new_user_id()
    standin.queue(updates.text(user_id, "/privacy", lang="ar", username=username))
    await standin.wait_for_texts(user_id, 1)
    request = assistant_stub.requests[0]
    assert request["sender"] == f"tg-{user_id}" and request["message"] == "/privacy"
    assert request["metadata"].get("telegram_username") == expected
    assert request["metadata"]["channel"] == "telegram"
    assert request["metadata"]["language_hint"] == "ar"
