"""Time rules shared by every renderer: which zone an event is shown in, its span, its order.

Merged events carry aware datetimes or dates plus an IANA zone name. The calendar (TZID), the
JSON exports (offsets) and the page (local times) must agree on how a value is read, so the
rules live once, here, instead of drifting apart in three renderers.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..instants import two_readings
from ..models import Event, MergedEvent, When

UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Z", "GMT", "Etc/GMT", "Zulu"})
"""Zone names written as ``Z`` values rather than with a TZID."""


def require_aware(now: datetime) -> datetime:
    """Return ``now`` unchanged; renderers refuse a naive clock.

    Raises:
        ValueError: ``now`` has no UTC offset (a caller bug: the build passes an aware clock).
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    return now


@functools.lru_cache(maxsize=256)
def load_zone(name: str) -> tzinfo | None:
    """The tzinfo of an IANA name (UTC names give :data:`datetime.UTC`), None when unknown."""
    if name in UTC_NAMES:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def render_zone(name: str) -> tzinfo:
    """The zone pages and calendars are written for (the ``timezone`` setting).

    Raises:
        ValueError: the name is not a known IANA zone.
    """
    zone = load_zone(name)
    if zone is None:
        raise ValueError(f"unknown timezone: {name!r}")
    return zone


def event_zone(event_timezone: str | None, value: When | None = None) -> tzinfo:
    """The zone an event's times are written in: its own IANA zone, else its value's, else UTC.

    A fixed-offset or foreign tzinfo has no TZID we can describe with a VTIMEZONE, so such
    values are shown in UTC rather than with an invented TZID.
    """
    zone = load_zone(event_timezone) if event_timezone else None
    if zone is not None:
        return zone
    if isinstance(value, datetime) and isinstance(value.tzinfo, ZoneInfo):
        return load_zone(value.tzinfo.key) or UTC
    return UTC


def zone_name(zone: tzinfo) -> str:
    """The IANA name of a zone returned by :func:`event_zone`."""
    return zone.key if isinstance(zone, ZoneInfo) else "UTC"


def in_zone(value: When, zone: tzinfo) -> When:
    """A datetime moved to ``zone`` (a naive, floating one is read in it); dates unchanged."""
    if not isinstance(value, datetime) or value.tzinfo is zone:
        return value  # already there: most values, several times each per build
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=zone)
    return value.astimezone(zone)


def like(value: When, reference: When, zone: tzinfo) -> When:
    """``value`` turned into the kind of ``reference`` (date or datetime in ``zone``).

    RFC 5545 wants RDATE, EXDATE, RECURRENCE-ID and UNTIL of the same kind as DTSTART; feeds
    mix them, so the renderer aligns them instead of writing a calendar clients reject. A
    date-time given for a date is its day as written, except at midnight UTC: writers that keep
    days as UTC midnights (Google's all-day RECURRENCE-IDs, ``20020101T000000Z``) mean that
    day, which X-WR-TIMEZONE's conversion had moved to the evening before (every Australian
    New Year of a Google holidays calendar was its series' date and a moved copy beside it).
    """
    if not isinstance(reference, datetime):
        if isinstance(value, datetime) and value.tzinfo is not None:
            in_utc = value.astimezone(UTC)
            if in_utc.time() == time():
                return in_utc.date()
        return value.date() if isinstance(value, datetime) else value
    if isinstance(value, datetime):
        return in_zone(value, zone)
    local = in_zone(reference, zone)
    assert isinstance(local, datetime)
    return datetime.combine(value, local.time(), zone)


def event_span(event: MergedEvent) -> tuple[When, When | None]:
    """The event's (start, end) as written in calendars and exports.

    All-day events get dates with an exclusive end (one day when missing); timed events get
    datetimes in the event's zone, and an end that is missing, of the wrong kind or before the
    start is dropped rather than written as an invalid DTEND.
    """
    zone = event_zone(event.timezone, event.start)
    if event.all_day or not isinstance(event.start, datetime):
        start = as_date(event.start, zone)
        end = as_date(event.end, zone) if event.end is not None else None
        return start, end if end is not None and end > start else start + timedelta(days=1)
    start_dt = in_zone(event.start, zone)
    if event.rrule is None and not event.rdates:  # a series' start gives its rule's times
        start_dt = as_clocks_read(start_dt)
    if not isinstance(event.end, datetime):
        return start_dt, None
    end_dt = as_clocks_read(in_zone(event.end, zone))
    # compared as instants: of one tzinfo, Python compares wall clocks, and the night clocks
    # go back 02:00 summer time to 02:30 winter time ended before it began
    return start_dt, end_dt if sortable(end_dt).astimezone(UTC) >= sortable(
        start_dt).astimezone(UTC) else None


