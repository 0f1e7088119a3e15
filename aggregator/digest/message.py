"""PURE: a rendered digest + one subscriber -> the serialised email to send.

multipart/alternative, text first then HTML (RFC 2046: the last part is the preferred one),
both UTF-8 (8bit, see ``_part``). Bulk-mail headers that Gmail and Yahoo require of senders since 2024:
List-Unsubscribe with an https URL, List-Unsubscribe-Post for one-click (RFC 8058), List-Id
(RFC 2919); Auto-Submitted (RFC 3834) and Precedence: bulk, the one vacation responders
(Exchange, Sieve's vacation, procmail) read, so that no "I am away" answers each digest. No mailto beside it: nothing here reads mail, so a mail client that unsubscribed
by writing to the sender's address went unheard, and the digest kept coming.

Why the message is assembled here rather than by the email package: its generator writes a
message one line at a time (3 ms for a 90 KB digest) and EmailMessage's header registry
parses every header (2.7 ms); at 10,000 digests that was 57 s of bench/digest.py. The email
package still encodes the non-ASCII words (subject, display names); long header lines such as List-Unsubscribe stay unfolded (up to RFC 5322's
998). :func:`header` refuses any value that could start a new header line, so a feed's title
can never add one.
"""

from __future__ import annotations

import base64
import functools
import re
import weakref
import secrets
from datetime import datetime
from email.header import Header
from email.utils import format_datetime, formataddr, make_msgid, parseaddr

from ..contacts import OutgoingMail
from ..render.text import one_line
from .render import CALENDAR, TOKEN, RenderedDigest, links

Lines = tuple[bytes, int, tuple[bytes, ...]]
"""A part's text as UTF-8 with CRLF line ends, its longest line without a placeholder, and the
lines with one (see :func:`_lines`)."""
_PREPARED: weakref.WeakKeyDictionary[RenderedDigest, tuple[Lines, Lines]] = (
    weakref.WeakKeyDictionary())
"""Each rendered digest's two parts, kept as long as the digest is (the digests module keeps
a rendering per language and filters while it sends)."""


def digest_message(
    digest: RenderedDigest, *, to: str, token: str, mail_from: str, base_url: str,
    week: str, now: datetime, list_name: str = "Agenda numérique", language: str = "",
) -> OutgoingMail:
    """The message for one subscriber: their links, RFC 8058 headers, a unique Message-ID;
    ``language`` (fr, en, de) its Content-Language (RFC 3282), which screen readers and
    mail clients' translate offers read.

    Raises:
        ValueError: an address or the token holds a line break (never from our own data).
    """
    filled = links(token)
    text, html = _prepared(digest)
    name, sender = parseaddr(mail_from)
    sender = sender or "digest@localhost"
    domain = sender.rpartition("@")[2] or "localhost"
    host = base_url.partition("://")[2].split("/")[0].split(":")[0] or domain
    boundary = f"=_digest_{secrets.token_hex(12)}"
    message_id = make_msgid(idstring=f"digest.{week}", domain=domain)
    encoded_name = formataddr((name, sender), charset="utf-8")
    list_label = _encoded(one_line(list_name))
    headers = [
        ("Subject", _encoded(one_line(digest.subject))),
        ("From", encoded_name), ("To", to), ("Reply-To", encoded_name),
        ("Date", format_datetime(now)), ("Message-ID", message_id),
        ("List-Id", f"{list_label} <digest.{host}>"),
        ("List-Unsubscribe", f"<{base_url}/unsubscribe/{token}>"),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        ("Auto-Submitted", "auto-generated"), ("Precedence", "bulk"),
        *((("Content-Language", language),) if language else ()), ("MIME-Version", "1.0"),
        ("Content-Type", f'multipart/alternative; boundary="{boundary}"'),
    ]
    head = "".join(f"{name}: {header(value)}\r\n" for name, value in headers) + "\r\n"
    data = b"".join((
        head.encode("ascii"),
        _part(boundary, "plain", text, digest.text, filled),
        _part(boundary, "html", html, digest.html, filled),
        f"--{boundary}--\r\n".encode(),
    ))
    return OutgoingMail(sender=sender, recipient=to, data=data, message_id=message_id,
                        eight_bit=True)


def _part(boundary: str, subtype: str, lines: Lines, template: str,
          values: dict[str, str]) -> bytes:
    """One part: ``template`` (as ``lines``) with the subscriber's placeholder ``values`` in,
    as 8bit UTF-8 when every line fits RFC 5322's 998 octets, else base64.

    Why 8bit: every relay in use announces 8BITMIME (the mailer declares BODY=8BITMIME when
    it does), the message is a quarter smaller than in base64, and half as many lines: a
    relay parsing line by line (aiosmtpd: 13 ms for the largest bench digest in base64,
    8.6 ms in 8bit) takes it faster. A pathological line (a 2,000-character title) switches
    that part to base64, encoded in one C call and cut into RFC 2045's 76-character lines.
    """
    raw, longest, marked = lines
    encoded = {key.encode(): value.encode() for key, value in values.items()}
    if max((longest, *(len(_filled(line, encoded)) for line in marked))) <= 998:
        encoding, body = "8bit", _filled(raw, encoded) + b"\r\n"
    else:
        flat = base64.b64encode(_filled(template.encode("utf-8"), encoded))
        encoding = "base64"
        body = b"\r\n".join(flat[i:i + 76] for i in range(0, len(flat), 76)) + b"\r\n"
    return (f"--{boundary}\r\nContent-Type: text/{subtype}; charset=\"utf-8\"\r\n"
            f"Content-Transfer-Encoding: {encoding}\r\n\r\n").encode() + body


def _prepared(digest: RenderedDigest) -> tuple[Lines, Lines]:
    """The digest's text and HTML parts as :func:`_lines`, once per rendered digest and not
    once per subscriber: the subscribers sharing a language and filters share it, and
    splitting and encoding its 90 KB again for each of them was four fifths of building a
    message (1.3 → 0.25 ms a message; issue 8, bench/digest.py)."""
    found = _PREPARED.get(digest)
    if found is None:
        found = _PREPARED[digest] = (_lines(digest.text), _lines(digest.html))
    return found


def _lines(template: str) -> Lines:
    """``template`` as one part's :data:`Lines`."""
    data = "\r\n".join(template.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    raw = data.encode("utf-8")
    plain, marked = 0, []
    for line in raw.split(b"\r\n"):
        if _MARKS.search(line):
            marked.append(line)
        else:
            plain = max(plain, len(line))
    return raw, plain, tuple(marked)


_MARKS = re.compile(b"|".join(re.escape(mark.encode()) for mark in (TOKEN, CALENDAR)))


def _filled(data: bytes, values: dict[bytes, bytes]) -> bytes:
    for key, value in values.items():
        data = data.replace(key, value)
    return data


@functools.lru_cache(maxsize=1024)
def _encoded(text: str) -> str:
    """RFC 2047 encoded words, folded; cached since subscribers sharing filters share the
    subject (the encoder searches split points in Python: 1.6 ms a subject)."""
    return Header(text, "utf-8").encode(linesep="\r\n")


def header(value: str) -> str:
    """A header value as given (ASCII: non-ASCII text arrives as encoded words), refused if
    a line break could start a new header; only a folded encoded word may continue a line."""
    lines = value.split("\r\n")
    if not value.isascii() or any("\r" in line or "\n" in line for line in lines) or any(
            not line.startswith(" ") for line in lines[1:]):
        raise ValueError(f"unsafe header value: {value[:60]!r}")
    return value
