"""Content the assistant answers from: topics, per-language answers and texts, offices.

Everything a resident reads comes from the YAML files under ``content/``; this module loads them,
checks them (see :func:`validate`) and looks texts up. It has no Rasa imports.
"""
from __future__ import annotations

import datetime as dt
import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional
from urllib.parse import urlparse

import yaml

from lotse import agencies as agencies_module
from lotse import urgent as urgent_module
from lotse.entities import all_municipalities

DEFAULT_CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"

GROUPS = ("residence", "social", "conversation")
TOPIC_FIELDS = {"group", "handoff", "urgent", "desc", "links"}
ANSWER_FILE_FIELDS = {"lang", "name", "direction", "topics", "messages", "buttons"}
ANSWER_FIELDS = {"title", "answer"}
# Texts every language must have. Keys, not texts: the texts live in content/answers/<lang>.yml.
MESSAGE_KEYS = {
    "greet", "goodbye", "thank", "affirm", "deny", "bot_challenge", "help", "help_group",
    "change_language", "language_set", "request_human", "privacy", "delete_my_data",
    "out_of_scope", "fallback_suggest", "fallback_give_up", "followup", "urgent_first",
    "who_decides_note", "more_info", "office_heading", "label_address", "label_phone",
    "label_email", "label_website", "label_hours", "unreadable", "empty_message", "too_long",
    # the handoff conversation and the routing reasons
    "handoff_intro", "handoff_ask_age", "handoff_bad_age", "handoff_ask_municipality",
    "handoff_unknown_municipality", "handoff_ask_status", "handoff_bad_choice",
    "handoff_proposal", "handoff_choose_agency", "handoff_ask_consent", "handoff_refused",
    "handoff_ask_contact", "handoff_ask_contact_telegram", "handoff_bad_phone",
    "handoff_bad_email", "handoff_bad_contact", "handoff_ask_description",
    "handoff_description_short", "handoff_description_long", "handoff_summary",
    "handoff_ask_confirm", "handoff_done", "handoff_cancelled", "handoff_failed",
    "handoff_no_contact", "handoff_label_agency", "handoff_label_topic", "handoff_label_contact",
    "handoff_label_municipality", "handoff_label_age", "handoff_label_status",
    "handoff_label_description", "handoff_topic_general", "handoff_cancel_words",
    "route_emergency", "route_violence", "route_jmd", "route_refugee_status",
    "route_refugee_topic", "route_recognition", "route_mbe", "route_mbe_child",
    "route_match_language", "route_match_place", "route_service_desk",
    # the Telegram bot: command menu, expired buttons, edited messages, group chats
    "command_start", "command_help", "command_privacy", "command_delete", "button_expired",
    "edited_not_read", "private_chat_only",
}
BUTTON_KEYS = {
    "helped_yes", "counsellor", "menu", "none_of_these", "group_residence", "group_social",
    "group_urgent", "change_language",
    "handoff_age_under_12", "handoff_age_12_26", "handoff_age_27_plus",
    "handoff_status_asylum_seeker", "handoff_status_tolerated", "handoff_status_protection",
    "handoff_status_other", "handoff_agency_ok", "handoff_agency_other", "handoff_consent_yes",
    "handoff_consent_no", "handoff_contact_telegram", "handoff_send", "handoff_cancel",
}
OFFICE_FIELDS = {
    "name", "address", "phone", "email", "website", "opening_hours", "booking", "source",
    "checked", "unconfirmed", "note",
}
OFFICE_CONTACT_FIELDS = ("address", "phone", "email", "website", "opening_hours")
HOTLINE_FIELDS = {"number", "source", "checked"}
LANGUAGE_FIELDS = {"required", "next", "default", "names", "names_de", "rtl", "aliases"}
MUNICIPALITY_FIELDS = {"source", "checked", "towns", "municipalities", "aemter"}


class ContentError(Exception):
    """Raised when content cannot be loaded at all."""


