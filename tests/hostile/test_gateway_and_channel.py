"""Generated hostile input against the widget path (gateway) and Lotse's Rasa channel.

Never a 5xx, never a crash: a clear answer (200 with messages) or a 4xx with a reason, and the
services still answer a normal question afterwards.
"""
import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from bot.gateway import create_app
from bot.settings import GatewaySettings
from lotse import content as content_module
from tests.hostile.conftest import LoopClient
from tests.hostile.strategies import content_types, raw_bodies, texts

CONTENT = content_module.load()
SENDERS = ["hostile-sender-%02d" % i for i in range(8)]
RUNS = settings(max_examples=1000, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))

widget_messages = st.fixed_dictionaries(
    {"sender_id": st.sampled_from(SENDERS) | st.text(max_size=80), "text": texts},
    optional={"language_hint": st.sampled_from(["de", "ar", "fa-IR", "xx", "", "<b>"])
              | st.text(max_size=20)})
channel_messages = st.fixed_dictionaries(
    {"sender": st.sampled_from(SENDERS) | st.text(max_size=150), "message": texts},
    optional={"metadata": st.dictionaries(st.sampled_from(["channel", "language_hint", "x"]),
                                          st.text(max_size=30) | st.integers(), max_size=3)})


@pytest.fixture(scope="module")
def gateway(rasa_url):
    client = LoopClient(create_app(GatewaySettings(rasa_url=rasa_url, rasa_timeout=60)))
    yield client
    client.close()


@pytest.fixture(scope="module")
def channel(rasa_url):
    client = LoopClient(rasa_url)
    yield client
    client.close()


def check(status, body, ok_key):
    assert status < 500, body[:300]
    data = json.loads(body)
    if status == 200:
        assert isinstance(data.get(ok_key), list)
        assert all(isinstance(m.get("text"), str) for m in data[ok_key])
    else:
        assert 400 <= status < 500 and data.get("error"), data


@RUNS
@given(body=raw_bodies(widget_messages), content_type=content_types)
def test_widget_path_never_fails(gateway, body, content_type):
    status, _, answer = gateway.request("POST", "/api/messages", data=body,
                                        headers={"Content-Type": content_type})
    check(status, answer, "messages")


@RUNS
@given(body=raw_bodies(channel_messages), content_type=content_types)
def test_rasa_channel_never_fails(channel, body, content_type):
    status, _, answer = channel.request("POST", "/webhooks/lotse/webhook", data=body,
                                        headers={"Content-Type": content_type})
    check(status, answer, "messages")


def test_still_answers_normally_afterwards(gateway, channel):
    status, _, body = gateway.request("POST", "/api/messages", json={
        "sender_id": "hostile-after-1", "text": "ich brauche einen termin"})
    assert status == 200
    assert CONTENT.answer("appointment", "de").splitlines()[0] in json.loads(body)["messages"][0]["text"]
    status, _, body = channel.request("POST", "/webhooks/lotse/webhook", json={
        "sender": "hostile-after-2", "message": "بدي موعد"})
    assert status == 200 and json.loads(body)["language"] == "ar"
