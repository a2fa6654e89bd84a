"""The real aiogram stack, polling the Bot API stand-in; the assistant is the real one
(LOTSE_RASA_URL, tests marked needs_rasa) or, in fault tests, a stoppable stub."""
from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, replace
from typing import List

import pytest
import pytest_asyncio
from aiogram import Bot, Dispatcher

from bot.telegram.app import create_bot, create_dispatcher, run_polling
from bot.telegram.settings import TelegramSettings
from tests.bot.telegram.assistant_stub import AssistantStub
from tests.bot.telegram.bot_api_standin import StandIn
from tests.bot.telegram.support import CONTENT, TOKEN, UNREACHABLE



@dataclass
class RunningBot:
    bot: Bot
    dispatcher: Dispatcher
    task: asyncio.Task

    async def stop(self) -> None:
        if not self.task.done():
            await self.dispatcher.stop_polling()
        await asyncio.wait_for(self.task, 15)


@pytest_asyncio.fixture
async def standin():
    server = await StandIn(TOKEN).start()
    yield server
    await server.stop()


@pytest.fixture
def settings(standin) -> TelegramSettings:
    return TelegramSettings(token=TOKEN, api_url=standin.url, rasa_timeout=30.0,
                            rasa_url=os.environ.get("LOTSE_RASA_URL", UNREACHABLE))


@pytest_asyncio.fixture
async def start_bot(standin, settings):
    """start_bot(rasa_url=..., rasa_timeout=...) runs a bot until the test ends."""
    running: List[RunningBot] = []

    async def start(**overrides) -> RunningBot:
        bot_settings = replace(settings, **overrides)
        bot, dispatcher = create_bot(bot_settings), create_dispatcher(bot_settings, CONTENT)
        polls_before = len(standin.calls_of("getUpdates"))
        task = asyncio.create_task(run_polling(bot, dispatcher, polling_timeout=1,
                                               handle_signals=False))
        running.append(RunningBot(bot, dispatcher, task))
        await standin.wait_for(lambda: len(standin.calls_of("getUpdates")) > polls_before, 30)
        return running[-1]

    yield start
    for item in running:
        await item.stop()


@pytest_asyncio.fixture
async def assistant_stub():
    stub = await AssistantStub().start()
    yield stub
    await stub.stop()
