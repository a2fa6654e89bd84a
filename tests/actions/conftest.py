import json
from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

TRACKERS = Path(__file__).resolve().parent.parent / "fixtures" / "trackers"


def load_tracker(name: str) -> Tracker:
    return Tracker.from_dict(json.loads((TRACKERS / f"{name}.json").read_text(encoding="utf-8")))


@pytest.fixture
def run_action():
    """Runs an action on a saved tracker; returns (messages, events)."""
    def run(action, tracker_name):
        dispatcher = CollectingDispatcher()
        events = action.run(dispatcher, load_tracker(tracker_name), {})
        return dispatcher.messages, events
    return run


@pytest.fixture(autouse=True)
def handoff_database(tmp_path, monkeypatch):
    """Every action test gets its own handoff database."""
    from actions import handoff

    monkeypatch.setenv("LOTSE_DATABASE_URL", f"sqlite:///{tmp_path}/handoffs.db")
    handoff.get_store.cache_clear()
    yield
    handoff.get_store.cache_clear()


@pytest.fixture
def tracker_for():
    """A tracker whose latest message is ``text``, read as ``intent``, in conversation ``lang``."""
    def build(text, intent, lang="de", confidence=0.9):
        message = {"text": text, "intent": {"name": intent, "confidence": confidence},
                   "entities": [], "intent_ranking": [{"name": intent, "confidence": confidence}]}
        return Tracker("test", {"language": lang}, message,
                       [{"event": "user", "text": text, "parse_data": message}], False, None,
                       {}, "action_listen")
    return build
