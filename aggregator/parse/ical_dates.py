"""The date and recurrence properties of a VEVENT -> ``When`` values and RRULE text.

Split from parse/ical.py, which reads the rest of a VEVENT: this is where iCalendar's many ways of
writing a time (UTC, TZID, floating, DATE, PERIOD, DURATION) become one thing, a date or a
ZoneInfo-aware datetime, and where RRULEs are checked before renderers expand them.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from datetime import timezone as dt_timezone

import icalendar
from icalendar.prop import vBroken, vDuration

from ..instants import utc_instant
from ..models import When
from ..recurrence import WALK_BUDGET, has_end, joined_rule, rule_dates, rule_dates_read, rule_problem
from .guards import MAX_DATES_PER_EVENT, MAX_DATES_PER_FEED
from .news_dates import ISO_8601
from .rule_values import within_calendar
from .text import clean_line
from .timezones import TimezoneResolver

UTC = zoneinfo.ZoneInfo("UTC")
ONE_DAY = timedelta(days=1)
RRULE_PARTS = frozenset({"FREQ", "UNTIL", "COUNT", "INTERVAL", "BYSECOND", "BYMINUTE", "BYHOUR",
                         "BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS",
                         "WKST", "RSCALE", "SKIP"})  # fmt: skip
RRULE_VALUE = re.compile(r"[A-Z0-9,+\-]+")
UNTIL_VALUE = re.compile(r"(\d{8})(T\d{6}Z?)?")
ICAL_FORM = re.compile(r"\d{8}(?:T\d{6}Z?)?")
"""A date or time as iCalendar writes it."""
FREQUENCIES = frozenset({"SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"})


REACH = timedelta(days=1)
"""More than any zone's offset from UTC (UTC-12 to UTC+14)."""


def at_the_ends(value: When) -> bool:
    """A date or time within a day of the calendar's ends (year 1, year 9999): some zone's
    clock shows it in the year 0 or 10000, which Python cannot hold, so moving it to the
    site's zone (every build does) raised OverflowError, and one feed's
    DTSTART:99991231T233000Z stopped every build (a day there has no next day to end on, and
    the first day's midnight east of UTC is in the year 0: a yearly series since 1 January of
    the year 1 stopped every build as well)."""
    if not isinstance(value, datetime):
        return value in (date.min, date.max)
    wall = value.replace(tzinfo=None)
    return wall < datetime.min + REACH or wall > datetime.max - REACH


class SkippedEvent(Exception):
    """A VEVENT we cannot turn into a record; the message says why."""


@dataclass
class DateBudget:
    """How many more RDATE/EXDATE values the feed may list (shared by its VCALENDARs)."""

    left: int = MAX_DATES_PER_FEED


@dataclass
class CalendarContext:
    """What reading one VCALENDAR's events needs: its zones, the feed URL, the warnings so far."""

    url: str
    resolver: TimezoneResolver
    warnings: list[str] = field(default_factory=list)
    dates: DateBudget = field(default_factory=DateBudget)
    iso_dates: list[str] = field(default_factory=list)
    """Dates read in ISO 8601's other forms (``iso_when``), for one warning."""
    no_uid: list[str] = field(default_factory=list)
    """The events without UID, as :func:`describe` names them, for one warning."""


def describe(component: icalendar.Component) -> str:
    """Name a VEVENT in a warning: its title, else its UID."""
    summary = clean_line(str(first(component.get("SUMMARY")) or ""))
    if summary:
        return repr(summary[:80])
    uid = clean_line(str(first(component.get("UID")) or ""))
    return f"UID {uid!r}" if uid else "(no SUMMARY, no UID)"


