"""How the client spreads messages over replicas: two real HTTP servers stand in for Rasa."""
import asyncio
import zlib

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.rasa_client import AssistantUnavailable, RasaClient
from bot.settings import GatewaySettings


def replica(name, seen, hold=None):
    """Answers with its name; while ``hold`` (an asyncio.Event) is unset, it keeps messages
    waiting, as a replica busy with a slow message would."""
    async def webhook(request):
        body = await request.json()
        seen.append((name, body["sender"]))
        if hold is not None:
            await hold.wait()
        seen.append((name, "done " + body["message"]))
        return web.json_response({"messages": [{"text": name}], "language": "de"},
                                 headers={"Server-Timing": "rasa;dur=7.5"})

    app = web.Application()
    app.router.add_post("/webhooks/lotse/webhook", webhook)
    return TestServer(app)


async def started(servers):
    for server in servers:
        await server.start_server()
    return servers


@pytest.fixture
async def replicas():
    seen = []
    servers = await started([replica("one", seen), replica("two", seen)])
    yield servers, seen
    for server in servers:
        await server.close()


@pytest.fixture
async def busy_first_replica():
    """Replica one keeps every message until ``hold`` is set."""
    seen, hold = [], asyncio.Event()
    servers = await started([replica("one", seen, hold), replica("two", seen)])
    yield servers, seen, hold
    hold.set()
    for server in servers:
        await server.close()


def urls(servers):
    return ",".join(str(server.make_url("")).rstrip("/") for server in servers)


def sent(seen):
    return [(name, sender) for name, sender in seen if not sender.startswith("done ")]


@pytest.mark.parametrize("routing", ["sticky", "balanced"])
async def test_one_at_a_time_each_conversation_stays_on_its_replica_and_both_are_used(
        replicas, routing):
    servers, seen = replicas
    client = RasaClient(urls(servers), routing=routing)
    try:
        senders = [f"resident-{i}" for i in range(20)]
        for _ in range(3):
            for sender in senders:
                reply = await client.send(sender, "hallo", {})
                assert reply["rasa_ms"] == 7.5
    finally:
        await client.close()
    by_sender = {}
    for name, sender in sent(seen):
        by_sender.setdefault(sender, set()).add(name)
    assert all(len(names) == 1 for names in by_sender.values())
    assert {name for name, _ in sent(seen)} == {"one", "two"}


@pytest.mark.parametrize("routing,max_in_flight", [("sticky", 0), ("balanced", 0),
                                                   ("balanced", 1)])
async def test_a_conversation_moves_when_its_replica_is_down(replicas, routing, max_in_flight):
    servers, seen = replicas
    client = RasaClient(urls(servers), routing=routing, max_in_flight=max_in_flight)
    try:
        sender = next(s for s in (f"r{i}" for i in range(100)) if client.replica_order(s)[0] == 0)
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
    assert [name for name, _ in sent(seen)] == ["one", "two", "one", "two"]


def test_unknown_routing_is_refused_with_the_setting_name():
    with pytest.raises(ValueError, match="LOTSE_RASA_ROUTING"):
        GatewaySettings.from_env({"LOTSE_RASA_ROUTING": "random"})
    assert GatewaySettings.from_env({}).rasa_routing == "balanced"


@pytest.mark.parametrize("value", ["-1", "zwei", "1.5", "²"])
def test_a_limit_per_replica_must_be_a_whole_number(value):
    with pytest.raises(ValueError, match="LOTSE_RASA_MAX_IN_FLIGHT"):
        GatewaySettings.from_env({"LOTSE_RASA_MAX_IN_FLIGHT": value})
    assert GatewaySettings.from_env({}).rasa_max_in_flight == 2
    assert GatewaySettings.from_env({"LOTSE_RASA_MAX_IN_FLIGHT": "0"}).rasa_max_in_flight == 0


def own_replica(client, index, skip=0):
    """A sender id whose own replica (the hash of the id) is ``index``."""
    owned = (s for s in (f"resident-{i}" for i in range(100))
             if zlib.crc32(s.encode()) % len(client.urls) == index)
    for _ in range(skip):
        next(owned)
    return next(owned)


