"""Request handlers of the agency inbox: login, logout, the handoff list and detail pages."""
from __future__ import annotations

import asyncio
import ipaddress
import logging
from typing import Dict, Optional
from urllib.parse import parse_qsl

import jinja2
from aiohttp import web

from lotse.handoff import summary
from lotse.handoff.store import HandoffStore
from lotse.inbox import auth, handoffs
from lotse.inbox.settings import InboxSettings

log = logging.getLogger("lotse.inbox")
SESSION_COOKIE = "lotse_inbox"
LOGIN_CSRF_COOKIE = "lotse_inbox_login"
MAX_FORM_FIELDS = 10
VIEWER_KEY = web.RequestKey("viewer", auth.Viewer)

MESSAGES = {
    400: "Die Anfrage ist ungültig.",
    401: "Bitte melden Sie sich an.",
    403: "Sie dürfen diese Aktion nicht ausführen. Bitte laden Sie die Seite neu und "
         "versuchen Sie es noch einmal.",
    404: "Diese Seite gibt es nicht, oder Sie haben keinen Zugriff darauf.",
    405: "Diese Anfrage ist hier nicht möglich.",
    409: "Der Status dieser Weitergabe wurde inzwischen geändert. Bitte laden Sie die Seite neu.",
    413: "Die Anfrage ist zu groß.",
    429: "Zu viele fehlgeschlagene Anmeldeversuche. Bitte warten Sie 15 Minuten und versuchen "
         "Sie es dann erneut.",
    500: "Ein interner Fehler ist aufgetreten. Bitte versuchen Sie es später noch einmal.",
}
OPERATOR_MESSAGE = ("Mit einem Betriebskonto können Sie den Posteingang der Beratungsstellen "
                    "nicht öffnen. Die Statistik finden Sie unter /betrieb.")
LOGIN_FAILED = "Benutzername oder Passwort ist falsch."
LOGIN_EXPIRED = "Die Anmeldeseite ist abgelaufen. Bitte melden Sie sich noch einmal an."
LOGIN_MISSING = "Bitte geben Sie Benutzername und Passwort ein."
LOGIN_TOO_LONG = "Benutzername oder Passwort ist zu lang."


class PageError(Exception):
    """Answered with a German error page of this status."""

    def __init__(self, status: int, message: Optional[str] = None):
        super().__init__(status)
        self.status = status
        self.message = message or MESSAGES.get(status, MESSAGES[400])


def redirect(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})


