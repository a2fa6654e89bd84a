"""Commands: each one sends an intent payload to the assistant, which answers in the
conversation's language. ``register_commands`` shows them in Telegram's menu in every language."""
from __future__ import annotations

import logging
from typing import Dict, List, Tuple

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command, CommandObject
from aiogram.methods import SetMyCommands
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats, Message

from bot.telegram import sending
from bot.telegram.relay import AssistantRelay
from lotse.content import Content

logger = logging.getLogger("lotse.telegram.commands")

# command -> (payload for the assistant, (content section, key) of its menu description)
COMMANDS: Dict[str, Tuple[str, Tuple[str, str]]] = {
    "start": ("/greet", ("message", "command_start")),
    "help": ("/help", ("message", "command_help")),
    "language": ("/change_language", ("button", "change_language")),
    "human": ("/request_human", ("button", "counsellor")),
    "privacy": ("/privacy", ("message", "command_privacy")),
    "delete": ("/delete_my_data", ("message", "command_delete")),
}
MAX_DESCRIPTION = 256


def create_router() -> Router:
    router = Router(name="commands")
    router.message.filter(F.chat.type == ChatType.PRIVATE, F.from_user)
    router.message.register(on_command, Command(*COMMANDS, ignore_case=True))
    return router


async def on_command(message: Message, command: CommandObject, bot: Bot,
                     relay: AssistantRelay) -> None:
    name = command.command.lower()
    logger.info("command /%s", name)
    await relay.ask(bot, message.from_user, COMMANDS[name][0])


def menu(content: Content, lang: str) -> List[BotCommand]:
    commands = []
    for name, (_, (section, key)) in COMMANDS.items():
        text = content.message(key, lang) if section == "message" else content.button(key, lang)
        commands.append(BotCommand(command=name, description=text[:MAX_DESCRIPTION]))
    return commands


async def register_commands(bot: Bot, content: Content) -> None:
    """The menu per language (Telegram picks it by the app's language), German by default."""
    scope = BotCommandScopeAllPrivateChats()
    for lang in content.required_languages:
        await sending.call(bot, SetMyCommands(commands=menu(content, lang), scope=scope,
                                              language_code=lang))
    await sending.call(bot, SetMyCommands(commands=menu(content, content.default_language),
                                          scope=scope))
    logger.info("command menu registered for %d languages", len(content.required_languages))
