"""The embedded default with two Rasa replicas: one SQLite tracker file, in-memory locks, and
the gateway sending one message per conversation at a time, to the less busy replica
(balanced, the default) or always to the conversation's own (sticky)."""
import asyncio
import json
import sqlite3
import subprocess
import uuid

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer

from bot.gateway import CLIENT, create_app
from bot.settings import GatewaySettings
from tests.scale.services import ROOT, Replica, base_env, rasa_python
from tests.scale.test_scale_out import QUESTIONS, choice, say
from lotse.conversation_ids import widget_conversation


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    data = tmp_path_factory.mktemp("embedded")
    env = base_env({"LOTSE_TRACKER_DIALECT": "sqlite", "LOTSE_TRACKER_DB": str(data / "tracker.db"),
                    "LOTSE_DATABASE_URL": f"sqlite:///{data}/lotse.db"})
    subprocess.run([rasa_python(), "-m", "lotse.db_setup"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=300)
    replicas = []
    try:
        replicas = [Replica(env, data, f"embedded{i}", endpoints="endpoints.yml").start()
                    for i in (1, 2)]
        for replica in replicas:
            replica.wait()
        yield {"replicas": replicas, "tracker": data / "tracker.db"}
    finally:
        for replica in replicas:
            replica.stop()


@pytest_asyncio.fixture(params=["balanced", "sticky"])
async def gateway(embedded, request):
    urls = ",".join(replica.url for replica in embedded["replicas"])
    settings = GatewaySettings(rasa_url=urls, rasa_timeout=60, rasa_routing=request.param)
    client = TestClient(TestServer(create_app(settings)))
    await client.start_server()
    yield client
    await client.close()


def user_texts(embedded, sender):
    with sqlite3.connect(embedded["tracker"], timeout=30) as connection:
        rows = connection.execute("SELECT type_name, data FROM events WHERE sender_id = ? "
                                  "ORDER BY id", (widget_conversation(sender),)).fetchall()
    return [json.loads(data).get("text") for kind, data in rows if kind == "user"]


def test_the_shared_sqlite_file_is_in_write_ahead_mode(embedded):
    with sqlite3.connect(embedded["tracker"]) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_200_concurrent_messages_on_two_replicas_lose_no_event(embedded, gateway):
    languages = sorted(QUESTIONS)
    residents = [(f"embedded-{i}-{uuid.uuid4().hex[:8]}", languages[i % len(languages)])
                 for i in range(50)]

    async def resident(sender, lang):
        return [await say(gateway, sender, question, hint=lang)
                for question in QUESTIONS[lang]]

    results = await asyncio.gather(*(resident(s, lang) for s, lang in residents))
    for (sender, lang), answers in zip(residents, results):
        assert all(a["messages"] for a in answers)
        assert answers[0]["language"] == lang
        assert user_texts(embedded, sender) == QUESTIONS[lang]
    answered = gateway.server.app[CLIENT].answered
    assert sum(answered) == 200 and min(answered) > 0, answered  # both replicas worked


async def test_a_handoff_conversation_stays_whole(embedded, gateway):
    sender = "embedded-handoff-" + uuid.uuid4().hex
    turns = ["/request_human", choice("age_27_plus"), "ich wohne in wedel",
             choice("status:other"), choice("agency_ok"), choice("consent_yes"),
             "0176 1234 5678", "Ich brauche Hilfe beim Antrag auf Wohngeld.", choice("send")]
    for turn in turns:
        reply = await say(gateway, sender, turn)
    assert "LP-" in reply["messages"][0]["text"]
    assert user_texts(embedded, sender) == turns
