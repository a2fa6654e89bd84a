"""Measured fixes to Rasa 3.6's hot path, installed when Rasa loads Lotse's channel.

Profiled here with py-spy while residents chatted (about 100 messages each time):
- Rasa checks every action server response against its JSON schema with
  ``jsonschema.validate``, which re-checks the large schema itself on every call: 48 % of Rasa's
  CPU time per message. The same validation with a validator built once keeps the check and its
  error message (median handling time 92 -> 50 ms).
  Even so, checking a form step's answer (a dozen events) took 8 ms: each event is tried
  against all 23 event schemas of a ``oneOf``, one per event name. Trying it against the one
  schema for its name gives the same verdict; only an answer that fails is checked the full way,
  for Rasa's error message.
- Reading a tracker from the store looks up each event's class by walking every subclass of
  ``Event`` again, per event: 13 % of the remaining time. The classes do not change while Rasa
  runs; a lookup table built once (rebuilt for an unknown name) gives the same answer.
- Every call to the action server (two or three per message) opened a new HTTP client session
  and TCP connection. One kept-alive session per endpoint and event loop does the same calls;
  idle connections are dropped after 2 s, before the action server's own 5 s keep-alive ends,
  so a call never goes out on a connection the server is closing. Its JSON body (the whole
  tracker) is written by ujson, which Rasa already depends on: 43 % of a call's time went to
  ``json.dumps``, ujson is about 2.7 times as fast and gives the same JSON values.
- Saving a tracker to the SQL store first counts the conversation's stored events (since the
  session start) to know which are new: 9 % of Rasa's time per message. The tracker was read
  from the same store at the start of the message, under the conversation's lock, so that
  count is the number of events read then (or saved since). A tracker the store did not read
  (a new conversation) is counted as before.
- Reading a tracker built the same query through the ORM and made an ORM object per stored
  event: two thirds of the read. The same SQL through SQLAlchemy Core reads the same rows.
  Saving went through the ORM's unit of work (69 % of the save) to insert the same rows that
  one Core INSERT of all new events, in one transaction, writes.
- On an SQLite file, SQLAlchemy 1.4 opens and closes a connection for every read and save
  (20 % of the save), and each commit waits for the disk (30 % of the save). The store keeps
  its connection (one per thread), and a file in WAL mode (the embedded default,
  lotse/db_setup.py) commits with ``synchronous=NORMAL``, SQLite's advice for WAL: a crashed or
  restarted process loses nothing; a power cut may lose the last turns, never the file.
- Both graphs (understanding a message, predicting the next action) ran through dask's
  scheduler, which rebuilt the graph, ordered it and tracked its tasks on every run: 7 % of
  Rasa's time per message. The nodes are called in the same dependency order, computed once
  per set of targets, with the same inputs.
- Full garbage collections walked every object of the loaded model: 170 ms on average, up to
  490 ms, while every conversation on the replica waited. Those objects are frozen once loaded.
"""
from __future__ import annotations

import functools
import gc
from typing import Any, Dict, List, Optional, Tuple

KEEPALIVE_SECONDS = 2.0


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


@functools.lru_cache(maxsize=1)
def _validators_by_event() -> Any:
    """A validator of the response without the events' ``oneOf``, and one per event name
    (the event's common properties and its own). None if the schema is not keyed that way."""
    import copy

    schema = copy.deepcopy(_validator().schema)
    items = schema["properties"]["events"]["items"]
    branches = items.pop("oneOf")
    names = [branch.get("properties", {}).get("event", {}).get("const") for branch in branches]
    if None in names or len(set(names)) != len(names):
        return None
    validator_class = type(_validator())
    by_event = {}
    for name, branch in zip(names, branches):
        own = {"type": "object", "properties": {**items["properties"], **branch["properties"]},
               "required": sorted(set(items.get("required", [])) | set(branch.get("required",
                                                                                  [])))}
        own.update({k: v for k, v in branch.items() if k not in ("properties", "required")})
        by_event[name] = validator_class(own)
    return validator_class(schema), by_event


def _valid_by_event(result: Any) -> bool:
    validators = _validators_by_event()
    if validators is None:
        return False
    response, by_event = validators
    if not response.is_valid(result):
        return False
    for event in result.get("events") or ():
        validator = by_event.get(event.get("event"))
        if validator is None or not validator.is_valid(event):
            return False
    return True


def _validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
    from jsonschema import ValidationError
    from rasa.shared.constants import DOCS_BASE_URL

    if _valid_by_event(result):
        return True
    try:
        _validator().validate(result)
        return True
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            f"from the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions")
        raise error


