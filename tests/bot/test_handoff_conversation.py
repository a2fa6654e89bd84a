"""The handoff conversation end to end: gateway -> Rasa -> actions -> handoff store."""
import json
import os
import re

import pytest

from lotse import content as content_module
from lotse import routing
from lotse.handoff.models import Handoff
from lotse.handoff.store import HandoffStore, sender_key
from lotse.conversation_ids import widget_conversation

CONTENT = content_module.load()
pytestmark = pytest.mark.needs_rasa


def choice(value):
    return "/affirm" + json.dumps({"handoff_choice": value})


async def say(gateway, sender, text, hint="de"):
    response = await gateway.post("/api/messages", json={
        "sender_id": sender, "text": text, "language_hint": hint})
    assert response.status == 200
    return (await response.json())["messages"]


def texts(messages):
    return "\n".join(m.get("text", "") for m in messages)


def handoffs_of(sender):
    store = HandoffStore(os.environ["LOTSE_DATABASE_URL"])
    with store.session() as session:
        key = sender_key(widget_conversation(sender))
        return session.query(Handoff).filter(Handoff.sender_key == key).all()


def expected_agency(age_group, municipality, status, lang, topic=None):
    return routing.route(CONTENT.agency_directory, age=routing.AGE_GROUPS[age_group],
                         status=status, municipality=municipality,
                         amt=CONTENT.amt_of(municipality), language=lang, topic=topic).agency


async def start_and_route(gateway, sender, lang, opening, town_text, municipality):
    opened = await say(gateway, sender, opening, hint=lang)
    assert texts(opened).startswith(CONTENT.message("handoff_intro", lang).splitlines()[0])
    assert CONTENT.message("handoff_ask_age", lang) in texts(opened)
    asked = await say(gateway, sender, choice("age_27_plus"), hint=lang)
    assert CONTENT.message("handoff_ask_municipality", lang) in texts(asked)
    asked = await say(gateway, sender, town_text, hint=lang)
    assert CONTENT.message("handoff_ask_status", lang) in texts(asked)
    proposal = await say(gateway, sender, choice("status:other"), hint=lang)
    agency = expected_agency("age_27_plus", municipality, "other", lang)
    assert agency.name in texts(proposal)
    consent = await say(gateway, sender, choice("agency_ok"), hint=lang)
    assert CONTENT.message("handoff_ask_consent", lang).format(agency=agency.name) \
        in texts(consent)
    return agency


# How residents open a handoff and name their town, per language (typed, with typos).
OPENINGS = {
    "de": ("ich möchte mit einer beraterin sprechen", "elmshon", "Elmshorn"),
    "ar": ("بدي احكي مع مستشار لو سمحت", "ساكن ب Pinneberg", "Pinneberg"),
    "uk": ("хочу поговорити з консультантом", "живу у Wedel", "Wedel"),
}
BAD_PHONES = {"de": "0176 12", "ar": "٠١٧٦", "uk": "12345"}
GOOD_PHONES = {"de": ("0176 1234 5678", "017612345678"),
               "ar": ("٠١٧٦١٢٣٤٥٦٧٨", "017612345678"),
               "uk": ("+49 176 1234 5678", "+4917612345678")}
