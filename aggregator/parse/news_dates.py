"""News dates written in French or German, or with a European zone's abbreviation, rewritten
the way RFC 822 (RSS's pubDate) spells them, for feedparser to read.

Why: a French site's PHP that formats its dates in its locale publishes "lun., 07 déc. 2026
18:00:00 +0100", a German one "Mo, 07. Dez 2026 18:00:00 MEZ", and many write "CET" where
RFC 822 knows only US zones: feedparser read no date from the first two (the items never
reached the weekly digest, which picks the week's news by date) and took "CET" for UTC, an
hour off. The weekday is dropped (a date does not need it, and French "mar" is both Tuesday
and March). The names are CLDR's (Babel) for the region's languages and its neighbours', with
their accents dropped as dates are often typed, and the few PHP's locales write besides.

Dates typed by people or by a CMS template ("07.12.2026 18:00", "07/12/2026", "2026/12/07",
"7 décembre 2026", "December 7, 2026 6:00 pm") are read here too (``written_date``), with
dateutil: feedparser read none of the first two, and misread the rest ("2026/12/07" as 1
December, "07-12-2026" as 20 December 2007, "6:00 pm" as 6:00), silently. An events page's
JSON-LD dates written so are read here too (``written_when``): schema.org asks for ISO 8601.
"""

from __future__ import annotations

import email.utils
import functools
import re
import unicodedata
from datetime import UTC, date, datetime, tzinfo

from babel.dates import get_day_names, get_month_names
from dateutil import parser as dateutil_parser

from .timezones import zone_or_none

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
ZONELESS = re.compile(
    r"\s*(?:(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)"
    r"|((?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),?\s+)?\d{1,2}\s+(?:" + "|".join(ENGLISH) + r")\s+\d{2,4}"
    r"\s+\d{1,2}:\d{2}(?::\d{2})?))\s*$")
"""ISO 8601 or RFC 822 with a time and no zone ("2026-12-07 18:00:00", "2026-12-07T18:00",
PHP's date('D, d M Y H:i:s') without its 'O'): a local time, the feed's."""
WORD = re.compile(r"[^\W\d_]+\.?")
DAY_MONTH = re.compile(r"\d{1,2}\s+(?:" + "|".join(ENGLISH) + r")\b")
DAY_DOT = re.compile(r"\b(\d{1,2})\.(?=\s)")
ZONE = re.compile(r"\b(" + "|".join(ZONES) + r")(?=\s*(?:\d{4}\s*)?$)")
"""A European zone's abbreviation at the end, or before the year as Java's Date.toString()
writes it ("Mon Dec 07 18:00:00 CET 2026")."""
GMT_OFFSET = re.compile(r"\b(?:GMT|UTC|UT)\s*([+-])(\d{1,2})(?::?(\d{2}))?(?!\d)")
"""An offset written after GMT or UTC ("GMT+1", "UTC+01:00", JavaScript's "GMT+0100"), which
dateutil reads the POSIX way, with its sign reversed: made a plain offset first."""
IANA_ZONE = re.compile(r"\s+([A-Za-z]+(?:/[A-Za-z_+-]+)+)\s*$")
"""A zone's IANA name after the time: "18:00:00 Europe/Paris"."""
US_ZONES = {name: hours * 3600 for name, hours in (
    ("EST", -5), ("EDT", -4), ("CST", -6), ("CDT", -5),
    ("MST", -7), ("MDT", -6), ("PST", -8), ("PDT", -7))}
"""The zones RFC 822 names besides UT/GMT, which dateutil does not know (it would read the
time as the feed's zone's, hours off)."""
IN_FIGURES = re.compile(r"\s*(\d{1,2})([./-])(\d{1,2})\2(?:\d{4}|\d{2})(?!\d)")
"""A date in figures, day or month first: 07/12/2026, 07.12.2026, 07-12-26."""
YEAR_FIRST = re.compile(r"\s*\d{4}([./-])\d{1,2}\1\d{1,2}(?!\d)")
"""A date in figures, year first: 2026/12/07, 2020/1/10, 2026-12-7."""
SPELLED = re.compile(r"\s*(?:\d{1,2}\s+(?:" + "|".join(ENGLISH) + r")\s+\d{4}"
                     r"|(?:" + "|".join(ENGLISH) + r")\w*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4})\b")
"""A date with its month in words, English once spelled: "7 Dec 2026", "December 7th, 2026"."""
EPOCH = re.compile(r"\s*(\d{10}|\d{13})(\.\d+)?\s*$")
"""A Unix time in seconds, or milliseconds as JavaScript's Date.now() gives it, from September
2001 on (a shorter run of digits is more likely an id than a date of the last century)."""
ASCTIME = re.compile(r"\s*(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\w*,?\s+)?(?:" + "|".join(ENGLISH)
                     + r")\w*\.?\s+\d{1,2}\s+\d{1,2}:\d{2}"
                     r"(?::\d{2})?\s+(?:[+-]\d{4}\s+)?\d{4}\s*$")