@dataclass
class Content:
    """All content, loaded once. Look-ups never raise for a known topic and language."""

    topics: Dict[str, Dict[str, Any]]
    answers: Dict[str, Dict[str, Any]]
    offices: Dict[str, Dict[str, Any]]
    hotlines: Dict[str, Dict[str, Any]]
    languages: Dict[str, Any]
    municipalities: Dict[str, Any] = field(default_factory=dict)
    agencies: Dict[str, Any] = field(default_factory=dict)
    urgent: Dict[str, Any] = field(default_factory=dict)
    directory: Path = field(default=DEFAULT_CONTENT_DIR)

    @functools.cached_property
    def urgent_matcher(self) -> urgent_module.UrgentMatcher:
        return urgent_module.UrgentMatcher(self.urgent.get("keywords") or {})

    @functools.cached_property
    def agency_directory(self) -> agencies_module.Directory:
        return agencies_module.Directory(self.agencies)

    def municipality_names(self) -> List[str]:
        return all_municipalities(self.municipalities)

    def amt_of(self, municipality: str) -> Optional[str]:
        for amt, villages in (self.municipalities.get("aemter") or {}).items():
            if municipality in (villages or []):
                return amt
        return None

    @property
    def required_languages(self) -> List[str]:
        return list(self.languages["required"])

    @property
    def default_language(self) -> str:
        return self.languages["default"]

    def supported(self, lang: Optional[str]) -> bool:
        return lang in self.answers and lang in self.required_languages

    def lang_or_default(self, lang: Optional[str]) -> str:
        return lang if self.supported(lang) else self.default_language

    def topic_ids(self, group: Optional[str] = None) -> List[str]:
        return [t for t, spec in self.topics.items() if group is None or spec["group"] == group]

    def is_answer_topic(self, topic: str) -> bool:
        return topic in self.topics and self.topics[topic]["group"] != "conversation"

    def title(self, topic: str, lang: str) -> str:
        return self.answers[self.lang_or_default(lang)]["topics"][topic]["title"]

    def answer(self, topic: str, lang: str) -> str:
        return self.answers[self.lang_or_default(lang)]["topics"][topic]["answer"].strip()

    def message(self, key: str, lang: str) -> str:
        return str(self.answers[self.lang_or_default(lang)]["messages"][key]).strip()

    def button(self, key: str, lang: str) -> str:
        return str(self.answers[self.lang_or_default(lang)]["buttons"][key]).strip()

    def direction(self, lang: str) -> str:
        return self.answers[self.lang_or_default(lang)]["direction"]

    def office_contact(self, office_id: str, lang: str) -> str:
        """The office's confirmed contact lines, labelled in ``lang``."""
        office = self.offices[office_id]
        hidden = set(office.get("unconfirmed") or [])
        lines = [self.message("office_heading", lang)]
        for name in OFFICE_CONTACT_FIELDS:
            value = office.get(name)
            if value and name not in hidden:
                lines.append(f"{self.message('label_' + _LABELS[name], lang)}: {value}")
        return "\n".join(lines)


_LABELS = {
    "address": "address", "phone": "phone", "email": "email", "website": "website",
    "opening_hours": "hours",
}


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as error:
        raise ContentError(f"{path}: {error}") from error


def load(directory: Optional[Path] = None) -> Content:
    """Reads the content directory (``LOTSE_CONTENT_DIR`` or the project's ``content/``)."""
    directory = Path(directory or os.environ.get("LOTSE_CONTENT_DIR") or DEFAULT_CONTENT_DIR)
    topics = (_read_yaml(directory / "topics.yml") or {}).get("topics") or {}
    offices_file = _read_yaml(directory / "offices.yml") or {}
    languages = _read_yaml(directory / "languages.yml") or {}
    answers = {}
    for path in sorted((directory / "answers").glob("*.yml")):
        answers[path.stem] = _read_yaml(path) or {}
    return Content(
        topics=topics,
        answers=answers,
        offices=offices_file.get("offices") or {},
        hotlines=offices_file.get("hotlines") or {},
        languages=languages,
        municipalities=_read_yaml(directory / "municipalities.yml") or {},
        agencies=(_read_yaml(directory / "agencies.yml") or {}).get("agencies") or {}
        if (directory / "agencies.yml").exists() else {},
        urgent=(_read_yaml(directory / "urgent.yml") or {})
        if (directory / "urgent.yml").exists() else {},
        directory=directory,
    )


