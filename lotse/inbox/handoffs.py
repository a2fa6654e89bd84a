"""What the inbox reads and changes in the handoff store, always scoped to one agency.

Returns plain view objects (no ORM objects leave the database session). A handoff of another
agency and a reference that does not exist look the same to the caller: ``None``.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from lotse.handoff import summary
from lotse.handoff.models import Handoff, OutboxEntry, utcnow
from lotse.handoff.store import HandoffStore

STATES = ("new", "accepted", "closed")
STATE_LABELS = {"new": "Neu", "accepted": "Angenommen", "closed": "Abgeschlossen"}
DELIVERY_STATE_LABELS = {"pending": "ausstehend", "delivered": "zugestellt",
                         "failed": "fehlgeschlagen"}
DELIVERY_CHANNEL_LABELS = {"email": "E-Mail", "webhook": "Webhook"}
# action -> (states it may start from, state it leads to)
TRANSITIONS = {"accept": (("new",), "accepted"), "close": (("new", "accepted"), "closed")}
REFERENCE_PATTERN = re.compile(r"^LP-[A-Z0-9]{4}-[A-Z0-9]{4}$")
LIST_LIMIT = 200


@dataclass(frozen=True)
class DeliveryView:
    channel: str
    state: str
    state_label: str
    attempts: int
    last_error: str
    delivered_at: str


@dataclass(frozen=True)
class HandoffRow:
    reference: str
    received: str
    topic: str
    municipality: str
    failed_deliveries: List[DeliveryView]


@dataclass(frozen=True)
class HandoffDetail:
    reference: str
    state: str
    state_label: str
    state_changed: str  # "" when never changed
    fields: List[Tuple[str, str]]
    description: str
    language: str
    direction: str
    deliveries: List[DeliveryView]


def local_time(moment: Optional[dt.datetime]) -> str:
    if moment is None:
        return ""
    local = moment.replace(tzinfo=dt.timezone.utc).astimezone(summary.LOCAL_TIME)
    return local.strftime("%d.%m.%Y, %H:%M Uhr")


def topic_title(content, topic: Optional[str]) -> str:
    if topic and content.is_answer_topic(topic):
        return content.title(topic, "de")
    return "Allgemeine Beratung"


def _delivery(entry: OutboxEntry) -> DeliveryView:
    return DeliveryView(
        channel=DELIVERY_CHANNEL_LABELS.get(entry.channel, entry.channel), state=entry.state,
        state_label=DELIVERY_STATE_LABELS.get(entry.state, entry.state),
        attempts=entry.attempts, last_error=entry.last_error or "",
        delivered_at=local_time(entry.delivered_at))


def list_for_agency(store: HandoffStore, content, agency_id: str,
                    state: str) -> Tuple[List[HandoffRow], Dict[str, int]]:
    """The agency's newest handoffs in ``state`` and the number of handoffs per state."""
    with store.session() as session:
        counts = dict(session.execute(
            select(Handoff.state, func.count()).where(Handoff.agency_id == agency_id)
            .group_by(Handoff.state)).all())
        handoffs = session.execute(
            select(Handoff).options(selectinload(Handoff.deliveries))
            .where(Handoff.agency_id == agency_id, Handoff.state == state)
            .order_by(Handoff.created_at.desc(), Handoff.id.desc()).limit(LIST_LIMIT)
        ).scalars().all()
        rows = [HandoffRow(
            reference=handoff.reference, received=local_time(handoff.created_at),
            topic=topic_title(content, handoff.topic), municipality=handoff.municipality,
            failed_deliveries=[_delivery(entry) for entry in handoff.deliveries
                               if entry.state == "failed"])
            for handoff in handoffs]
    return rows, {name: counts.get(name, 0) for name in STATES}


def _own_handoff(session, agency_id: str, reference: str) -> Optional[Handoff]:
    if not REFERENCE_PATTERN.match(reference):
        return None
    return session.execute(select(Handoff).where(Handoff.reference == reference,
                                                 Handoff.agency_id == agency_id)
                           ).scalar_one_or_none()


def detail_for_agency(store: HandoffStore, content, agency_id: str,
                      reference: str) -> Optional[HandoffDetail]:
    with store.session() as session:
        handoff = _own_handoff(session, agency_id, reference)
        if handoff is None:
            return None
        changed = ""
        if handoff.state_changed_at is not None:
            changed = f"{local_time(handoff.state_changed_at)}, von {handoff.state_changed_by}"
        rtl = content.languages.get("rtl") or []
        return HandoffDetail(
            reference=handoff.reference, state=handoff.state,
            state_label=STATE_LABELS.get(handoff.state, handoff.state),
            state_changed=changed, fields=summary.fields(handoff, content),
            description=handoff.description, language=handoff.language,
            direction="rtl" if handoff.language in rtl else "ltr",
            deliveries=[_delivery(entry) for entry in
                        sorted(handoff.deliveries, key=lambda entry: entry.id)])


def change_state(store: HandoffStore, agency_id: str, reference: str, action: str,
                 username: str) -> Optional[str]:
    """Applies ``action``; returns "changed", "unchanged" (already there), "conflict" or None
    when the agency has no handoff with this reference."""
    allowed_from, target = TRANSITIONS[action]

    def apply(session) -> Optional[str]:
        handoff = _own_handoff(session, agency_id, reference)
        if handoff is None:
            return None
        if handoff.state == target:
            return "unchanged"
        # Conditional update: a concurrent change by a colleague is not overwritten.
        result = session.execute(
            update(Handoff).where(Handoff.id == handoff.id, Handoff.state.in_(allowed_from))
            .values(state=target, state_changed_at=utcnow(), state_changed_by=username[:64])
            .execution_options(synchronize_session=False))
        return "changed" if result.rowcount == 1 else "conflict"
    return store.write(apply)