def first(value: object) -> object:
    """The first of a repeated property (icalendar returns a list), else the value itself."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def text_of(component: icalendar.Component, name: str) -> str:
    """A text property as str, "" when absent."""
    value = first(component.get(name))
    return "" if value is None else str(value)


def dt_of(prop: object) -> object:
    """The parsed value of a date/duration property; None when absent or broken."""
    if prop is None or isinstance(prop, vBroken):
        return None
    return getattr(prop, "dt", None)


def to_when(prop: object, context: CalendarContext, value: object = None) -> When:
    """Turn a DATE or DATE-TIME property value into a date or a ZoneInfo-aware datetime.

    Raises:
        SkippedEvent: the value is neither a date nor a date-time.
    """
    if value is None:
        value = dt_of(prop)
    if isinstance(value, tuple) and value:  # PERIOD: keep its start
        value = value[0]
    params = getattr(prop, "params", {})
    tzid = params.get("TZID") if hasattr(params, "get") else None
    if isinstance(value, datetime):
        return localize(value, str(tzid) if tzid else None, context.resolver)
    if isinstance(value, date):
        return value
    raise SkippedEvent(f"unreadable date {str(prop)[:40]!r}")


def localize(value: datetime, tzid: str | None, resolver: TimezoneResolver) -> datetime:
    """Attach the IANA zone: the TZID's, UTC, or the floating zone for floating times."""
    if is_utc(value):
        instant = value.replace(tzinfo=UTC)
        return instant.astimezone(resolver.resolve(tzid, value.year)) if tzid else instant
    if tzid:
        return value.replace(tzinfo=resolver.resolve(tzid, value.year))
    if value.tzinfo is None:
        return value.replace(tzinfo=resolver.floating)
    if isinstance(value.tzinfo, zoneinfo.ZoneInfo):
        return value
    return value.astimezone(UTC)


def is_utc(value: datetime) -> bool:
    """Whether icalendar read the value as UTC (written with ``Z``), not in a zone at +00:00."""
    return value.tzinfo is dt_timezone.utc or getattr(value.tzinfo, "key", None) in ("UTC", "Etc/UTC")


def read_end(component: icalendar.Component, start: When, context: CalendarContext) -> When | None:
    """DTEND, else DTSTART + DURATION, else one day for all-day events (RFC 5545 3.6.1)."""
    end = read_optional_when(component, "DTEND", context)
    if end is None and (duration_property := first(component.get("DURATION"))) is not None:
        duration = dt_of(duration_property)
        if isinstance(duration_property, vBroken):  # "PT10M " (a hand-made file's spaces)
            duration = spaced_duration(str(duration_property))
        if isinstance(duration, timedelta):
            end = add_duration(start, duration, context)
        else:
            context.warnings.append(f"VEVENT {describe(component)}: unreadable DURATION ignored")
    if end is None:
        return None if isinstance(start, datetime) else start + ONE_DAY
    end = same_kind(end, start)
    if utc_instant(end) < utc_instant(start):  # instants: 02:00 summer time to 02:30 winter
        # time, the night clocks go back, ends after it starts (their wall clocks do not)
        context.warnings.append(f"VEVENT {describe(component)}: DTEND before DTSTART, ignored")
        return None if isinstance(start, datetime) else start + ONE_DAY
    if end == start and not isinstance(start, datetime):  # corpus pyical__calendar_labs_same_day_dtend
        return start + ONE_DAY
    return end


ALL_DAY_FLAGS = ("X-MICROSOFT-CDO-ALLDAYEVENT", "X-MICROSOFT-MSNCALENDAR-ALLDAYEVENT")


def outlook_all_day(component: icalendar.Component, start: When, end: When | None
                    ) -> tuple[When, When | None]:
    """Exchange and older Outlook write an all-day event as local midnight to midnight and
    flag it ``X-MICROSOFT-CDO-ALLDAYEVENT:TRUE``, as Outlook reads it back: its days, then,
    where readers of other zones got a night-crossing timed event. Unflagged, or not on
    midnights, it keeps its times."""
    if not (isinstance(start, datetime) and start.time() == time(0)) or not any(
            text_of(component, name).strip().upper() == "TRUE" for name in ALL_DAY_FLAGS):
        return start, end
    if end is None:
        return start.date(), start.date() + ONE_DAY
    if isinstance(end, datetime) and end.time() == time(0) and end > start:
        return start.date(), end.date()
    return start, end