@dataclass
class Report:
    errors: List[str] = field(default_factory=list)
    warnings: List[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _is_https_url(value: Any) -> bool:
    if not isinstance(value, str) or any(c.isspace() for c in value):
        return False
    parsed = urlparse(value)
    return parsed.scheme == "https" and "." in parsed.netloc


def _unknown(report: Report, where: str, data: Dict[str, Any], allowed: set) -> None:
    for key in sorted(set(data) - allowed):
        report.errors.append(f"{where}: unknown field '{key}'")


def _is_date(value: Any) -> bool:
    if isinstance(value, dt.date):
        return True
    try:
        dt.date.fromisoformat(str(value))
        return True
    except ValueError:
        return False


def _validate_topics(content: Content, report: Report) -> None:
    if not content.topics:
        report.errors.append("topics.yml: no topics")
    for topic, spec in content.topics.items():
        where = f"topics.yml: {topic}"
        if not isinstance(spec, dict):
            report.errors.append(f"{where}: must be a mapping")
            continue
        _unknown(report, where, spec, TOPIC_FIELDS)
        if spec.get("group") not in GROUPS:
            report.errors.append(f"{where}: group must be one of {', '.join(GROUPS)}")
        for url in spec.get("links") or []:
            if not _is_https_url(url):
                report.errors.append(f"{where}: link '{url}' is not an https URL")


def _validate_languages(content: Content, report: Report) -> None:
    _unknown(report, "languages.yml", content.languages, LANGUAGE_FIELDS)
    required = content.languages.get("required") or []
    if not required:
        report.errors.append("languages.yml: 'required' is empty")
    if content.languages.get("default") not in required:
        report.errors.append("languages.yml: 'default' must be a required language")
    aliases = content.languages.get("aliases") or {}
    for code in sorted(set(aliases) - set(required)):
        report.errors.append(f"languages.yml: aliases for unknown language '{code}'")
    for lang in required:
        if lang not in (content.languages.get("names") or {}):
            report.errors.append(f"languages.yml: no name for '{lang}'")
        if not aliases.get(lang):
            report.errors.append(f"languages.yml: no aliases for '{lang}'")
        if lang not in content.answers:
            report.errors.append(f"answers/{lang}.yml: missing (required language)")


def _validate_answers(content: Content, report: Report) -> None:
    required = set(content.languages.get("required") or [])
    answer_topics = [t for t, s in content.topics.items() if isinstance(s, dict)
                     and s.get("group") != "conversation"]
    for lang, data in content.answers.items():
        where = f"answers/{lang}.yml"
        problems = report.errors if lang in required else report.warnings
        _unknown(report, where, data, ANSWER_FILE_FIELDS)
        if data.get("lang") != lang:
            report.errors.append(f"{where}: 'lang' must be '{lang}'")
        if data.get("direction") not in ("ltr", "rtl"):
            report.errors.append(f"{where}: direction must be ltr or rtl")
        topics = data.get("topics") or {}
        for topic in sorted(set(topics) - set(answer_topics)):
            report.errors.append(f"{where}: unknown topic '{topic}'")
        for topic in answer_topics:
            entry = topics.get(topic)
            if not isinstance(entry, dict):
                problems.append(f"{where}: no answer for topic '{topic}'")
                continue
            _unknown(report, f"{where}: {topic}", entry, ANSWER_FIELDS)
            for name in ANSWER_FIELDS:
                if not str(entry.get(name) or "").strip():
                    problems.append(f"{where}: topic '{topic}' has an empty '{name}'")
        for section, keys in (("messages", MESSAGE_KEYS), ("buttons", BUTTON_KEYS)):
            texts = data.get(section) or {}
            for key in sorted(set(texts) - keys):
                report.errors.append(f"{where}: unknown {section[:-1]} '{key}'")
            for key in sorted(keys):
                if not str(texts.get(key) or "").strip():
                    problems.append(f"{where}: missing {section[:-1]} '{key}'")


def _validate_offices(content: Content, report: Report) -> None:
    if "auslaenderbehoerde" not in content.offices:
        report.errors.append("offices.yml: the office 'auslaenderbehoerde' is missing")
    for office_id, office in content.offices.items():
        where = f"offices.yml: {office_id}"
        _unknown(report, where, office, OFFICE_FIELDS)
        if not str(office.get("source") or "").strip():
            report.errors.append(f"{where}: no source")
        if not _is_date(office.get("checked")):
            report.errors.append(f"{where}: 'checked' must be a date (YYYY-MM-DD)")
        if office.get("website") and not _is_https_url(office["website"]):
            report.errors.append(f"{where}: website is not an https URL")
        unconfirmed = office.get("unconfirmed") or []
        for name in unconfirmed:
            if name not in OFFICE_FIELDS:
                report.errors.append(f"{where}: unconfirmed lists unknown field '{name}'")
        if unconfirmed:
            report.warnings.append(f"{where}: unconfirmed, hidden from residents: "
                                   + ", ".join(unconfirmed))
    for hotline_id, hotline in content.hotlines.items():
        where = f"offices.yml: hotline {hotline_id}"
        _unknown(report, where, hotline, HOTLINE_FIELDS)
        if not str(hotline.get("source") or "").strip():
            report.errors.append(f"{where}: no source")
        if not _is_date(hotline.get("checked")):
            report.errors.append(f"{where}: 'checked' must be a date (YYYY-MM-DD)")


def _validate_municipalities(content: Content, report: Report) -> None:
    data = content.municipalities
    _unknown(report, "municipalities.yml", data, MUNICIPALITY_FIELDS)
    if not str(data.get("source") or "").strip():
        report.errors.append("municipalities.yml: no source")
    if not _is_date(data.get("checked")):
        report.errors.append("municipalities.yml: 'checked' must be a date (YYYY-MM-DD)")
    if not data.get("towns"):
        report.errors.append("municipalities.yml: no towns")


def validate(content: Content, intents: Optional[List[str]] = None) -> Report:
    """Checks content for completeness. ``intents``: the domain's intents, if known."""
    report = Report()
    _validate_topics(content, report)
    _validate_languages(content, report)
    _validate_answers(content, report)
    _validate_offices(content, report)
    _validate_municipalities(content, report)
    agencies_module.validate(
        content.agencies, content.municipality_names(),
        list((content.municipalities.get("aemter") or {})), content.required_languages,
        report.errors, report.warnings)
    urgent_module.validate(content.urgent, content.required_languages, report.errors)
    if intents is not None:
        expected = set(content.topics) | {"nlu_fallback"}
        for intent in sorted(expected - set(intents)):
            if intent != "nlu_fallback":
                report.errors.append(f"domain.yml: intent '{intent}' missing")
        for intent in sorted(set(intents) - expected):
            report.errors.append(f"domain.yml: intent '{intent}' is not a topic in topics.yml")
    return report
