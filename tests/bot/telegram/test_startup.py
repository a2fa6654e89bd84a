"""Settings and the real entry point, ``python -m bot.telegram``, as a process."""
import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from bot.telegram.settings import SettingsError, TelegramSettings
from tests.bot.telegram import updates
from tests.bot.telegram.support import CONTENT, TOKEN, UNREACHABLE

ROOT = Path(__file__).resolve().parents[3]
WEBHOOK = {"TELEGRAM_BOT_TOKEN": TOKEN, "LOTSE_TELEGRAM_MODE": "webhook",
           "LOTSE_TELEGRAM_WEBHOOK_URL": "https://lotse.example.org/telegram/webhook",
           "LOTSE_TELEGRAM_WEBHOOK_SECRET": "abc_DEF-123"}


def test_defaults_and_repr_without_secrets():
    settings = TelegramSettings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN})
    assert (settings.mode, settings.webhook_host, settings.webhook_port) == (
        "polling", "127.0.0.1", 8081)
    assert settings.webhook_path == "/telegram/webhook" and settings.api_url is None
    webhook = TelegramSettings.from_env({**WEBHOOK, "LOTSE_RASA_URL": "http://rasa:5005/"})
    assert webhook.rasa_url == "http://rasa:5005"
    assert TOKEN not in repr(webhook) and "abc_DEF-123" not in repr(webhook)


@pytest.mark.parametrize("env, message", [
    ({}, "TELEGRAM_BOT_TOKEN is not set"),
    ({"TELEGRAM_BOT_TOKEN": "123:abc"}, "TELEGRAM_BOT_TOKEN is malformed"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN + " x"}, "TELEGRAM_BOT_TOKEN is malformed"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "LOTSE_TELEGRAM_MODE": "push"}, "LOTSE_TELEGRAM_MODE"),
    ({**WEBHOOK, "LOTSE_TELEGRAM_WEBHOOK_SECRET": ""}, "LOTSE_TELEGRAM_WEBHOOK_SECRET"),
    ({**WEBHOOK, "LOTSE_TELEGRAM_WEBHOOK_SECRET": "a b"}, "LOTSE_TELEGRAM_WEBHOOK_SECRET"),
    ({**WEBHOOK, "LOTSE_TELEGRAM_WEBHOOK_SECRET": "x" * 257}, "LOTSE_TELEGRAM_WEBHOOK_SECRET"),
    ({**WEBHOOK, "LOTSE_TELEGRAM_WEBHOOK_URL": "http://lotse.example.org/hook"},
     "LOTSE_TELEGRAM_WEBHOOK_URL"),
    ({**WEBHOOK, "LOTSE_TELEGRAM_WEBHOOK_PORT": "eighty"}, "LOTSE_TELEGRAM_WEBHOOK_PORT"),
    ({**WEBHOOK, "LOTSE_TELEGRAM_WEBHOOK_PATH": "hook"}, "LOTSE_TELEGRAM_WEBHOOK_PATH"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "LOTSE_RASA_TIMEOUT": "0"}, "LOTSE_RASA_TIMEOUT"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "LOTSE_RASA_ROUTING": "random"}, "LOTSE_RASA_ROUTING"),
])
def test_bad_settings_are_explained(env, message):
    with pytest.raises(SettingsError, match=message):
        TelegramSettings.from_env(env)


def _env(**values):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "LOTSE_TELEGRAM_"))}
    env.update(PYTHONPATH=str(ROOT), **values)
    return env


@pytest.mark.parametrize("token, message", [
    (None, "TELEGRAM_BOT_TOKEN is not set"),
    ("12345:short", "TELEGRAM_BOT_TOKEN is malformed"),
])
async def test_missing_or_malformed_token_exits_with_2(token, message):
    env = _env(**({"TELEGRAM_BOT_TOKEN": token} if token else {}))
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.telegram", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert message in stderr.decode() and "Traceback" not in stderr.decode()
    if token:
        assert token not in stderr.decode()


async def test_the_process_polls_answers_and_logs_no_personal_data(standin):
    env = _env(TELEGRAM_BOT_TOKEN=TOKEN, LOTSE_TELEGRAM_API_URL=standin.url,
               LOTSE_RASA_URL=UNREACHABLE)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.telegram", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        await standin.wait_for(lambda: standin.calls_of("getUpdates"), 60)
        assert standin.calls_of("deleteWebhook") and standin.calls_of("getMe")
        user_id = updates.new_user_id()
        private = "Ich heiße Leyla Demir, Telefon 0151 2345678"
        standin.queue(updates.text(user_id, private, lang="en", username="leyla_d"))
        texts = await standin.wait_for_texts(user_id, 1)
        assert texts[0].startswith(CONTENT.message("fallback_give_up", "en"))
        # An update aiogram cannot parse: its library error must not quote it in the log.
        polls = len(standin.calls_of("getUpdates"))
        standin.queue(updates.message(user_id, poll={"id": "1", "question": private}))
        await standin.wait_for(lambda: len(standin.calls_of("getUpdates")) >= polls + 3, 30)
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0
    log = output.decode()
    assert "assistant unavailable" in log and "Failed to fetch updates" in log
    for secret in ("Leyla", "Demir", "0151", "leyla_d", TOKEN.split(":")[1], str(user_id)):
        assert secret not in log


def test_library_log_records_keep_only_the_exception_type():
    import logging

    from bot.telegram.logs import ExceptionDetailsFilter

    error = ValueError("Leyla Demir, 0151 2345678")
    record = logging.LogRecord("aiogram.dispatcher", logging.ERROR, __file__, 1,
                               "Failed to fetch updates - %s: %s", ("ValueError", error),
                               (ValueError, error, None))
    assert ExceptionDetailsFilter().filter(record)
    text = logging.Formatter().format(record)
    assert "Leyla" not in text and "ValueError" in text
