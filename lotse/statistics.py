"""Anonymous statistics for operators: what residents ask, in which language, on which channel.

Counts per day, topic, language and channel (no sender, no text), handoffs per agency, and the
questions the assistant could not place, stored without sender and with phone numbers, email
addresses and long digit runs masked; those are purged by retention like conversations.
Counts are collected in memory and written in small batches, so a busy action server does not
write to the database on every message.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import time
from collections import Counter
from typing import Dict, List, Optional, Tuple

from sqlalchemy import Column, Date, Integer, String, Text, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError

from lotse.handoff.models import Base
from lotse.handoff.store import HandoffStore

log = logging.getLogger(__name__)
FALLBACK = "nlu_fallback"
MAX_UNPLACED_CHARS = 300
_EMAIL = re.compile(r"[^\s@<>]+@[^\s@<>]+\.[^\s@<>]{2,}")
_PHONE = re.compile(r"\+?\d[\d\s()/.\-]{5,}\d")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


class DailyCount(Base):
    __tablename__ = "lotse_stat_daily"
    __table_args__ = (UniqueConstraint("day", "kind", "key", "language", "channel",
                                       name="uq_stat_daily"),)

    id = Column(Integer, primary_key=True)
    day = Column(Date, nullable=False, index=True)
    kind = Column(String(16), nullable=False)      # "message" (key: topic) or "handoff" (agency)
    key = Column(String(64), nullable=False)
    language = Column(String(8), nullable=False)
    channel = Column(String(16), nullable=False)
    count = Column(Integer, nullable=False, default=0)


class UnplacedQuestion(Base):
    __tablename__ = "lotse_stat_unplaced"

    id = Column(Integer, primary_key=True)
    day = Column(Date, nullable=False, index=True)
    language = Column(String(8), nullable=False)
    channel = Column(String(16), nullable=False)
    text = Column(Text, nullable=False)


def mask(text: str) -> str:
    """Phone numbers, email addresses and digit runs of 5 or more become placeholders."""
    text = text.translate(_DIGITS)
    text = _EMAIL.sub("[E-Mail]", text)
    text = _PHONE.sub("[Telefon]", text)
    text = re.sub(r"\d{5,}", "[Zahl]", text)
    return text[:MAX_UNPLACED_CHARS]


class StatisticsRecorder:
    """Collects counts in memory; writes them every ``flush_seconds`` (and on flush())."""

    def __init__(self, store: HandoffStore, flush_seconds: float = 10.0):
        self.store, self.flush_seconds = store, flush_seconds
        self._counts: Counter = Counter()
        self._unplaced: List[Tuple[dt.date, str, str, str]] = []
        self._lock = threading.Lock()
        self._last_flush = time.monotonic()

    def message(self, topic: Optional[str], language: str, channel: str,
                text: Optional[str] = None) -> None:
        today = dt.date.today()
        with self._lock:
            self._counts[(today, "message", topic or FALLBACK, language, channel)] += 1
            if (topic or FALLBACK) == FALLBACK and text and not text.startswith("/"):
                self._unplaced.append((today, language, channel, mask(text)))
        self._maybe_flush()

    def handoff(self, agency_id: str, language: str, channel: str) -> None:
        with self._lock:
            self._counts[(dt.date.today(), "handoff", agency_id, language, channel)] += 1
        self.flush()

    def _maybe_flush(self) -> None:
        if time.monotonic() - self._last_flush >= self.flush_seconds:
            self.flush()

    def flush(self) -> None:
        with self._lock:
            counts, self._counts = self._counts, Counter()
            unplaced, self._unplaced = self._unplaced, []
            self._last_flush = time.monotonic()
        if not counts and not unplaced:
            return
        try:
            self.store.write(lambda session: _write(session, counts, unplaced))
        except IntegrityError:  # another replica inserted the same row first: once more
            self.store.write(lambda session: _write(session, counts, unplaced))
        except Exception as error:  # statistics must never break a conversation
            log.error("statistics not written: %s", type(error).__name__)


def _write(session, counts: Counter, unplaced) -> None:
    for (day, kind, key, language, channel), amount in counts.items():
        row = session.execute(select(DailyCount).where(
            DailyCount.day == day, DailyCount.kind == kind, DailyCount.key == key,
            DailyCount.language == language, DailyCount.channel == channel)
        ).scalar_one_or_none()
        if row is None:
            session.add(DailyCount(day=day, kind=kind, key=key, language=language,
                                   channel=channel, count=amount))
            session.flush()
        else:
            row.count = DailyCount.count + amount
    for day, language, channel, text in unplaced:
        session.add(UnplacedQuestion(day=day, language=language, channel=channel, text=text))


def purge_unplaced(store: HandoffStore, days: int) -> int:
    cutoff = dt.date.today() - dt.timedelta(days=days)
    return store.write(lambda session: session.execute(
        delete(UnplacedQuestion).where(UnplacedQuestion.day < cutoff)).rowcount)


# --- reading, for the operator page and the CSV export -------------------------------------
def daily_rows(store: HandoffStore, since: dt.date) -> List[DailyCount]:
    with store.session() as session:
        return list(session.execute(select(DailyCount).where(DailyCount.day >= since)
                                    .order_by(DailyCount.day, DailyCount.kind, DailyCount.key)
                                    ).scalars().all())


def summarise(rows: List[DailyCount]) -> Dict[str, object]:
    messages = [r for r in rows if r.kind == "message"]
    total = sum(r.count for r in messages)
    fallback = sum(r.count for r in messages if r.key == FALLBACK)

    def by(attribute: str, source) -> List[Tuple[str, int]]:
        counter: Counter = Counter()
        for row in source:
            counter[getattr(row, attribute)] += row.count
        return counter.most_common()

    return {
        "messages": total,
        "fallback_rate": fallback / total if total else 0.0,
        "per_day": sorted(by("day", messages)),
        "per_topic": by("key", messages),
        "per_language": by("language", messages),
        "per_channel": by("channel", messages),
        "handoffs_per_agency": by("key", [r for r in rows if r.kind == "handoff"]),
    }


def unplaced_questions(store: HandoffStore, limit: int = 200) -> List[UnplacedQuestion]:
    with store.session() as session:
        return list(session.execute(select(UnplacedQuestion).order_by(
            UnplacedQuestion.id.desc()).limit(limit)).scalars().all())
