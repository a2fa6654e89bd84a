"""The German summary an agency receives: plain text, HTML and a JSON document.

Everything the resident typed is quoted as written (original script) and escaped in HTML.
"""
from __future__ import annotations

import datetime as dt
import html
from typing import Any, Dict, List, Tuple

from lotse.handoff.models import Handoff

try:
    from zoneinfo import ZoneInfo
    LOCAL_TIME = ZoneInfo("Europe/Berlin")
except Exception:  # pragma: no cover - system without tz data
    LOCAL_TIME = dt.timezone.utc

AGE_GROUPS_DE = {
    "under_12": "Elternteil, Frage zu einem Kind unter 12 Jahren",
    "age_12_26": "12 bis 26 Jahre",
    "age_27_plus": "27 Jahre oder älter",
}
STATUSES_DE = {
    "asylum_seeker": "Asylsuchend (Aufenthaltsgestattung)",
    "tolerated": "Geduldet (Duldung)",
    "protection": "Schutzstatus (Flüchtling, subsidiärer Schutz oder § 24 AufenthG)",
    "other": "Anderer Aufenthaltsstatus",
}
CONTACT_METHODS_DE = {"phone": "Telefon", "email": "E-Mail", "telegram": "Telegram"}
CHANNELS_DE = {"telegram": "Telegram", "widget": "Website-Chat", "rest": "Chat"}


def local_time(handoff: Handoff) -> str:
    created = handoff.created_at.replace(tzinfo=dt.timezone.utc).astimezone(LOCAL_TIME)
    return created.strftime("%d.%m.%Y, %H:%M Uhr")


def fields(handoff: Handoff, content) -> List[Tuple[str, str]]:
    """(label, value) pairs in German, in the order agencies read them."""
    agency = content.agency_directory.get(handoff.agency_id)
    language_de = (content.languages.get("names_de") or {}).get(handoff.language,
                                                                 handoff.language)
    topic = content.title(handoff.topic, "de") if content.is_answer_topic(handoff.topic or "") \
        else "Allgemeine Beratung"
    answered = [content.title(t, "de") for t in handoff.answered_topics.split(",")
                if t and content.is_answer_topic(t)]
    municipality = handoff.municipality
    amt = content.amt_of(municipality)
    if amt:
        municipality += f" (Amt {amt})"
    return [
        ("Referenz", handoff.reference),
        ("Eingegangen", local_time(handoff)),
        ("Beratungsstelle", agency.name if agency else handoff.agency_id),
        ("Warum diese Stelle", handoff.reason_de),
        ("Thema", topic),
        ("Sprache der Person", language_de),
        ("Kontakt", f"{CONTACT_METHODS_DE.get(handoff.contact_method, handoff.contact_method)}: "
                    f"{handoff.contact_value}"),
        ("Wohnort", municipality),
        ("Altersgruppe", AGE_GROUPS_DE.get(handoff.age_group, handoff.age_group)),
        ("Aufenthaltsstatus", STATUSES_DE.get(handoff.status or "", "keine Angabe")),
        ("Kanal", CHANNELS_DE.get(handoff.channel, handoff.channel)),
        ("Bereits beantwortete Themen", ", ".join(answered) or "keine"),
    ]


CONSENT_NOTE = ("Die Person hat der Weitergabe dieser Angaben an Ihre Beratungsstelle im Chat "
                "ausdrücklich zugestimmt. Bitte nehmen Sie über den angegebenen Kontakt "
                "Verbindung auf.")
HEADER = "Lotse – Weitergabe an eine Beratungsstelle"
WORDS_HEADING = "Anliegen in den eigenen Worten der Person (unverändert):"


def subject(handoff: Handoff, content) -> str:
    topic = content.title(handoff.topic, "de") if content.is_answer_topic(handoff.topic or "") \
        else "Allgemeine Beratung"
    return f"Lotse-Weitergabe {handoff.reference}: {topic}"


def as_text(handoff: Handoff, content) -> str:
    width = max(len(label) for label, _ in fields(handoff, content)) + 2
    lines = [HEADER, "=" * len(HEADER), ""]
    lines += [f"{label + ':':<{width}}{value}" for label, value in fields(handoff, content)]
    lines += ["", WORDS_HEADING, ""]
    lines += ["> " + line for line in handoff.description.splitlines() or [""]]
    lines += ["", CONSENT_NOTE, ""]
    return "\n".join(lines)


def as_html(handoff: Handoff, content) -> str:
    esc = html.escape
    rows = "\n".join(f"<tr><th scope=\"row\">{esc(label)}</th><td>{esc(value)}</td></tr>"
                     for label, value in fields(handoff, content))
    direction = "rtl" if handoff.language in (content.languages.get("rtl") or []) else "ltr"
    return (
        "<!DOCTYPE html>\n<html lang=\"de\"><head><meta charset=\"utf-8\">"
        f"<title>{esc(subject(handoff, content))}</title></head><body>\n"
        f"<h1>{esc(HEADER)}</h1>\n<table>\n{rows}\n</table>\n"
        f"<h2>{esc(WORDS_HEADING)}</h2>\n"
        f"<blockquote lang=\"{esc(handoff.language)}\" dir=\"{direction}\" "
        f"style=\"white-space:pre-wrap\">{esc(handoff.description)}</blockquote>\n"
        f"<p>{esc(CONSENT_NOTE)}</p>\n</body></html>\n")


def as_document(handoff: Handoff, content) -> Dict[str, Any]:
    """The JSON body of a webhook delivery."""
    return {
        "reference": handoff.reference,
        "created_at": handoff.created_at.replace(tzinfo=dt.timezone.utc).isoformat(),
        "agency_id": handoff.agency_id,
        "role": handoff.role,
        "reason": handoff.reason_de,
        "topic": handoff.topic,
        "language": handoff.language,
        "contact": {"method": handoff.contact_method, "value": handoff.contact_value},
        "municipality": handoff.municipality,
        "age_group": handoff.age_group,
        "status": handoff.status,
        "description": handoff.description,
        "answered_topics": [t for t in handoff.answered_topics.split(",") if t],
        "summary_text": as_text(handoff, content),
    }
