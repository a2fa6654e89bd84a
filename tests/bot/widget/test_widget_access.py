"""Keyboard only, a 320 px screen, and an axe-core scan of the open panel in German and Arabic."""
import pytest

from tests.bot.widget.helpers import (
    CONTENT, ROOT, SHADOW, ask, bubbles, first_line, open_widget, shadow, text,
    wait_for_reply, widget_text)

pytestmark = pytest.mark.needs_rasa
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def focused(page) -> str:
    """What has the keyboard focus inside the widget ('' when it is outside)."""
    return page.evaluate(f"() => document.activeElement?.localName === 'lotse-widget' ? "
                         f"({SHADOW}.activeElement?.className || {SHADOW}.activeElement?.localName) : ''")


def test_keyboard_only(page, gateway):
    page.goto(gateway.url)
    for _ in range(40):
        page.keyboard.press("Tab")
        if focused(page) == "launcher":
            break
    assert focused(page) == "launcher"
    page.keyboard.press("Enter")
    assert focused(page) == "textarea"  # focus moved into the panel
    wait_for_reply(page, 0)

    page.keyboard.type("ich brauche einen termin bei der ausländerbehörde")
    page.keyboard.press("Enter")
    wait_for_reply(page, 1)
    assert any(first_line("appointment", "de") in bubble for bubble in bubbles(page))

    page.keyboard.press("Shift+Tab")  # back from the input to the newest buttons
    assert focused(page) == "chip"
    assert page.evaluate(f"() => {SHADOW}.activeElement.textContent") == CONTENT.button("menu", "de")
    before = page.locator(".msg.bot").count()
    page.keyboard.press("Space")
    wait_for_reply(page, before)
    assert text("help", "de") in bubbles(page)[-1]

    page.keyboard.press("Escape")
    assert page.locator("#lotse-panel").is_hidden()
    assert focused(page) == "launcher"
    page.keyboard.press("Space")
    assert page.locator("#lotse-panel").is_visible() and focused(page) == "textarea"
    outline = shadow(page, "getComputedStyle(root.activeElement).outlineStyle")
    assert outline == "solid"  # the focus is visible


def test_usable_on_a_320_px_screen(make_page, gateway):
    page = make_page(viewport={"width": 320, "height": 568}, is_mobile=True, has_touch=True)
    open_widget(page, gateway.url)
    panel = page.locator("#lotse-panel").bounding_box()
    assert (panel["x"], panel["y"], panel["width"], panel["height"]) == (0, 0, 320, 568)
    for control in (".send", "textarea", ".close", ".globe", ".trash"):
        box = page.locator(control).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 320, control
        assert box["y"] >= 0 and box["y"] + box["height"] <= 568, control
    ask(page, "ich brauche einen termin bei der ausländerbehörde")
    assert shadow(page, "root.querySelector('.log').scrollWidth <= root.querySelector('.log').clientWidth")
    page.locator(".close").click()
    assert page.locator(".launcher").is_visible()


def axe_problems(page) -> list:
    """Serious and critical axe-core violations on the whole page, the widget's shadow root included."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("async () => (await axe.run(document)).violations"
                               ".filter(v => ['serious', 'critical'].includes(v.impact))"
                               ".map(v => [v.id, v.help, v.nodes.map(n => n.target)])")
    return violations


def test_accessibility_scan_in_german_and_arabic(make_page, gateway, screenshot_dir):
    assert AXE.exists(), "run `npm ci` in the repository root (axe-core)"
    page = make_page(bypass_csp=True, viewport={"width": 900, "height": 720})  # axe is injected inline
    open_widget(page, gateway.url)
    ask(page, "ich brauche einen termin bei der ausländerbehörde")
    assert axe_problems(page) == []
    page.screenshot(path=str(screenshot_dir / "screenshot-de.png"))

    page.get_by_role("button", name=widget_text("language", "de")).click()
    assert axe_problems(page) == []  # with the language menu open
    before = page.locator(".msg.bot").count()
    page.locator("button[data-lang=ar]").click()
    wait_for_reply(page, before)
    ask(page, "بدي جيب مرتي وولادي لعندي على ألمانيا")
    assert page.locator("#lotse-panel").get_attribute("dir") == "rtl"
    assert axe_problems(page) == []
    page.screenshot(path=str(screenshot_dir / "screenshot-ar.png"))
