"""How a feed's dates are read, and what its organiser is told of them: feedparser's date
handlers, given the feed's zone and order of day and month.

feedparser hands its date handlers the text alone; ours (registered first) reads what real
sites write and feedparser does not, or misreads (parse/news_dates.py), and needs to know the
feed: a context variable carries its zone and whether its dates in figures are day first, for
the one parse of that feed (``read_with_dates``). feedparser's own ISO 8601 reader is kept from
runs of digits that are no date.
"""

from __future__ import annotations

import io
import time
import warnings
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any

import feedparser
import feedparser.datetimes

from ..errors import one_line
from .news_dates import (ISO_8601, READABLE, any_written_date, day_first, day_or_month,
                         zoneless_date)


@dataclass
class DateReading:
    """How the feed being parsed writes its dates: what feedparser's date handlers, which get
    only the text, need to know of the feed."""

    zone: tzinfo
    dayfirst: bool = True
    in_figures: list[str] = field(default_factory=list)
    """The dates in figures met that start with a day or a month (07/12/2026): they tell the
    feed's order of the two."""


_READING: ContextVar[DateReading | None] = ContextVar("news_date_reading", default=None)


def _date_as_written(text: str) -> time.struct_time | None:
    """A date in French or German, or with "CET", or typed ("07.12.2026 18:00", "December 7,
    2026 6:00 pm"), or with no zone ("2026-12-07 18:00:00"), in UTC (parse/news_dates.py); None
    for the rest, which feedparser's own readers take in turn."""
    if READABLE.match(text):  # feedparser's to read, unless it has no zone
        if zoneless := zoneless_date(text, (_READING.get() or DateReading(UTC)).zone):
            return zoneless.utctimetuple()
        return None
    reading = _READING.get() or DateReading(UTC)
    read = any_written_date(text, reading.zone, reading.dayfirst)
    if read is None:
        return None
    if day_or_month(text):  # a date read: an unread one tells nothing, nor makes an example
        reading.in_figures.append(text)
    return read.utctimetuple()


def _no_runs_of_digits(handler: Callable[[str], Any]) -> Callable[[str], Any]:
    """feedparser's ISO 8601 reader, refusing a run of digits that is neither a year nor
    YYYYMMDD, and a date with a time the readers before it (W3DTF's, ours) found invalid: it
    read "202612" as 17 September 2020, "12345" as 10 December 2012 and "20261307T1800" or
    "2026-13-07 18:00:00" as 7 January 2027, dates nobody wrote (such an entry is reported and
    dated by when it was first seen)."""
    def guarded(text: str) -> Any:
        digits = text.strip()
        if digits.isdigit() and len(digits) not in (4, 8):
            return None
        if ISO_8601.fullmatch(digits) and ("T" in digits or " " in digits):  # a time: ours or
            return None  # W3DTF's to read, or nobody's
        return handler(text)

    guarded.__name__ = handler.__name__
    return guarded


feedparser.datetimes._date_handlers[:] = [
    _no_runs_of_digits(handler) if handler is feedparser.datetimes._parse_date_iso8601 else handler
    for handler in feedparser.datetimes._date_handlers]
feedparser.registerDateHandler(_date_as_written)


def read_with_dates(body: bytes, zone: tzinfo) -> tuple[Any, str | None]:
    """feedparser's reading of ``body``, and the note saying how its dates in figures were
    read when they do not tell (07/12/2026). Read again month first when they say the feed
    writes them so (12/13/2026), or do not tell and the feed is in US English."""
    reading = DateReading(zone)
    token = _READING.set(reading)
    try:
        parsed = _quiet_feedparser(body)
        order, note = day_first(reading.in_figures), None
        if order is None and reading.in_figures:
            language = str((parsed.get("feed") or {}).get("language") or "")
            order = language.strip().lower().replace("_", "-") != "en-us"
            note = guessed_order_note(reading.in_figures[0], order)
        if order is False:
            reading.dayfirst = False
            parsed = _quiet_feedparser(body)
        return parsed, note
    finally:
        _READING.reset(token)


def guessed_order_note(first: str, dayfirst: bool) -> str:
    """The warning for dates in figures whose order of day and month only the region's habit
    (or the feed's language) tells: the organiser can check the dates read, and write them in
    RFC 822 to leave no doubt."""
    example = repr(one_line(first, 40))
    if dayfirst:
        return (f"dates in figures such as {example} read day first, as French and German write "
                "them: a pubDate in RFC 822 (Mon, 07 Dec 2026 18:00:00 +0100) leaves no doubt")
    return (f"dates in figures such as {example} read month first, as the feed's language (US "
            "English) writes them: a pubDate in RFC 822 (Mon, 07 Dec 2026 18:00:00 +0100) leaves "
            "no doubt")


def _quiet_feedparser(body: bytes) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return feedparser.parse(io.BytesIO(body), sanitize_html=False, resolve_relative_uris=True)


def unread_dates_note(dates: list[str]) -> str:
    """The warning for entries whose date nobody can read: they are dated by when they were
    first seen (NewsItem.seen), which can be days after the article."""
    first = repr(one_line(dates[0], 60))
    if len(dates) == 1:
        return (f"an entry with a date that cannot be read ({first}): dated by the day it was "
                "first seen")
    return (f"{len(dates)} entries with a date that cannot be read, the first: {first}: dated "
            "by the day they were first seen")


def undated_note(count: int) -> str:
    """The warning for entries with no date at all (RSS allows it): they are dated by when
    they were first seen, which is their date only where the aggregator runs all along."""
    if count == 1:
        return "an entry without a date (pubDate): dated by the day it was first seen"
    return f"{count} entries without a date (pubDate): dated by the day they were first seen"


EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)
"""Before feeds existed: an earlier date is a generator's zero (a Unix time of 0, MySQL's
0000-00-00, which feedparser reads as the year -1), not the day an article was published."""


def to_utc(parsed: time.struct_time | None) -> datetime | None:
    """feedparser's UTC struct_time as an aware datetime; None when absent, impossible or a
    zero (before ``EARLIEST``)."""
    if not parsed:
        return None
    try:
        value = datetime(*parsed[:6], tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None
    return value if value >= EARLIEST else None
