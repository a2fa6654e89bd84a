"""Retention: deletes what is older than the configured period (default 30 days).

- conversations (Rasa tracker events) whose last activity is older than the retention;
- handoffs (with their outbox entries) older than the retention; an agency may keep delivered
  handoffs longer or shorter with ``retention_days`` in content/agencies.yml;
- expired inbox sessions and old failed-login records;
- the anonymous "questions the assistant could not place" (statistics).

Run it daily (``python -m lotse.retention``); the outbox worker also runs it once an hour.
"""
from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
import time
from dataclasses import dataclass, field
from typing import Dict, Optional
from urllib.parse import quote_plus

from sqlalchemy import create_engine, delete, select, text

from lotse.handoff.models import Handoff, InboxSession, LoginAttempt, OutboxEntry, utcnow
from lotse.handoff.store import HandoffStore

log = logging.getLogger("lotse.retention")
DEFAULT_DAYS = 30


def retention_days() -> int:
    return int(os.environ.get("LOTSE_RETENTION_DAYS") or DEFAULT_DAYS)


def tracker_store_url() -> Optional[str]:
    """The Rasa tracker store as an SQLAlchemy URL, from the same settings endpoints.yml uses."""
    if os.environ.get("LOTSE_TRACKER_URL"):
        return os.environ["LOTSE_TRACKER_URL"]
    dialect = os.environ.get("LOTSE_TRACKER_DIALECT", "sqlite")
    database = os.environ.get("LOTSE_TRACKER_DB", "")
    if dialect == "sqlite":
        return f"sqlite:///{database}" if database else None
    user = quote_plus(os.environ.get("LOTSE_TRACKER_USER", ""))
    password = quote_plus(os.environ.get("LOTSE_TRACKER_PASSWORD", ""))
    credentials = f"{user}:{password}@" if user else ""
    host = os.environ.get("LOTSE_TRACKER_HOST") or "127.0.0.1"
    port = os.environ.get("LOTSE_TRACKER_PORT") or "5432"  # set but empty means the default
    return f"postgresql://{credentials}{host}:{port}/{database}"


@dataclass
class RetentionReport:
    conversations: int = 0
    tracker_events: int = 0
    handoffs: int = 0
    sessions: int = 0
    login_attempts: int = 0
    extra: Dict[str, int] = field(default_factory=dict)


def purge_conversations(url: str, days: int) -> tuple:
    """Deletes every event of conversations idle for more than ``days``."""
    cutoff = time.time() - days * 86400
    engine = create_engine(url, future=True)
    try:
        with engine.begin() as connection:
            if not _has_table(connection, "events"):
                return 0, 0
            stale = [row[0] for row in connection.execute(text(
                "SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cutoff"
            ), {"cutoff": cutoff})]
            removed = 0
            for start in range(0, len(stale), 500):
                batch = stale[start:start + 500]
                removed += connection.execute(
                    text("DELETE FROM events WHERE sender_id IN :senders").bindparams(
                        _expanding("senders")), {"senders": batch}).rowcount
            return len(stale), removed
    finally:
        engine.dispose()


def _expanding(name: str):
    from sqlalchemy import bindparam

    return bindparam(name, expanding=True)


def _has_table(connection, name: str) -> bool:
    from sqlalchemy import inspect

    return inspect(connection).has_table(name)


def purge_handoffs(store: HandoffStore, days: int, per_agency: Dict[str, int]) -> int:
    now = utcnow()

    def purge(session) -> int:
        removed = 0
        handoffs = session.execute(select(Handoff.id, Handoff.agency_id, Handoff.created_at)
                                   ).all()
        for handoff_id, agency_id, created_at in handoffs:
            keep = per_agency.get(agency_id, days)
            if created_at < now - dt.timedelta(days=keep):
                session.execute(delete(OutboxEntry).where(OutboxEntry.handoff_id == handoff_id))
                session.execute(delete(Handoff).where(Handoff.id == handoff_id))
                removed += 1
        return removed
    return store.write(purge)


def purge_inbox_records(store: HandoffStore) -> tuple:
    now = utcnow()

    def purge(session) -> tuple:
        sessions = session.execute(delete(InboxSession).where(InboxSession.expires_at < now)
                                   ).rowcount
        attempts = session.execute(delete(LoginAttempt).where(
            LoginAttempt.at < now - dt.timedelta(days=1))).rowcount
        return sessions, attempts
    return store.write(purge)


def run(store: Optional[HandoffStore] = None, content=None, days: Optional[int] = None,
        tracker_url: Optional[str] = None) -> RetentionReport:
    from lotse import content as content_module

    days = retention_days() if days is None else days
    store = store or HandoffStore()
    store.create_schema()
    content = content or content_module.load()
    per_agency = {agency_id: int(raw["retention_days"])
                  for agency_id, raw in content.agencies.items()
                  if isinstance(raw, dict) and raw.get("retention_days")}
    report = RetentionReport()
    url = tracker_url if tracker_url is not None else tracker_store_url()
    if url:
        report.conversations, report.tracker_events = purge_conversations(url, days)
    report.handoffs = purge_handoffs(store, days, per_agency)
    report.sessions, report.login_attempts = purge_inbox_records(store)
    try:
        from lotse.statistics import purge_unplaced
        report.extra["unplaced_questions"] = purge_unplaced(store, days)
    except ImportError:
        pass
    log.info("retention (%d days): %d conversations (%d events), %d handoffs, %d sessions, "
             "%d login records removed", days, report.conversations, report.tracker_events,
             report.handoffs, report.sessions, report.login_attempts)
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lotse.retention",
                                     description="Delete data older than the retention period.")
    parser.add_argument("--days", type=int, default=None,
                        help=f"retention in days (default LOTSE_RETENTION_DAYS or {DEFAULT_DAYS})")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.days is not None and args.days < 1:
        print("error: --days must be at least 1", file=sys.stderr)
        return 2
    report = run(days=args.days)
    print(f"removed: {report.conversations} conversations ({report.tracker_events} events), "
          f"{report.handoffs} handoffs, {report.sessions} sessions, "
          f"{report.login_attempts} login records")
    return 0


if __name__ == "__main__":
    sys.exit(main())
