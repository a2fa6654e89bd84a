"""Retention against Rasa's real SQL tracker store and the handoff store."""
import asyncio
import datetime as dt
import time

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from lotse import content as content_module
from lotse import retention
from lotse.handoff.models import Handoff
from lotse.handoff.store import HandoffStore
from tests.lotse.agency_fixture import AGENCIES_YML, write_agencies
from tests.lotse.handoff.conftest import request

DAY = 86400


def save_conversation(store, sender, age_days):
    at = time.time() - age_days * DAY
    tracker = DialogueStateTracker.from_events(sender, [
        ActionExecuted("action_listen", timestamp=at),
        UserUttered("mein titel läuft ab", {"name": "residence_permit_extension"}, timestamp=at)])
    asyncio.run(store.save(tracker))


def test_conversations_handoffs_and_sessions_older_than_retention_are_deleted(tmp_path,
                                                                              content_copy):
    tracker_url = f"sqlite:///{tmp_path}/tracker.db"
    tracker_store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"))
    save_conversation(tracker_store, "old-resident", 31)
    save_conversation(tracker_store, "recent-resident", 2)

    write_agencies(content_copy, AGENCIES_YML.replace(
        "mbe_elmshorn:\n    {name", "mbe_elmshorn:\n    {retention_days: 90, name"))
    content = content_module.load(content_copy)
    assert content_module.validate(content).ok
    store = HandoffStore(f"sqlite:///{tmp_path}/lotse.db")
    store.create_schema()
    old = store.create(request(sender_id="old-resident"))
    recent = store.create(request(sender_id="recent-resident"))
    kept_longer = store.create(request(sender_id="x", agency_id="mbe_elmshorn", role="mbe"))
    with store.session() as session:
        for reference, age in ((old, 31), (kept_longer, 45)):
            handoff = session.query(Handoff).filter_by(reference=reference).one()
            handoff.created_at -= dt.timedelta(days=age)
        session.commit()

    report = retention.run(store, content, days=30, tracker_url=tracker_url)

    assert (report.conversations, report.handoffs) == (1, 1)
    assert asyncio.run(tracker_store.retrieve("old-resident")) is None
    assert asyncio.run(tracker_store.retrieve("recent-resident")) is not None
    assert store.by_reference(old) is None
    assert store.by_reference(recent) is not None and store.by_reference(kept_longer) is not None
    assert all(entry.handoff_id != old for entry in store.outbox())
    assert len(store.outbox()) == 4  # two deliveries each of the two handoffs kept


def test_tracker_url_follows_the_endpoint_settings(monkeypatch):
    monkeypatch.delenv("LOTSE_TRACKER_URL", raising=False)
    monkeypatch.setenv("LOTSE_TRACKER_DIALECT", "postgresql")
    monkeypatch.setenv("LOTSE_TRACKER_HOST", "db.internal")
    monkeypatch.setenv("LOTSE_TRACKER_PORT", "")  # as lotse.sh exports it when unset
    monkeypatch.setenv("LOTSE_TRACKER_DB", "rasa")
    monkeypatch.setenv("LOTSE_TRACKER_USER", "lotse")
    monkeypatch.setenv("LOTSE_TRACKER_PASSWORD", "p@ss")
    assert retention.tracker_store_url() == "postgresql://lotse:p%40ss@db.internal:5432/rasa"
