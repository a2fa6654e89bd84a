"""Which counselling agency fits a resident: the SPEC's routing rules, most specific first.

1. topic ``emergency`` -> role ``emergency`` (no agency: 110 / 112);
   topic ``violence_protection`` -> role ``violence_protection``;
2. age 12 to 26 -> ``jmd``;
3. asylum seeker, tolerated, protection status, or topic asylum / Duldung / Ukraine -> ``refugee_counselling``;
4. topic ``recognition_qualifications`` -> ``recognition_counselling``;
5. everyone else (adults 27+, parents asking about a child under 12) -> ``mbe``.
Among agencies of the role: one serving the municipality, preferably one speaking the resident's
language; none serving it -> the Ausländerbehörde's service desk.
Plain module: no Rasa imports. The reason is a code plus parameters; :func:`explain` renders it
in the resident's language from content.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional

from lotse.agencies import Agency, Directory

STATUSES = ("asylum_seeker", "tolerated", "protection", "other")
REFUGEE_STATUSES = {"asylum_seeker", "tolerated", "protection"}
REFUGEE_TOPICS = {"asylum_procedure", "tolerated_stay", "ukraine_protection"}
MIN_AGE, MAX_AGE = 0, 120
JMD_AGES = range(12, 27)
# Age groups the conversation asks for, with an age inside each group for routing.
AGE_GROUPS = {"under_12": 8, "age_12_26": 20, "age_27_plus": 40}


class RoutingError(ValueError):
    """Input the rules cannot route (unknown municipality, age out of range, unknown topic)."""


@dataclass(frozen=True)
class Route:
    role: str
    agency: Optional[Agency]
    reason_code: str        # why this role: route_<code> in content messages
    match: str              # "municipality_language", "municipality", "service_desk", "none"
    municipality: Optional[str]
    language: Optional[str]

    def as_dict(self) -> dict:
        return {"agency": self.agency.id if self.agency else None,
                "agency_name": self.agency.name if self.agency else None,
                "role": self.role, "reason_code": self.reason_code, "match": self.match}


def age_group(age: int) -> str:
    if age < 12:
        return "under_12"
    return "age_12_26" if age in JMD_AGES else "age_27_plus"


def choose_role(age: int, status: Optional[str], topic: Optional[str]) -> tuple:
    """(role, reason_code) by the SPEC's rules, most specific first."""
    if topic == "emergency":
        return "emergency", "emergency"
    if topic == "violence_protection":
        return "violence_protection", "violence"
    if age in JMD_AGES:
        return "jmd", "jmd"
    if status in REFUGEE_STATUSES:
        return "refugee_counselling", "refugee_status"
    if topic in REFUGEE_TOPICS:
        return "refugee_counselling", "refugee_topic"
    if topic == "recognition_qualifications":
        return "recognition_counselling", "recognition"
    return "mbe", "mbe_child" if age < 12 else "mbe"


def route(directory: Directory, *, age: int, status: Optional[str], municipality: str,
          amt: Optional[str], language: Optional[str], topic: Optional[str]) -> Route:
    """``municipality`` must already be a district name (see :func:`check_inputs`)."""
    role, reason_code = choose_role(age, status, topic)
    if role == "emergency":
        return Route(role, None, reason_code, "none", municipality, language)
    candidates: List[Agency] = [a for a in directory.with_role(role)
                                if a.serves(municipality, amt)]
    if not candidates:
        return Route(role, directory.service_desk, reason_code, "service_desk",
                     municipality, language)
    speaking = [a for a in candidates if a.speaks(language)]
    if speaking:
        return Route(role, speaking[0], reason_code, "municipality_language",
                     municipality, language)
    return Route(role, candidates[0], reason_code, "municipality", municipality, language)


def check_inputs(*, age: int, status: Optional[str], municipality: str,
                 known_municipalities: List[str], topic: Optional[str],
                 known_topics: List[str]) -> str:
    """Validates inputs; returns the municipality's canonical name or raises RoutingError."""
    if not MIN_AGE <= age <= MAX_AGE:
        raise RoutingError(f"age {age} is out of range ({MIN_AGE}-{MAX_AGE})")
    if status is not None and status not in STATUSES:
        raise RoutingError(f"unknown status '{status}' (known: {', '.join(STATUSES)})")
    if topic is not None and topic not in known_topics:
        raise RoutingError(f"unknown topic '{topic}'")
    by_folded = {name.casefold(): name for name in known_municipalities}
    canonical = by_folded.get(municipality.strip().casefold())
    if canonical is None:
        raise RoutingError(f"'{municipality}' is not a municipality of Kreis Pinneberg")
    return canonical


def explain(route_: Route, content, lang: str) -> str:
    """The reason a resident reads, in ``lang``: why this role, and why this agency."""
    parts = [content.message("route_" + route_.reason_code, lang)]
    language_name = content.languages.get("names", {}).get(route_.language or "", "")
    values = {"municipality": route_.municipality or "", "language": language_name,
              "agency": route_.agency.name if route_.agency else ""}
    if route_.match == "municipality_language":
        parts.append(content.message("route_match_language", lang))
    elif route_.match == "municipality":
        parts.append(content.message("route_match_place", lang))
    elif route_.match == "service_desk":
        parts.append(content.message("route_service_desk", lang))
    return " ".join(part.format(**values) for part in parts)
