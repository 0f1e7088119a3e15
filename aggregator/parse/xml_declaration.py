"""An XML declaration whose encoding is no encoding's name, dropped before feedparser reads it.

Why: feedparser decodes the body with the declared name, and a name holding a NUL byte
(``encoding="utf\\0-8"``: a database field cut short, a buggy generator) makes Python's
``bytes.decode`` raise ValueError, not the LookupError feedparser expects of an unknown name:
the whole feed was refused as "unexpected ValueError while parsing: embedded null character".
XML names an encoding with ``[A-Za-z] ([A-Za-z0-9._] | '-')*`` (XML 1.0, EncName); a value
outside it is replaced by UTF-8, XML's own default (feedparser still falls back to another
encoding if the bytes are not UTF-8), and the warning names it. A well-formed name that
names no encoding ("utf-9") is still feedparser's to handle: it tries the others.
"""

from __future__ import annotations

import re

DECLARED = re.compile(
    rb"\A(?:\xef\xbb\xbf)?[ \t\r\n]*<\?xml\b[^>]*?[ \t\r\n]encoding[ \t\r\n]*=[ \t\r\n]*"
    rb"(?P<quoted>\"(?P<double>[^\"]*)\"|'(?P<single>[^']*)')")
"""The encoding of an XML declaration at the start of a body in an ASCII-compatible encoding
(one in UTF-16 or UTF-32 has NUL bytes between these characters, and does not match)."""
ENCODING_NAME = re.compile(rb"[A-Za-z][A-Za-z0-9._\-]*")


def drop_unnamed_encoding(body: bytes) -> tuple[bytes, str | None]:
    """``body`` declaring UTF-8 when its declared encoding is no encoding name, and that name
    (printable, for the warning); ``body`` unchanged and None otherwise (one anchored match
    on the start: no cost)."""
    declared = DECLARED.match(body[:1024])
    if declared is None:
        return body, None
    value = declared.group("double")
    if value is None:
        value = declared.group("single")
    if ENCODING_NAME.fullmatch(value):
        return body, None
    start, end = declared.span("quoted")
    return body[:start] + b'"utf-8"' + body[end:], value.decode("ascii", "backslashreplace")
