"""Scale-out stack: PostgreSQL + Redis, two Rasa replicas each with its own action server,
and the gateway in front of both (round-robin: every message to the next replica, which the
Redis lock store makes safe). Started once for the package."""
import subprocess

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer

from bot.gateway import create_app
from bot.settings import GatewaySettings
from tests.scale.services import ROOT, Postgres, Redis, Replica, rasa_python, stores_env


@pytest.fixture(scope="package")
def stack(tmp_path_factory):
    logs = tmp_path_factory.mktemp("scale-logs")
    postgres, redis = Postgres().start(), Redis().start()
    env = stores_env(postgres, redis)
    replicas = []
    try:
        # The tables first: replicas starting together raced on creating them.
        subprocess.run([rasa_python(), "-m", "lotse.db_setup"], cwd=ROOT, env=env, check=True,
                       capture_output=True, timeout=300)
        # replica 1 logs at INFO, replica 2 at DEBUG: the privacy test reads both
        replicas = [Replica(env, logs, f"replica{i}", debug=(i == 2)).start() for i in (1, 2)]
        for replica in replicas:
            replica.wait()
        yield {"postgres": postgres, "replicas": replicas, "env": env, "logs": logs}
    finally:
        for replica in replicas:
            replica.stop()
        redis.stop()
        postgres.stop()


@pytest_asyncio.fixture
async def gateway(stack):
    urls = ",".join(replica.url for replica in stack["replicas"])
    settings = GatewaySettings(rasa_url=urls, rasa_timeout=60, rasa_routing="round_robin")
    client = TestClient(TestServer(create_app(settings)))
    await client.start_server()
    yield client
    await client.close()
