"""Gateway tests run against the real assistant started by scripts/test.sh (LOTSE_RASA_URL)."""
import os
import uuid

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer

from bot.gateway import create_app
from bot.settings import GatewaySettings


def pytest_collection_modifyitems(config, items):
    if not os.environ.get("LOTSE_RASA_URL"):
        skip = pytest.mark.skip(reason="needs the running assistant (LOTSE_RASA_URL)")
        for item in items:
            if "needs_rasa" in item.keywords:
                item.add_marker(skip)


@pytest_asyncio.fixture
async def gateway():
    client = TestClient(TestServer(create_app(GatewaySettings.from_env())))
    await client.start_server()
    yield client
    await client.close()


@pytest.fixture
def sender():
    return "test-" + uuid.uuid4().hex