DESCRIPTIONS = {
    "de": "Mein Aufenthaltstitel läuft im Januar ab & ich bekomme keinen Termin <bitte>.",
    "ar": "اقامتي بتخلص بشهر 1 وما عم لاقي Termin بالAusländerbehörde",
    "uk": "Мій дозвіл закінчується в січні, а Termin у Ausländerbehörde немає",
}
LANGUAGES = sorted(OPENINGS)


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_consent_given_bad_phone_reasked_then_stored_and_erased(gateway, sender, lang):
    opening, town_text, municipality = OPENINGS[lang]
    agency = await start_and_route(gateway, sender, lang, opening, town_text, municipality)
    asked = await say(gateway, sender, choice("consent_yes"), hint=lang)
    assert CONTENT.message("handoff_ask_contact", lang) in texts(asked)
    bad = await say(gateway, sender, BAD_PHONES[lang], hint=lang)
    assert CONTENT.message("handoff_bad_phone", lang) in texts(bad)
    assert CONTENT.message("handoff_ask_contact", lang) in texts(bad)
    typed, normalised = GOOD_PHONES[lang]
    asked = await say(gateway, sender, typed, hint=lang)
    assert CONTENT.message("handoff_ask_description", lang) in texts(asked)
    words = DESCRIPTIONS[lang]
    summary = await say(gateway, sender, words, hint=lang)
    assert words in texts(summary) and normalised in texts(summary)
    done = await say(gateway, sender, choice("send"), hint=lang)
    reference = re.search(r"LP-[A-Z0-9]{4}-[A-Z0-9]{4}", texts(done)).group(0)
    [stored] = handoffs_of(sender)
    assert (stored.reference, stored.agency_id, stored.description, stored.contact_value,
            stored.municipality, stored.language) == \
        (reference, agency.id, words, normalised, municipality, lang)
    # erasure removes the handoff together with the conversation
    await say(gateway, sender, "/delete_my_data", hint=lang)
    assert handoffs_of(sender) == []


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_consent_refused_stores_nothing_and_gives_contact(gateway, sender, lang):
    opening, town_text, municipality = OPENINGS[lang]
    agency = await start_and_route(gateway, sender, lang, opening, town_text, municipality)
    refused = await say(gateway, sender, choice("consent_no"), hint=lang)
    assert CONTENT.message("handoff_refused", lang) in texts(refused)
    assert agency.name in texts(refused) or \
        CONTENT.offices["auslaenderbehoerde"]["phone"] in texts(refused)
    assert handoffs_of(sender) == []


async def test_conversation_goes_on_after_a_refusal(gateway, sender):
    await start_and_route(gateway, sender, "ar", *OPENINGS["ar"])
    await say(gateway, sender, choice("consent_no"), hint="ar")
    after = await say(gateway, sender, "كيف بجدد الاقامة تبعي", hint="ar")
    assert CONTENT.answer("residence_permit_extension", "ar").splitlines()[0] in texts(after)


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_cancel_midway_by_typing_the_cancel_word(gateway, sender, lang):
    opened = await say(gateway, sender, OPENINGS[lang][0], hint=lang)
    assert CONTENT.message("handoff_ask_age", lang) in texts(opened)
    await say(gateway, sender, choice("age_27_plus"), hint=lang)
    cancel_word = CONTENT.message("handoff_cancel_words", lang).split(",")[0].strip()
    cancelled = await say(gateway, sender, cancel_word, hint=lang)
    assert CONTENT.message("handoff_cancelled", lang) in texts(cancelled)
    assert handoffs_of(sender) == []


async def test_cancel_button_on_the_summary_sends_nothing(gateway, sender):
    await start_and_route(gateway, sender, "de", "/request_human", "Tornesch", "Tornesch")
    await say(gateway, sender, choice("consent_yes"))
    await say(gateway, sender, "ali@example.org")
    await say(gateway, sender, "Ich brauche Hilfe beim Kindergeld-Antrag.")
    cancelled = await say(gateway, sender, choice("cancel"))
    assert CONTENT.message("handoff_cancelled", "de") in texts(cancelled)
    assert handoffs_of(sender) == []


async def test_youth_goes_to_jmd_without_status_question(gateway, sender):
    await say(gateway, sender, "/request_human", hint="uk")
    await say(gateway, sender, "мені 24", hint="uk")
    proposal = await say(gateway, sender, "Quickborn", hint="uk")
    agency = expected_agency("age_12_26", "Quickborn", None, "uk")
    assert "jmd" in agency.roles
    assert CONTENT.message("route_jmd", "uk") in texts(proposal)


async def test_place_outside_the_district_is_explained(gateway, sender):
    await say(gateway, sender, "/request_human")
    await say(gateway, sender, choice("age_27_plus"))
    answer = await say(gateway, sender, "Hamburg-Altona")
    assert CONTENT.message("handoff_unknown_municipality", "de") in texts(answer)
    assert CONTENT.message("handoff_ask_municipality", "de") in texts(answer)
