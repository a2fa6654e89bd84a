"""Two Rasa replicas on PostgreSQL + Redis behave as one assistant."""
import asyncio
import json
import re
import uuid

from sqlalchemy import create_engine, text

from lotse import content as content_module
from lotse.handoff.models import Handoff
from lotse.handoff.store import HandoffStore, sender_key
from lotse.conversation_ids import widget_conversation

CONTENT = content_module.load()
QUESTIONS = {
    "de": ["wie kann ich meinen aufenthaltstitel verlängern", "was kostet das",
           "wo kann ich deutsch lernen", "danke"],
    "ar": ["كيف بجدد الاقامة", "قديش بتكلف", "وين بتعلم الماني", "شكرا"],
    "uk": ["як продовжити дозвіл на проживання", "скільки це коштує",
           "де вивчати німецьку", "дякую"],
    "tr": ["oturum iznimi nasıl uzatırım", "ne kadar tutar", "nerede almanca öğrenebilirim",
           "teşekkürler"],
    "fa": ["چطوری اقامتم رو تمدید کنم", "هزینه اش چقدره", "کجا آلمانی یاد بگیرم", "مرسی"],
}


async def say(gateway, sender, text, hint="de"):
    response = await gateway.post("/api/messages", json={
        "sender_id": sender, "text": text, "language_hint": hint})
    assert response.status == 200, await response.text()
    return await response.json()


def user_events(stack, sender):
    engine = create_engine(stack["postgres"].url("rasa"))
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT type_name, data FROM events WHERE sender_id = :s ORDER BY id"),
                {"s": widget_conversation(sender)}).all()
    finally:
        engine.dispose()
    return [json.loads(data).get("text") for kind, data in rows if kind == "user"]


def choice(value):
    return "/affirm" + json.dumps({"handoff_choice": value})


async def test_turns_alternating_between_replicas_stay_one_conversation(stack, gateway):
    sender = "scale-" + uuid.uuid4().hex
    turns = ["/request_human", choice("age_27_plus"), "ich wohne in wedel",
             choice("status:other"), choice("agency_ok"), choice("consent_yes"),
             "0176 1234 5678", "Ich brauche Hilfe beim Antrag auf Wohngeld.", choice("send")]
    for turn in turns:  # the gateway alternates replicas message by message
        reply = await say(gateway, sender, turn)
    reference = re.search(r"LP-[A-Z0-9]{4}-[A-Z0-9]{4}", reply["messages"][0]["text"]).group(0)
    store = HandoffStore(stack["env"]["LOTSE_DATABASE_URL"])
    with store.session() as session:
        key = sender_key(widget_conversation(sender))
        stored = session.query(Handoff).filter(Handoff.sender_key == key).one()
    assert (stored.reference, stored.municipality, stored.contact_value) == \
        (reference, "Wedel", "017612345678")
    assert user_events(stack, sender) == turns


async def test_200_concurrent_messages_from_50_residents_lose_no_event(stack, gateway):
    languages = sorted(QUESTIONS)
    residents = [(f"load-{i}-{uuid.uuid4().hex[:8]}", languages[i % len(languages)])
                 for i in range(50)]

    async def resident(sender, lang):
        answers = []
        for question in QUESTIONS[lang]:
            answers.append(await say(gateway, sender, question, hint=lang))
        return answers

    results = await asyncio.gather(*(resident(s, lang) for s, lang in residents))
    assert sum(len(r) for r in results) == 200
    for (sender, lang), answers in zip(residents, results):
        assert all(a["messages"] for a in answers)
        assert answers[0]["language"] == lang
        assert user_events(stack, sender) == QUESTIONS[lang]
    first_lines = {lang: CONTENT.answer("residence_permit_extension", lang).splitlines()[0]
                   for lang in languages}
    for (sender, lang), answers in zip(residents, results):
        assert first_lines[lang] in answers[0]["messages"][0]["text"], (lang, sender)


async def test_logs_at_info_and_debug_hold_no_message_text_or_contact_data(stack, gateway,
                                                                          caplog):
    caplog.set_level("DEBUG")
    sender = "privacy-" + uuid.uuid4().hex
    secrets = ["Meine Nummer ist 0176 9876 5432", "schreib an lina.haddad@example.org",
               "زوجي عم يضربني كل يوم", "Мій чоловік погрожує мені"]
    for text_ in secrets:
        await say(gateway, sender, text_)
    for turn in ["/request_human", choice("age_27_plus"), "Uetersen", choice("status:other"),
                 choice("agency_ok"), choice("consent_yes"), "lina.haddad@example.org",
                 "Bitte rufen Sie mich an, mein Visum läuft ab. 0176 9876 5432", choice("send")]:
        await say(gateway, sender, turn)
    logs = {path.name: path.read_text(encoding="utf-8", errors="replace")
            for path in stack["logs"].iterdir()}
    logs["gateway (in process)"] = caplog.text
    assert "DEBUG" in logs["replica2-rasa.log"] and "DEBUG" in logs["replica2-actions.log"]
    # The number in every form it could be logged in; "9876" alone turned up inside another
    # test's random (hex) conversation id.
    needles = ["9876 5432", "98765432", "0176 9876", "lina.haddad", "example.org", "يضربني",
               "погрожує", "Visum läuft", "Meine Nummer"]
    for name, log in logs.items():
        found = [needle for needle in needles if needle in log]
        assert not found, f"{name} contains {found}"
