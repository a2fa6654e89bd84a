"""Webhook mode: the aiohttp app on a random port, Telegram's secret header checked."""
from dataclasses import replace

import aiohttp
import pytest_asyncio
from aiohttp.test_utils import TestServer

from bot.telegram.app import create_bot, create_dispatcher
from bot.telegram.webhook import create_webhook_app
from tests.bot.telegram import updates
from tests.bot.telegram.support import CONTENT

SECRET = "s3cret-Token_for_tests"
PUBLIC_URL = "https://lotse.example.org/telegram/webhook"


@pytest_asyncio.fixture
async def webhook(standin, settings, assistant_stub):
    settings = replace(settings, mode="webhook", webhook_url=PUBLIC_URL, webhook_secret=SECRET,
                       rasa_url=assistant_stub.url)
    bot = create_bot(settings)
    app = create_webhook_app(bot, create_dispatcher(settings, CONTENT), settings)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    async with aiohttp.ClientSession() as session:
        yield session, str(server.make_url(settings.webhook_path))
    await server.close()


async def post(session, url, update, secret=None):
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    async with session.post(url, json={"update_id": 1, **update}, headers=headers) as response:
        return response.status


async def test_webhook_is_registered_with_its_secret(standin, webhook):
    (call,) = standin.calls_of("setWebhook")
    assert call.params["url"] == PUBLIC_URL and call.params["secret_token"] == SECRET
    assert set(call.params["allowed_updates"]) == {
        "message", "edited_message", "callback_query", "channel_post", "edited_channel_post"}
    assert len(standin.calls_of("setMyCommands")) == 9


async def test_wrong_or_missing_secret_is_rejected(standin, webhook, assistant_stub):
    session, url = webhook
    user_id = updates.new_user_id()
    for secret in (None, "", "wrong", SECRET + "x"):
        assert await post(session, url, updates.text(user_id, "hallo"), secret) in (401, 403)
    assert assistant_stub.requests == [] and standin.calls_of("sendMessage") == []


async def test_right_secret_is_handled(standin, webhook, assistant_stub):
    session, url = webhook
    user_id = updates.new_user_id()
    assert await post(session, url, updates.text(user_id, "hallo"), SECRET) == 200
    assert await standin.wait_for_texts(user_id, 1) == [assistant_stub.answer]
    assert [r["sender"] for r in assistant_stub.requests] == [f"tg-{user_id}"]
    sticker = updates.message(user_id, **updates.CONTENT_SAMPLES["sticker"])
    assert await post(session, url, sticker, SECRET) == 200
    texts = await standin.wait_for_texts(user_id, 2)
    assert texts[1] == CONTENT.message("unreadable", "de")
