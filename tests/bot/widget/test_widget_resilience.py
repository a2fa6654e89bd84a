"""Faults and erasure: the gateway or the assistant away, retry, deleting the conversation."""
import pytest

from tests.bot.widget.helpers import (
    ask, bubbles, first_line, free_port, open_widget, stored, text, tracker_events,
    wait_for_reply, widget_text)

pytestmark = pytest.mark.needs_rasa
QUESTION = "ich brauche einen termin bei der ausländerbehörde"


def test_gateway_down_shows_retry_and_keeps_the_message(page, own_gateway):
    own_gateway.start()
    open_widget(page, own_gateway.url)
    own_gateway.stop()

    page.locator("textarea").fill(QUESTION)
    page.locator("textarea").press("Enter")
    error = page.get_by_role("alert")
    error.wait_for()
    assert widget_text("offline", "de") in error.inner_text()
    assert page.locator("textarea").input_value() == QUESTION  # nothing lost
    assert page.locator(".msg.user").count() == 0  # not shown as if it had been sent

    own_gateway.start()
    page.get_by_role("button", name=widget_text("retry", "de")).click()
    wait_for_reply(page, 1)
    assert page.locator(".error").is_hidden()
    assert page.locator("textarea").input_value() == ""
    assert page.locator(".msg.user .bubble").all_inner_texts() == [QUESTION]
    assert any(first_line("appointment", "de") in bubble for bubble in bubbles(page))


def test_assistant_unreachable_shows_the_apology_then_recovers(page, own_gateway):
    own_gateway.start(rasa_url=f"http://127.0.0.1:{free_port()}")  # nothing listens there
    page.goto(own_gateway.url)
    page.locator(".launcher").click()
    error = page.get_by_role("alert")
    error.wait_for()
    assert widget_text("offline", "de") in error.inner_text()
    assert text("fallback_give_up", "de") in error.inner_text()  # the gateway's 503 answer

    own_gateway.stop()
    own_gateway.start()  # now with the real assistant
    page.get_by_role("button", name=widget_text("retry", "de")).click()
    wait_for_reply(page, 0)
    assert text("greet", "de") in bubbles(page)[0]
    assert error.is_hidden()


def test_delete_my_conversation_erases_it_here_and_on_the_server(page, gateway):
    open_widget(page, gateway.url)
    ask(page, QUESTION)
    sender = stored(page, gateway)["id"]
    assert tracker_events(sender) != 0

    page.get_by_role("button", name=widget_text("delete", "de")).click()
    page.get_by_role("button", name=widget_text("cancel", "de")).click()
    assert stored(page, gateway)["id"] == sender  # cancelled: nothing happened
    page.get_by_role("button", name=widget_text("delete", "de")).click()
    page.get_by_role("button", name=widget_text("delete_yes", "de"), exact=True).click()
    page.wait_for_function("() => !localStorage.getItem(" + repr(f"lotse-widget:{gateway.url}") + ")")
    page.locator(".msg.bot .bubble", has_text=text("delete_my_data", "de")).wait_for()
    assert bubbles(page) == [text("delete_my_data", "de")]
    assert tracker_events(sender) in (0, None)

    ask(page, QUESTION)
    assert stored(page, gateway)["id"] != sender
