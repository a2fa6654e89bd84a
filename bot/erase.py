"""Deletes a resident's stored conversation from the tracker store."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.settings import GatewaySettings


def erase_conversation(settings: GatewaySettings, sender_id: str) -> int:
    """Removes every tracker event of ``sender_id``; returns how many were removed."""
    if settings.tracker_dialect != "sqlite":
        raise NotImplementedError("erasure is implemented for the SQLite tracker store only")
    path = Path(settings.tracker_db)
    if not path.exists():
        return 0
    with sqlite3.connect(path, timeout=10) as connection:
        cursor = connection.execute("DELETE FROM events WHERE sender_id = ?", (sender_id,))
        return cursor.rowcount
