"""How long an occurrence lasts, in words for a page: "18:30 – 20:00", and for what runs over
several days, until when: "18:00 – dim. 3 janv., 21:00", "Jusqu'au dim. 3 janv.".

Why: a startup weekend (Friday 18:00 to Sunday 21:00) read "18:00" on the agenda and on its
page, as an evening, and a two-day conference "All day", as one day; on a page starting on its
Saturday it stood under Saturday at "18:00", a time nothing happens that day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, tzinfo
from typing import Protocol

from babel import Locale
from babel.dates import format_skeleton

from ..models import When
from .text import babel_locale, clock_time, first_of_month
from .times import as_date, last_day

UNTIL = {"fr": "Jusqu’au {day}", "en": "Until {day}", "de": "Bis {day}"}


class Span(Protocol):
    """An occurrence, as far as its span goes (render.agenda.Occurrence)."""

    @property
    def start(self) -> When: ...
    @property
    def end(self) -> When | None: ...


def span_text(occurrence: Span, zone: tzinfo, language: str, day: date, all_day: str, *,
              time_of: Callable[[datetime], str] | None = None, joined: str = "") -> str:
    """The occurrence's times as a row listed under ``day`` shows them: its start's time (with
    its date when it began before ``day``) and its end's (with its date when a later day's);
    ``all_day`` (the page's words) for a day's event, or until which day it runs.

    ``time_of`` writes a time of day (the page's: CLDR's short time) and ``joined`` a day and
    a time ("{1} {0}": the language's own pattern by default): the digest writes "18 h 30",
    and "dim. 3 janv., 21 h"."""
    def clock(value: datetime) -> str:
        return time_of(value) if time_of else _time(value, zone, language)

    def moment(value: datetime) -> str:
        local = value.astimezone(zone)
        pattern = joined or str(Locale.parse(babel_locale(language)).datetime_formats["short"])
        return pattern.format(clock(local), short_day(local.date(), language))

    start, end = occurrence.start, occurrence.end
    until = last_day(start, end, zone)
    if not isinstance(start, datetime):
        return all_day if until is None else UNTIL[language].format(day=short_day(until, language))
    began = clock(start) if as_date(start, zone) >= day else moment(start)
    if not isinstance(end, datetime) or end.astimezone(UTC) <= start.astimezone(UTC):
        return began
    return f"{began} – {clock(end) if until is None else moment(end)}"


def short_day(value: date, language: str) -> str:
    """"dim. 3 janv.", "Sun 3 Jan", "So., 3. Jan."."""
    return first_of_month(format_skeleton("MMMEd", value, locale=babel_locale(language)), language)


def _time(value: datetime, zone: tzinfo, language: str) -> str:
    return clock_time(value, zone, language)
