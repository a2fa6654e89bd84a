"""The agency inbox over real HTTP: login, scoping to the own agency, state changes, CSRF,
rate limit, cookies, headers and bad input."""
import base64
import datetime as dt
import html

import pytest
from sqlalchemy import select, update

from lotse.handoff.models import Handoff, InboxSession, OutboxEntry
from lotse.inbox import auth
from tests.lotse.inbox.conftest import (AGENCY_A, AGENCY_B, PASSWORD, add_handoff, csrf_token,
                                        logged_in, page_csrf, plant_session_cookie, post_login,
                                        session_cookie)

pytestmark = pytest.mark.usefixtures("users")
WORDS = "<script>alert(1)</script> أحتاج مساعدة في العثور على شقة\nzweite Zeile"


def state_of(store, reference):
    with store.session() as session:
        return session.execute(select(Handoff.state).where(Handoff.reference == reference)
                               ).scalar_one()


def test_password_hash_format_and_check():
    stored = auth.hash_password(PASSWORD)
    scheme, n, r, p, salt, digest = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", str(2 ** 14), "8", "1")
    assert len(base64.b64decode(salt)) == 16
    assert auth.verify_password(PASSWORD, stored)
    assert not auth.verify_password(PASSWORD + "x", stored)
    assert not auth.verify_password(PASSWORD, "kaputt")
    assert stored != auth.hash_password(PASSWORD)  # fresh salt


async def test_login_success_opens_the_inbox(make_client, store):
    client = await make_client()
    response = await post_login(client, "USER_A")  # user names are not case-sensitive
    assert response.status == 303 and response.headers["Location"] == "/"
    page = await client.get("/")
    assert page.status == 200
    assert "Testberatung Elmshorn" in await page.text()
    with store.session() as session:
        assert len(session.execute(select(InboxSession)).all()) == 1


@pytest.mark.parametrize("username, password", [("user_a", "falsches-passwort-1"),
                                                ("niemand", PASSWORD)])
async def test_login_failure_gives_no_session(make_client, store, username, password):
    client = await make_client()
    response = await post_login(client, username, password)
    assert response.status == 401
    assert "Benutzername oder Passwort ist falsch." in await response.text()
    assert session_cookie(client) is None
    assert (await client.get("/", allow_redirects=False)).headers["Location"] == "/login"


async def test_login_without_the_login_csrf_pair_is_refused(make_client):
    client = await make_client()
    response = await client.post("/login", allow_redirects=False, data={
        "csrf_token": "x" * 43, "username": "user_a", "password": PASSWORD})
    assert response.status == 403
    assert session_cookie(client) is None


async def test_list_shows_own_handoffs_only(make_client, store, content):
    own = add_handoff(store, AGENCY_A, topic="housing")
    older = add_handoff(store, AGENCY_A, topic="benefits")
    store.write(lambda s: s.execute(update(Handoff).where(Handoff.reference == older).values(
        created_at=dt.datetime(2026, 1, 5, 23, 30))))
    accepted = add_handoff(store, AGENCY_A)
    store.write(lambda s: s.execute(update(Handoff).where(Handoff.reference == accepted)
                                    .values(state="accepted")))
    foreign = add_handoff(store, AGENCY_B)
    client = await logged_in(make_client, "user_a")
    page = await (await client.get("/")).text()
    assert own in page and older in page
    assert foreign not in page and accepted not in page
    assert page.index(own) < page.index(older)  # newest first
    assert "06.01.2026, 00:30 Uhr" in page  # Europe/Berlin, not UTC
    for topic in ("housing", "benefits"):  # German topic titles
        assert f"<td>{html.escape(content.title(topic, 'de'))}</td>" in page
    assert "Elmshorn" in page
    accepted_tab = await (await client.get("/?status=accepted")).text()
    assert accepted in accepted_tab and own not in accepted_tab


async def test_detail_shows_the_residents_words_escaped(make_client, store):
    reference = add_handoff(store, AGENCY_A, description=WORDS, language="ar")
    client = await logged_in(make_client, "user_a")
    response = await client.get(f"/handoffs/{reference}")
    body = await response.text()
    assert response.status == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert" not in body
    assert "أحتاج مساعدة في العثور على شقة" in body
    assert 'lang="ar" dir="rtl"' in body
    assert "person@example.org" in body and "Referenz" in body


