"""Settings of the agency inbox, read once from the environment."""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Mapping, Optional

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = env.get(name, "").strip().lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{name} must be true or false, not {value!r}")


@dataclass(frozen=True)
class InboxSettings:
    host: str = "127.0.0.1"
    port: int = 8090
    # Only for local development over plain http: browsers drop Secure cookies there.
    secure_cookies: bool = True
    session_hours: float = 8.0
    login_failures_per_user: int = 5   # per (client IP, user name) and window
    login_failures_per_ip: int = 20    # per client IP and window, all user names together
    login_window_minutes: float = 15.0
    # Behind a reverse proxy every client has the proxy's address; then take the client from
    # the last X-Forwarded-For entry (the one the proxy added). Never enable without a proxy.
    trust_forwarded_for: bool = False
    max_body_bytes: int = 64 * 1024

    @property
    def session_lifetime(self) -> dt.timedelta:
        return dt.timedelta(hours=self.session_hours)

    @property
    def login_window(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.login_window_minutes)

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "InboxSettings":
        env = os.environ if env is None else env
        return cls(
            host=env.get("LOTSE_INBOX_HOST") or cls.host,
            port=int(env.get("LOTSE_INBOX_PORT") or cls.port),
            secure_cookies=_flag(env, "LOTSE_INBOX_SECURE_COOKIES", cls.secure_cookies),
            session_hours=float(env.get("LOTSE_INBOX_SESSION_HOURS") or cls.session_hours),
            login_failures_per_user=int(env.get("LOTSE_INBOX_LOGIN_LIMIT")
                                        or cls.login_failures_per_user),
            login_failures_per_ip=int(env.get("LOTSE_INBOX_LOGIN_LIMIT_IP")
                                      or cls.login_failures_per_ip),
            login_window_minutes=float(env.get("LOTSE_INBOX_LOGIN_WINDOW_MINUTES")
                                       or cls.login_window_minutes),
            trust_forwarded_for=_flag(env, "LOTSE_INBOX_TRUST_PROXY", cls.trust_forwarded_for),
        )
