"""Turn the demo's happenings into dated calendar entries per organisation, plus ground truth.

Why: the catalog speaks in "week 2, Thursday 18:30"; writers need aware datetimes, UIDs in each
exporter's style and one entry per posting; tests and the dedup engineer need to know which
(source, UID) records are the same real-world event. Everything is derived from ``today``'s
week only, so the same date always gives the same entries (no randomness, no clock).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..models import When
from .catalog import ORGANISATIONS_BY_ID, PROGRAMMES, VENUES, Organisation, Programme
from .happenings import HAPPENINGS, LOOKALIKES, Happening, Posting
from .ical_text import digest, make_uid
from .ical_writers import Entry

FIRST_WEEK, LAST_WEEK = -3, 8
"""The demo's window: three weeks back, eight weeks ahead of the week of ``today``."""


@dataclass(frozen=True, slots=True)
class DemoEvent:
    """Ground truth: one real-world event (or one recurring series) and every record of it."""

    key: str
    title: str
    start: When
    end: When
    city: str
    status: str
    recurring: bool
    postings: tuple[tuple[str, str], ...]
    """(source id, UID) of every VEVENT that publishes it; a re-share repeats the UID."""


@dataclass(frozen=True, slots=True)
class Agenda:
    entries: dict[str, tuple[Entry, ...]]
    """Source id -> its VEVENTs, in file order."""
    events: tuple[DemoEvent, ...]
    lookalikes: tuple[tuple[str, str], ...]
    happenings: tuple[tuple[Happening, date], ...]


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def venue_zone(venue_key: str) -> ZoneInfo:
    country = VENUES[venue_key].country
    return ZoneInfo("Europe/Luxembourg" if country == "Luxembourg" else "Europe/Paris")


def page_url(org: Organisation, title: str, seed: str) -> str:
    """Where an organisation's own tool puts an event page."""
    if org.calendar == "meetup":
        return f"https://meetup.example/{org.id}/events/{300000000 + int(digest(seed)[:6], 16)}/"
    if org.calendar == "wordpress":
        return f"https://{org.domain}/evenement/{slugify(title)}/"
    return f"https://{org.domain}/agenda/{slugify(title)}"


