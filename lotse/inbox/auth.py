"""Passwords, sessions, CSRF tokens and the login rate limit of the agency inbox.

All functions here are synchronous (SQLAlchemy); the web handlers call them in a thread.
"""
from __future__ import annotations

import base64
import enum
import functools
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import List, Optional, Tuple

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from lotse.handoff.models import InboxSession, InboxUser, LoginAttempt, utcnow
from lotse.handoff.store import HandoffStore
from lotse.inbox.settings import InboxSettings

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1
SCRYPT_MAXMEM = 64 * 1024 * 1024
SALT_BYTES = 16
HASH_BYTES = 32
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
MAX_USERNAME_LENGTH = 64
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


# --- passwords ---------------------------------------------------------------------------
def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=SCRYPT_MAXMEM, dklen=length)


def hash_password(password: str) -> str:
    """``scrypt$n$r$p$salt$hash`` with a fresh random salt."""
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, HASH_BYTES)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        n, r, p = int(n), int(r), int(p)
        salt_bytes = base64.b64decode(salt, validate=True)
        expected_bytes = base64.b64decode(expected, validate=True)
    except ValueError:
        return False
    if scheme != "scrypt" or not expected_bytes or n > 2 ** 20 or r > 32 or p > 16:
        return False
    try:
        actual = _scrypt(password, salt_bytes, n, r, p, len(expected_bytes))
    except (ValueError, UnicodeEncodeError):
        return False
    return hmac.compare_digest(actual, expected_bytes)


@functools.lru_cache(maxsize=1)
def dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def normalize_username(username: str) -> str:
    return username.strip().lower()


def tokens_match(expected: Optional[str], supplied: Optional[str]) -> bool:
    if not expected or not supplied:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), supplied.encode("utf-8"))


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --- sessions ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Viewer:
    """The logged-in user of one request."""

    user_id: int
    username: str
    agency_id: Optional[str]
    role: str
    csrf_token: str

    @property
    def is_agency_user(self) -> bool:
        return self.role == "agency" and bool(self.agency_id)


def viewer_for(store: HandoffStore, token: str) -> Optional[Viewer]:
    if not TOKEN_PATTERN.match(token or ""):
        return None
    with store.session() as session:
        row = session.execute(
            select(InboxUser.id, InboxUser.username, InboxUser.agency_id, InboxUser.role,
                   InboxSession.csrf_token)
            .join(InboxSession, InboxSession.user_id == InboxUser.id)
            .where(InboxSession.token_hash == token_hash(token),
                   InboxSession.expires_at > utcnow())).first()
    return Viewer(*row) if row else None


def end_session(store: HandoffStore, token: str) -> None:
    if TOKEN_PATTERN.match(token or ""):
        store.write(lambda session: session.execute(
            delete(InboxSession).where(InboxSession.token_hash == token_hash(token))))


def delete_user_sessions(session: Session, user_id: int) -> None:
    session.execute(delete(InboxSession).where(InboxSession.user_id == user_id))


# --- logging in --------------------------------------------------------------------------
class LoginOutcome(enum.Enum):
    OK = "ok"
    FAILED = "failed"
    LIMITED = "limited"


@dataclass(frozen=True)
class LoginResult:
    outcome: LoginOutcome
    token: Optional[str] = None  # the session cookie value when OK
    user_id: Optional[int] = None
    agency_id: Optional[str] = None


def attempt_keys(client_ip: str, username: str) -> Tuple[str, str]:
    return f"{client_ip}|{username}"[:128], f"{client_ip}|*"[:128]


def log_in(store: HandoffStore, settings: InboxSettings, client_ip: str, username: str,
           password: str) -> LoginResult:
    """Checks the rate limit, then the password; opens a new session on success.

    Each attempt is recorded as a failure before the password is checked, so parallel guesses
    cannot overshoot the limit; a successful login removes its records again.
    """
    username = normalize_username(username)
    user_key, ip_key = attempt_keys(client_ip, username)
    reserved = store.write(lambda session: _reserve_attempt(session, settings, user_key, ip_key))
    if reserved is None:
        return LoginResult(LoginOutcome.LIMITED)
    with store.session() as session:
        user = session.execute(select(InboxUser.id, InboxUser.agency_id, InboxUser.password_hash)
                               .where(InboxUser.username == username)).first()
    # Unknown users are checked against a dummy hash so timing does not reveal user names.
    password_ok = verify_password(password, user.password_hash if user else dummy_hash())
    if user is None or not password_ok:
        return LoginResult(LoginOutcome.FAILED)
    token = new_token()
    store.write(lambda session: _open_session(session, settings, user.id, token, user_key,
                                              reserved))
    return LoginResult(LoginOutcome.OK, token=token, user_id=user.id, agency_id=user.agency_id)


def _reserve_attempt(session: Session, settings: InboxSettings, user_key: str,
                     ip_key: str) -> Optional[List[int]]:
    cutoff = utcnow() - settings.login_window
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < cutoff))

    def failures(key: str) -> int:
        return session.execute(select(func.count()).select_from(LoginAttempt)
                               .where(LoginAttempt.key == key, LoginAttempt.at >= cutoff)
                               ).scalar_one()
    if (failures(user_key) >= settings.login_failures_per_user
            or failures(ip_key) >= settings.login_failures_per_ip):
        return None
    attempts = [LoginAttempt(key=user_key), LoginAttempt(key=ip_key)]
    session.add_all(attempts)
    session.flush()
    return [attempt.id for attempt in attempts]


def _open_session(session: Session, settings: InboxSettings, user_id: int, token: str,
                  user_key: str, reserved: List[int]) -> None:
    now = utcnow()
    session.execute(delete(LoginAttempt).where(
        (LoginAttempt.key == user_key) | LoginAttempt.id.in_(reserved)))
    session.execute(delete(InboxSession).where(InboxSession.expires_at <= now))
    session.add(InboxSession(token_hash=token_hash(token), user_id=user_id,
                             csrf_token=new_token(),
                             expires_at=now + settings.session_lifetime))
