"""News dates written in French or German, or with a European zone's abbreviation, rewritten
the way RFC 822 (RSS's pubDate) spells them, for feedparser to read.

Why: a French site's PHP that formats its dates in its locale publishes "lun., 07 déc. 2026
18:00:00 +0100", a German one "Mo, 07. Dez 2026 18:00:00 MEZ", and many write "CET" where
RFC 822 knows only US zones: feedparser read no date from the first two (the items never
reached the weekly digest, which picks the week's news by date) and took "CET" for UTC, an
hour off. The weekday is dropped (a date does not need it, and French "mar" is both Tuesday
and March).
"""

from __future__ import annotations

import re
import unicodedata

MONTHS = {
    "Jan": ("janvier", "janv", "januar", "jänner", "jaenner"),
    "Feb": ("février", "fevrier", "févr", "fevr", "fév", "fev", "februar"),
    "Mar": ("mars", "mar", "märz", "maerz", "mär", "mrz"),
    "Apr": ("avril", "avr", "april"),
    "May": ("mai",),
    "Jun": ("juin", "juni"),
    "Jul": ("juillet", "juil", "juli"),
    "Aug": ("août", "aout", "aoû", "aou", "august"),
    "Sep": ("septembre", "sept", "september"),
    "Oct": ("octobre", "oktober", "okt"),
    "Nov": ("novembre", "november"),
    "Dec": ("décembre", "decembre", "déc", "dezember", "dez"),
}
WEEKDAYS = ("lundi", "lun", "mardi", "mar", "mercredi", "mer", "jeudi", "jeu", "vendredi", "ven",
            "samedi", "sam", "dimanche", "dim", "montag", "mo", "dienstag", "di", "mittwoch", "mi",
            "donnerstag", "do", "freitag", "fr", "samstag", "sonnabend", "sa", "sonntag", "so",
            "mon", "tue", "wed", "thu", "fri", "sat", "sun")
ZONES = {"CET": "+0100", "CEST": "+0200", "MEZ": "+0100", "MESZ": "+0200", "WET": "+0000",
         "WEST": "+0100", "EET": "+0200", "EEST": "+0300", "BST": "+0100"}
READABLE = re.compile(
    r"\s*(?:\d{4}-"  # ISO 8601
    r"|(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),?\s+)?\d{1,2}\s+(?:" + "|".join(MONTHS) + r")\s+\d{2,4}"
    r"\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[+-]\d{4}|GMT|UTC?|Z|[ECMP][SD]T)?\s*$)")
"""What feedparser reads as it is, told apart at once: RFC 822 in English with a zone it
knows, and ISO 8601 (a feed's every date is asked of us first: 4 µs each without this)."""
_MONTH_OF = {word: english for english, words in MONTHS.items() for word in words}
WORD = re.compile(r"[^\W\d_]+\.?")
ENGLISH_WEEKDAYS = frozenset(WEEKDAYS[-7:])
LEADING_WEEKDAY = re.compile(
    r"(" + "|".join(sorted(map(re.escape, WEEKDAYS), key=len, reverse=True)) + r")\b\.?,?\s*(?=\d)",
    re.IGNORECASE)
DAY_MONTH = re.compile(r"\d{1,2}\s+(?:" + "|".join(MONTHS) + r")\b")
DAY_DOT = re.compile(r"\b(\d{1,2})\.(?=\s)")
ZONE = re.compile(r"\b(" + "|".join(ZONES) + r")\s*$")


def rfc822_spelling(text: str) -> str | None:
    """``text`` with its month in English, its weekday dropped, "07." as "07" and a European
    zone as its offset; None when it needed none of this (feedparser reads it as it is)."""
    if READABLE.match(text):
        return None
    original = text.strip()
    zoned = ZONE.sub(lambda found: ZONES[found.group(1)], original)
    weekday = LEADING_WEEKDAY.match(zoned)
    rest = zoned[weekday.end():] if weekday else zoned
    spelled = DAY_DOT.sub(r"\1", WORD.sub(_month, rest))
    if weekday and not DAY_MONTH.match(spelled):  # "Mar 03, 2026": a month, not mardi
        weekday, rest = None, zoned
        spelled = DAY_DOT.sub(r"\1", WORD.sub(_month, zoned))
    english_weekday = weekday is None or weekday.group(1).lower() in ENGLISH_WEEKDAYS
    if spelled == rest and zoned == original and english_weekday:
        return None
    return spelled


def _month(found: re.Match[str]) -> str:
    word = found.group()
    key = unicodedata.normalize("NFC", word.rstrip(".").lower())
    return _MONTH_OF.get(key, word)