async def test_balanced_sends_past_a_busy_replica_and_sticky_waits_for_it(busy_first_replica):
    servers, seen, hold = busy_first_replica
    balanced, sticky = RasaClient(urls(servers)), RasaClient(urls(servers), routing="sticky")
    try:
        slow = asyncio.ensure_future(balanced.send(own_replica(balanced, 0), "slow", {}))
        while not sent(seen):
            await asyncio.sleep(0.01)
        # Replica one is busy: a conversation whose own replica is one is answered by two.
        other = own_replica(balanced, 0, skip=1)
        assert (await balanced.send(other, "hallo", {}))["messages"][0]["text"] == "two"
        waiting = asyncio.ensure_future(sticky.send(own_replica(sticky, 0), "waits", {}))
        await asyncio.sleep(0.3)
        assert not waiting.done()  # sticky keeps the message on its busy replica
        hold.set()
        assert (await slow)["messages"][0]["text"] == "one"
        assert (await waiting)["messages"][0]["text"] == "one"
    finally:
        hold.set()
        await balanced.close()
        await sticky.close()


async def test_a_conversations_next_message_waits_for_the_answer_to_the_last(
        busy_first_replica):
    servers, seen, hold = busy_first_replica
    client = RasaClient(urls(servers))
    try:
        sender = own_replica(client, 0)
        first = asyncio.ensure_future(client.send(sender, "first", {}))
        while not sent(seen):
            await asyncio.sleep(0.01)
        second = asyncio.ensure_future(client.send(sender, "second", {}))
        await asyncio.sleep(0.3)
        # Replica two is idle, but the conversation's second message is not sent yet.
        assert sent(seen) == [("one", sender)] and not second.done()
        hold.set()
        await asyncio.gather(first, second)
    finally:
        hold.set()
        await client.close()
    assert [sender for _, sender in seen if sender.startswith("done ")] == \
        ["done first", "done second"]


def counting_replica(name, log, gate):
    """Records how many messages it holds at once; keeps each until ``gate`` is set."""
    state = {"now": 0, "most": 0}

    async def webhook(request):
        body = await request.json()
        state["now"] += 1
        state["most"] = max(state["most"], state["now"])
        log.append(body["message"])
        await gate.wait()
        state["now"] -= 1
        return web.json_response({"messages": [{"text": name}], "language": "de"})

    app = web.Application()
    app.router.add_post("/webhooks/lotse/webhook", webhook)
    return TestServer(app), state


async def test_with_a_limit_per_replica_further_messages_wait_first_come_first_served():
    log, gate = [], asyncio.Event()
    (one, one_state), (two, two_state) = (counting_replica("one", log, gate),
                                          counting_replica("two", log, gate))
    await started([one, two])
    client = RasaClient(urls([one, two]), max_in_flight=1)
    try:
        tasks = []
        for number in range(6):  # six residents, one message each, in this order
            tasks.append(asyncio.ensure_future(client.send(f"resident-{number}",
                                                           f"message {number}", {})))
            await asyncio.sleep(0.05)
        assert sorted(log) == ["message 0", "message 1"]  # one per replica; four wait
        gate.set()
        replies = await asyncio.gather(*tasks)
    finally:
        gate.set()
        await client.close()
        for server in (one, two):
            await server.close()
    assert log == [f"message {number}" for number in range(6)]  # in the order they came
    assert one_state["most"] == two_state["most"] == 1
    assert {reply["messages"][0]["text"] for reply in replies} == {"one", "two"}


async def test_a_message_waits_for_a_free_replica_no_longer_than_the_timeout(replicas):
    servers, seen = replicas
    client = RasaClient(urls(servers[:1]), timeout=0.3, max_in_flight=1)
    try:
        taken = await client._take_replica("someone-else", [])  # the only replica is busy
        with pytest.raises(AssistantUnavailable, match="busy"):
            await client.send("resident", "hallo", {})
        assert sent(seen) == []  # the message never reached the replica
        await client._release_replica(taken)
        assert (await client.send("resident", "hallo", {}))["messages"][0]["text"] == "one"
    finally:
        await client.close()