def spaced_duration(text: str) -> timedelta | None:
    """A DURATION icalendar refused for the spaces around it, else None."""
    stripped = text.strip()
    if stripped == text:
        return None
    try:
        value = vDuration.from_ical(stripped)  # type: ignore[no-untyped-call]
    except ValueError:
        return None
    return value if isinstance(value, timedelta) else None


def same_kind(end: When, start: When) -> When:
    """Make DTEND the same kind as DTSTART (date vs date-time) so they compare."""
    if isinstance(start, datetime) and not isinstance(end, datetime):
        return datetime.combine(end, time(0), tzinfo=start.tzinfo)
    if not isinstance(start, datetime) and isinstance(end, datetime):
        return end.date() if end.time() == datetime.min.time() else end.date() + ONE_DAY
    return end


def add_duration(start: When, duration: timedelta, context: CalendarContext) -> When | None:
    """Start + DURATION: whole days in wall-clock time, the rest as elapsed time (RFC 5545)."""
    try:
        if not isinstance(start, datetime):
            return start + timedelta(days=duration.days)
        local = start + timedelta(days=duration.days)
        elapsed = duration - timedelta(days=duration.days)
        return (local.astimezone(UTC) + elapsed).astimezone(start.tzinfo)
    except OverflowError:
        context.warnings.append(f"DURATION out of range ignored ({duration.days} days)")
        return None


def read_optional_when(
    component: icalendar.Component, name: str, context: CalendarContext
) -> When | None:
    """An optional date property; unreadable ones are dropped with a warning."""
    prop = first(component.get(name))
    if prop is None:
        return None
    if isinstance(prop, vBroken):
        mended = iso_when(prop, context)
        if mended is None:
            context.warnings.append(f"VEVENT {describe(component)}: unreadable {name} ignored")
        return mended
    return to_when(prop, context)


def iso_when(prop: vBroken, context: CalendarContext) -> When | None:
    """A date icalendar could not read because it is written in ISO 8601's other forms
    (PHP's date('c'), a hand-made file: "2026-12-07T18:00:00", "2026-12-07"); its meaning is
    plain, so it is read (with its TZID, else floating) and counted for one warning rather
    than costing the event. None for anything else."""
    return iso_value(str(prop), tzid_of(prop), context)


def tzid_of(prop: object) -> str | None:
    params = getattr(prop, "params", {})
    tzid = params.get("TZID") if hasattr(params, "get") else None
    return str(tzid) if tzid else None


def iso_value(text: str, tzid: str | None, context: CalendarContext) -> When | None:
    """One value of ``iso_when``."""
    text = text.strip()
    if not ISO_8601.fullmatch(text):
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        read = value.date() if len(text) <= 10 else localize(value, tzid, context.resolver)
    except (ValueError, OverflowError):  # OverflowError: a year-1 time moved to UTC
        return None
    if not ICAL_FORM.fullmatch(text):  # in a list icalendar refused for its spaces or commas
        context.iso_dates.append(text)
    return read


def iso_dates_note(dates: list[str]) -> str:
    """The warning for dates read in ISO 8601's other forms: iCalendar writes 20261207T180000,
    and other clients may refuse the rest."""
    first = repr(dates[0][:40])
    if len(dates) == 1:
        return (f"a date written {first} rather than as iCalendar writes it (20261207T180000): "
                "read as written")
    return (f"{len(dates)} dates written as {first} rather than as iCalendar writes them "
            "(20261207T180000): read as written")


def read_dates(component: icalendar.Component, name: str, context: CalendarContext) -> tuple[When, ...]:
    """Every value of RDATE or EXDATE (repeated, comma-separated, PERIOD, with TZID)."""
    props = component.get(name)
    found: list[When] = []
    for prop in props if isinstance(props, list) else [props] if props is not None else []:
        if isinstance(prop, vBroken):
            mended = [iso_value(part, tzid_of(prop), context) for part in str(prop).split(",")
                      if part.strip()]  # "…T180000," or ", " (a PHP join): a date each
            if mended and None not in mended:
                found.extend(when for when in mended if when is not None)
            else:
                context.warnings.append(f"VEVENT {describe(component)}: unreadable {name} ignored")
            continue
        values = [dt_of(value) for value in getattr(prop, "dts", [])]
        found.extend(to_when(prop, context, value) for value in values if value is not None)
    return capped_dates(tuple(dict.fromkeys(found)), f"VEVENT {describe(component)}", name, context)


