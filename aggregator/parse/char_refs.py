"""Character references to no character, written U+FFFD before feedparser reads them.

Why: ``&#xD800;`` (half of a UTF-16 pair, written by generators that escape characters one
UTF-16 unit at a time), ``&#x110000;`` or a reference of twenty digits make the XML ill-formed;
feedparser then falls back to its lenient parser, whose ``chr(n).encode()`` raises
UnicodeEncodeError, ValueError or OverflowError: the whole feed was refused as "unexpected …
while parsing". HTML's parsers read such a reference as U+FFFD REPLACEMENT CHARACTER; so do we,
with a warning. CDATA sections and comments are left alone (a reference there is text), as is
a body in UTF-16 or UTF-32. A feed without such a reference costs one scan.
"""

from __future__ import annotations

import re

from .ampersands import LITERAL

CANDIDATE = re.compile(rb"&#(?:[xX]0*([0-9a-fA-F]{4,})|0*([0-9]{5,}));")
"""A reference long enough to name a surrogate or a code point past U+10FFFF (and some valid
ones, which :func:`_names_none` lets through)."""
REPLACEMENT = b"&#xFFFD;"


def replace_references_to_nothing(body: bytes) -> tuple[bytes, int]:
    """``body`` with each reference to a surrogate or to a number past U+10FFFF written
    ``&#xFFFD;`` outside CDATA and comments, and how many there were."""
    if b"\x00" in body[:64] or not any(map(_names_none, CANDIDATE.finditer(body))):
        return body, 0
    pieces = LITERAL.split(body)
    count = 0
    for index in range(0, len(pieces), 2):  # CDATA and comments at the odd places
        pieces[index], found = _replace(pieces[index])
        count += found
    return (b"".join(pieces), count) if count else (body, 0)


def _replace(text: bytes) -> tuple[bytes, int]:
    count = 0

    def one(match: re.Match[bytes]) -> bytes:
        nonlocal count
        if not _names_none(match):
            return match.group()
        count += 1
        return REPLACEMENT

    return CANDIDATE.sub(one, text), count


def _names_none(match: re.Match[bytes]) -> bool:
    hexadecimal, decimal = match.groups()
    digits = hexadecimal or decimal
    if len(digits) > 8:
        return True
    number = int(digits, 16 if hexadecimal else 10)
    return 0xD800 <= number <= 0xDFFF or number > 0x10FFFF