_EVENT_CLASSES: Dict[str, Any] = {}


def _event_classes(rebuild: bool = False) -> Dict[str, Any]:
    import rasa.shared.utils.common
    from rasa.shared.core.events import Event

    if rebuild or not _EVENT_CLASSES:
        table: Dict[str, Any] = {}
        for cls in rasa.shared.utils.common.all_subclasses(Event):
            table.setdefault(cls.type_name, cls)  # the first match, as Rasa's own loop
        _EVENT_CLASSES.clear()
        _EVENT_CLASSES.update(table)
    return _EVENT_CLASSES


def _resolve_by_type(type_name: str, default: Any = None) -> Any:
    found = _event_classes().get(type_name) or _event_classes(rebuild=True).get(type_name)
    if found is not None:
        return found
    if type_name == "topic":
        return None  # Rasa's backwards compatibility for old TopicSet events
    if default is not None:
        return default
    raise ValueError(f"Unknown event name '{type_name}'.")


class _KeptSession:
    """``async with`` gives the shared session and leaves it open."""

    def __init__(self, session: Any) -> None:
        self._session = session

    async def __aenter__(self) -> Any:
        return self._session

    async def __aexit__(self, *exc_info: Any) -> bool:
        return False


def _json_dumps(value: Any) -> str:
    import json

    import ujson

    try:
        return ujson.dumps(value, escape_forward_slashes=False)  # ASCII, as json.dumps
    except (TypeError, OverflowError, ValueError):  # what only the standard library can write
        return json.dumps(value)


def _kept_session(self: Any) -> _KeptSession:
    """The endpoint's own session for the running event loop, made on first use."""
    import asyncio

    import aiohttp
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT

    loop = asyncio.get_running_loop()
    kept = self.__dict__.get("_lotse_session")
    if kept is None or kept[0] is not loop or kept[1].closed:
        auth = (aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
                if self.basic_auth else None)
        session = aiohttp.ClientSession(
            headers=self.headers, auth=auth, json_serialize=_json_dumps,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS))
        kept = self.__dict__["_lotse_session"] = (loop, session)
    return _KeptSession(kept[1])


STORED_EVENTS = "_lotse_stored_events"


def _events_query(store: Any, all_sessions: bool) -> Any:
    """The SELECT of ``_core_retrieve`` for a ``sender_id`` parameter, built once per store:
    building it for every read (and its cache key) was a third of the read."""
    queries = store.__dict__.setdefault("_lotse_event_queries", {})
    if all_sessions not in queries:
        import sqlalchemy as sa
        from rasa.shared.core.events import SessionStarted

        table = store.SQLEvent.__table__
        sender = sa.bindparam("sender_id", type_=table.c.sender_id.type)
        query = sa.select(table.c.data).where(table.c.sender_id == sender)
        if not all_sessions:
            session_start = (sa.select(sa.func.max(table.c.timestamp))
                             .where(table.c.sender_id == sender,
                                    table.c.type_name == SessionStarted.type_name)
                             .scalar_subquery())
            query = query.where(sa.or_(table.c.timestamp >= session_start,
                                       session_start.is_(None)))
        queries[all_sessions] = query.order_by(table.c.id)
    return queries[all_sessions]


async def _core_retrieve(self: Any, sender_id: str, fetch_events_from_all_sessions: bool) -> Any:
    """Rasa's ``SQLTrackerStore._retrieve`` (3.6): the events of the latest session (the last
    ``session_started`` on, all when there is none) or of all sessions, in stored order."""
    import json

    from rasa.shared.core.trackers import DialogueStateTracker

    query = _events_query(self, bool(fetch_events_from_all_sessions))
    with self.engine.connect() as connection:
        rows = connection.execute(query, {"sender_id": sender_id}).scalars().all()
    if not self.domain or not rows:
        return None
    tracker = DialogueStateTracker.from_dict(sender_id, [json.loads(data) for data in rows],
                                             self.domain.slots)
    if not fetch_events_from_all_sessions:
        tracker.__dict__[STORED_EVENTS] = len(tracker.events)  # see _core_save
    return tracker


