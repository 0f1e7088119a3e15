"""PURE: a rendered digest + one subscriber -> the EmailMessage to send.

multipart/alternative, text first then HTML (RFC 2046: the last part is the preferred one).
Bulk-mail headers that Gmail and Yahoo require of senders since 2024: List-Unsubscribe with an
https URL and a mailto, List-Unsubscribe-Post for one-click (RFC 8058), List-Id (RFC 2919).
Header values go through the email package's default policy, which refuses CR/LF, and the
subject is made one line first, so a feed's title can never add a header.
"""

from __future__ import annotations

from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from urllib.parse import quote

from ..render.text import one_line
from .render import RenderedDigest

POLICY = policy.default.clone(max_line_length=998)
"""RFC 5322's hard limit: long List-Unsubscribe URLs stay on one line instead of being
folded where some clients' parsers stumble."""


def digest_message(
    digest: RenderedDigest, *, to: str, token: str, mail_from: str, base_url: str,
    week: str, now: datetime, list_name: str = "Agenda numérique",
) -> EmailMessage:
    """The message for one subscriber: their links, RFC 8058 headers, a unique Message-ID."""
    personal = digest.personalise(token)
    sender = parseaddr(mail_from)[1] or "digest@localhost"
    domain = sender.rpartition("@")[2] or "localhost"
    host = base_url.partition("://")[2].split("/")[0].split(":")[0] or domain
    message = EmailMessage(policy=POLICY)
    message["Subject"] = one_line(personal.subject)
    message["From"] = mail_from
    message["To"] = to
    message["Reply-To"] = mail_from
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(idstring=f"digest.{week}", domain=domain)
    message["List-Id"] = f"{one_line(list_name)} <digest.{host}>"
    mailto = f"mailto:{sender}?subject={quote('unsubscribe ' + token)}"
    message["List-Unsubscribe"] = f"<{base_url}/unsubscribe/{token}>, <{mailto}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(personal.text, cte="quoted-printable")
    message.add_alternative(personal.html, subtype="html", cte="quoted-printable")
    return message
