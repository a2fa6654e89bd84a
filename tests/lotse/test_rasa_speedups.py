"""lotse.rasa_speedups: Rasa's calls to the action server share one kept-alive connection, and
reading and saving a tracker read and store exactly what Rasa's own SQL tracker store does."""
import asyncio
import json
import sqlite3
from pathlib import Path

from aiohttp import web

from lotse import rasa_speedups


async def calls_to_an_endpoint():
    from rasa.utils.endpoints import EndpointConfig

    rasa_speedups.install()
    peers, bodies = [], []

    async def webhook(request):
        peers.append(request.transport.get_extra_info("peername"))
        bodies.append(json.loads(await request.text()))
        return web.json_response({"events": [], "responses": []})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
    try:
        for _ in range(3):
            assert await endpoint.request(json={"next_action": "x"}, method="post") == \
                {"events": [], "responses": []}
        assert len(peers) == 3 and len(set(peers)) == 1
        # The body is written by ujson: the same JSON values, lone surrogates included.
        odd = {"text": "مرحبا ä/ü \U0001F600 \ud800 \x00 </script>", "n": [1.5, 10**20, None]}
        await endpoint.request(json=odd, method="post")
        assert bodies[-1] == odd
        assert endpoint.__dict__["_lotse_session"][1]._json_serialize is rasa_speedups._json_dumps
        # idle longer than the keep-alive: a fresh connection, and the call still works
        await asyncio.sleep(rasa_speedups.KEEPALIVE_SECONDS + 1)
        await endpoint.request(json={"next_action": "x"}, method="post")
        assert len(set(peers[3:])) == 2
    finally:
        if "_lotse_session" in endpoint.__dict__:
            await endpoint.__dict__["_lotse_session"][1].close()
        await runner.cleanup()


def test_calls_to_an_endpoint_reuse_one_connection():
    asyncio.run(calls_to_an_endpoint())


ROOT = Path(__file__).resolve().parents[2]


def stored_user_texts(path):
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT type_name, data FROM events ORDER BY id").fetchall()
    return len(rows), [json.loads(data)["text"] for kind, data in rows if kind == "user"]


async def conversation_saved_turn_by_turn(tmp_path, counted_queries):
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered

    rasa_speedups.install()
    store = SQLTrackerStore(Domain.load(str(ROOT / "domain.yml")), dialect="sqlite",
                            db=str(tmp_path / "tracker.db"))
    tracker = await store.get_or_create_tracker("resident-1")
    tracker.update(UserUttered("hallo"))
    tracker.update(ActionExecuted("action_listen"))
    await store.save(tracker)  # a new conversation: counted as Rasa does
    texts = ["hallo"]
    for turn in range(3):
        tracker = await store.retrieve("resident-1")
        before = len(counted_queries)
        tracker.update(UserUttered(f"frage {turn}", intent={"name": "greet", "confidence": 1}))
        tracker.update(SlotSet("language", "de"))
        tracker.update(ActionExecuted("action_listen"))
        await store.save(tracker)
        assert len(counted_queries) == before  # the events read at the start are not counted
        texts.append(f"frage {turn}")
        tracker.update(UserUttered("noch was"))
        await store.save(tracker)  # saved twice: only the newest event is added
        texts.append("noch was")
    rows, stored = stored_user_texts(tmp_path / "tracker.db")
    assert stored == texts
    with sqlite3.connect(tmp_path / "tracker.db") as db:  # the columns Rasa fills, as Rasa does
        columns = db.execute("SELECT sender_id, type_name, intent_name, action_name FROM events "
                             "ORDER BY id").fetchall()
    assert columns[-4:] == [("resident-1", "user", "greet", None),
                            ("resident-1", "slot", None, "language"),
                            ("resident-1", "action", None, "action_listen"),
                            ("resident-1", "user", None, None)]
    assert rows == len((await store.retrieve("resident-1")).events)