async def _core_save(self: Any, tracker: Any) -> None:
    """Rasa's ``SQLTrackerStore.save`` (3.6): streams the events to the event broker, then
    stores the tracker's events that are not stored yet, in order."""
    import itertools
    import json

    from rasa.shared.nlu.constants import INTENT_NAME_KEY

    await self.stream_events(tracker)
    stored = tracker.__dict__.get(STORED_EVENTS)
    if stored is None:  # a tracker this store did not read: count as Rasa does
        with self.session_scope() as session:
            stored = self._event_query(session, tracker.sender_id,
                                       fetch_events_from_all_sessions=False).count()
    rows = []
    for event in itertools.islice(tracker.events, stored, len(tracker.events)):
        data = event.as_dict()
        rows.append({
            "sender_id": tracker.sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": ((data.get("parse_data") or {}).get("intent") or {}).get(
                INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        })
    if rows:
        with self.engine.begin() as connection:
            connection.execute(self.SQLEvent.__table__.insert(), rows)
    tracker.__dict__[STORED_EVENTS] = len(tracker.events)


def _set_sqlite_durability(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
            cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _keep_sqlite_connection(init: Any) -> Any:
    @functools.wraps(init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        import sqlalchemy as sa
        from sqlalchemy.orm import sessionmaker
        from sqlalchemy.pool import NullPool, SingletonThreadPool

        init(self, *args, **kwargs)
        url = self.engine.url
        if url.get_backend_name() != "sqlite" or not isinstance(self.engine.pool, NullPool) \
                or url.database in (None, "", ":memory:"):
            return
        self.engine.dispose()
        self.engine = sa.create_engine(url, poolclass=SingletonThreadPool)
        sa.event.listen(self.engine, "connect", _set_sqlite_durability)
        self.sessionmaker = sessionmaker(bind=self.engine)

    __init__.lotse_speedup = True
    return __init__


def freeze_loaded_objects() -> None:
    """Leaves the objects of the loaded model out of every later garbage collection.

    Rasa holds a few million long-lived objects (model, graph, libraries). Each full collection
    walked all of them: 170 ms on average and up to 490 ms (measured here), during which every
    conversation on that replica waited. Frozen, they are never scanned again; they live as long
    as the process anyway.
    """
    gc.collect()
    gc.freeze()


def _graph_order(runner: Any, targets: Tuple[str, ...]) -> List[Tuple[str, List[str]]]:
    """(node, the names it needs) for every node the targets need, dependencies first."""
    orders = runner.__dict__.setdefault("_lotse_orders", {})
    if targets not in orders:
        nodes = runner._graph_schema.minimal_graph_schema(list(targets)).nodes
        order: List[Tuple[str, List[str]]] = []
        placed: set = set()

        def place(name: str) -> None:
            if name in placed or name not in nodes:
                return
            placed.add(name)
            needs = list(nodes[name].needs.values())
            for need in needs:
                place(need)
            order.append((name, needs))

        for target in targets:
            place(target)
        orders[targets] = order
    return orders[targets]


def _run_graph(self: Any, inputs: Optional[Dict[str, Any]] = None,
               targets: Optional[List[str]] = None) -> Dict[str, Any]:
    """``DaskGraphRunner.run`` without dask: each node gets its needs' ``(name, output)``
    pairs, an input as ``(name, value)``, and a name nothing provides as the bare name, as
    dask passes them; a RuntimeError still becomes a GraphRunError."""
    from rasa.engine.exceptions import GraphRunError

    run_targets = tuple(targets if targets else self._graph_schema.target_names)
    order = _graph_order(self, run_targets)
    results: Dict[str, Any] = {}
    if inputs:
        self._add_inputs_to_graph(inputs, dict.fromkeys(name for name, _ in order))
        results.update((name, (name, value)) for name, value in inputs.items())
    try:
        for name, needs in order:
            results[name] = self._instantiated_nodes[name](
                *(results.get(need, need) for need in needs))
    except RuntimeError as error:
        raise GraphRunError("Error running runner.") from error
    return dict(results[target] for target in run_targets)


def install() -> None:
    from rasa.core.actions.action import RemoteAction
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.shared.core.events import Event
    from rasa.utils.endpoints import EndpointConfig

    RemoteAction._validate_action_result = _validate_action_result
    Event.resolve_by_type = staticmethod(_resolve_by_type)
    EndpointConfig.session = _kept_session
    DaskGraphRunner.run = _run_graph
    SQLTrackerStore._retrieve = _core_retrieve
    SQLTrackerStore.save = _core_save
    if not getattr(SQLTrackerStore.__init__, "lotse_speedup", False):  # installed once
        SQLTrackerStore.__init__ = _keep_sqlite_connection(SQLTrackerStore.__init__)
