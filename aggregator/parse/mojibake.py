"""Text a site encoded twice (its UTF-8 read as Windows-1252, then written as UTF-8 again),
read as its author wrote it.

Why: an old PHP site that converts its UTF-8 database "to UTF-8" once more publishes
"CafÃ© IA â€“ lâ€™atelier"; every subscriber read that in the agenda, the calendar and the
digest. ftfy knows this damage and its undoing, and leaves alone what only looks like it
("Ärzte", "SÃO PAULO" stay); it is asked only of lines holding the telltale pairs, so a clean
feed pays one regex scan.
"""

from __future__ import annotations

import re

from .guards import FOLD

TELLTALE = re.compile(
    "[\u00c2-\u00c5][\u00a0-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]|\u00e2\u20ac"
)
"""The first two characters of a UTF-8 sequence read as Windows-1252: "Ã©" (é), "Â«" («),
"â€™" (’)."""
LEADS = ("\u00c3", "\u00c2", "\u00e2\u20ac", "\u00c4", "\u00c5")
"""Their first characters, looked for with ``in`` before the pattern: a regex that starts
with a class tries every position (8 ms a megabyte, 4 % of parsing a clean feed)."""
XML_ENCODING = re.compile(r"""<\?xml[^>]*?encoding\s*=\s*["']([^"']+)""")
FOLDED_LEAD = re.compile("[\u00c2-\u00c5\u00e2]\r?\n[ \t]")
"""A telltale pair's first character right before a fold."""


def repair_double_encoding(text: str) -> tuple[str, int]:
    """``text`` with every line encoded twice repaired, and how many lines were."""
    if not _has_telltale(text):
        return text, 0
    import ftfy  # 35 ms to import, for the rare feed that needs it

    lines = text.split("\n")
    repaired = 0
    for number, line in enumerate(lines):
        if TELLTALE.search(line):
            fixed = ftfy.fix_encoding(line)
            if fixed != line:
                lines[number] = fixed
                repaired += 1
    return "\n".join(lines), repaired


def repair_calendar(text: str) -> tuple[str, int]:
    """:func:`repair_double_encoding` on a calendar's lines unfolded: a fold may fall between
    the two characters of one ("CafÃ" + "\\r\\n ©")."""
    split = (_has_lead(text) or "\u00e2" in text) and FOLDED_LEAD.search(text) is not None
    if not (split or _has_telltale(text)):
        return text, 0
    fixed, repaired = repair_double_encoding(FOLD.sub("", text))
    return (fixed, repaired) if repaired else (text, 0)


SPLIT_FOLD = re.compile(rb"(?<=[\xc2-\xf4\x80-\xbf])\r?\n[ \t](?=[\x80-\xbf])")
"""A fold between the bytes of one UTF-8 character: a lead or continuation byte before it,
a continuation byte after."""


def rejoin_split_characters(body: bytes) -> bytes | None:
    """``body`` in UTF-8 once the folds that split a character are undone, or None when it is
    not UTF-8 even so. PHP generators fold every 75 bytes wherever that falls (CiviCRM,
    iCalcreator, WordPress plugins), and RFC 5545 (3.1) asks readers to restore the
    character: read as Windows-1252, "🚀" came out "ðŸš€" and "Ł" came out "�"."""
    joined = SPLIT_FOLD.sub(b"", body)
    if joined == body:
        return None
    try:
        joined.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return joined


def repair_utf8_body(body: bytes) -> tuple[bytes, int]:
    """:func:`repair_double_encoding` on an XML or JSON body in UTF-8 (one that says it is in
    another encoding, or is not UTF-8, is left to its parser)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return body, 0
    if not _has_telltale(text):
        return body, 0
    declared = XML_ENCODING.search(text[:300])
    if declared and declared.group(1).strip().lower().replace("_", "-") not in ("utf-8", "utf8"):
        return body, 0
    fixed, repaired = repair_double_encoding(text)
    return (fixed.encode("utf-8"), repaired) if repaired else (body, 0)


def _has_lead(text: str) -> bool:
    return any(lead in text for lead in LEADS)


def _has_telltale(text: str) -> bool:
    return _has_lead(text) and TELLTALE.search(text) is not None


def double_encoding_note(repaired: int) -> str:
    """The feed's warning: its site should stop encoding twice, for its other readers."""
    if repaired == 1:
        return "text encoded twice (UTF-8 read as Windows-1252, then encoded again) on a line: repaired"
    return (f"text encoded twice (UTF-8 read as Windows-1252, then encoded again) on "
            f"{repaired} lines: repaired")
