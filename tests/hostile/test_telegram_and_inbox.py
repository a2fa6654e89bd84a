"""Generated hostile input against the Telegram webhook and the agency inbox's forms."""
import asyncio
import json
import re
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from bot.telegram.app import create_bot, create_dispatcher
from bot.telegram.settings import TelegramSettings
from bot.telegram.webhook import create_webhook_app
from lotse.handoff.models import InboxUser
from lotse.handoff.store import HandoffStore
from lotse.inbox import auth
from lotse.inbox.app import create_app as create_inbox
from lotse.inbox.settings import InboxSettings
from tests.bot.telegram import updates
from tests.bot.telegram.bot_api_standin import StandIn
from tests.bot.telegram.support import CONTENT, TOKEN
from tests.hostile.conftest import LoopClient
from tests.hostile.strategies import content_types, json_values, raw_bodies, texts
from tests.lotse.inbox.conftest import AGENCIES_YML, AGENCY_A, PASSWORD, add_handoff

SECRET = "hostile-Secret_token"
RUNS = settings(max_examples=1000, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))
USER_ID = 4242424242

telegram_updates = st.one_of(
    texts.map(lambda text: updates.text(USER_ID, text)),
    st.builds(lambda data: {"callback_query": {"id": "1", "from": updates.user(USER_ID),
                                               "chat_instance": "1", "data": data}}, texts),
    st.dictionaries(st.sampled_from(["message", "edited_message", "callback_query", "poll",
                                     "channel_post", "my_chat_member", "x"]),
                    json_values, max_size=2),
).map(lambda update: {"update_id": 1, **update})


@pytest.fixture(scope="module")
def telegram(rasa_url):
    loop_client = LoopClient("http://placeholder")
    loop = loop_client.loop
    standin = loop.run_until_complete(StandIn(TOKEN).start())
    bot_settings = replace(TelegramSettings(token=TOKEN, api_url=standin.url, rasa_url=rasa_url,
                                            rasa_timeout=60.0),
                           mode="webhook", webhook_url="https://lotse.example.org/tg",
                           webhook_secret=SECRET)
    bot = create_bot(bot_settings)
    app = create_webhook_app(bot, create_dispatcher(bot_settings, CONTENT), bot_settings)
    from aiohttp.test_utils import TestServer
    server = TestServer(app, host="127.0.0.1", loop=loop)
    loop.run_until_complete(server.start_server())
    loop_client.base_url = str(server.make_url(bot_settings.webhook_path))
    yield loop_client, standin
    loop.run_until_complete(server.close())
    loop.run_until_complete(standin.stop())
    loop_client.close()


@RUNS
@given(body=raw_bodies(telegram_updates), content_type=content_types,
       secret=st.sampled_from([SECRET, SECRET, SECRET, "", "wrong"]))
def test_telegram_webhook_never_fails(telegram, body, content_type, secret):
    client, _ = telegram
    status, _, _ = client.request("POST", "", data=body, headers={
        "Content-Type": content_type, "X-Telegram-Bot-Api-Secret-Token": secret})
    assert status < 500
    if secret != SECRET:
        assert status in (401, 403)


def test_telegram_bot_still_answers_afterwards(telegram):
    client, standin = telegram
    user_id = updates.new_user_id()
    status, _, _ = client.request("POST", "", json={"update_id": 2, **updates.text(
        user_id, "ich brauche einen termin")}, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
    assert status == 200
    texts_ = client.loop.run_until_complete(standin.wait_for_texts(user_id, 1))
    assert CONTENT.answer("appointment", "de").splitlines()[0] in texts_[0]


form_fields = st.dictionaries(
    st.sampled_from(["username", "password", "csrf_token", "x", ""]) | st.text(max_size=12),
    texts, max_size=5)
form_bodies = st.one_of(
    form_fields.map(lambda d: "&".join(f"{k}={v}" for k, v in d.items())
                    .encode("utf-8", errors="surrogatepass")),
    st.binary(max_size=2000), st.just(b"a=" + b"x" * 100_000))


@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    import shutil
    from lotse import content as content_module
    from tests.lotse.inbox.conftest import ROOT

    folder = tmp_path_factory.mktemp("hostile-inbox")
    shutil.copytree(ROOT / "content", folder / "content")
    (folder / "content" / "agencies.yml").write_text(AGENCIES_YML, encoding="utf-8")
    content = content_module.load(folder / "content")
    store = HandoffStore(f"sqlite:///{folder}/inbox.db")
    store.create_schema()
    store.write(lambda s: s.add(InboxUser(username="user_a", agency_id=AGENCY_A, role="agency",
                                          password_hash=auth.hash_password(PASSWORD))))
    reference = add_handoff(store, AGENCY_A)
    # Default login limits: after a few failures the hammering gets 429, which is an answer too.
    client = LoopClient(create_inbox(store, content, InboxSettings(secure_cookies=False)))
    page = client.request("GET", "/login")[2].decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    status, _, _ = client.request("POST", "/login", data={
        "username": "user_a", "password": PASSWORD, "csrf_token": token}, allow_redirects=False)
    assert status == 303
    yield client, reference, store
    client.close()


@RUNS
@given(body=form_bodies, content_type=content_types,
       path=st.sampled_from(["/login", "/logout", "/handoffs/{ref}/accept",
                             "/handoffs/{ref}/close", "/handoffs/LP-XXXX-XXXX/accept",
                             "/handoffs/%00/close", "/nichts"]))
def test_inbox_forms_never_fail(inbox, body, content_type, path):
    client, reference, _ = inbox
    if path == "/logout":
        path = "/handoffs/{ref}/accept"  # logging out would end the session the suite uses
    status, _, page = client.request("POST", path.format(ref=reference), data=body,
                                     headers={"Content-Type": content_type},
                                     allow_redirects=False)
    assert status < 500, page[:300]


@RUNS
@given(query=st.dictionaries(st.sampled_from(["status", "tage", "x"]), texts, max_size=2),
       path=st.sampled_from(["/", "/handoffs/{ref}", "/betrieb", "/login"]))
def test_inbox_pages_never_fail(inbox, query, path):
    client, reference, _ = inbox
    safe = {k: v.encode("utf-8", errors="replace").decode("utf-8") for k, v in query.items()}
    status, _, page = client.request("GET", path.format(ref=reference), params=safe,
                                     allow_redirects=False)
    assert status < 500, page[:300]
