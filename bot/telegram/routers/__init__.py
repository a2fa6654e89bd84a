"""One router per feature. Order matters: shared chats are sorted out first, commands before
text, and the catch-all for other content comes last."""
from __future__ import annotations

from typing import List

from aiogram import Router

from bot.telegram.routers import buttons, chats, commands, other_content, text


def get_routers() -> List[Router]:
    return [module.create_router() for module in (chats, commands, buttons, text, other_content)]