def capped_dates(dates: tuple[When, ...], where: str, name: str, context: CalendarContext) -> tuple[When, ...]:
    """At most MAX_DATES_PER_EVENT values, and what the feed's budget still allows.

    The latest are kept: the agenda, the digest and subscribers look forward, so dropping the
    oldest loses only past instances (or past exceptions) and keeps the series' last one.
    """
    keep = min(len(dates), MAX_DATES_PER_EVENT, context.dates.left)
    context.dates.left -= keep
    if keep == len(dates):
        return dates
    why = "the feed's" if keep < MAX_DATES_PER_EVENT else "an event's"
    kept = f"kept the latest {keep:,}" if keep else "dropped them"
    context.warnings.append(f"{where}: {len(dates):,} {name} values, more than {why} limit: {kept}")
    latest = sorted(range(len(dates)), key=lambda i: utc_instant(dates[i]))[len(dates) - keep:]
    return tuple(dates[i] for i in sorted(latest))


def read_rules(component: icalendar.Component, start: When, context: CalendarContext
               ) -> tuple[str | None, tuple[When, ...]]:
    """The RRULE as iCalendar text, and the dates of any further RRULE that ends.

    RFC 2445 allowed several RRULEs (RFC 5545 deprecates them; ical.js and
    recurring-ical-events read every one): kept as the first alone, a weekly meetup's monthly
    specials were lost. A further rule with an end (COUNT, UNTIL) is written out as dates,
    less those the kept rule makes; of rules without one the first is kept, the organiser told.
    """
    rules = component.get("RRULE")
    rules = rules if isinstance(rules, list) else [] if rules is None else [rules]
    where = f"VEVENT {describe(component)}"
    checked: list[str] = []
    for text in dict.fromkeys(rule_text(rule) for rule in rules):
        rule, problems = checked_rule(text, start, context.resolver.floating) if text \
            else (None, [])
        context.warnings.extend(f"{where}: {problem}" for problem in problems)
        if rule is not None and rule not in checked:
            checked.append(rule)
    if len(checked) < 2:
        return (checked[0] if checked else None), ()
    kept = next((rule for rule in checked if not has_end(rule)), checked[0])
    if sum(not has_end(rule) for rule in checked) > 1:
        context.warnings.append(f"{where}: several RRULEs without an end, kept the first")
    dates: list[When] = []
    for rule in (rule for rule in checked if rule != kept and has_end(rule)):
        read, cut = rule_dates_read(rule, start, limit=MAX_DATES_PER_EVENT)
        dates += read
        if cut:
            context.warnings.append(
                f"{where}: a further RRULE goes on past what is read of it (its first "
                f"{WALK_BUDGET:,} steps, {MAX_DATES_PER_EVENT:,} dates): its later dates dropped")
    if dates:
        last = max(dates, key=utc_instant)
        ours = set(rule_dates(kept, start, last + (timedelta(seconds=1) if isinstance(
            last, datetime) else timedelta(days=1))))
        dates = [d for d in dict.fromkeys(dates) if d != start and d not in ours]
    return kept, capped_dates(tuple(sorted(dates, key=utc_instant)), where, "RRULE", context)


