"""Creates the databases' tables once, before any replica starts.

Two Rasa replicas starting at the same time against an empty PostgreSQL raced on creating the
tracker store's tables (measured here). Run this first; replicas then find the tables in place.
A SQLite tracker store is switched to write-ahead logging for replicas sharing the file.

    python -m lotse.db_setup      # tracker store (from LOTSE_TRACKER_*) and handoff store
"""
from __future__ import annotations

import sys

from lotse.handoff.store import HandoffStore
from lotse.retention import tracker_store_url


def create_tracker_tables(url: str) -> None:
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from sqlalchemy.engine import make_url

    parts = make_url(url)
    if parts.get_backend_name() == "sqlite":
        SQLTrackerStore(Domain.empty(), dialect="sqlite", db=parts.database)
        use_write_ahead_log(parts.database)
        return
    SQLTrackerStore(Domain.empty(), dialect=parts.get_backend_name(), host=parts.host,
                    port=parts.port, db=parts.database, username=parts.username,
                    password=parts.password)


def use_write_ahead_log(path: str) -> None:
    """Several Rasa replicas share one SQLite file in the embedded default: in WAL mode a
    replica reading a conversation does not wait for another one's write (the mode is
    stored in the file)."""
    import sqlite3

    with sqlite3.connect(path, timeout=30) as connection:
        connection.execute("PRAGMA journal_mode=WAL")


def main() -> int:
    url = tracker_store_url()
    if url:
        create_tracker_tables(url)
    HandoffStore().create_schema()
    print("tables are in place")
    return 0


if __name__ == "__main__":
    sys.exit(main())
