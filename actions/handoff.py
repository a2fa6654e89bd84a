"""The handoff form: start, validate each answer, ask each question, submit. Logic lives in
lotse.handoff.dialogue / prompts (plain, tested modules); these actions only connect them."""
from __future__ import annotations

import atexit
import functools
import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import Restarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (get_content, language_of, latest_entity, latest_metadata, send,
                            user_events)
from lotse.handoff import dialogue, prompts
from lotse.handoff.store import HandoffRequest, HandoffStore
from lotse import routing
from lotse.statistics import StatisticsRecorder

log = logging.getLogger(__name__)
ALL_SLOTS = dialogue.STEPS + dialogue.STATE_SLOTS


@functools.lru_cache(maxsize=1)
def get_store() -> HandoffStore:
    store = HandoffStore()
    store.create_schema()
    return store


@functools.lru_cache(maxsize=1)
def get_recorder() -> StatisticsRecorder:
    recorder = StatisticsRecorder(get_store())
    atexit.register(recorder.flush)
    return recorder


def channel_of(tracker: Tracker) -> str:
    return str(latest_metadata(tracker).get("channel") or "rest")[:16]


def _slots(tracker: Tracker) -> Dict[str, Any]:
    return {name: tracker.get_slot(name) for name in ALL_SLOTS}


def answered_topics(tracker: Tracker) -> List[str]:
    """Topics the assistant answered in this conversation, oldest first."""
    content = get_content()
    seen: List[str] = []
    for event in user_events(tracker):
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent and content.is_answer_topic(intent) and intent not in seen:
            seen.append(intent)
    return seen


class ActionHandoffStart(Action):
    """Clears any earlier handoff and remembers the topic the resident asked about last."""

    def name(self) -> Text:
        return "action_handoff_start"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        topics = [t for t in answered_topics(tracker) if t != "emergency"]
        telegram_user = str(latest_metadata(tracker).get("telegram_username") or "").strip()
        events = [SlotSet(name, None) for name in ALL_SLOTS]
        events.append(SlotSet("handoff_topic", topics[-1] if topics else None))
        if telegram_user:
            events.append(SlotSet("handoff_telegram_user", "@" + telegram_user.lstrip("@")))
        send(dispatcher, [prompts.intro(get_content(), language_of(tracker))])
        return events


class ValidateHandoffForm(Action):
    """Reads the answer to the step just asked and decides the next step (None: done)."""

    def name(self) -> Text:
        return "validate_handoff_form"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        content = get_content()
        lang = language_of(tracker)
        slots = _slots(tracker)
        step = tracker.get_slot("requested_slot")
        events: List[Dict[Text, Any]] = []
        if step in dialogue.STEPS:
            message = tracker.latest_message
            intent = message.get("intent") or {}
            turn = dialogue.Turn(
                text=str(message.get("text") or ""), intent=intent.get("name"),
                confidence=float(intent.get("confidence") or 0.0),
                choice=latest_entity(tracker, dialogue.CHOICE_ENTITY),
                municipality=latest_entity(tracker, "municipality"))
            result = dialogue.validate_step(step, turn, slots, content, lang,
                                            content.agency_directory)
            send(dispatcher, result.replies)
            slots.update(result.slots)
            events += [SlotSet(name, value) for name, value in result.slots.items()]
        proposal = prompts.current_route(slots, content, lang)
        if proposal and proposal.agency and not slots.get("handoff_proposed_agency") \
                and self._route_complete(slots):
            slots["handoff_proposed_agency"] = proposal.agency.id
            events.append(SlotSet("handoff_proposed_agency", proposal.agency.id))
        missing = [s for s in dialogue.required_steps(slots) if slots.get(s) is None]
        events.append(SlotSet("requested_slot", missing[0] if missing else None))
        return events

    @staticmethod
    def _route_complete(slots: Dict[str, Any]) -> bool:
        needs = dialogue.needs_status(slots.get("handoff_age_group"), slots.get("handoff_topic"))
        return not needs or slots.get("handoff_status") is not None


class AskHandoffStep(Action):
    """``action_ask_<step>``: one subclass per step, created below."""

    step = ""

    def name(self) -> Text:
        return "action_ask_" + self.step

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        wants_other = latest_entity(tracker, dialogue.CHOICE_ENTITY) == "agency_other"
        send(dispatcher, prompts.ask(self.step, _slots(tracker), get_content(),
                                     language_of(tracker), wants_other))
        return []


for _step in dialogue.STEPS:
    globals()["AskHandoff_" + _step] = type("AskHandoff_" + _step, (AskHandoffStep,),
                                           {"step": _step})


class ActionHandoffSubmit(Action):
    """After the form: store the consented handoff, or say what happened instead."""

    def name(self) -> Text:
        return "action_handoff_submit"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        content = get_content()
        lang = language_of(tracker)
        slots = _slots(tracker)
        reset = [SlotSet(name, None) for name in ALL_SLOTS]
        outcome = slots.get("handoff_outcome")
        if outcome == "erase":
            return erase_conversation(dispatcher, tracker)
        if outcome in ("cancelled", "refused") or slots.get("handoff_confirm") is not True:
            send(dispatcher, prompts.outcome(outcome or "cancelled", slots, content, lang))
            return reset
        try:
            reference = get_store().create(self._request(tracker, slots, content, lang))
        except Exception as error:  # the resident must hear about it; nothing was sent
            log.error("storing a handoff failed: %s", type(error).__name__)
            send(dispatcher, prompts.outcome("failed", slots, content, lang))
            return reset
        log.info("handoff %s stored for agency %s", reference, slots["handoff_agency"])
        get_recorder().handoff(slots["handoff_agency"], lang, channel_of(tracker))
        send(dispatcher, prompts.outcome("done", slots, content, lang, reference))
        return reset

    @staticmethod
    def _request(tracker: Tracker, slots: Dict[str, Any], content, lang: str) -> HandoffRequest:
        agency = content.agency_directory.get(slots["handoff_agency"])
        chosen = prompts.current_route(slots, content, lang)
        if chosen is not None and chosen.agency and chosen.agency.id == agency.id:
            reason_de = routing.explain(chosen, content, "de")
        else:
            reason_de = "Von der Person selbst gewählt (abweichend vom Vorschlag des Assistenten)."
        channels = (["email"] if agency.handoff_email else []) + \
                   (["webhook"] if agency.webhook_url else [])
        return HandoffRequest(
            sender_id=tracker.sender_id, channel=channel_of(tracker),
            agency_id=agency.id, role=chosen.role if chosen else agency.roles[0],
            reason_de=reason_de, topic=slots.get("handoff_topic"), language=lang,
            contact_method=slots.get("handoff_contact_method") or "phone",
            contact_value=slots["handoff_contact"], municipality=slots["handoff_municipality"],
            age_group=slots["handoff_age_group"], status=slots.get("handoff_status"),
            description=slots["handoff_description"], answered_topics=answered_topics(tracker),
            delivery_channels=channels)


def erase_conversation(dispatcher: CollectingDispatcher, tracker: Tracker,
                       ) -> List[Dict[Text, Any]]:
    """Deletes the resident's handoffs now; the gateway deletes the conversation itself."""
    try:
        erased: Optional[int] = get_store().erase_sender(tracker.sender_id)
    except Exception as error:
        log.error("erasing handoffs failed: %s", type(error).__name__)
        erased = None
    content = get_content()
    dispatcher.utter_message(text=content.message("delete_my_data", language_of(tracker)),
                             json_message={"lotse_erase": True,
                                           "handoffs_erased": erased is not None})
    return [Restarted()]
