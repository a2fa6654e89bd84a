"""What never reaches the assistant: other content, edits, group chats, expired buttons.

The assistant is a recording stub here, so each test also proves nothing was forwarded.
"""
import asyncio

import pytest

from tests.bot.telegram import updates
from tests.bot.telegram.support import CONTENT


@pytest.mark.parametrize("kind", sorted(updates.CONTENT_SAMPLES))
async def test_other_content_gets_unreadable_in_the_telegram_language(
        standin, start_bot, assistant_stub, kind):
    await start_bot(rasa_url=assistant_stub.url)
    user_id = updates.new_user_id()
    standin.queue(updates.message(user_id, lang="ru", **updates.CONTENT_SAMPLES[kind]))
    assert await standin.wait_for_texts(user_id, 1) == [CONTENT.message("unreadable", "ru")]
    assert assistant_stub.requests == []


async def test_unsupported_telegram_language_falls_back_to_german(standin, start_bot,
                                                                 assistant_stub):
    await start_bot(rasa_url=assistant_stub.url)
    user_id = updates.new_user_id()
    standin.queue(updates.message(user_id, lang="pt-br", **updates.CONTENT_SAMPLES["sticker"]))
    assert await standin.wait_for_texts(user_id, 1) == [CONTENT.message("unreadable", "de")]


async def test_edited_message_is_not_sent_again(standin, start_bot, assistant_stub):
    assistant_stub.language = "tr"
    await start_bot(rasa_url=assistant_stub.url)
    user_id = updates.new_user_id()
    standin.queue(updates.text(user_id, "oturma izni", lang="de"))
    await standin.wait_for_texts(user_id, 1)
    standin.queue(updates.edited(user_id, "oturma izni uzatma", lang="de"))
    texts = await standin.wait_for_texts(user_id, 2)
    assert texts[1] == CONTENT.message("edited_not_read", "tr")  # the conversation's language
    assert [r["message"] for r in assistant_stub.requests] == ["oturma izni"]


async def test_group_chat_gets_one_notice_and_nothing_is_forwarded(standin, start_bot,
                                                                  assistant_stub):
    await start_bot(rasa_url=assistant_stub.url)
    group, channel = -1001234567890, -1009876543210
    for body in ("/start", "hallo Lotse", "noch eine Frage"):
        standin.queue(updates.group_text(group, updates.new_user_id(), body))
    standin.queue(updates.channel_post(channel, "Neuigkeiten"))
    sentinel = updates.new_user_id()  # answered after everything above was handled
    standin.queue(updates.message(sentinel, **updates.CONTENT_SAMPLES["sticker"]))
    await standin.wait_for_texts(sentinel, 1)
    await asyncio.sleep(0.3)
    assert standin.sent_texts(group) == [CONTENT.message("private_chat_only", "de")]
    assert standin.sent_texts(channel) == [CONTENT.message("private_chat_only", "de")]
    assert assistant_stub.requests == []


async def test_expired_button_key_asks_to_type(standin, start_bot, assistant_stub):
    await start_bot(rasa_url=assistant_stub.url)
    user_id = updates.new_user_id()
    standin.queue(updates.callback(user_id, "#AAAAAAAAAAAAAAAA", message_id=77, lang="uk"))
    assert await standin.wait_for_texts(user_id, 1) == [CONTENT.message("button_expired", "uk")]
    assert len(standin.calls_of("answerCallbackQuery")) == 1
    assert standin.calls_of("editMessageReplyMarkup")[0].params["message_id"] == 77
    assert assistant_stub.requests == []


async def test_second_click_on_a_used_keyboard_does_nothing(standin, start_bot,
                                                           assistant_stub):
    await start_bot(rasa_url=assistant_stub.url)
    user_id = updates.new_user_id()
    standin.queue(updates.callback(user_id, "/affirm", message_id=5))
    await standin.wait_for_texts(user_id, 1)
    standin.queue(updates.callback(user_id, "/deny", message_id=5))
    await standin.wait_for(lambda: len(standin.calls_of("answerCallbackQuery")) == 2)
    assert [r["message"] for r in assistant_stub.requests] == ["/affirm"]


@pytest.mark.parametrize("typed, forwarded", [
    ("/stop", "/help"),  # an unknown command shows the menu
    ("/delete_my_data", "/help"),  # an intent typed by hand is not a payload
    ("/ ich brauche hilfe", "ich brauche hilfe"),
    ("/привет", "привет"),
])
async def test_text_never_becomes_a_payload(standin, start_bot, assistant_stub, typed,
                                            forwarded):
    await start_bot(rasa_url=assistant_stub.url)
    user_id = updates.new_user_id()
    standin.queue(updates.text(user_id, typed))
    await standin.wait_for_texts(user_id, 1)
    assert [r["message"] for r in assistant_stub.requests] == [forwarded]


async def test_invisible_text_gets_empty_message(standin, start_bot, assistant_stub):
    await start_bot(rasa_url=assistant_stub.url)
    user_id = updates.new_user_id()
    standin.queue(updates.text(user_id, "\u200f\u200b", lang="fa"))
    assert await standin.wait_for_texts(user_id, 1) == [CONTENT.message("empty_message", "fa")]
    assert assistant_stub.requests == []


async def test_commands_are_registered_for_every_language(standin, start_bot):
    await start_bot()
    await standin.wait_for(lambda: len(standin.calls_of("setMyCommands")) == 9)
    calls = standin.calls_of("setMyCommands")
    by_language = {c.params.get("language_code"): c.params for c in calls}
    assert set(by_language) == set(CONTENT.required_languages) | {None}
    for lang, params in by_language.items():
        assert params["scope"] == {"type": "all_private_chats"}
        commands = {c["command"]: c["description"] for c in params["commands"]}
        assert list(commands) == ["start", "help", "language", "human", "privacy", "delete"]
        assert commands["delete"] == CONTENT.message("command_delete", lang or "de")
        assert commands["language"] == CONTENT.button("change_language", lang or "de")
    assert standin.calls_of("deleteWebhook")  # polling removes a webhook first


async def test_button_without_its_message_is_only_acknowledged(standin, start_bot,
                                                              assistant_stub):
    await start_bot(rasa_url=assistant_stub.url)
    user_id = updates.new_user_id()
    click = updates.callback(user_id, "/affirm", message_id=1)
    del click["callback_query"]["message"]
    click["callback_query"]["inline_message_id"] = "AAAA"
    standin.queue(click)
    await standin.wait_for(lambda: standin.calls_of("answerCallbackQuery"))
    await asyncio.sleep(0.3)
    assert assistant_stub.requests == [] and standin.calls_of("sendMessage") == []
