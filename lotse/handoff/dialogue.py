"""The handoff conversation, step by step, without Rasa: what each answer means, what to ask.

Steps (slots of the Rasa form ``handoff_form``): age group, municipality, residence status (only
when it changes the route), the proposed agency (the resident may pick another), consent,
contact, the resident's own description, and a final confirmation. Any step can be cancelled.
The Rasa actions in ``actions/handoff.py`` only pass the tracker's state in and the result out.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from lotse import routing
from lotse.entities import EntityLookup, fold
from lotse.replies import URGENT_TOPICS, Reply, payload, urgent_notice

STEPS = ("handoff_age_group", "handoff_municipality", "handoff_status", "handoff_agency",
         "handoff_consent", "handoff_contact", "handoff_description", "handoff_confirm")
# Slots the form sets besides its steps; all are cleared when a handoff starts.
STATE_SLOTS = ("handoff_outcome", "handoff_topic", "handoff_proposed_agency",
               "handoff_contact_method", "handoff_telegram_user")
CHOICE_ENTITY = "handoff_choice"
MIN_DESCRIPTION, MAX_DESCRIPTION = 8, 1500
SURE = 0.8  # intent confidence at which a message is read as a command, not as an answer
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_EMAIL = re.compile(r"^[^@\s<>\"(),;:]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
_PHONE_CHARS = re.compile(r"^\+?[0-9 ()/.\-]+$")


@dataclass
class Turn:
    """What the resident just sent, as the NLU read it."""
    text: str
    intent: Optional[str] = None
    confidence: float = 0.0
    choice: Optional[str] = None          # from a button: entity handoff_choice
    municipality: Optional[str] = None    # entity from the lookup extractor


@dataclass
class StepResult:
    slots: Dict[str, Any] = field(default_factory=dict)
    replies: List[Reply] = field(default_factory=list)


def button(title: str, choice: str) -> Dict[str, str]:
    return {"title": title, "payload": payload("affirm", **{CHOICE_ENTITY: choice})}


def to_ascii_digits(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_DIGITS)


def needs_status(age_group: Optional[str], topic: Optional[str]) -> bool:
    """Status matters only where it can change the role (rule 3 of the routing)."""
    if age_group == "age_12_26" or topic in URGENT_TOPICS:
        return False
    return topic not in routing.REFUGEE_TOPICS


def required_steps(slots: Dict[str, Any]) -> List[str]:
    if slots.get("handoff_outcome"):
        return []  # cancelled, refused or erased: the form ends
    steps = list(STEPS)
    if not needs_status(slots.get("handoff_age_group"), slots.get("handoff_topic")):
        steps.remove("handoff_status")
    return steps


# --- reading answers ---------------------------------------------------------------------
def is_cancel(turn: Turn, step: str, content) -> bool:
    if turn.choice == "cancel":
        return True
    words = set()
    for lang in content.required_languages:
        words |= {w.strip().casefold() for w in content.message("handoff_cancel_words", lang)
                  .split(",") if w.strip()}
    if turn.text.strip().strip(".!").casefold() in words:
        return True
    if turn.choice is None and turn.confidence >= SURE and step != "handoff_description":
        if turn.intent == "goodbye":
            return True
        if turn.intent == "deny" and step not in ("handoff_consent", "handoff_confirm"):
            return True
    return False


def parse_age_group(turn: Turn) -> Optional[str]:
    if turn.choice in routing.AGE_GROUPS:
        return turn.choice
    numbers = re.findall(r"\d{1,3}", to_ascii_digits(turn.text))
    if len(numbers) == 1 and routing.MIN_AGE <= int(numbers[0]) <= routing.MAX_AGE:
        return routing.age_group(int(numbers[0]))
    return None


def parse_municipality(turn: Turn, content) -> Optional[str]:
    names = content.municipality_names()
    if turn.choice and turn.choice.startswith("place:") and turn.choice[6:] in names:
        return turn.choice[6:]
    if turn.municipality in names:
        return turn.municipality
    lookup = EntityLookup({}, names)
    found = lookup.municipalities(turn.text)
    return found[0].value if len(found) == 1 else None


def parse_contact(text: str) -> tuple:
    """("phone"|"email", normalised value) or (None, error message key)."""
    value = to_ascii_digits(text).strip().replace("(0)", "")
    if "@" in value:
        value = value.strip("<>").strip()
        if _EMAIL.match(value) and len(value) <= 254:
            local, domain = value.rsplit("@", 1)
            return "email", f"{local}@{domain.lower()}"
        return None, "handoff_bad_email"
    if _PHONE_CHARS.match(value):
        digits = re.sub(r"\D", "", value)
        international = value.startswith("+") or digits.startswith("00")
        if international and 8 <= len(digits.lstrip("0")) <= 15:
            return "phone", "+" + digits.lstrip("0")
        if digits.startswith("0") and 7 <= len(digits) <= 15:
            return "phone", digits
        return None, "handoff_bad_phone"
    if sum(c.isdigit() for c in value) >= 5:
        return None, "handoff_bad_phone"
    return None, "handoff_bad_contact"


def validate_step(step: str, turn: Turn, slots: Dict[str, Any], content, lang: str,
                  directory) -> StepResult:
    """The slots a resident's answer sets (None: ask again) and what to say first."""
    result = StepResult()
    if is_cancel(turn, step, content):
        result.slots = {step: None, "handoff_outcome": "cancelled"}
        return result
    if turn.intent == "delete_my_data" and turn.confidence >= SURE \
            and step != "handoff_description":
        result.slots = {step: None, "handoff_outcome": "erase"}
        return result
    if turn.choice is None and ((turn.intent in URGENT_TOPICS and turn.confidence >= 0.6)
                                or content.urgent_matcher.matches(turn.text)):
        result.replies.append(urgent_notice(content, lang))
    value, error_key = _STEP_PARSERS[step](turn, slots, content, directory)
    if isinstance(value, dict):  # a step that sets more than its own slot
        result.slots.update(value)
    else:
        result.slots[step] = value
    if error_key:
        result.replies.append(Reply(content.message(error_key, lang)) if isinstance(error_key, str)
                              else error_key)
    return result


