"""Keeps residents' words and contact data out of Rasa's logs, at every log level.

Rasa 3.6 passes the fields of its structured log events that carry user content (message text,
entities, slot values, bot responses, tracker states) through an "anonymization pipeline"
plugin hook, which the open-source edition leaves empty. Lotse registers one that replaces
those fields with a placeholder. Installed when Rasa imports Lotse's channel or components.
"""
from __future__ import annotations

from typing import Any

import pluggy

PLUGIN_NAME = "lotse-log-redaction"
REDACTED = "[redacted]"
hookimpl = pluggy.HookimplMarker("rasa")


class _Redactor:
    def log_run(self, value: Any) -> str:
        return REDACTED

    def run(self, body: Any) -> None:
        """Rasa's event anonymization for event brokers: Lotse uses none; nothing to do."""


class LogRedactionPlugin:
    @hookimpl
    def get_anonymization_pipeline(self) -> _Redactor:
        return _Redactor()


async def _no_event_anonymization(self, tracker: Any) -> None:
    return None


def install() -> None:
    from rasa.core.processor import MessageProcessor
    from rasa.plugin import plugin_manager

    manager = plugin_manager()
    if manager.get_plugin(PLUGIN_NAME) is None:
        manager.register(LogRedactionPlugin(), name=PLUGIN_NAME)
    # With a pipeline registered, Rasa would re-read every tracker from the store on every
    # message to anonymize new events for an event broker. Lotse has no event broker.
    MessageProcessor.run_anonymization_pipeline = _no_event_anonymization