def test_saving_a_read_tracker_adds_each_new_event_once_without_counting(tmp_path, monkeypatch):
    from rasa.core.tracker_store import SQLTrackerStore

    counted_queries = []
    event_query = SQLTrackerStore._event_query

    def counting(self, *args, **kwargs):
        counted_queries.append(args)
        return event_query(self, *args, **kwargs)

    monkeypatch.setattr(SQLTrackerStore, "_event_query", counting)
    asyncio.run(conversation_saved_turn_by_turn(tmp_path, counted_queries))


async def read_back_as_rasa_would(tmp_path):
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    rasa_speedups.install()
    domain = Domain.load(str(ROOT / "domain.yml"))
    store = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    two_sessions = DialogueStateTracker.from_events("two-sessions", [
        ActionExecuted("action_session_start", timestamp=1.0), SessionStarted(timestamp=1.0),
        UserUttered("erste sitzung", timestamp=2.0), SlotSet("language", "de", timestamp=2.0),
        ActionExecuted("action_session_start", timestamp=9.0), SessionStarted(timestamp=9.0),
        UserUttered("zweite sitzung", timestamp=10.0), ActionExecuted("action_listen",
                                                                      timestamp=10.0)],
        domain.slots)
    no_session = DialogueStateTracker.from_events("no-session", [
        UserUttered("ohne sitzung", timestamp=5.0), ActionExecuted("action_listen",
                                                                   timestamp=5.0)],
        domain.slots)
    for tracker in (two_sessions, no_session):
        await store.save(tracker)
    for sender in ("two-sessions", "no-session"):
        for all_sessions in (False, True):
            with store.session_scope() as session:  # Rasa's own ORM query
                expected = [json.loads(row.data) for row in store._event_query(
                    session, sender, fetch_events_from_all_sessions=all_sessions).all()]
            tracker = await store._retrieve(sender, all_sessions)
            assert [e.as_dict() for e in tracker.events] == [
                e.as_dict() for e in DialogueStateTracker.from_dict(
                    sender, expected, domain.slots).events]
    latest = await store.retrieve("two-sessions")
    assert [e.text for e in latest.events if isinstance(e, UserUttered)] == ["zweite sitzung"]
    assert latest.get_slot("language") is None  # the slot was set in the earlier session
    assert len((await store.retrieve_full_tracker("two-sessions")).events) == 8
    assert await store.retrieve("nobody") is None


def test_reading_a_tracker_gives_the_events_rasa_reads(tmp_path):
    asyncio.run(read_back_as_rasa_would(tmp_path))


def test_an_sqlite_store_keeps_its_connection_and_commits_lightly_only_in_wal_mode(tmp_path):
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    from lotse.db_setup import use_write_ahead_log

    rasa_speedups.install()
    rasa_speedups.install()  # twice, as a second channel would: the store is wrapped once
    assert not getattr(SQLTrackerStore.__init__.__wrapped__, "lotse_speedup", False)
    domain = Domain.load(str(ROOT / "domain.yml"))
    use_write_ahead_log(str(tmp_path / "wal.db"))
    settings = {}
    for name in ("wal.db", "plain.db"):
        store = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / name))
        with store.engine.connect() as first, store.engine.connect() as second:
            assert first.connection.dbapi_connection is second.connection.dbapi_connection
            settings[name] = (first.exec_driver_sql("PRAGMA journal_mode").scalar(),
                              first.exec_driver_sql("PRAGMA synchronous").scalar())
    assert settings == {"wal.db": ("wal", 1), "plain.db": ("delete", 2)}  # NORMAL, FULL


def action_answers():
    """Answers an action server might give, valid and not: every event name with each of its
    properties set to values of every JSON type, unknown and missing names, odd shapes."""
    from rasa.core.actions.action import RemoteAction

    samples = [None, "text", 3, 1.5, True, [], [{"name": "x"}], {}, {"name": "x", "value": 1}]
    items = RemoteAction.action_response_format_spec()["properties"]["events"]["items"]
    for branch in items["oneOf"]:
        name = branch["properties"]["event"]["const"]
        yield {"events": [{"event": name}]}
        for prop in [*branch["properties"], "timestamp", "metadata"]:
            for value in samples:
                yield {"events": [{"event": name, prop: value}], "responses": []}
    yield {"events": [{"event": "no_such_event"}]}
    yield {"events": [{"name": "language", "value": "de"}]}
    yield {"events": ["slot"]}
    yield {"events": {"event": "slot"}}
    yield {"responses": [{"text": "hallo"}]}
    yield {"responses": ["hallo"]}
    yield []


