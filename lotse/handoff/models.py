"""Database tables of the handoff store (SQLAlchemy 1.4, portable to SQLite and PostgreSQL)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (Column, DateTime, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Handoff(Base):
    """One consented request for counselling. Personal data: deleted on erasure and retention."""

    __tablename__ = "lotse_handoff"

    id = Column(Integer, primary_key=True)
    reference = Column(String(32), nullable=False, unique=True)
    created_at = Column(DateTime, nullable=False, default=utcnow, index=True)
    sender_key = Column(String(64), nullable=False, index=True)  # sha256 of the sender id
    channel = Column(String(32), nullable=False)
    agency_id = Column(String(64), nullable=False, index=True)
    role = Column(String(32), nullable=False)
    reason_de = Column(Text, nullable=False)
    topic = Column(String(64), nullable=True)
    language = Column(String(8), nullable=False)
    contact_method = Column(String(16), nullable=False)
    contact_value = Column(String(320), nullable=False)
    municipality = Column(String(80), nullable=False)
    age_group = Column(String(16), nullable=False)
    status = Column(String(32), nullable=True)
    description = Column(Text, nullable=False)
    answered_topics = Column(Text, nullable=False, default="")  # comma-separated topic ids
    state = Column(String(16), nullable=False, default="new", index=True)  # new/accepted/closed
    state_changed_at = Column(DateTime, nullable=True)
    state_changed_by = Column(String(64), nullable=True)

    deliveries = relationship("OutboxEntry", back_populates="handoff",
                              cascade="all, delete-orphan", passive_deletes=True)


class OutboxEntry(Base):
    """One delivery of one handoff over one channel; the worker retries until delivered."""

    __tablename__ = "lotse_outbox"
    __table_args__ = (UniqueConstraint("handoff_id", "channel", name="uq_outbox_channel"),
                      Index("ix_outbox_due", "state", "next_attempt_at"))

    id = Column(Integer, primary_key=True)
    handoff_id = Column(Integer, ForeignKey("lotse_handoff.id", ondelete="CASCADE"),
                        nullable=False)
    channel = Column(String(16), nullable=False)  # email | webhook
    state = Column(String(16), nullable=False, default="pending")  # pending/delivered/failed
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(DateTime, nullable=False, default=utcnow)
    claimed_until = Column(DateTime, nullable=True)
    last_error = Column(String(500), nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    delivered_at = Column(DateTime, nullable=True)

    handoff = relationship("Handoff", back_populates="deliveries")


class InboxUser(Base):
    """A login of the agency inbox (role ``agency``) or the operator pages (role ``operator``)."""

    __tablename__ = "lotse_inbox_user"

    id = Column(Integer, primary_key=True)
    username = Column(String(64), nullable=False, unique=True)
    agency_id = Column(String(64), nullable=True)  # None for operators
    role = Column(String(16), nullable=False, default="agency")
    password_hash = Column(String(255), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class InboxSession(Base):
    __tablename__ = "lotse_inbox_session"

    token_hash = Column(String(64), primary_key=True)
    user_id = Column(Integer, ForeignKey("lotse_inbox_user.id", ondelete="CASCADE"),
                     nullable=False)
    csrf_token = Column(String(64), nullable=False)
    expires_at = Column(DateTime, nullable=False)


class LoginAttempt(Base):
    """Failed logins per client and user name, for the login rate limit."""

    __tablename__ = "lotse_login_attempt"

    id = Column(Integer, primary_key=True)
    key = Column(String(128), nullable=False, index=True)
    at = Column(DateTime, nullable=False, default=utcnow)
