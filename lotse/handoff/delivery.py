"""Delivering a handoff: email over SMTP (STARTTLS, TLS or plain on loopback) and a signed
JSON webhook. Both raise :class:`DeliveryError`; ``permanent`` errors are not retried.

Webhook signature: ``X-Lotse-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>``
with ``X-Lotse-Timestamp`` (Unix seconds); ``Idempotency-Key`` is the handoff reference, so a
receiver can drop a repeated delivery.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Dict, Optional


class DeliveryError(Exception):
    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # starttls | tls | none
    user: str
    password: str
    sender: str
    ca_file: Optional[str]
    timeout: float

    @classmethod
    def from_env(cls) -> Optional["SmtpSettings"]:
        host = os.environ.get("LOTSE_SMTP_HOST", "").strip()
        if not host:
            return None
        security = os.environ.get("LOTSE_SMTP_SECURITY", "starttls").strip().lower()
        if security not in ("starttls", "tls", "none"):
            raise ValueError("LOTSE_SMTP_SECURITY must be starttls, tls or none")
        default_port = {"starttls": 587, "tls": 465, "none": 25}[security]
        return cls(host=host, port=int(os.environ.get("LOTSE_SMTP_PORT") or default_port),
                   security=security, user=os.environ.get("LOTSE_SMTP_USER", ""),
                   password=os.environ.get("LOTSE_SMTP_PASSWORD", ""),
                   sender=os.environ.get("LOTSE_SMTP_FROM") or "lotse@localhost",
                   ca_file=os.environ.get("LOTSE_SMTP_CA_FILE") or None,
                   timeout=float(os.environ.get("LOTSE_SMTP_TIMEOUT") or 20))


def build_email(settings: SmtpSettings, to: str, subject: str, text: str, html_body: str,
                reference: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to
    message["Subject"] = subject
    # A stable id per reference lets mail systems and agencies spot a repeated delivery.
    domain = settings.sender.rsplit("@", 1)[-1] or "lotse.local"
    message["Message-ID"] = f"<{reference}@{domain}>"
    message["X-Lotse-Reference"] = reference
    message.set_content(text)
    message.add_alternative(html_body, subtype="html")
    return message


def send_email(settings: Optional[SmtpSettings], message: EmailMessage) -> None:
    if settings is None:
        raise DeliveryError("email delivery is not configured (LOTSE_SMTP_HOST is empty)")
    context = ssl.create_default_context(cafile=settings.ca_file)
    try:
        if settings.security == "tls":
            client = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                      context=context)
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        with client:
            if settings.security == "starttls":
                client.starttls(context=context)
            if settings.user:
                client.login(settings.user, settings.password)
            client.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        raise DeliveryError(f"recipient refused: {list(error.recipients)}", permanent=True)
    except smtplib.SMTPResponseException as error:
        raise DeliveryError(f"SMTP {error.smtp_code}", permanent=500 <= error.smtp_code < 600
                            and error.smtp_code not in (530, 535, 554))
    except (OSError, smtplib.SMTPException) as error:
        raise DeliveryError(f"SMTP unreachable: {type(error).__name__}")


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body,
                   hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def post_webhook(url: str, secret: str, document: Dict, reference: str,
                 timeout: float = 15.0) -> None:
    if not secret:
        raise DeliveryError("webhook secret is not set in the environment")
    body = json.dumps(document, ensure_ascii=False, sort_keys=True).encode("utf-8")
    timestamp = str(int(time.time()))
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Lotse-Handoff/1",
        "X-Lotse-Timestamp": timestamp,
        "X-Lotse-Signature": sign(secret, timestamp, body),
        "Idempotency-Key": reference,
    })
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read(1024)
    except urllib.error.HTTPError as error:
        permanent = 400 <= error.code < 500 and error.code not in (408, 409, 425, 429)
        raise DeliveryError(f"webhook answered HTTP {error.code}", permanent=permanent)
    except (OSError, urllib.error.URLError) as error:
        raise DeliveryError(f"webhook unreachable: {type(error).__name__}")
