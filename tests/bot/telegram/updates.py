"""Telegram updates as the Bot API sends them (JSON objects), for the stand-in to serve."""
from __future__ import annotations

import itertools
import random
import re
import time
from typing import Any, Dict, Optional

BOT_USER = {"id": 123456789, "is_bot": True, "first_name": "Lotse", "username": "lotse_test_bot"}
_message_ids = itertools.count(1)
COMMAND = re.compile(r"^/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?")


def new_user_id() -> int:
    """A fresh resident per test, so conversations in the assistant's tracker never mix."""
    return random.randint(10**9, 9 * 10**9)


def user(user_id: int, lang: Optional[str] = "de", username: Optional[str] = None) -> Dict:
    data: Dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "Test"}
    if lang:
        data["language_code"] = lang
    if username:
        data["username"] = username
    return data


def _message(chat: Dict, sender: Optional[Dict], **content: Any) -> Dict:
    message = {"message_id": next(_message_ids), "date": int(time.time()), "chat": chat, **content}
    if sender is not None:
        message["from"] = sender
    return message


def private_chat(user_id: int) -> Dict:
    return {"id": user_id, "type": "private", "first_name": "Test"}


def message(user_id: int, lang: Optional[str] = "de", username: Optional[str] = None,
            **content: Any) -> Dict:
    return {"message": _message(private_chat(user_id), user(user_id, lang, username), **content)}


def text(user_id: int, body: str, lang: Optional[str] = "de",
         username: Optional[str] = None) -> Dict:
    content: Dict[str, Any] = {"text": body}
    command = COMMAND.match(body)
    if command:
        content["entities"] = [{"type": "bot_command", "offset": 0,
                                "length": len(command.group(0))}]
    return message(user_id, lang, username, **content)


STICKER = {"file_id": "CAACAgIAAxkBAAE", "file_unique_id": "AgADsticker", "type": "regular",
           "width": 512, "height": 512, "is_animated": False, "is_video": False}
CONTENT_SAMPLES: Dict[str, Dict[str, Any]] = {
    "sticker": {"sticker": STICKER},
    "photo": {"photo": [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}],
              "caption": "mein Ausweis"},
    "voice": {"voice": {"file_id": "v1", "file_unique_id": "u2", "duration": 3}},
    "video": {"video": {"file_id": "v2", "file_unique_id": "u3", "width": 1, "height": 1,
                        "duration": 1}},
    "video_note": {"video_note": {"file_id": "v3", "file_unique_id": "u4", "length": 1,
                                  "duration": 1}},
    "document": {"document": {"file_id": "d1", "file_unique_id": "u5"}},
    "audio": {"audio": {"file_id": "a1", "file_unique_id": "u6", "duration": 1}},
    "location": {"location": {"latitude": 53.75, "longitude": 9.65}},
    "contact": {"contact": {"phone_number": "+4915112345678", "first_name": "Test"}},
    "poll": {"poll": {"id": "1", "question": "?", "options": [
        {"persistent_id": "o1", "text": "a", "voter_count": 0},
        {"persistent_id": "o2", "text": "b", "voter_count": 0}],
        "total_voter_count": 0, "is_closed": False, "is_anonymous": True, "type": "regular",
        "allows_multiple_answers": False, "allows_revoting": False, "members_only": False}},
}


def edited(user_id: int, body: str, lang: str = "de") -> Dict:
    edit = _message(private_chat(user_id), user(user_id, lang), text=body,
                    edit_date=int(time.time()))
    return {"edited_message": edit}


def callback(user_id: int, data: str, message_id: int, lang: str = "de") -> Dict:
    return {"callback_query": {
        "id": str(random.randint(1, 10**12)), "from": user(user_id, lang),
        "chat_instance": "42", "data": data,
        "message": {"message_id": message_id, "date": int(time.time()),
                    "chat": private_chat(user_id), "from": BOT_USER, "text": "…"}}}


def group_text(chat_id: int, user_id: int, body: str, kind: str = "supergroup") -> Dict:
    chat = {"id": chat_id, "type": kind, "title": "Nachbarschaft"}
    return {"message": _message(chat, user(user_id, "de"), text=body)}


def channel_post(chat_id: int, body: str) -> Dict:
    chat = {"id": chat_id, "type": "channel", "title": "Neuigkeiten"}
    return {"channel_post": _message(chat, None, text=body)}
