"""Browser tests of the website widget: real Chromium, real gateway, real assistant.

The gateway runs as ``python -m bot.gateway`` in a subprocess so a test can stop and restart it.
Chromium is Debian's (``/usr/bin/chromium``, or ``LOTSE_CHROMIUM``); axe-core comes from npm
(``npm ci`` at the repository root).
"""
import os

import pytest
from playwright.sync_api import sync_playwright

from tests.bot.widget.helpers import ROOT, Gateway, HostSite, free_port

CHROMIUM = os.environ.get("LOTSE_CHROMIUM", "/usr/bin/chromium")
# No internet here: without these Chromium keeps trying to reach Google's services.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
DEAD_RASA = f"http://127.0.0.1:{free_port()}"  # nothing listens: for tests without the assistant


# Per module, not per session: a running sync Playwright would block the asyncio tests that
# pytest may run after this directory.
@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium "
                    "(scripts/install-system-packages.sh)")
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture(scope="session")
def host_site():
    """A page on another origin that embeds the widget, as the district's website would."""
    site = HostSite()
    yield site
    site.stop()


@pytest.fixture(scope="session")
def gateway(host_site):
    """The gateway for most tests; it allows the embedding origin http://localhost:<site>."""
    server = Gateway(os.environ.get("LOTSE_RASA_URL") or DEAD_RASA,
                     origins=f"http://localhost:{host_site.port}")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def own_gateway():
    """A gateway of the test's own, to stop and restart."""
    server = Gateway(os.environ.get("LOTSE_RASA_URL") or DEAD_RASA)
    yield server
    server.stop()


def new_page(browser, **options):
    context = browser.new_context(**{"locale": "de-DE", "reduced_motion": "reduce",
                                     "viewport": {"width": 1000, "height": 760}, **options})
    page = context.new_page()
    page.set_default_timeout(60_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    return context, page, errors


@pytest.fixture
def page(browser):
    context, page, errors = new_page(browser)
    yield page
    context.close()
    assert not errors, f"script errors on the page: {errors}"


@pytest.fixture
def make_page(browser):
    """For a test that needs its own browser settings (viewport, locale, CSP bypass)."""
    opened = []

    def make(**options):
        opened.append(new_page(browser, **options))
        return opened[-1][1]

    yield make
    for context, _, errors in opened:
        context.close()
        assert not errors, f"script errors on the page: {errors}"


@pytest.fixture
def screenshot_dir(tmp_path):
    if os.environ.get("LOTSE_SAVE_SCREENSHOTS") == "1":
        target = ROOT / "docs" / "widget"
        target.mkdir(parents=True, exist_ok=True)
        return target
    return tmp_path
