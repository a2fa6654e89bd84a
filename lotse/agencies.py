"""The directory of counselling agencies (content/agencies.yml): loading, checking, look-ups.

Operators edit the YAML; this module never writes it. Fields listed under ``unconfirmed`` are
never shown to residents (and a handoff channel that is unconfirmed is never used).
No Rasa imports: the action server, the worker and the inbox all use it.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

ROLES = ("mbe", "jmd", "refugee_counselling", "recognition_counselling",
         "violence_protection", "service_desk")
SERVICE_DESK_ID = "abh_service_desk"
AGENCY_FIELDS = {
    "name", "provider", "roles", "municipalities", "languages", "address", "phone", "email",
    "website", "opening_hours", "hotline", "handoff", "source", "checked", "unconfirmed", "note",
    "retention_days",
}
HANDOFF_FIELDS = {"email", "webhook_url", "webhook_secret_env"}
CONTACT_FIELDS = ("address", "phone", "hotline", "email", "website", "opening_hours")
_ID = re.compile(r"^[a-z][a-z0-9_]{1,62}$")
_EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[a-z]{2,}$", re.IGNORECASE)
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")


@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    roles: List[str]
    municipalities: List[str]
    languages: List[str]
    contact: Dict[str, str]
    handoff_email: str = ""
    webhook_url: str = ""
    webhook_secret_env: str = ""
    unconfirmed: List[str] = field(default_factory=list)

    def serves(self, municipality: Optional[str], amt: Optional[str]) -> bool:
        served = set(self.municipalities)
        return "all" in served or municipality in served or (amt is not None and amt in served)

    def speaks(self, language: Optional[str]) -> bool:
        return language in self.languages

    def visible_contact(self) -> Dict[str, str]:
        """Contact fields a resident may see: set and not marked unconfirmed."""
        hidden = set(self.unconfirmed)
        return {name: self.contact[name] for name in CONTACT_FIELDS
                if self.contact.get(name) and name not in hidden}


def _as_agency(agency_id: str, raw: Dict[str, Any]) -> Agency:
    handoff = raw.get("handoff") or {}
    unconfirmed = [str(name) for name in raw.get("unconfirmed") or []]
    channels_confirmed = "handoff" not in unconfirmed
    return Agency(
        id=agency_id,
        name=str(raw.get("name") or agency_id),
        roles=[str(r) for r in raw.get("roles") or []],
        municipalities=[str(m) for m in raw.get("municipalities") or []],
        languages=[str(code) for code in raw.get("languages") or []],
        contact={name: str(raw.get(name) or "").strip() for name in CONTACT_FIELDS},
        handoff_email=str(handoff.get("email") or "").strip() if channels_confirmed else "",
        webhook_url=str(handoff.get("webhook_url") or "").strip() if channels_confirmed else "",
        webhook_secret_env=str(handoff.get("webhook_secret_env") or "").strip(),
        unconfirmed=unconfirmed,
    )


class Directory:
    """All agencies, by id."""

    def __init__(self, raw_agencies: Dict[str, Dict[str, Any]]):
        self.raw = raw_agencies
        self.agencies: Dict[str, Agency] = {
            agency_id: _as_agency(agency_id, raw) for agency_id, raw in raw_agencies.items()
            if isinstance(raw, dict)}

    def get(self, agency_id: str) -> Optional[Agency]:
        return self.agencies.get(agency_id)

    def with_role(self, role: str) -> List[Agency]:
        return [agency for agency in self.agencies.values() if role in agency.roles]

    @property
    def service_desk(self) -> Agency:
        return self.agencies[SERVICE_DESK_ID]


def validate(raw_agencies: Any, municipality_names: List[str], amt_names: List[str],
             languages: List[str], errors: List[str], warnings: List[str]) -> None:
    """Appends problems of content/agencies.yml to ``errors`` and ``warnings``."""
    if not isinstance(raw_agencies, dict) or not raw_agencies:
        errors.append("agencies.yml: no agencies")
        return
    places = set(municipality_names) | set(amt_names) | {"all"}
    for agency_id, raw in raw_agencies.items():
        where = f"agencies.yml: {agency_id}"
        if not isinstance(raw, dict):
            errors.append(f"{where}: must be a mapping")
            continue
        if not _ID.match(str(agency_id)):
            errors.append(f"{where}: id must be lowercase letters, digits and _")
        for key in sorted(set(raw) - AGENCY_FIELDS):
            errors.append(f"{where}: unknown field '{key}'")
        if not str(raw.get("name") or "").strip():
            errors.append(f"{where}: no name")
        roles = raw.get("roles") or []
        if not roles:
            errors.append(f"{where}: no roles")
        for role in roles:
            if role not in ROLES:
                errors.append(f"{where}: unknown role '{role}' (known: {', '.join(ROLES)})")
        served = raw.get("municipalities") or []
        if not served:
            errors.append(f"{where}: no municipalities (use [all] for the whole district)")
        for place in served:
            if place not in places:
                errors.append(f"{where}: unknown municipality '{place}'")
        for code in raw.get("languages") or []:
            if code not in languages:
                warnings.append(f"{where}: language '{code}' is not a supported language")
        _validate_fields(where, raw, errors, warnings)
    if SERVICE_DESK_ID not in raw_agencies:
        errors.append(f"agencies.yml: the service desk '{SERVICE_DESK_ID}' is missing "
                      "(routing falls back to it)")
    for role in ROLES:
        if not any(role in (raw.get("roles") or []) for raw in raw_agencies.values()
                   if isinstance(raw, dict)):
            warnings.append(f"agencies.yml: no agency has role '{role}'; "
                            "residents of that role go to the service desk")


def _validate_fields(where: str, raw: Dict[str, Any], errors: List[str],
                     warnings: List[str]) -> None:
    if not str(raw.get("source") or "").strip():
        errors.append(f"{where}: no source")
    checked = raw.get("checked")
    if not isinstance(checked, dt.date):
        try:
            dt.date.fromisoformat(str(checked))
        except ValueError:
            errors.append(f"{where}: 'checked' must be a date (YYYY-MM-DD)")
    keep = raw.get("retention_days")
    if keep is not None and (not isinstance(keep, int) or isinstance(keep, bool) or keep < 1):
        errors.append(f"{where}: retention_days must be a whole number of days (>= 1)")
    website = str(raw.get("website") or "")
    if website and not website.startswith("https://"):
        errors.append(f"{where}: website is not an https URL")
    email = str(raw.get("email") or "")
    if email and not _EMAIL.match(email):
        errors.append(f"{where}: email '{email}' is not an email address")
    handoff = raw.get("handoff") or {}
    if not isinstance(handoff, dict):
        errors.append(f"{where}: handoff must be a mapping")
        return
    for key in sorted(set(handoff) - HANDOFF_FIELDS):
        errors.append(f"{where}: handoff: unknown field '{key}'")
    if handoff.get("email") and not _EMAIL.match(str(handoff["email"])):
        errors.append(f"{where}: handoff email is not an email address")
    url = str(handoff.get("webhook_url") or "")
    if url and not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        errors.append(f"{where}: webhook_url must be https")
    secret_env = str(handoff.get("webhook_secret_env") or "")
    if url and not _ENV_NAME.match(secret_env):
        errors.append(f"{where}: a webhook needs webhook_secret_env, the name of the "
                      "environment variable holding its secret")
    unconfirmed = raw.get("unconfirmed") or []
    for name in unconfirmed:
        if name not in AGENCY_FIELDS:
            errors.append(f"{where}: unconfirmed lists unknown field '{name}'")
    if unconfirmed:
        warnings.append(f"{where}: unconfirmed, hidden from residents: " + ", ".join(unconfirmed))
    if "handoff" in unconfirmed or not (handoff.get("email") or url):
        warnings.append(f"{where}: no confirmed handoff channel; handoffs reach it only "
                        "through the agency inbox")


def load_raw(path: Path) -> Dict[str, Any]:
    import yaml

    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    return data.get("agencies") or {}
