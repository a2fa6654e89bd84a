"""Runs hypothesis against real servers from plain (sync) tests: one event loop per module."""
import asyncio
import os

import pytest
from aiohttp.test_utils import TestClient, TestServer


class LoopClient:
    """An aiohttp test client driven from synchronous hypothesis tests."""

    def __init__(self, app_or_url):
        self.loop = asyncio.new_event_loop()
        self.base_url = app_or_url if isinstance(app_or_url, str) else None
        self.client = None
        if self.base_url is None:
            self.client = TestClient(TestServer(app_or_url), loop=self.loop)
            self.loop.run_until_complete(self.client.start_server())
        else:
            import aiohttp
            self.session = self.loop.run_until_complete(self._session())

    async def _session(self):
        import aiohttp
        return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120))

    def request(self, method, path, **kwargs):
        async def call():
            if self.client is not None:
                response = await self.client.request(method, path, **kwargs)
            else:
                response = await self.session.request(method, self.base_url + path, **kwargs)
            body = await response.read()
            return response.status, response.headers, body
        return self.loop.run_until_complete(call())

    def close(self):
        if self.client is not None:
            self.loop.run_until_complete(self.client.close())
        else:
            self.loop.run_until_complete(self.session.close())
        self.loop.close()


@pytest.fixture(scope="module")
def rasa_url():
    url = os.environ.get("LOTSE_RASA_URL")
    if not url:
        pytest.skip("needs the running assistant (LOTSE_RASA_URL)")
    return url.rstrip("/")