def checked_rule(text: str, start: When, zone: zoneinfo.ZoneInfo) -> tuple[str | None, list[str]]:
    """Keep the RRULE parts RFC 5545 knows; refuse a rule without a valid FREQ.

    Renderers expand RRULEs, so a misspelt part ("UNTL=", corpus rie__bad_rrule_missing_until_event)
    or a malformed value is dropped here, with a warning, rather than crash or recur forever there;
    a rule that cannot be expanded at all (:func:`aggregator.recurrence.rule_problem`) is dropped
    whole, the event kept as a single one.
    """
    parts: dict[str, str] = {}
    problems: list[str] = []
    for part in text.strip().split(";"):
        key, _, value = part.partition("=")
        key, value = key.strip().upper(), "".join(value.split()).upper()
        if key == "UNTIL" and ISO_8601.fullmatch(value) and not value.isalnum():
            basic = re.sub(r"[-:]|\.\d+", "", value)
            problems.append(f"RRULE UNTIL {value!r} read as {basic} (iCalendar's form)")
            value = basic
        if key in RRULE_PARTS and RRULE_VALUE.fullmatch(value) and key not in parts:
            parts[key] = value
        elif part.strip():
            problems.append(f"RRULE part {part.strip()[:30]!r} ignored")
    if parts.get("FREQ") not in FREQUENCIES:
        return None, [f"RRULE {text[:60]!r} has no valid FREQ: ignored, read as a single event"]
    if emptied := within_calendar(parts, problems):
        return None, [*problems, f"RRULE {text[:60]!r}: {emptied} is outside the calendar: "
                      "read as a single event"]
    if "UNTIL" in parts:
        until = matching_until(parts.pop("UNTIL"), start, zone)
        if until is None:
            problems.append("RRULE UNTIL unreadable: ignored")
        else:
            parts["UNTIL"] = until
    if parts.get("RSCALE") == "GREGORIAN" and parts.get("SKIP", "OMIT") == "OMIT":
        del parts["RSCALE"]  # RFC 7529's defaults: the plain rule, which expanders read
        parts.pop("SKIP", None)
    rule = joined_rule(parts)
    problem = rule_problem(rule, start)
    if problem is not None:  # DTSTART is the first instance whatever the rule (RFC 5545)
        return None, [*problems, f"RRULE {text[:60]!r}: {problem}: read as a single event"]
    return rule, problems


def matching_until(until: str, start: When, zone: zoneinfo.ZoneInfo) -> str | None:
    """UNTIL of the same value type as DTSTART, as RFC 5545 requires and expanders expect.

    Three exporter habits are fixed silently, as the organiser cannot change them: Google's
    DATE UNTIL on timed series (corpus icalevents__rrule_until_only_date.ics) means through
    that day in the event's zone; Exchange's UTC UNTIL on all-day series (icalevents__cest.ics)
    is local midnight of the last day, so it becomes that local date; a local UNTIL on a
    zoned series (ical4j__phpicalendar_sample.ics) is a time in its zone, as calendar clients
    read it, written in UTC (dateutil refuses it beside an aware DTSTART).
    """
    match = UNTIL_VALUE.fullmatch(until)
    if match is None:
        return None
    day, clock = match.group(1), match.group(2)
    try:
        if isinstance(start, datetime) and not clock:
            last = datetime.combine(date.fromisoformat(day), time(23, 59, 59), tzinfo=start.tzinfo)
            return last.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        if not isinstance(start, datetime) and clock:
            moment = datetime.strptime(day + clock[:7], "%Y%m%dT%H%M%S")
            if clock.endswith("Z"):
                moment = moment.replace(tzinfo=UTC).astimezone(zone)
            return moment.strftime("%Y%m%d")
        if isinstance(start, datetime) and start.tzinfo is not None and not clock.endswith("Z"):
            moment = datetime.strptime(day + clock, "%Y%m%dT%H%M%S").replace(tzinfo=start.tzinfo)
            return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        date.fromisoformat(day)
    except (ValueError, OverflowError):  # OverflowError: a local 9999-12-31 west of UTC
        return None
    return until


def rule_text(rule: object) -> str | None:
    """``FREQ=WEEKLY;BYDAY=TU`` from a vRecur; None when icalendar could not read it."""
    if isinstance(rule, vBroken):  # e.g. "BYDAY=MO, TU": checked_rule tidies the raw text
        return str(rule)
    if not hasattr(rule, "to_ical"):
        return None
    text = rule.to_ical()
    return text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
