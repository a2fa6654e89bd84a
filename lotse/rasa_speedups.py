"""Measured fixes to Rasa 3.6's hot path, installed when Rasa loads Lotse's channel.

Profiled here with py-spy while residents chatted (about 100 messages each time):
- Rasa checks every action server response against its JSON schema with
  ``jsonschema.validate``, which re-checks the large schema itself on every call: 48 % of Rasa's
  CPU time per message. The same validation with a validator built once keeps the check and its
  error message (median handling time 92 -> 50 ms).
- Reading a tracker from the store looks up each event's class by walking every subclass of
  ``Event`` again, per event: 13 % of the remaining time. The classes do not change while Rasa
  runs; a lookup table built once (rebuilt for an unknown name) gives the same answer.
- Every call to the action server (two or three per message) opened a new HTTP client session
  and TCP connection. One kept-alive session per endpoint and event loop does the same calls;
  idle connections are dropped after 2 s, before the action server's own 5 s keep-alive ends,
  so a call never goes out on a connection the server is closing.
"""
from __future__ import annotations

import functools
from typing import Any, Dict

KEEPALIVE_SECONDS = 2.0


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def _validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
    from jsonschema import ValidationError
    from rasa.shared.constants import DOCS_BASE_URL

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
            headers=self.headers, auth=auth,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS))
        kept = self.__dict__["_lotse_session"] = (loop, session)
    return _KeptSession(kept[1])


def install() -> None:
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import Event
    from rasa.utils.endpoints import EndpointConfig

    RemoteAction._validate_action_result = _validate_action_result
    Event.resolve_by_type = staticmethod(_resolve_by_type)
    EndpointConfig.session = _kept_session