def _age(turn, slots, content, directory):
    value = parse_age_group(turn)
    return value, None if value else "handoff_bad_age"


def _municipality(turn, slots, content, directory):
    value = parse_municipality(turn, content)
    return value, None if value else "handoff_unknown_municipality"


def _status(turn, slots, content, directory):
    if turn.choice and turn.choice.startswith("status:") and turn.choice[7:] in routing.STATUSES:
        return turn.choice[7:], None
    return None, "handoff_bad_choice"


def _agency(turn, slots, content, directory):
    proposed = slots.get("handoff_proposed_agency")
    if turn.choice == "agency_ok" or (turn.choice is None and turn.intent == "affirm"
                                      and turn.confidence >= SURE):
        return proposed, None
    if turn.choice and turn.choice.startswith("agency:") and directory.get(turn.choice[7:]):
        return turn.choice[7:], None
    if turn.choice == "agency_other":
        return None, None  # the question below lists the alternatives
    return None, "handoff_bad_choice"


def _consent(turn, slots, content, directory):
    if turn.choice == "consent_yes" or (turn.choice is None and turn.intent == "affirm"
                                        and turn.confidence >= SURE):
        return True, None
    if turn.choice == "consent_no" or (turn.choice is None and turn.intent == "deny"):
        return {"handoff_consent": None, "handoff_outcome": "refused"}, None
    return None, "handoff_bad_choice"


def _contact(turn, slots, content, directory):
    telegram_user = slots.get("handoff_telegram_user")
    if turn.choice == "telegram" and telegram_user:
        return {"handoff_contact": telegram_user, "handoff_contact_method": "telegram"}, None
    method, value = parse_contact(turn.text)
    if method is None:
        return None, value
    return {"handoff_contact": value, "handoff_contact_method": method}, None


def _description(turn, slots, content, directory):
    text = turn.text.strip()
    if turn.choice is not None or text.startswith("/"):
        return None, "handoff_bad_choice"
    if len(text) < MIN_DESCRIPTION:
        return None, "handoff_description_short"
    if len(text) > MAX_DESCRIPTION:
        return None, "handoff_description_long"
    return text, None


def _confirm(turn, slots, content, directory):
    if turn.choice == "send" or (turn.choice is None and turn.intent == "affirm"
                                 and turn.confidence >= SURE):
        return True, None
    if turn.intent == "deny":
        return {"handoff_confirm": None, "handoff_outcome": "cancelled"}, None
    return None, "handoff_bad_choice"


_STEP_PARSERS = {
    "handoff_age_group": _age, "handoff_municipality": _municipality,
    "handoff_status": _status, "handoff_agency": _agency, "handoff_consent": _consent,
    "handoff_contact": _contact, "handoff_description": _description,
    "handoff_confirm": _confirm,
}
