"""Faults on the scale-out stack: an action server killed mid-conversation, a Rasa replica
restarted. The resident gets an apology with the office contact, and the conversation
continues from the PostgreSQL tracker store when the service is back."""
import json
import uuid

import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer

from bot.gateway import create_app
from bot.settings import GatewaySettings
from lotse import content as content_module

CONTENT = content_module.load()


def choice(value):
    return "/affirm" + json.dumps({"handoff_choice": value})


async def say(client, sender, text, hint="de"):
    response = await client.post("/api/messages", json={
        "sender_id": sender, "text": text, "language_hint": hint})
    return response.status, await response.json()


@pytest_asyncio.fixture
async def to_replica(stack):
    """A gateway in front of one replica only, to aim faults at it."""
    clients = []

    async def make(replica):
        client = TestClient(TestServer(create_app(GatewaySettings(rasa_url=replica.url,
                                                                  rasa_timeout=60))))
        await client.start_server()
        clients.append(client)
        return client
    yield make
    for client in clients:
        await client.close()


async def test_action_server_killed_mid_conversation_then_back(stack, to_replica):
    replica = stack["replicas"][0]
    gateway = await to_replica(replica)
    sender = "fault-actions-" + uuid.uuid4().hex
    status, data = await say(gateway, sender, "/request_human", hint="tr")
    assert status == 200 and CONTENT.message("handoff_ask_age", "tr") in str(data)
    replica.kill(replica.actions)
    status, data = await say(gateway, sender, choice("age_27_plus"), hint="tr")
    assert status == 200
    text = data["messages"][0]["text"]
    assert CONTENT.message("fallback_give_up", "tr") in text
    assert CONTENT.offices["auslaenderbehoerde"]["phone"] in text
    replica.start_actions()
    replica.wait()
    status, data = await say(gateway, sender, choice("age_27_plus"), hint="tr")
    assert status == 200
    assert CONTENT.message("handoff_ask_municipality", "tr") in data["messages"][0]["text"]


async def test_rasa_restarted_conversation_continues_from_the_tracker_store(stack, to_replica):
    replica = stack["replicas"][1]
    gateway = await to_replica(replica)
    sender = "fault-rasa-" + uuid.uuid4().hex
    await say(gateway, sender, "/request_human", hint="uk")
    await say(gateway, sender, choice("age_12_26"), hint="uk")
    replica.kill(replica.rasa)
    status, data = await say(gateway, sender, "Pinneberg", hint="uk")
    assert status == 503 and data["unavailable"] is True  # the only replica is down
    assert CONTENT.offices["auslaenderbehoerde"]["phone"] in data["messages"][0]["text"]
    replica.start_rasa()
    replica.wait()
    status, data = await say(gateway, sender, "Pinneberg", hint="uk")
    assert status == 200
    # the form went on where it was: the next step after the municipality is the proposal
    assert CONTENT.message("route_jmd", "uk") in data["messages"][0]["text"]


async def test_a_replica_down_is_skipped_by_the_gateway(stack, gateway):
    replica = stack["replicas"][0]
    replica.kill(replica.rasa)
    try:
        sender = "fault-skip-" + uuid.uuid4().hex
        for question in ("wie verlängere ich meinen titel", "was kostet das", "danke"):
            status, data = await say(gateway, sender, question)
            assert status == 200 and data["messages"]
    finally:
        replica.start_rasa()
        replica.wait()
