"""The widget on another website: one script tag, CORS for allowed origins only, isolated styles."""
import pytest

from tests.bot.widget.helpers import ask, first_line, bubbles, open_widget, widget_text


@pytest.mark.needs_rasa
def test_embedded_on_an_allowed_site_it_talks_and_keeps_its_looks(make_page, gateway, host_site):
    page = make_page(locale="fr-FR")  # no supported browser language: data-lang="tr" applies
    open_widget(page, host_site.url("localhost", gateway))
    launcher = page.locator(".launcher")
    assert launcher.inner_text() == widget_text("launcher", "tr")
    assert launcher.bounding_box()["x"] < 40  # data-position="left"
    looks = page.evaluate("""() => {
        const button = document.querySelector('lotse-widget').shadowRoot.querySelector('.launcher');
        const style = getComputedStyle(button);
        return [style.display, style.backgroundColor, style.color, style.fontSize, style.letterSpacing];
    }""")
    # data-color, and none of the host page's !important colours, fonts or hidden buttons
    assert looks == ["flex", "rgb(122, 31, 92)", "rgb(255, 255, 255)", "16px", "normal"]
    ask(page, "randevu almam lazım, yabancılar dairesi")
    assert any(first_line("appointment", "tr") in bubble for bubble in bubbles(page))


def test_a_site_that_is_not_allowed_gets_no_answers(make_page, gateway, host_site):
    page = make_page()
    page.goto(host_site.url("127.0.0.1", gateway))  # not in LOTSE_WIDGET_ORIGINS
    page.locator(".launcher").click()
    error = page.get_by_role("alert")
    error.wait_for()
    assert widget_text("offline", "de") in error.inner_text()
    assert page.locator(".msg").count() == 0
