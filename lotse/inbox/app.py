"""The aiohttp application of the agency inbox: routes, error pages, security headers."""
from __future__ import annotations

import asyncio
import logging
import traceback
from pathlib import Path

import jinja2
from aiohttp import web

from lotse.handoff.store import HandoffStore
from lotse.inbox import auth
from lotse.inbox.settings import InboxSettings
from lotse.inbox.operator_views import OperatorViews
from lotse.inbox.views import MESSAGES, InboxViews, PageError

log = logging.getLogger("lotse.inbox")
TEMPLATES = Path(__file__).resolve().parent / "templates"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self' 'unsafe-inline'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # Every page but /healthz shows personal data or a CSRF token: never cache any of them.
    "Cache-Control": "no-store",
}
VIEWS_KEY = web.AppKey("views", InboxViews)


def template_environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)


@web.middleware
async def error_pages(request: web.Request, handler) -> web.StreamResponse:
    """Every error becomes a German page; an unexpected one is logged without its message,
    which could quote personal data (e.g. SQL parameters)."""
    views = request.app[VIEWS_KEY]
    try:
        return await handler(request)
    except PageError as error:
        return views.render_error(request, error.status, error.message)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        response = views.render_error(request, error.status,
                                      MESSAGES.get(error.status, MESSAGES[400]))
        if "Allow" in error.headers:
            response.headers["Allow"] = error.headers["Allow"]
        return response
    except asyncio.CancelledError:
        raise
    except Exception as error:
        log.error("unexpected %s on %s %s\n%s", type(error).__name__, request.method,
                  request.path, "".join(traceback.format_tb(error.__traceback__)))
        return views.render_error(request, 500, MESSAGES[500])


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.update(SECURITY_HEADERS)


def create_app(store: HandoffStore, content, settings: InboxSettings) -> web.Application:
    auth.dummy_hash()  # computed now, so the first unknown-user login is not slower
    app = web.Application(client_max_size=settings.max_body_bytes, middlewares=[error_pages])
    views = InboxViews(store, content, settings, template_environment())
    app[VIEWS_KEY] = views
    app.on_response_prepare.append(security_headers)
    app.router.add_get("/healthz", views.healthz)
    app.router.add_get("/login", views.login_form)
    app.router.add_post("/login", views.login)
    app.router.add_post("/logout", views.logout)
    app.router.add_get("/", views.handoff_list)
    app.router.add_get("/handoffs/{reference}", views.handoff_detail)
    app.router.add_post("/handoffs/{reference}/accept", views.accept)
    app.router.add_post("/handoffs/{reference}/close", views.close)
    operator = OperatorViews(views)
    app.router.add_get("/betrieb", operator.statistics_page)
    app.router.add_get("/betrieb/statistik.csv", operator.statistics_csv)
    return app
