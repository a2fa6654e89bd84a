"""Turns the assistant's messages into Telegram messages. Pure functions.

Text is sent as plain text (no parse_mode): nothing the assistant or a resident wrote is read
as HTML or Markdown, and Telegram itself makes the links clickable. Right-to-left text needs
nothing special.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

TEXT_LIMIT = 4096  # Telegram's limit, counted in UTF-16 code units
SHORT_TITLE = 20  # up to this many characters, buttons go two to a row
SEPARATORS = ("\n\n", "\n", " ")
BUTTONS_ONLY_TEXT = "⬇️"


@dataclass(frozen=True)
class Outgoing:
    text: str
    keyboard: Optional[InlineKeyboardMarkup] = None


def text_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = TEXT_LIMIT) -> List[str]:
    """Pieces of at most ``limit``, split at paragraphs, then lines, then words, then anywhere.

    Blank pieces are dropped: Telegram refuses empty messages.
    """
    return [piece for piece in _split(text, limit, 0) if piece.strip()]


def _split(text: str, limit: int, level: int) -> List[str]:
    if text_units(text) <= limit:
        return [text]
    if level == len(SEPARATORS):
        return _cut(text, limit)
    separator = SEPARATORS[level]
    pieces: List[str] = []
    current: Optional[str] = None
    for part in text.split(separator):
        candidate = part if current is None else current + separator + part
        if text_units(candidate) <= limit:
            current = candidate
            continue
        if current is not None:
            pieces.append(current)
        if text_units(part) <= limit:
            current = part
        else:
            pieces.extend(_split(part, limit, level + 1))
            current = None
    if current is not None:
        pieces.append(current)
    return pieces


def _cut(text: str, limit: int) -> List[str]:
    pieces, current, units = [], [], 0
    for char in text:
        size = text_units(char)
        if units + size > limit:
            pieces.append("".join(current))
            current, units = [], 0
        current.append(char)
        units += size
    if current:
        pieces.append("".join(current))
    return pieces


def keyboard(buttons: Sequence[Dict[str, str]],
             callback_data: Callable[[str], str]) -> Optional[InlineKeyboardMarkup]:
    """One button per row; two per row when every title is short (a language picker)."""
    usable = [b for b in buttons if str(b.get("title") or "").strip() and b.get("payload")]
    if not usable:
        return None
    per_row = 2 if all(len(b["title"].strip()) <= SHORT_TITLE for b in usable) else 1
    row_buttons = [InlineKeyboardButton(text=b["title"].strip(),
                                        callback_data=callback_data(b["payload"]))
                   for b in usable]
    rows = [row_buttons[i:i + per_row] for i in range(0, len(row_buttons), per_row)]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def message_text(message: Dict[str, Any]) -> str:
    """The message's text; an image becomes a link on its own line. ``custom`` is ignored."""
    text = str(message.get("text") or "")
    image = message.get("image")
    if isinstance(image, str) and image.startswith(("https://", "http://")):
        text = f"{text}\n{image}" if text.strip() else image
    return text


def render_messages(messages: Iterable[Any],
                    callback_data: Callable[[str], str]) -> List[Outgoing]:
    """The Telegram messages for the assistant's answer, the keyboard on the last piece."""
    out: List[Outgoing] = []
    for message in messages:
        if not isinstance(message, dict):
            continue
        buttons = [b for b in message.get("buttons") or [] if isinstance(b, dict)]
        markup = keyboard(buttons, callback_data) if buttons else None
        pieces = split_text(message_text(message))
        if not pieces:
            if markup is None:
                continue
            if out and out[-1].keyboard is None:
                out[-1] = Outgoing(out[-1].text, markup)
                continue
            pieces = [BUTTONS_ONLY_TEXT]
        out.extend(Outgoing(piece) for piece in pieces[:-1])
        out.append(Outgoing(pieces[-1], markup))
    return out