def as_clocks_read(value: When) -> When:
    """A time the clocks of its zone skip (02:30 the night they go forward) as they read
    that instant (03:30: RFC 5545 reads it at the offset before); any other unchanged."""
    if not isinstance(value, datetime) or not two_readings(value):
        return value  # (one that happens twice keeps its wall clock, and which of the two)
    return value.astimezone(UTC).astimezone(value.tzinfo)


def sortable(value: When) -> datetime:
    """A date or date-time as an aware instant to sort and compare by (a date at its
    midnight in UTC, a floating time as UTC): RDATE/EXDATE lists, an override's end."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return datetime.combine(value, time(), UTC)


def local_day(moment: datetime, zone: tzinfo) -> date:
    """The day a news timestamp falls on in the site's zone (a naive one read as UTC): an
    article posted at 00:30 in Metz is of that day, not of the day before as in UTC."""
    return sortable(moment).astimezone(zone).date()


def override_span(record: Event, series_start: When, series_timezone: str | None
                  ) -> tuple[When, When | None]:
    """A RECURRENCE-ID record's (start, end) of the kind of its series' DTSTART, in the
    record's own zone (a moved date may be written in another); an end not after its start
    is dropped (a date's becomes the next day) rather than written invalid. A date of a
    timed series made all-day (Google's and Outlook's "All day" on one occurrence) stays
    dates: RFC 5545 binds only RECURRENCE-ID to DTSTART's kind, and made the series' time,
    the day was published as 18:00 to 18:00 the next day."""
    if isinstance(series_start, datetime) and not isinstance(record.start, datetime):
        after = record.end if record.end is not None and not isinstance(record.end, datetime) \
            and record.end > record.start else record.start + timedelta(days=1)
        return record.start, after
    own = event_zone(record.timezone or series_timezone, record.start)
    start = like(record.start, series_start, own)
    end = like(record.end, series_start, own) if record.end is not None else None
    if end is not None and sortable(end) <= sortable(start):
        end = start + timedelta(days=1) if not isinstance(start, datetime) else None
    return start, end


def as_date(value: When, zone: tzinfo) -> date:
    """The calendar day of a value in ``zone``."""
    moved = in_zone(value, zone)
    return moved.date() if isinstance(moved, datetime) else moved


def last_day(start: When, end: When | None, zone: tzinfo) -> date | None:
    """The day in ``zone`` an occurrence ends on, when a later one than its start's: a
    weekend's Sunday. None for what ends the day it starts; a time's end at midnight ends the
    day before (20:00 – 00:00 is one evening), a date's end is exclusive (iCalendar's)."""
    if end is None:
        return None
    first = as_date(start, zone)
    if isinstance(end, datetime):
        last = as_date(end - timedelta(microseconds=1), zone)
    else:
        last = end - timedelta(days=1)
    return last if last > first else None


def instant(value: When, zone: tzinfo) -> datetime:
    """An aware datetime to compare and sort by; a date means its midnight in ``zone``."""
    if isinstance(value, datetime):
        moved = in_zone(value, zone)
        assert isinstance(moved, datetime)
        return moved
    return datetime.combine(value, time(), zone)


def event_order(zone: tzinfo) -> functools.partial[tuple[datetime, str]]:
    """A sort key for merged events: start (dates at local midnight), then uid."""
    return functools.partial(_event_key, zone=zone)


def _event_key(event: MergedEvent, zone: tzinfo) -> tuple[datetime, str]:
    return instant(event.start, zone).astimezone(UTC), event.uid


def iso(value: When | None) -> str | None:
    """ISO 8601: a date, or a datetime with its offset; None stays None."""
    return None if value is None else value.isoformat()


def utc_iso(value: datetime) -> str:
    """RFC 3339 in UTC with a ``Z`` and whole seconds (Atom and ``generated_at``)."""
    moved = value.astimezone(UTC) if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return moved.replace(microsecond=0).isoformat().replace("+00:00", "Z")
