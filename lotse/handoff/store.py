"""The handoff store: create handoffs with their outbox entries, claim deliveries, erase.

Writes are retried briefly when the database is locked or the connection drops, so a busy
SQLite file or a PostgreSQL failover does not lose a handoff.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, List, Optional, TypeVar

from sqlalchemy import create_engine, event, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from lotse.handoff.models import Base, Handoff, OutboxEntry, utcnow

log = logging.getLogger(__name__)
DEFAULT_DB = Path(__file__).resolve().parents[2] / "var" / "lotse.db"
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
WRITE_RETRIES = (0.2, 0.5, 1.0, 2.0)
T = TypeVar("T")


def database_url() -> str:
    return os.environ.get("LOTSE_DATABASE_URL") or f"sqlite:///{DEFAULT_DB}"


def sender_key(sender_id: str) -> str:
    """Handoffs keep a hash of the sender id, enough to erase them on request."""
    return hashlib.sha256(str(sender_id).encode("utf-8")).hexdigest()


def new_reference() -> str:
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"LP-{chars[:4]}-{chars[4:]}"


@dataclass
class HandoffRequest:
    sender_id: str
    channel: str
    agency_id: str
    role: str
    reason_de: str
    topic: Optional[str]
    language: str
    contact_method: str
    contact_value: str
    municipality: str
    age_group: str
    status: Optional[str]
    description: str
    answered_topics: List[str] = field(default_factory=list)
    delivery_channels: List[str] = field(default_factory=list)  # "email", "webhook"


class HandoffStore:
    def __init__(self, url: Optional[str] = None, busy_timeout: float = 15.0):
        self.url = url or database_url()
        kwargs = {"future": True, "pool_pre_ping": True}
        if self.url.startswith("sqlite"):
            path = self.url.split("///", 1)[-1]
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"timeout": busy_timeout, "check_same_thread": False}
        self.engine = create_engine(self.url, **kwargs)
        if self.url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False, future=True)

    def create_schema(self) -> None:
        import lotse.statistics  # noqa: F401  (its tables share the metadata)

        Base.metadata.create_all(self.engine)

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    def write(self, operation: Callable[[Session], T]) -> T:
        """Runs ``operation`` in a transaction, retried on a locked or lost database."""
        for attempt, pause in enumerate((*WRITE_RETRIES, None)):
            try:
                with self._sessions.begin() as session:
                    return operation(session)
            except OperationalError as error:
                if pause is None:
                    raise
                log.warning("database busy or unreachable (attempt %d): %s", attempt + 1,
                            type(error.orig).__name__)
                time.sleep(pause)
        raise AssertionError("unreachable")

    # --- creating and erasing ------------------------------------------------------------
    def create(self, request: HandoffRequest) -> str:
        """Stores the handoff and one outbox entry per delivery channel; returns its reference."""
        for _ in range(5):
            reference = new_reference()
            try:
                return self.write(lambda session: self._insert(session, request, reference))
            except IntegrityError:
                continue  # reference collision: draw again
        raise RuntimeError("could not draw a unique handoff reference")

    @staticmethod
    def _insert(session: Session, request: HandoffRequest, reference: str) -> str:
        handoff = Handoff(
            reference=reference, sender_key=sender_key(request.sender_id),
            channel=request.channel, agency_id=request.agency_id, role=request.role,
            reason_de=request.reason_de, topic=request.topic, language=request.language,
            contact_method=request.contact_method, contact_value=request.contact_value,
            municipality=request.municipality, age_group=request.age_group,
            status=request.status, description=request.description,
            answered_topics=",".join(request.answered_topics), state="new")
        for channel in request.delivery_channels:
            handoff.deliveries.append(OutboxEntry(channel=channel, state="pending"))
        session.add(handoff)
        session.flush()
        return reference

    def erase_sender(self, sender_id: str) -> int:
        """Deletes the sender's handoffs and their outbox entries; returns how many handoffs."""
        key = sender_key(sender_id)

        def erase(session: Session) -> int:
            handoffs = session.execute(select(Handoff).where(Handoff.sender_key == key)
                                       ).scalars().all()
            for handoff in handoffs:
                session.delete(handoff)  # cascades to the outbox
            return len(handoffs)
        return self.write(erase)

    def by_reference(self, reference: str) -> Optional[Handoff]:
        with self.session() as session:
            return session.execute(select(Handoff).where(Handoff.reference == reference)
                                   ).scalar_one_or_none()

    # --- the outbox ----------------------------------------------------------------------
    def claim_due(self, limit: int = 20, lease_seconds: float = 120) -> List[int]:
        """Claims due outbox entries for this worker; a crashed worker's claim expires."""
        now = utcnow()
        with self.session() as session:
            candidates = session.execute(
                select(OutboxEntry.id).where(OutboxEntry.state == "pending",
                                             OutboxEntry.next_attempt_at <= now)
                .order_by(OutboxEntry.next_attempt_at).limit(limit)).scalars().all()
        claimed = []
        lease = now + dt.timedelta(seconds=lease_seconds)
        for entry_id in candidates:
            def claim(session: Session, entry_id=entry_id) -> int:
                result = session.execute(
                    update(OutboxEntry)
                    .where(OutboxEntry.id == entry_id, OutboxEntry.state == "pending",
                           (OutboxEntry.claimed_until.is_(None))
                           | (OutboxEntry.claimed_until < now))
                    .values(claimed_until=lease))
                return result.rowcount
            if self.write(claim) == 1:
                claimed.append(entry_id)
        return claimed

    def outbox_entry(self, entry_id: int) -> Optional[OutboxEntry]:
        with self.session() as session:
            entry = session.get(OutboxEntry, entry_id)
            if entry is not None:
                entry.handoff  # load while the session is open
            return entry

    def mark_delivered(self, entry_id: int) -> None:
        self._set_entry(entry_id, state="delivered", delivered_at=utcnow(), claimed_until=None,
                        last_error=None, attempts=OutboxEntry.attempts + 1)

    def mark_retry(self, entry_id: int, error: str, delay_seconds: float) -> None:
        self._set_entry(entry_id, claimed_until=None, last_error=error[:500],
                        attempts=OutboxEntry.attempts + 1,
                        next_attempt_at=utcnow() + dt.timedelta(seconds=delay_seconds))

    def mark_failed(self, entry_id: int, error: str) -> None:
        self._set_entry(entry_id, state="failed", claimed_until=None, last_error=error[:500],
                        attempts=OutboxEntry.attempts + 1)

    def _set_entry(self, entry_id: int, **values) -> None:
        self.write(lambda session: session.execute(
            update(OutboxEntry).where(OutboxEntry.id == entry_id).values(**values)))

    def outbox(self) -> List[OutboxEntry]:
        with self.session() as session:
            return list(session.execute(select(OutboxEntry).order_by(OutboxEntry.id)
                                        ).scalars().all())


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
