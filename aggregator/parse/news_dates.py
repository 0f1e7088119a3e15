"""News dates written in French or German, or with a European zone's abbreviation, rewritten
the way RFC 822 (RSS's pubDate) spells them, for feedparser to read.

Why: a French site's PHP that formats its dates in its locale publishes "lun., 07 déc. 2026
18:00:00 +0100", a German one "Mo, 07. Dez 2026 18:00:00 MEZ", and many write "CET" where
RFC 822 knows only US zones: feedparser read no date from the first two (the items never
reached the weekly digest, which picks the week's news by date) and took "CET" for UTC, an
hour off. The weekday is dropped (a date does not need it, and French "mar" is both Tuesday
and March). The names are CLDR's (Babel) for the region's languages and its neighbours', with
their accents dropped as dates are often typed, and the few PHP's locales write besides.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from babel.dates import get_day_names, get_month_names

LOCALES = ("fr", "de", "de_AT", "lb", "nl", "it", "pt", "es", "en")
"""The region's languages and its neighbours' (Babel's CLDR names, what a site's locale writes)."""
ENGLISH = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
EXTRA_MONTHS = {"mar": 3, "mär": 3, "maerz": 3, "mrz": 3, "jaenner": 1, "fév": 2, "aoû": 8}
"""What PHP's locales or hand-typed dates write beside CLDR's names."""


def _plain(word: str) -> str:
    """Lower case, no final dot, no accents ("Déc." -> "dec"), as dates are typed."""
    decomposed = unicodedata.normalize("NFD", word.rstrip(".").lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _months() -> dict[str, str]:
    """Every name and abbreviation of a month in ``LOCALES`` -> its English abbreviation;
    a word two languages give to different months is left out."""
    found: dict[str, set[int]] = {}
    for locale in LOCALES:
        for width in ("abbreviated", "wide"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale=locale).items():
                    found.setdefault(_plain(name), set()).add(number)
    for word, number in EXTRA_MONTHS.items():
        found.setdefault(_plain(word), set()).add(number)
    return {word: ENGLISH[numbers.pop() - 1] for word, numbers in found.items() if len(numbers) == 1}


def _weekdays(locales: tuple[str, ...]) -> set[str]:
    return {_plain(name) for locale in locales for width in ("abbreviated", "short", "wide")
            for name in get_day_names(width, "format", locale=locale).values()}


@functools.cache
def _tables() -> tuple[dict[str, str], frozenset[str], re.Pattern[str]]:
    """Month words, English weekdays and the leading-weekday pattern, built from CLDR at the
    first date that needs them (30 ms: not at every command's start)."""
    words = sorted(_weekdays(LOCALES), key=len, reverse=True)
    leading = re.compile(r"(" + "|".join(map(re.escape, words)) + r")\b\.?,?\s*(?=\d)")
    return _months(), frozenset(_weekdays(("en",))), leading


ZONES = {"CET": "+0100", "CEST": "+0200", "MEZ": "+0100", "MESZ": "+0200", "WET": "+0000",
         "WEST": "+0100", "EET": "+0200", "EEST": "+0300", "BST": "+0100"}
READABLE = re.compile(
    r"\s*(?:\d{4}-"  # ISO 8601
    r"|(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),?\s+)?\d{1,2}\s+(?:" + "|".join(ENGLISH) + r")\s+\d{2,4}"
    r"\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[+-]\d{4}|GMT|UTC?|Z|[ECMP][SD]T)?\s*$)")
"""What feedparser reads as it is, told apart at once: RFC 822 in English with a zone it
knows, and ISO 8601 (a feed's every date is asked of us first: 4 µs each without this)."""
WORD = re.compile(r"[^\W\d_]+\.?")
DAY_MONTH = re.compile(r"\d{1,2}\s+(?:" + "|".join(ENGLISH) + r")\b")
DAY_DOT = re.compile(r"\b(\d{1,2})\.(?=\s)")
ZONE = re.compile(r"\b(" + "|".join(ZONES) + r")\s*$")


def rfc822_spelling(text: str) -> str | None:
    """``text`` with its month in English, its weekday dropped, "07." as "07" and a European
    zone as its offset; None when it needed none of this (feedparser reads it as it is)."""
    if READABLE.match(text):
        return None
    _, english_weekdays, leading_weekday = _tables()
    original = text.strip()
    zoned = ZONE.sub(lambda found: ZONES[found.group(1)], original)
    weekday = leading_weekday.match(_plain_head(zoned))
    rest = zoned[weekday.end():] if weekday else zoned
    spelled = DAY_DOT.sub(r"\1", WORD.sub(_month, rest))
    if weekday and not DAY_MONTH.match(spelled):  # "Mar 03, 2026": a month, not mardi
        weekday, rest = None, zoned
        spelled = DAY_DOT.sub(r"\1", WORD.sub(_month, zoned))
    english_weekday = weekday is None or weekday.group(1) in english_weekdays
    if spelled == rest and zoned == original and english_weekday:
        return None
    return spelled


def _plain_head(text: str) -> str:
    """``text`` with its first word made plain, the rest as it is (same length: ``match.end``
    indexes both)."""
    word = re.match(r"[^\W\d_]+", text)
    if word is None:
        return text
    plain = _plain(word.group())
    return plain + text[word.end():] if len(plain) == word.end() else text


def _month(found: re.Match[str]) -> str:
    word = found.group()
    return _tables()[0].get(_plain(word), word)
