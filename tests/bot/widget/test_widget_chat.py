"""The widget in use: questions, languages, buttons, history, and text that looks like HTML."""
import pytest

from tests.bot.widget.helpers import (
    CONTENT, ask, bot_count, bubbles, first_line, open_widget, shadow, stored, text,
    tracker_events, wait_for_reply, widget_text)

pytestmark = pytest.mark.needs_rasa


def test_german_question_gets_the_german_answer_with_safe_links(page, gateway):
    open_widget(page, gateway.url)
    assert text("greet", "de") in bubbles(page)[0]
    ask(page, "ich brauche einen termin bei der ausländerbehörde")
    assert any(first_line("appointment", "de") in bubble for bubble in bubbles(page))
    links = shadow(page, "[...root.querySelectorAll('.log a')].map(a => "
                         "[a.protocol, a.rel, a.target, a.getAttribute('dir')])")
    assert ["https:", "noopener noreferrer", "_blank", "ltr"] in links
    assert {protocol for protocol, *_ in links} <= {"https:", "mailto:", "tel:"}
    phone = CONTENT.offices["auslaenderbehoerde"].get("phone")
    if phone and "phone" not in (CONTENT.offices["auslaenderbehoerde"].get("unconfirmed") or []):
        assert page.locator(".log a[href^='tel:']").first.inner_text() == phone


def test_language_menu_switches_to_arabic_right_to_left(page, gateway):
    open_widget(page, gateway.url)
    page.get_by_role("button", name=widget_text("language", "de")).click()
    before = bot_count(page)
    menu = page.get_by_role("navigation", name=widget_text("language", "de"))
    menu.get_by_role("button", name="العربية").click()
    wait_for_reply(page, before)
    assert text("language_set", "ar") in bubbles(page)[-1]
    panel = page.locator("#lotse-panel")
    assert (panel.get_attribute("dir"), panel.get_attribute("lang")) == ("rtl", "ar")
    assert page.locator(".send").inner_text() == widget_text("send", "ar")
    assert page.locator(".msg.user .bubble").last.inner_text() == "العربية"

    ask(page, "بدي جيب مرتي وولادي لعندي على ألمانيا")
    assert any(first_line("family_reunification", "ar") in bubble for bubble in bubbles(page))
    bubble_style = shadow(page, "(s => [s.direction, s.unicodeBidi])(getComputedStyle("
                                "[...root.querySelectorAll('.msg.bot .bubble')].at(-2)))")
    assert bubble_style == ["rtl", "plaintext"]
    # Mirrored: the assistant's bubbles start at the right edge, the resident's at the left.
    bot_box = page.locator(".msg.bot").last.bounding_box()
    user_box = page.locator(".msg.user").last.bounding_box()
    panel_box = panel.bounding_box()
    assert bot_box["x"] + bot_box["width"] > panel_box["x"] + panel_box["width"] - 30
    assert user_box["x"] < panel_box["x"] + 30


def test_a_button_sends_its_payload_and_disables_older_buttons(page, gateway):
    open_widget(page, gateway.url)
    ask(page, "ich brauche einen termin bei der ausländerbehörde")
    menu = CONTENT.button("menu", "de")
    before = bot_count(page)
    page.locator(".chip:enabled", has_text=menu).click()
    wait_for_reply(page, before)
    assert page.locator(".msg.user .bubble").last.inner_text() == menu
    assert text("help", "de") in bubbles(page)[-1]
    assert page.locator(".msg.bot").nth(before - 1).locator(".chip:enabled").count() == 0
    newest_chips = page.locator(".msg.bot").last.locator(".chip")
    assert newest_chips.count() > 0 and newest_chips.first.is_enabled()


def test_reload_shows_the_history_and_continues_the_conversation(page, gateway):
    open_widget(page, gateway.url)
    ask(page, "ich brauche einen termin bei der ausländerbehörde")
    history, sender = bubbles(page), stored(page, gateway)["id"]
    events = tracker_events(sender)

    page.reload()
    page.locator("#lotse-panel").wait_for(state="visible")  # it was open: it stays open
    assert bubbles(page) == history
    assert page.locator(".msg.bot").last.locator(".chip:enabled").count() > 0
    ask(page, "wie lange dauert die einbürgerung")
    assert bubbles(page)[:len(history)] == history and len(bubbles(page)) > len(history)
    assert stored(page, gateway)["id"] == sender
    if events is not None:
        assert tracker_events(sender) > events > 0


def test_html_in_a_message_is_shown_as_text_and_never_run(page, gateway):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_widget(page, gateway.url)
    attack = "<img src=x onerror=alert(1)>"
    ask(page, attack)
    ask(page, "<script>alert(2)</script><b>fett</b>")
    user_bubbles = page.locator(".msg.user .bubble").all_inner_texts()
    assert user_bubbles == [attack, "<script>alert(2)</script><b>fett</b>"]
    assert shadow(page, "root.querySelectorAll('.log img, .log script, .log b').length") == 0
    page.wait_for_timeout(300)
    assert dialogs == []