def expand_programme(prog: Programme, anchor: date, busy: set[tuple[str, date]]) -> list[Happening]:
    """One happening per session in the window; skipped when a special event holds the venue."""
    org, found = ORGANISATIONS_BY_ID[prog.source_id], []
    for week in range(FIRST_WEEK, LAST_WEEK + 1):
        day = anchor + timedelta(days=7 * week + prog.weekday)
        absolute_week = (day.toordinal() - 1) // 7
        if (absolute_week + len(prog.key)) % prog.every_weeks or (prog.venue, day) in busy:
            continue
        topic = prog.topics[(absolute_week // prog.every_weeks) % len(prog.topics)]
        title = prog.title.format(topic=topic)
        key = f"{prog.key}-{day.isoformat()}"
        found.append(Happening(
            key, week, prog.weekday, prog.start, prog.minutes, prog.venue, title,
            prog.summary.format(topic=topic), page_url(org, title, key),
            (Posting(prog.source_id),), categories=prog.categories))
    return found


def all_happenings(anchor: date) -> list[tuple[Happening, date]]:
    def day_of(happening: Happening) -> date:
        return anchor + timedelta(days=7 * happening.week + happening.weekday)

    specials = [h for h in HAPPENINGS if not h.rrule]
    busy = {(h.venue, day_of(h)) for h in specials}
    programmes = [h for prog in PROGRAMMES for h in expand_programme(prog, anchor, busy)]
    return [(h, day_of(h)) for h in (*HAPPENINGS, *programmes)]


def series_days(happening: Happening, first: date, weeks: int) -> list[date]:
    """Occurrence dates of the small RRULE subset the catalog uses (WEEKLY/MONTHLY + BYDAY)."""
    rule = dict(part.split("=") for part in happening.rrule.split(";"))
    if rule["FREQ"] == "WEEKLY":
        step = 7 * int(rule.get("INTERVAL", "1"))
        return [first + timedelta(days=n) for n in range(0, 7 * weeks, step)]
    nth, days = int(rule["BYDAY"][:-2]), []
    month = date(first.year, first.month, 1)
    while month <= first + timedelta(weeks=weeks):
        offset = (happening.weekday - month.weekday()) % 7
        candidate = month + timedelta(days=offset + 7 * (nth - 1))
        if candidate >= first:
            days.append(candidate)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return days


def timed(day: date, start: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, start, zone)


def posting_times(happening: Happening, posting: Posting, day: date) -> tuple[When, When]:
    """Start and end as this publisher writes them (doors vs talk, all-day published timed)."""
    zone = venue_zone(happening.venue)
    if happening.start is None:
        if posting.timed is not None:
            start, last_day, end_hour = posting.timed
            last = day + timedelta(days=last_day)
            return timed(day, start, zone), timed(last, time(end_hour), zone)
        return day, day + timedelta(days=happening.length)
    begin = timed(day, happening.start, zone)
    end = begin + timedelta(minutes=happening.length)
    return begin + timedelta(minutes=posting.shift_minutes), end


def stamps(day: date, stamp: datetime) -> tuple[datetime, datetime]:
    """CREATED and LAST-MODIFIED: five weeks before the event, edited later, never after export."""
    planned = datetime.combine(day - timedelta(days=35), time(9, 12), UTC)
    created = min(planned, stamp - timedelta(days=3))
    edited = min(created + timedelta(days=20, hours=3), stamp - timedelta(hours=5))
    return created, max(created, edited)


def posting_entry(
    happening: Happening, posting: Posting, day: date, uid: str, stamp: datetime
) -> Entry:
    start, end = posting_times(happening, posting, day)
    created, modified = stamps(day, stamp)
    return Entry(
        uid=uid, title=posting.title or happening.title, start=start, end=end,
        venue=VENUES[happening.venue], location=posting.location, description=happening.summary,
        url=posting.url or happening.url, status=happening.status,
        categories=happening.categories, created=created, modified=modified)


def series_entries(happening: Happening, day: date, uid: str, stamp: datetime) -> list[Entry]:
    """The master VEVENT (RRULE, EXDATE) and its RECURRENCE-ID override, if any."""
    anchor = day - timedelta(days=happening.weekday + 7 * happening.week)
    days = series_days(happening, day, LAST_WEEK - happening.week + 2)
    zone = venue_zone(happening.venue)
    master = posting_entry(happening, happening.postings[0], days[0], uid, stamp)

    def in_week(week: int) -> date:
        return next(d for d in days if 0 <= (d - anchor).days - 7 * week < 7)

    exdates = () if happening.exdate_week is None else (
        timed(in_week(happening.exdate_week), happening.start or time(), zone),)
    entries = [replace(master, rrule=happening.rrule, exdates=exdates)]
    if happening.moved is not None:
        week, new_start, venue = happening.moved
        moved_day = in_week(week)
        moved = replace(happening, start=new_start, venue=venue)
        override = posting_entry(moved, moved.postings[0], moved_day, uid, stamp)
        entries.append(replace(override, sequence=1,
                               recurrence_id=timed(moved_day, happening.start or time(), zone)))
    return entries


def truth(happening: Happening, day: date, uids: dict[str, str]) -> DemoEvent:
    """The ground-truth record: the happening's own times (first occurrence for a series)."""
    first = series_days(happening, day, 6)[0] if happening.rrule else day
    start, end = posting_times(happening, Posting(""), first)
    return DemoEvent(happening.key, happening.title, start, end, VENUES[happening.venue].city,
                     happening.status, bool(happening.rrule), tuple(uids.items()))


def build_agenda(today: date, stamp: datetime) -> Agenda:
    """Every organisation's entries for the window around ``today``, and the ground truth."""
    anchor = monday_of(today)
    planned = sorted(all_happenings(anchor), key=lambda pair: (pair[1], pair[0].key))
    entries: dict[str, list[Entry]] = {org_id: [] for org_id in ORGANISATIONS_BY_ID}
    events = []
    for happening, day in planned:
        uids: dict[str, str] = {}
        for posting in happening.postings:
            org = ORGANISATIONS_BY_ID[posting.source_id]
            start, end = posting_times(happening, posting, day)
            uids[org.id] = uids[posting.reshare_of] if posting.reshare_of else make_uid(
                org.calendar, f"{happening.key}/{org.id}", org.domain, start, end, org.tz)
            if happening.rrule:
                entries[org.id] += series_entries(happening, day, uids[org.id], stamp)
            else:
                entries[org.id].append(posting_entry(happening, posting, day, uids[org.id], stamp))
        events.append(truth(happening, day, uids))
    return Agenda({k: tuple(v) for k, v in entries.items()}, tuple(events),
                  lookalikes(anchor, planned), tuple(planned))


def lookalikes(anchor: date, planned: list[tuple[Happening, date]]) -> tuple[tuple[str, str], ...]:
    """The catalog's pairs plus the thesis defence vs the seminar of the same hour at LORIA."""
    keys = {h.key for h, _ in planned}
    thursday = anchor + timedelta(days=7 * 3 + 3)
    seminar = f"loria-seminaire-{thursday.isoformat()}"
    extra = (("these-loria", seminar),) if seminar in keys else ()
    return LOOKALIKES + extra
