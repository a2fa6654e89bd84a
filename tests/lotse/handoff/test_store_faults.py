"""The handoff store under a locked database: the write waits and retries, nothing is lost."""
import logging
import sqlite3
import threading
import time

from lotse.handoff.store import HandoffStore
from tests.lotse.handoff.conftest import request


def test_locked_database_is_retried_and_nothing_is_lost(tmp_path, caplog):
    path = tmp_path / "locked.db"
    store = HandoffStore(f"sqlite:///{path}", busy_timeout=0.1)
    store.create_schema()
    locked, release = threading.Event(), threading.Event()

    def hold_lock():
        connection = sqlite3.connect(path, isolation_level=None)
        connection.execute("BEGIN EXCLUSIVE")
        locked.set()
        release.wait(1.2)
        connection.execute("COMMIT")
        connection.close()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    locked.wait(5)
    caplog.set_level(logging.WARNING, logger="lotse.handoff.store")
    started = time.monotonic()
    reference = store.create(request(sender_id="locked-resident"))
    waited = time.monotonic() - started
    holder.join()
    assert waited >= 0.5  # it had to wait for the lock
    assert store.by_reference(reference) is not None
    assert len(store.outbox()) == 2
    assert "database busy or unreachable" in caplog.text
