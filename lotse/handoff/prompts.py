"""What the assistant says during a handoff, in the resident's language, from content."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from lotse import routing
from lotse.agencies import Agency
from lotse.handoff.dialogue import button
from lotse.replies import Reply, payload

MUNICIPALITY_BUTTONS = 8  # the towns; villages are typed
_LABELS = {"address": "label_address", "phone": "label_phone", "email": "label_email",
           "website": "label_website", "opening_hours": "label_hours"}


def cancel_button(content, lang: str) -> Dict[str, str]:
    return button(content.button("handoff_cancel", lang), "cancel")


def current_route(slots: Dict[str, Any], content, lang: str) -> Optional[routing.Route]:
    municipality = slots.get("handoff_municipality")
    age_group = slots.get("handoff_age_group")
    if not municipality or not age_group:
        return None
    return routing.route(content.agency_directory, age=routing.AGE_GROUPS[age_group],
                         status=slots.get("handoff_status"), municipality=municipality,
                         amt=content.amt_of(municipality), language=lang,
                         topic=slots.get("handoff_topic"))


def age_group_label(group: str, content, lang: str) -> str:
    return content.button("handoff_age_" + group.replace("age_", "", 1), lang)


def intro(content, lang: str) -> Reply:
    return Reply(content.message("handoff_intro", lang))


def ask(step: str, slots: Dict[str, Any], content, lang: str,
        wants_other_agency: bool = False) -> List[Reply]:
    cancel = cancel_button(content, lang)
    if step == "handoff_age_group":
        return [Reply(content.message("handoff_ask_age", lang), [
            button(age_group_label(group, content, lang), group)
            for group in routing.AGE_GROUPS] + [cancel])]
    if step == "handoff_municipality":
        towns = (content.municipalities.get("towns") or [])[:MUNICIPALITY_BUTTONS]
        return [Reply(content.message("handoff_ask_municipality", lang),
                      [button(town, "place:" + town) for town in towns] + [cancel])]
    if step == "handoff_status":
        return [Reply(content.message("handoff_ask_status", lang), [
            button(content.button("handoff_status_" + status, lang), "status:" + status)
            for status in routing.STATUSES] + [cancel])]
    if step == "handoff_agency":
        return _ask_agency(slots, content, lang, wants_other_agency, cancel)
    if step == "handoff_consent":
        agency = content.agency_directory.get(slots.get("handoff_agency") or "")
        text = content.message("handoff_ask_consent", lang).format(
            agency=agency.name if agency else "")
        return [Reply(text, [button(content.button("handoff_consent_yes", lang), "consent_yes"),
                             button(content.button("handoff_consent_no", lang), "consent_no")])]
    if step == "handoff_contact":
        if slots.get("handoff_telegram_user"):
            return [Reply(content.message("handoff_ask_contact_telegram", lang), [
                button(content.button("handoff_contact_telegram", lang), "telegram"), cancel])]
        return [Reply(content.message("handoff_ask_contact", lang), [cancel])]
    if step == "handoff_description":
        return [Reply(content.message("handoff_ask_description", lang), [cancel])]
    if step == "handoff_confirm":
        return [Reply(summary_for_resident(slots, content, lang)),
                Reply(content.message("handoff_ask_confirm", lang),
                      [button(content.button("handoff_send", lang), "send"), cancel])]
    raise ValueError(f"unknown handoff step {step}")


def _ask_agency(slots, content, lang, wants_other, cancel) -> List[Reply]:
    chosen = current_route(slots, content, lang)
    if chosen is None or chosen.agency is None:
        return [Reply(content.message("handoff_bad_choice", lang), [cancel])]
    if wants_other:
        municipality = slots["handoff_municipality"]
        amt = content.amt_of(municipality)
        violence = slots.get("handoff_topic") == "violence_protection"
        others = [a for a in content.agency_directory.agencies.values()
                  if a.id != chosen.agency.id and a.serves(municipality, amt)
                  and (violence or "violence_protection" not in a.roles)]
        return [Reply(content.message("handoff_choose_agency", lang),
                      [button(a.name, "agency:" + a.id) for a in others[:8]] + [cancel])]
    text = "\n".join([content.message("handoff_proposal", lang).format(agency=chosen.agency.name),
                      routing.explain(chosen, content, lang)])
    return [Reply(text, [button(content.button("handoff_agency_ok", lang), "agency_ok"),
                         button(content.button("handoff_agency_other", lang), "agency_other"),
                         cancel])]


def topic_title(slots: Dict[str, Any], content, lang: str) -> str:
    topic = slots.get("handoff_topic")
    if topic and content.is_answer_topic(topic):
        return content.title(topic, lang)
    return content.message("handoff_topic_general", lang)


def summary_for_resident(slots: Dict[str, Any], content, lang: str) -> str:
    agency = content.agency_directory.get(slots.get("handoff_agency") or "")
    lines = [content.message("handoff_summary", lang)]
    rows = [
        ("handoff_label_agency", agency.name if agency else ""),
        ("handoff_label_topic", topic_title(slots, content, lang)),
        ("handoff_label_contact", slots.get("handoff_contact") or ""),
        ("handoff_label_municipality", slots.get("handoff_municipality") or ""),
        ("handoff_label_age", age_group_label(slots["handoff_age_group"], content, lang)
         if slots.get("handoff_age_group") else ""),
    ]
    if slots.get("handoff_status"):
        rows.append(("handoff_label_status",
                     content.button("handoff_status_" + slots["handoff_status"], lang)))
    lines += [f"• {content.message(key, lang)}: {value}" for key, value in rows]
    lines.append(f"• {content.message('handoff_label_description', lang)}:")
    lines.append(f"“{slots.get('handoff_description') or ''}”")
    return "\n".join(lines)


def agency_contact(agency: Optional[Agency], content, lang: str) -> str:
    """The agency's confirmed contact lines; the Ausländerbehörde's when none is confirmed."""
    visible = agency.visible_contact() if agency else {}
    if not any(name in visible for name in ("phone", "email", "hotline")):
        lines = [content.message("handoff_no_contact", lang),
                 content.office_contact("auslaenderbehoerde", lang)]
        if agency and visible.get("website"):
            lines.insert(0, f"{agency.name}: {visible['website']}")
        return "\n".join(lines)
    lines = [agency.name]
    for name, value in visible.items():
        if name == "hotline":
            lines.append(f"☎️ {value}")
        else:
            lines.append(f"{content.message(_LABELS[name], lang)}: {value}")
    return "\n".join(lines)


def outcome(kind: str, slots: Dict[str, Any], content, lang: str,
            reference: Optional[str] = None) -> List[Reply]:
    agency = content.agency_directory.get(slots.get("handoff_agency") or "") \
        or content.agency_directory.get(slots.get("handoff_proposed_agency") or "")
    menu = [{"title": content.button("menu", lang), "payload": payload("help")}]
    if kind == "done":
        text = content.message("handoff_done", lang).format(
            reference=reference, agency=agency.name if agency else "")
        return [Reply(text + "\n" + agency_contact(agency, content, lang), menu)]
    if kind == "refused":
        return [Reply(content.message("handoff_refused", lang) + "\n"
                      + agency_contact(agency, content, lang), menu)]
    if kind == "failed":
        return [Reply(content.message("handoff_failed", lang) + "\n"
                      + agency_contact(agency, content, lang), menu)]
    return [Reply(content.message("handoff_cancelled", lang), menu)]