class InboxViews:
    def __init__(self, store: HandoffStore, content, settings: InboxSettings,
                 templates: jinja2.Environment):
        self.store, self.content, self.settings = store, content, settings
        self.templates = templates
        # scrypt needs 16 MiB and ~50 ms per check: bound what a login flood can take.
        self._password_checks = asyncio.Semaphore(4)

    # --- helpers -------------------------------------------------------------------------
    def render(self, name: str, status: int = 200, viewer: Optional[auth.Viewer] = None,
               **context) -> web.Response:
        agency = None
        if viewer is not None and viewer.agency_id:
            agency = self.content.agency_directory.get(viewer.agency_id)
        page = self.templates.get_template(name).render(
            viewer=viewer, agency_name=agency.name if agency else "", **context)
        return web.Response(text=page, status=status, content_type="text/html",
                            charset="utf-8")

    def render_error(self, request: web.Request, status: int, message: str) -> web.Response:
        return self.render("error.html", status=status, viewer=request.get(VIEWER_KEY),
                           message=message)

    def _set_cookie(self, response: web.Response, name: str, value: str, path: str) -> None:
        response.set_cookie(name, value, path=path, httponly=True, samesite="Strict",
                            secure=self.settings.secure_cookies)

    def client_ip(self, request: web.Request) -> str:
        if self.settings.trust_forwarded_for:
            forwarded = request.headers.get("X-Forwarded-For", "").split(",")[-1].strip()
            try:
                return str(ipaddress.ip_address(forwarded))
            except ValueError:
                pass
        return request.remote or "unknown"

    async def read_form(self, request: web.Request) -> Dict[str, str]:
        body = await request.read()  # over client_max_size: 413
        if not body:
            return {}
        if request.content_type != "application/x-www-form-urlencoded":
            raise PageError(400)
        try:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, encoding="utf-8",
                              errors="strict", max_num_fields=MAX_FORM_FIELDS)
        except (UnicodeDecodeError, ValueError):
            raise PageError(400, "Die Anfrage enthält ungültige Zeichen oder zu viele Felder.")
        form: Dict[str, str] = {}
        for key, value in pairs:
            form.setdefault(key, value)
        return form

    async def current_viewer(self, request: web.Request) -> Optional[auth.Viewer]:
        token = request.cookies.get(SESSION_COOKIE, "")
        viewer = await asyncio.to_thread(auth.viewer_for, self.store, token) if token else None
        if viewer is not None:
            request[VIEWER_KEY] = viewer
        return viewer

    async def agency_viewer(self, request: web.Request,
                            form: Optional[Dict[str, str]] = None) -> auth.Viewer:
        """The logged-in agency user; checks the CSRF token when ``form`` is given."""
        viewer = await self.current_viewer(request)
        if viewer is None:
            raise web.HTTPSeeOther("/login")
        if form is not None and not auth.tokens_match(viewer.csrf_token,
                                                      form.get("csrf_token")):
            log.warning("request refused: missing or wrong CSRF token")
            raise PageError(403)
        if not viewer.is_agency_user:
            raise PageError(403, OPERATOR_MESSAGE)
        return viewer

    # --- public pages --------------------------------------------------------------------
    async def healthz(self, request: web.Request) -> web.Response:
        return web.Response(text="ok")

    def _login_page(self, request: web.Request, status: int = 200,
                    error: str = "", username: str = "") -> web.Response:
        token = request.cookies.get(LOGIN_CSRF_COOKIE, "")
        if not auth.TOKEN_PATTERN.match(token):
            token = auth.new_token()
        response = self.render("login.html", status=status, csrf_token=token, error=error,
                               username=username)
        self._set_cookie(response, LOGIN_CSRF_COOKIE, token, "/login")
        return response

    async def login_form(self, request: web.Request) -> web.Response:
        if await self.current_viewer(request) is not None:
            return redirect("/")
        return self._login_page(request)

    async def login(self, request: web.Request) -> web.Response:
        form = await self.read_form(request)
        # Double submit: a cross-site form cannot know or set the SameSite=Strict cookie.
        if not auth.tokens_match(request.cookies.get(LOGIN_CSRF_COOKIE),
                                 form.get("csrf_token")):
            return self._login_page(request, 403, LOGIN_EXPIRED)
        username = form.get("username", "")
        password = form.get("password", "")
        if not username.strip() or not password:
            return self._login_page(request, 400, LOGIN_MISSING, username[:64])
        if len(username) > auth.MAX_USERNAME_LENGTH or len(password) > auth.MAX_PASSWORD_LENGTH:
            return self._login_page(request, 400, LOGIN_TOO_LONG)
        if any(ord(char) < 32 for char in username):
            return self._login_page(request, 400, LOGIN_FAILED)
        async with self._password_checks:
            result = await asyncio.to_thread(auth.log_in, self.store, self.settings,
                                             self.client_ip(request), username, password)
        if result.outcome is auth.LoginOutcome.LIMITED:
            log.warning("login refused: too many failed attempts")
            return self._login_page(request, 429, MESSAGES[429], username)
        if result.outcome is auth.LoginOutcome.FAILED:
            log.info("login failed")
            return self._login_page(request, 401, LOGIN_FAILED, username)
        old_token = request.cookies.get(SESSION_COOKIE)
        if old_token:
            await asyncio.to_thread(auth.end_session, self.store, old_token)
        log.info("login of user #%s (agency %s)", result.user_id, result.agency_id or "-")
        response = redirect("/")
        self._set_cookie(response, SESSION_COOKIE, result.token, "/")
        response.del_cookie(LOGIN_CSRF_COOKIE, path="/login")
        return response

    async def logout(self, request: web.Request) -> web.Response:
        form = await self.read_form(request)
        viewer = await self.current_viewer(request)
        response = redirect("/login")
        if viewer is not None:
            if not auth.tokens_match(viewer.csrf_token, form.get("csrf_token")):
                raise PageError(403)
            await asyncio.to_thread(auth.end_session, self.store,
                                    request.cookies.get(SESSION_COOKIE, ""))
            log.info("logout of user #%s", viewer.user_id)
        response.del_cookie(SESSION_COOKIE, path="/")
        return response

    # --- agency pages --------------------------------------------------------------------
    async def handoff_list(self, request: web.Request) -> web.Response:
        viewer = await self.current_viewer(request)
        if viewer is not None and viewer.role == "operator":
            return redirect("/betrieb")
        viewer = await self.agency_viewer(request)
        state = request.query.get("status", "new")
        if state not in handoffs.STATES:
            raise PageError(400, "Diesen Bereich gibt es nicht.")
        rows, counts = await asyncio.to_thread(handoffs.list_for_agency, self.store,
                                               self.content, viewer.agency_id, state)
        return self.render("list.html", viewer=viewer, rows=rows, counts=counts, state=state,
                           states=handoffs.STATES, labels=handoffs.STATE_LABELS,
                           limit=handoffs.LIST_LIMIT)

    async def handoff_detail(self, request: web.Request) -> web.Response:
        viewer = await self.agency_viewer(request)
        detail = await asyncio.to_thread(handoffs.detail_for_agency, self.store, self.content,
                                         viewer.agency_id, request.match_info["reference"])
        if detail is None:
            raise PageError(404)
        return self.render("detail.html", viewer=viewer, handoff=detail,
                           words_heading=summary.WORDS_HEADING,
                           consent_note=summary.CONSENT_NOTE)

    async def accept(self, request: web.Request) -> web.Response:
        return await self._change_state(request, "accept")

    async def close(self, request: web.Request) -> web.Response:
        return await self._change_state(request, "close")

    async def _change_state(self, request: web.Request, action: str) -> web.Response:
        form = await self.read_form(request)
        viewer = await self.agency_viewer(request, form)
        reference = request.match_info["reference"]
        outcome = await asyncio.to_thread(handoffs.change_state, self.store, viewer.agency_id,
                                          reference, action, viewer.username)
        if outcome is None:
            raise PageError(404)
        if outcome == "conflict":
            raise PageError(409)
        if outcome == "changed":
            log.info("handoff %s %s by agency %s", reference,
                     handoffs.TRANSITIONS[action][1], viewer.agency_id)
        return redirect(f"/handoffs/{reference}")