"""C's asctime and Java's Date.toString() once their zone is an offset: "Dec 07 18:00:00 2026"."""
ISO_8601 = re.compile(r"\d{4}-?\d{2}-?\d{2}(?:[T ]\d{2}:?\d{2}(?::?\d{2})?(?:\.\d+)?"
                      r"(?:Z|[+-]\d{2}(?::?\d{2})?)?)?")
"""ISO 8601 in its extended or basic form, what ``datetime.fromisoformat`` reads: 2026-12-07,
2026-12-07T18:00:00, 20261207T1800, 20261207T180000+0100 (a calendar's dates where iCalendar
wants 20261207T180000, parse/ical_dates.py; a news date with a time in the basic form)."""
CONNECTORS = re.compile(r"(?<!\w)(?:à|le|um|den|uhr|at)(?!\w)|,", re.IGNORECASE)
"""What people type between a date and its time ("le 7 Dec 2026 à 18:00", "07.12.2026, 18:00
Uhr"), which dateutil does not know."""


def day_or_month(text: str) -> bool:
    """Whether ``text`` is a date in figures starting with its day or its month (07/12/2026),
    not its year (2026/12/07), nor a day as dots say (07.12.2026: never month first)."""
    found = IN_FIGURES.match(typed_form(text))
    return found is not None and found.group(2) != "."


def day_first(day_or_month_dates: list[str]) -> bool | None:
    """Whether this feed writes its dates in figures day first (07/12 is 7 December), as the
    region does: a date with a first part above 12 says so, one with a second part above 12
    says month first; None when none of them tells."""
    found = [IN_FIGURES.match(typed_form(text)) for text in day_or_month_dates]
    parts = [(int(match.group(1)), int(match.group(3))) for match in found if match]
    if any(first > 12 for first, _ in parts):
        return True
    if any(second > 12 for _, second in parts):
        return False
    return None


def written_date(text: str, zone: tzinfo, dayfirst: bool = True) -> datetime | None:
    """A date as people and CMS templates type it (figures, or its month in words), in UTC;
    a time with no zone is in ``zone``, the feed's. None for anything else: only a text that
    gives the day, the month and the year goes to dateutil (which takes a missing one from
    today)."""
    spelled = typed_form(text)
    if (named := IANA_ZONE.search(spelled)) and (its_zone := zone_or_none(named.group(1))):
        zone, spelled = its_zone, spelled[:named.start()]  # an unknown name stays: unread
    in_figures, yearfirst = IN_FIGURES.match(spelled), YEAR_FIRST.match(spelled) is not None
    if (in_figures is None and not yearfirst and not SPELLED.match(spelled)
            and not ASCTIME.match(spelled)):
        return None
    dotted = in_figures is not None and in_figures.group(2) == "."  # 07.12.2026: always day first
    dayfirst = (dayfirst or dotted) and not yearfirst
    try:
        read: datetime = dateutil_parser.parse(spelled, yearfirst=yearfirst, dayfirst=dayfirst,
                                               tzinfos=US_ZONES)
    except (ValueError, OverflowError):
        return None
    return moved(read if read.tzinfo else read.replace(tzinfo=zone), UTC)


def moved(value: datetime, zone: tzinfo) -> datetime | None:
    """``value`` in ``zone``; None when that falls outside the years 1 to 9999 ("01/01/0001
    00:30 +0100"), a date nobody wrote, which must not cost the rest of the feed."""
    try:
        return value.astimezone(zone)
    except OverflowError:
        return None


TIME_OF_DAY = re.compile(r"\d\s*[:h]\s*\d{2}|\d\s*[ap]\.?\s*m\b", re.IGNORECASE)
"""A time written in the text: 18:00, 18h00, 6 pm."""
CLOCK = re.compile(r"(?<![\w.:])([01]?\d|2[0-3])(?:[.:]([0-5]\d))?\s*(?:h|uhr)(?:\s*([0-5]\d))?"
                   r"(?!\w)", re.IGNORECASE)
"""A time as German and French write it, by its hour: "18.30 Uhr", "18 Uhr", "18h", "18 h 30"
(dateutil read none of them: the date of "à 18h" came alone, an all-day event, and that of
"18.30 Uhr" not at all, its event skipped)."""


