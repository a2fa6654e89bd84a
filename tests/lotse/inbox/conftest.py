"""Fixtures of the inbox tests: a content copy with test agencies, a temporary SQLite store,
users, handoffs and real HTTP clients (aiohttp TestServer on loopback)."""
import re
import shutil
from pathlib import Path

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer

from lotse import content as content_module
from lotse.handoff.models import InboxUser
from lotse.handoff.store import HandoffRequest, HandoffStore
from lotse.inbox import auth
from lotse.inbox.app import create_app
from lotse.inbox.settings import InboxSettings

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "ein-langes-test-passwort"
AGENCY_A = "beratung_elmshorn"
AGENCY_B = "beratung_pinneberg"
AGENCIES_YML = """
agencies:
  abh_service_desk: {name: "Ausländerbehörde Servicebereich", provider: "", roles: [service_desk], municipalities: [all], languages: [de], address: "", phone: "", email: "", website: "", opening_hours: "", hotline: "", handoff: {email: "", webhook_url: "", webhook_secret_env: ""}, source: "test", checked: 2026-11-26, unconfirmed: [], note: ""}
  beratung_elmshorn: {name: "Testberatung Elmshorn", provider: "", roles: [mbe], municipalities: [Elmshorn], languages: [de, ar], address: "", phone: "", email: "", website: "", opening_hours: "", hotline: "", handoff: {email: "", webhook_url: "", webhook_secret_env: ""}, source: "test", checked: 2026-11-26, unconfirmed: [], note: ""}
  beratung_pinneberg: {name: "Testberatung Pinneberg", provider: "", roles: [mbe], municipalities: [Pinneberg], languages: [de], address: "", phone: "", email: "", website: "", opening_hours: "", hotline: "", handoff: {email: "", webhook_url: "", webhook_secret_env: ""}, source: "test", checked: 2026-11-26, unconfirmed: [], note: ""}
"""
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="session")
def content_dir(tmp_path_factory):
    """The project's content with our own agencies.yml (the real one may change any time)."""
    target = tmp_path_factory.mktemp("inbox") / "content"
    shutil.copytree(ROOT / "content", target)
    (target / "agencies.yml").write_text(AGENCIES_YML, encoding="utf-8")
    return target


@pytest.fixture(scope="session")
def content(content_dir):
    return content_module.load(content_dir)


@pytest.fixture(scope="session")
def password_hash():
    return auth.hash_password(PASSWORD)


@pytest.fixture
def store(tmp_path):
    handoff_store = HandoffStore(f"sqlite:///{tmp_path}/t.db")
    handoff_store.create_schema()
    yield handoff_store
    handoff_store.engine.dispose()


@pytest.fixture
def users(store, password_hash):
    """user_a works for agency A, user_b for agency B, ops is an operator."""
    def add(session):
        session.add_all([
            InboxUser(username="user_a", agency_id=AGENCY_A, role="agency",
                      password_hash=password_hash),
            InboxUser(username="user_b", agency_id=AGENCY_B, role="agency",
                      password_hash=password_hash),
            InboxUser(username="ops", agency_id=None, role="operator",
                      password_hash=password_hash)])
    store.write(add)


def add_handoff(store, agency_id, description="Ich brauche Hilfe bei der Wohnungssuche.",
                language="de", topic="housing", municipality="Elmshorn", channels=()):
    return store.create(HandoffRequest(
        sender_id="sender-1", channel="widget", agency_id=agency_id, role="mbe",
        reason_de="Migrationsberatung für Erwachsene", topic=topic, language=language,
        contact_method="email", contact_value="person@example.org",
        municipality=municipality, age_group="age_27_plus", status="other",
        description=description, delivery_channels=list(channels)))


@pytest_asyncio.fixture
async def make_client(store, content):
    clients = []

    async def make(**overrides):
        settings = InboxSettings(**{"secure_cookies": False, **overrides})
        client = TestClient(TestServer(create_app(store, content, settings)))
        await client.start_server()
        clients.append(client)
        return client
    yield make
    for client in clients:
        await client.close()


def csrf_token(page: str) -> str:
    match = CSRF_FIELD.search(page)
    assert match, "no csrf_token field in the page"
    return match.group(1)


async def post_login(client, username, password=PASSWORD):
    form_page = await client.get("/login")
    assert form_page.status == 200
    return await client.post("/login", allow_redirects=False, data={
        "csrf_token": csrf_token(await form_page.text()), "username": username,
        "password": password})


async def logged_in(make_client, username, **settings):
    client = await make_client(**settings)
    response = await post_login(client, username)
    assert response.status == 303, await response.text()
    return client


async def page_csrf(client, path="/"):
    """The session's CSRF token, read from a page's logout form."""
    response = await client.get(path)
    assert response.status == 200
    return csrf_token(await response.text())


def plant_session_cookie(client, value):
    client.session.cookie_jar.update_cookies({"lotse_inbox": value},
                                             response_url=client.make_url("/"))


def session_cookie(client):
    for cookie in client.session.cookie_jar:
        if cookie.key == "lotse_inbox":
            return cookie.value
    return None
