"""How the client spreads messages over replicas: two real HTTP servers stand in for Rasa."""
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.rasa_client import AssistantUnavailable, RasaClient
from bot.settings import GatewaySettings


def replica(name, seen):
    async def webhook(request):
        body = await request.json()
        seen.append((name, body["sender"]))
        return web.json_response({"messages": [{"text": name}], "language": "de"},
                                 headers={"Server-Timing": "rasa;dur=7.5"})

    app = web.Application()
    app.router.add_post("/webhooks/lotse/webhook", webhook)
    return TestServer(app)


@pytest.fixture
async def replicas():
    seen = []
    servers = [replica("one", seen), replica("two", seen)]
    for server in servers:
        await server.start_server()
    yield servers, seen
    for server in servers:
        await server.close()


def urls(servers):
    return ",".join(str(server.make_url("")).rstrip("/") for server in servers)


async def test_sticky_keeps_each_conversation_on_one_replica_and_uses_both(replicas):
    servers, seen = replicas
    client = RasaClient(urls(servers))
    try:
        senders = [f"resident-{i}" for i in range(20)]
        for _ in range(3):
            for sender in senders:
                reply = await client.send(sender, "hallo", {})
                assert reply["rasa_ms"] == 7.5
    finally:
        await client.close()
    by_sender = {}
    for name, sender in seen:
        by_sender.setdefault(sender, set()).add(name)
    assert all(len(names) == 1 for names in by_sender.values())
    assert {name for name, _ in seen} == {"one", "two"}


async def test_sticky_moves_a_conversation_when_its_replica_is_down(replicas):
    servers, seen = replicas
    client = RasaClient(urls(servers))
    try:
        sender = next(s for s in (f"r{i}" for i in range(100)) if client.first_replica(s) == 0)
        assert (await client.send(sender, "hallo", {}))["messages"][0]["text"] == "one"
        await servers[0].close()
        assert (await client.send(sender, "hallo", {}))["messages"][0]["text"] == "two"
        await servers[1].close()
        with pytest.raises(AssistantUnavailable):
            await client.send(sender, "hallo", {})
    finally:
        await client.close()


async def test_round_robin_alternates_replicas_message_by_message(replicas):
    servers, seen = replicas
    client = RasaClient(urls(servers), routing="round_robin")
    try:
        for _ in range(4):
            await client.send("one-resident", "hallo", {})
    finally:
        await client.close()
    assert [name for name, _ in seen] == ["one", "two", "one", "two"]


def test_unknown_routing_is_refused_with_the_setting_name():
    with pytest.raises(ValueError, match="LOTSE_RASA_ROUTING"):
        GatewaySettings.from_env({"LOTSE_RASA_ROUTING": "random"})
    assert GatewaySettings.from_env({}).rasa_routing == "sticky"