def written_when(text: str, zone: tzinfo, dayfirst: bool = True) -> date | datetime | None:
    """``written_date`` in ``zone``, or the day alone when the text gives no time of day
    ("7 décembre 2026": an all-day event, not one at midnight)."""
    read = written_date(text, zone, dayfirst)
    local = moved(read, zone) if read else None
    if local is None:
        return None
    return local if TIME_OF_DAY.search(text) or CLOCK.search(text) else local.date()


def any_written_date(text: str, zone: tzinfo, dayfirst: bool = True) -> datetime | None:
    """Any date this module reads, in UTC: RFC 822 once spelled in English (with
    ``email.utils``, only on what is RFC 822-shaped: it reads "Dec 7, 2026 6:00 pm" as 6:00),
    a machine's (``machine_date``) or a person's (``written_date``)."""
    spelled = rfc822_spelling(text, always=True)
    parsed = email.utils.parsedate_tz(spelled) if spelled and READABLE.match(spelled) else None
    if spelled and parsed:  # no zone ("Mo, 07. Dez 2026 18:00"): the feed's (parsedate_tz: UTC)
        return zoneless_date(spelled, zone) or datetime.fromtimestamp(
            email.utils.mktime_tz(parsed), UTC)
    return machine_date(text, zone) or written_date(text, zone, dayfirst)


def zoneless_date(text: str, zone: tzinfo) -> datetime | None:
    """A date in ISO 8601 or RFC 822 with a time and no zone, read in ``zone`` (the feed's),
    in UTC, as a calendar's floating times and the dates people type are; None for the rest
    (feedparser's). feedparser took the ISO ones for UTC (an hour off in Paris in winter, two
    in summer) and left an RFC 822 one unread when it names its weekday."""
    found = ZONELESS.match(text)
    if found is None:
        return None
    try:
        if found.group(1):
            read = datetime.fromisoformat(found.group(1))
        elif parsed := email.utils.parsedate_tz(found.group(2)):
            read = datetime(*parsed[:6])
        else:
            return None
    except ValueError:  # 2026-13-07 18:00, 31 Feb 2026 18:00
        return None
    return moved(read.replace(tzinfo=zone), UTC)


def machine_date(text: str, zone: tzinfo) -> datetime | None:
    """A Unix time (1518478934, or in milliseconds) or an ISO 8601 basic date and time
    (20261207T180000Z; with no zone, in ``zone``), in UTC: what generators write, and what
    feedparser misread (the first as 3 July 2015, the second at midnight). None for the rest."""
    if found := EPOCH.match(text):
        seconds = float(found.group(1) + (found.group(2) or ""))
        return datetime.fromtimestamp(seconds / 1000 if len(found.group(1)) > 10 else seconds, UTC)
    if ISO_8601.fullmatch(stamp := text.strip()) and "T" in stamp:  # the rest: feedparser's
        try:
            read = datetime.fromisoformat(stamp)
        except ValueError:  # 20261307T1800
            return None
        return moved(read if read.tzinfo else read.replace(tzinfo=zone), UTC)
    return None


def typed_form(text: str) -> str:
    """``text`` with its weekday and the words between date and time dropped, its month in
    English and a European zone as its offset: what dateutil reads."""
    text = CLOCK.sub(_clock_time, text)
    spelled = CONNECTORS.sub(" ", rfc822_spelling(text, always=True) or text)
    return GMT_OFFSET.sub(_plain_offset, spelled).strip()


def _clock_time(found: re.Match[str]) -> str:
    hour, minutes, after = found.groups()
    return f"{int(hour):02d}:{minutes or after or '00'}"


def _plain_offset(found: re.Match[str]) -> str:
    sign, hours, minutes = found.groups()
    return f" {sign}{int(hours):02d}{minutes or '00'}"


def rfc822_spelling(text: str, always: bool = False) -> str | None:
    """``text`` with its month in English, its weekday dropped, "07." as "07" and a European
    zone as its offset; None when it needed none of this (feedparser reads it as it is),
    unless ``always``."""
    if READABLE.match(text) and not always:
        return None
    _, english_weekdays, leading_weekday = _tables()
    original = text.strip()
    zoned = ZONE.sub(lambda found: ZONES[found.group(1)], original)
    weekday = leading_weekday.match(_plain_head(zoned))
    rest = zoned[weekday.end():] if weekday else zoned
    spelled = DAY_DOT.sub(r"\1", WORD.sub(_month, rest))
    if weekday and not (DAY_MONTH.match(spelled) or IN_FIGURES.match(spelled)
                        or YEAR_FIRST.match(spelled)):  # "Mar 03, 2026": March, not mardi
        weekday, rest = None, zoned
        spelled = DAY_DOT.sub(r"\1", WORD.sub(_month, zoned))
    english_weekday = weekday is None or weekday.group(1) in english_weekdays
    if spelled == rest and zoned == original and english_weekday and not always:
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