async def test_accept_then_close_changes_the_state(make_client, store):
    reference = add_handoff(store, AGENCY_A)
    client = await logged_in(make_client, "user_a")
    token = await page_csrf(client, f"/handoffs/{reference}")
    response = await client.post(f"/handoffs/{reference}/accept", allow_redirects=False,
                                 data={"csrf_token": token})
    assert response.status == 303 and response.headers["Location"] == f"/handoffs/{reference}"
    with store.session() as session:
        handoff = session.execute(select(Handoff).where(Handoff.reference == reference)
                                  ).scalar_one()
        assert (handoff.state, handoff.state_changed_by) == ("accepted", "user_a")
        assert handoff.state_changed_at is not None
    assert "Angenommen" in await (await client.get(f"/handoffs/{reference}")).text()
    response = await client.post(f"/handoffs/{reference}/close", allow_redirects=False,
                                 data={"csrf_token": token})
    assert response.status == 303
    assert state_of(store, reference) == "closed"
    again = await client.post(f"/handoffs/{reference}/accept", allow_redirects=False,
                              data={"csrf_token": token})
    assert again.status == 409 and state_of(store, reference) == "closed"


async def test_other_agencys_handoff_is_not_found(make_client, store):
    reference = add_handoff(store, AGENCY_A)
    client = await logged_in(make_client, "user_b")
    token = await page_csrf(client)
    foreign = await client.get(f"/handoffs/{reference}")
    unknown = await client.get("/handoffs/LP-AAAA-BBBB")
    assert foreign.status == unknown.status == 404
    assert await foreign.text() == await unknown.text()
    for action in ("accept", "close"):
        response = await client.post(f"/handoffs/{reference}/{action}", allow_redirects=False,
                                     data={"csrf_token": token})
        assert response.status == 404
    assert state_of(store, reference) == "new"


@pytest.mark.parametrize("form", [{}, {"csrf_token": "falsch"}, {"other": "x"}])
async def test_post_without_the_right_csrf_token_is_refused(make_client, store, form):
    reference = add_handoff(store, AGENCY_A)
    client = await logged_in(make_client, "user_a")
    for action in ("accept", "close"):
        response = await client.post(f"/handoffs/{reference}/{action}", data=form,
                                     allow_redirects=False)
        assert response.status == 403
    assert state_of(store, reference) == "new"
    assert (await client.post("/logout", data=form, allow_redirects=False)).status == 403
    assert (await client.get("/")).status == 200  # still logged in


async def test_login_rate_limit(make_client, store):
    client = await make_client()
    for _ in range(5):
        assert (await post_login(client, "user_a", "falsches-passwort-1")).status == 401
    limited = await post_login(client, "user_a")  # even the right password is not checked
    assert limited.status == 429
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in await limited.text()
    assert session_cookie(client) is None
    assert (await post_login(client, "user_b")).status == 303  # other user, same IP


async def test_login_rate_limit_per_ip_and_reset_on_success(make_client):
    client = await make_client(login_failures_per_ip=4)
    for _ in range(2):
        assert (await post_login(client, "user_a", "falsches-passwort-1")).status == 401
    assert (await post_login(client, "user_a")).status == 303  # clears user_a's failures
    client = await make_client(login_failures_per_ip=4)  # same IP, no session
    for name in ("x1", "x2"):
        assert (await post_login(client, name, "falsches-passwort-1")).status == 401
    assert (await post_login(client, "user_b")).status == 429  # four failures from this IP


@pytest.mark.parametrize("secure", [True, False])
async def test_cookie_flags(make_client, secure):
    client = await make_client(secure_cookies=secure)
    form = await client.get("/login")
    token = csrf_token(await form.text())
    # The client's cookie jar does not send Secure cookies over http: send it by hand.
    response = await client.post("/login", allow_redirects=False, data={
        "csrf_token": token, "username": "user_a", "password": PASSWORD},
        headers={"Cookie": f"lotse_inbox_login={token}"})
    assert response.status == 303
    for reply, name, path in ((form, "lotse_inbox_login", "/login"),
                              (response, "lotse_inbox", "/")):
        cookies = [c for c in reply.headers.getall("Set-Cookie") if c.startswith(name + "=")]
        assert len(cookies) == 1, name
        flags = [part.strip().lower() for part in cookies[0].split(";")]
        assert "httponly" in flags and "samesite=strict" in flags and f"path={path}" in flags
        assert ("secure" in flags) is secure