def test_checking_events_by_name_gives_the_full_schemas_verdict():
    from lotse.rasa_speedups import _valid_by_event, _validator

    verdicts = set()
    for answer in action_answers():
        full = _validator().is_valid(answer)
        assert _valid_by_event(answer) == full, answer
        verdicts.add(full)
    assert verdicts == {True, False}


class _Join:
    """A graph component: joins its inputs into one string, so the result shows the order."""

    @classmethod
    def create(cls, config, model_storage, resource, execution_context):
        component = cls()
        component.label = config["label"]
        return component

    def run(self, **needs):
        return self.label + "(" + ",".join(f"{k}={v}" for k, v in sorted(needs.items())) + ")"


def _graph_runner(tmp_path):
    from rasa.engine.graph import ExecutionContext, GraphComponent, GraphSchema, SchemaNode
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.engine.storage.local_model_storage import LocalModelStorage

    join = type("Join", (_Join, GraphComponent), {})

    def node(label, target=False, **needs):
        return SchemaNode(needs=needs, uses=join, constructor_name="create", fn="run",
                          config={"label": label}, eager=True, is_target=target)

    schema = GraphSchema({
        "a": node("a", text="__message__"),
        "b": node("b"),
        "c": node("c", first="a", second="b"),
        "d": node("d", first="c", other="__tracker__"),
        "e": node("e", first="b", lost="nowhere"),
        "f": node("f", True, first="a", second="d", third="b"),
    })
    return DaskGraphRunner(schema, LocalModelStorage(tmp_path), ExecutionContext(schema))


def test_running_a_graph_without_dask_gives_what_dask_gives(tmp_path):
    import dask
    import pytest
    from rasa.engine.exceptions import GraphRunError

    rasa_speedups.install()
    runner = _graph_runner(tmp_path)

    def with_dask(inputs, targets):  # Rasa's own steps, as DaskGraphRunner.run took them
        graph = runner._build_dask_graph(runner._graph_schema.minimal_graph_schema(targets))
        runner._add_inputs_to_graph(inputs, graph)
        return dict(dask.get(graph, targets))

    inputs = {"__message__": "hallo", "__tracker__": "t1"}
    for targets in (["f"], ["d", "b"], ["c"], ["a", "f", "c"]):
        for _ in range(2):  # the second run uses the remembered order
            assert runner.run(inputs, targets) == with_dask(inputs, targets)
    assert runner.run(inputs) == with_dask(inputs, ["f"])  # the schema's targets
    assert "f" in runner.run(inputs)["f"] and "t1" in runner.run(inputs)["f"]
    # an input named like a node is refused; a node whose input is missing fails as with dask
    with pytest.raises(GraphRunError):
        runner.run({"__message__": "a"}, ["a"])
    for run in (runner.run, with_dask):
        with pytest.raises(GraphRunError, match="Missing input to run node 'e'"):
            run({"__tracker__": "t1"}, ["e"])


def test_the_channel_freezes_the_loaded_model_once_the_server_has_started():
    import gc

    from lotse.rasa_channel import LotseInput

    async def on_message(_message):
        return None

    listeners = [f.listener for f in LotseInput().blueprint(on_message)._future_listeners
                 if f.event == "after_server_start"]
    assert len(listeners) == 1
    model = [{"weights": [0.5] * 3} for _ in range(1000)]  # long-lived objects, as a model's
    before = gc.get_freeze_count()
    try:
        asyncio.run(listeners[0](None, None))
        assert gc.get_freeze_count() >= before + len(model)
        assert not any(o is model[0] for o in gc.get_objects(2))  # no longer scanned
    finally:
        gc.unfreeze()
