"""Runs the agency inbox: ``python -m lotse.inbox`` (settings: see lotse/inbox/settings.py)."""
from __future__ import annotations

import logging
import os
import sys

from aiohttp import web

from lotse import content as content_module
from lotse.handoff.store import HandoffStore
from lotse.inbox.app import create_app
from lotse.inbox.settings import InboxSettings

log = logging.getLogger("lotse.inbox")


def main() -> int:
    logging.basicConfig(level=os.environ.get("LOTSE_LOG_LEVEL", "INFO"),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = InboxSettings.from_env()
    if not settings.secure_cookies:
        log.warning("LOTSE_INBOX_SECURE_COOKIES is off: use this only for local http testing")
    store = HandoffStore()
    store.create_schema()
    app = create_app(store, content_module.load(), settings)
    web.run_app(app, host=settings.host, port=settings.port, print=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