async def test_login_issues_a_new_session_id(make_client):
    client = await make_client()
    planted = "A" * 43  # a session id an attacker put into the browser
    plant_session_cookie(client, planted)
    assert (await post_login(client, "user_a")).status == 303
    assert session_cookie(client) not in (None, planted)
    plant_session_cookie(client, planted)
    assert (await client.get("/", allow_redirects=False)).status == 303


async def test_logout_ends_the_session(make_client, store):
    client = await logged_in(make_client, "user_a")
    old = session_cookie(client)
    response = await client.post("/logout", data={"csrf_token": await page_csrf(client)},
                                 allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/login"
    with store.session() as session:
        assert session.execute(select(InboxSession)).first() is None
    plant_session_cookie(client, old)
    again = await client.get("/", allow_redirects=False)
    assert again.status == 303 and again.headers["Location"] == "/login"


async def test_expired_session_redirects_to_login(make_client, store):
    client = await logged_in(make_client, "user_a")
    store.write(lambda s: s.execute(update(InboxSession).values(
        expires_at=dt.datetime(2020, 1, 1))))
    response = await client.get("/", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/login"


async def test_failed_delivery_is_shown(make_client, store):
    reference = add_handoff(store, AGENCY_A, channels=["email", "webhook"])
    store.write(lambda s: s.execute(update(OutboxEntry).where(OutboxEntry.channel == "email")
                                    .values(state="failed", last_error="SMTP 550 <kaputt>")))
    client = await logged_in(make_client, "user_a")
    for path in ("/", f"/handoffs/{reference}"):
        page = await (await client.get(path)).text()
        assert "Zustellung fehlgeschlagen" in page
        assert html.escape("SMTP 550 <kaputt>") in page
    healthy = add_handoff(store, AGENCY_A, channels=["email"])
    detail = await (await client.get(f"/handoffs/{healthy}")).text()
    assert "Zustellung fehlgeschlagen" not in detail and "ausstehend" in detail


async def test_operator_gets_403_on_agency_pages(make_client, store):
    reference = add_handoff(store, AGENCY_A)
    client = await logged_in(make_client, "ops")
    start = await client.get("/", allow_redirects=False)
    assert (start.status, start.headers["Location"]) == (303, "/betrieb")
    assert (await client.get(f"/handoffs/{reference}")).status == 403
    token = csrf_token(await (await client.get(f"/handoffs/{reference}")).text())
    response = await client.post(f"/handoffs/{reference}/accept", data={"csrf_token": token},
                                 allow_redirects=False)
    assert response.status == 403 and state_of(store, reference) == "new"


async def test_security_headers_and_healthz(make_client):
    client = await make_client()
    health = await client.get("/healthz")
    assert health.status == 200 and await health.text() == "ok"
    for response in (health, await client.get("/login"), await client.get("/nichts")):
        assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"
    login_page = await (await client.get("/login")).text()
    assert '<html lang="de">' in login_page and '<label for="password">' in login_page


async def test_bad_input_is_refused_without_a_server_error(make_client, store):
    client = await make_client()
    form = await client.get("/login")
    token = csrf_token(await form.text())
    urlencoded = {"Content-Type": "application/x-www-form-urlencoded"}
    cases = [
        (b"csrf_token=" + token.encode() + b"&username=user_a&password=" + b"x" * 70000, 413),
        (b"csrf_token=" + token.encode() + b"&username=\xff\xfe&password=abc", 400),
        (b"csrf_token=" + token.encode() + b"&username=%ff%fe&password=abc", 400),
        (b"csrf_token=" + token.encode() + b"&username=user_a", 400),
    ]
    for body, status in cases:
        response = await client.post("/login", data=body, headers=urlencoded)
        assert response.status == status, body[:60]
        assert "<html lang=\"de\">" in await response.text()
    assert (await client.get("/?status=kaputt")).status in (303, 200)  # not logged in
    user = await logged_in(make_client, "user_a")
    assert (await user.get("/?status=kaputt")).status == 400
    assert (await user.get("/handoffs/%00%ff")).status == 404
