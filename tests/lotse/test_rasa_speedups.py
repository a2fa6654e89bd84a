"""Rasa's calls to the action server share one kept-alive connection (lotse.rasa_speedups)."""
import asyncio

from aiohttp import web

from lotse import rasa_speedups


async def calls_to_an_endpoint():
    from rasa.utils.endpoints import EndpointConfig

    rasa_speedups.install()
    peers = []

    async def webhook(request):
        peers.append(request.transport.get_extra_info("peername"))
        return web.json_response({"events": [], "responses": []})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
    try:
        for _ in range(3):
            assert await endpoint.request(json={"next_action": "x"}, method="post") == \
                {"events": [], "responses": []}
        assert len(peers) == 3 and len(set(peers)) == 1
        # idle longer than the keep-alive: a fresh connection, and the call still works
        await asyncio.sleep(rasa_speedups.KEEPALIVE_SECONDS + 1)
        await endpoint.request(json={"next_action": "x"}, method="post")
        assert len(set(peers)) == 2
    finally:
        if "_lotse_session" in endpoint.__dict__:
            await endpoint.__dict__["_lotse_session"][1].close()
        await runner.cleanup()


def test_calls_to_an_endpoint_reuse_one_connection():
    asyncio.run(calls_to_an_endpoint())
