"""Whether an RRULE can be expanded (the check the parser and every expander share), and
whether a date is one of a series'.

The agenda, the digest and the event pages expand series with recurring-ical-events, which
walks the rule with dateutil from DTSTART, period by period, until a date passes every BY*
part, and stops only at the year 9999. So a rule that no date passes (``FREQ=DAILY;BYMONTH=2;
BYMONTHDAY=30``, or ``BYMONTH=13``) cost 3 s per expansion here, per page and per build;
``INTERVAL=0`` never ends (dateutil issues 1393 and 1441); and a combination dateutil refuses
(``FREQ=HOURLY;INTERVAL=2;BYHOUR=1,3``, RFC 7529's ``RSCALE``) raised out of the build.
RFC 5545 makes DTSTART the first instance whatever the rule, so such an event is read as a
single event.

PURE: text and a start in, a reason out; dateutil is only asked bounded questions.
"""

from __future__ import annotations

import calendar
import functools
import math
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, time, timedelta

from dateutil.rrule import rrulestr

from . import day_cycle
from .day_cycle import CYCLE_YEARS, WEEKDAYS
from .instants import utc_instant
from .models import When

LAST_PROBE_YEAR = 9999 - 2 * CYCLE_YEARS
"""Probes start at least one cycle before dateutil's last year and at most two (see
:func:`_never_recurs`), so a probe walks one whole cycle at least, two at most."""
DAY_FILTERS = ("BYMONTH", "BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY", "WKST")
DAYS_PER_PERIOD = {"YEARLY": 366, "MONTHLY": 31, "WEEKLY": 7}
"""The most days one period of the rule can hold (one for DAILY and finer)."""
FINER = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY")
FREQ_SECONDS = {"SECONDLY": 1, "MINUTELY": 60, "HOURLY": 3600, "DAILY": 86_400,
                "WEEKLY": 604_800, "MONTHLY": 2_419_200, "YEARLY": 31_536_000}  # fmt: skip
EXPANDS_BELOW = {"BYSECOND": 6, "BYMINUTE": 5, "BYHOUR": 4, "BYDAY": 3, "BYMONTHDAY": 2,
                 "BYYEARDAY": 1, "BYWEEKNO": 1, "BYMONTH": 1}
"""RFC 5545 §3.3.10's table: a BY part makes several dates of each period of a rule whose
FREQ is coarser (its index in :data:`FINER` below this one); at a finer FREQ it only
filters (``FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR``, Thunderbird's "every weekday", is one step a
day, not five)."""
YEAR_STEPS = 25
"""What a step of a YEARLY rule costs, in daily steps: dateutil looks at each day of the year
(0.035 ms a year here, against 1.4 µs a daily step), BY parts or not (without them it takes
DTSTART's month and day). Counted as one, 1,000 yearly series since 1600 passed every
budget and held the listings half a minute."""
WALK_BUDGET = 20_000
"""Rule steps :func:`dates_between` lets dateutil walk from DTSTART (a daily rule for 50
years, a minutely one for two weeks); the rule's dates past them are not looked for."""
HELD_FROM = {"BYMONTH": "MONTHLY", "BYMONTHDAY": "DAILY", "BYYEARDAY": "DAILY", "BYDAY": "DAILY"}
"""The day filters :func:`walk` applies itself, at this FREQ and finer: there each only
keeps or drops a date dateutil made without it (RFC 5545 §3.3.10's "limit"), and leaving
it out sets no default of dateutil's (a MONTHLY rule's day of the month, a WEEKLY one's
weekday, which a BYMONTHDAY or BYDAY removed would)."""


def rule_problem(rule: str, start: When) -> str | None:
    """Why the RRULE ``rule`` (upper-case ``KEY=VALUE`` parts, UNTIL of DTSTART's value type,
    as ``parse.ical_dates.checked_rule`` leaves it) cannot be expanded from ``start``, or None.

    Cached: the agenda asks again for each series at every build and page (12 µs for most
    rules, 0.1 ms with month or day filters, 0.1 µs cached; an agenda of 40,000 events holds a
    few thousand series). The zone is part of the key: one instant falls on two dates in two
    zones, and the probe reads DTSTART's date."""
    return _rule_problem(rule, start, start.tzinfo if isinstance(start, datetime) else None)


@functools.lru_cache(maxsize=65_536)
def _rule_problem(rule: str, start: When, zone: object) -> str | None:
    parts = rule_parts(rule)
    if parts.get("FREQ") not in FINER:
        return "it has no valid FREQ"
    interval = parts.get("INTERVAL", "1")
    if not interval.isdigit() or int(interval) < 1:
        return f"INTERVAL={interval} is not a positive number"
    count = parts.get("COUNT", "1")
    if not count.isdigit() or int(count) < 1:
        return f"COUNT={count} is not a positive number"
    if "RSCALE" in parts or "SKIP" in parts:
        return "RSCALE and SKIP (RFC 7529 calendars) are not supported"
    bounds = ";".join(f"{key}={value}" for key, value in parts.items() if key != "UNTIL")
    try:  # without UNTIL, which only ends a series, and which the expander reads more leniently
        rrulestr(bounds, dtstart=start if isinstance(start, datetime) else _midnight(start))
        never = _position_out_of_reach(parts) or _never_recurs(parts, start)
    except (ValueError, TypeError, OverflowError, IndexError) as error:  # IndexError: dateutil
        return f"refused by the expander ({error})"  # walking "the 53rd Thursday" of a month
    return "no date ever matches it" if never else None


def is_occurrence(rule: str | None, start: When, rdates: Sequence[When], moment: When) -> bool:
    """Whether ``moment`` is a date of the series that starts at ``start``: DTSTART, an RDATE,
    or a date its RRULE makes (dateutil walks the rule up to ``moment`` only; a rule
    :func:`rule_problem` refuses makes none, as the expanders read it)."""
    return occurrences(rule, start, rdates, (moment,))[0]


def occurrences(rule: str | None, start: When, rdates: Sequence[When],
                moments: Sequence[When]) -> list[bool]:
    """:func:`is_occurrence` of each of ``moments``, a rule with COUNT (counted from DTSTART,
    so walked from there) walked once up to the last of them: calendar.ics checked each of
    a daily series' 1,000 moved dates walking its 13,000 days since 1990, a minute a build."""
    found = [moment == start or moment in rdates for moment in moments]
    if rule is None or rule_problem(rule, start):
        return found
    first = start if isinstance(start, datetime) else _midnight(start)
    wanted = {i: moment if isinstance(moment, datetime) else _midnight(moment)
              for i, moment in enumerate(moments) if not found[i]
              and isinstance(moment, datetime) == isinstance(start, datetime)}
    wanted = {i: w for i, w in wanted.items() if (first.tzinfo is None) == (w.tzinfo is None)}
    parts = rule_parts(rule)
    without_until = joined_rule({k: v for k, v in parts.items() if k != "UNTIL"})
    groups = [list(wanted)] if "COUNT" in parts and wanted else [[i] for i in wanted]
    for group in groups:
        last = max(wanted[i] for i in group)
        walk_from = _fast_forward(parts, first, min(wanted[i] for i in group))
        for text in (rule, without_until):  # an UNTIL dateutil refuses: read as the expander
            try:  # does; walked up to the last moment only
                dates = set(walk(text, walk_from, None, last))
            except (ValueError, TypeError, OverflowError, IndexError):
                continue
            for i in group:
                found[i] = wanted[i] in dates
            break
    return found


class Steps:
    """Whether a :func:`walk` stopped at its steps, the rule going on past them."""

    cut = False


def walk(rule: str, dtstart: datetime, steps: int | None = WALK_BUDGET,
         until: datetime | None = None, spent: Steps | None = None) -> Iterator[datetime]:
    """The dates ``rule`` makes from ``dtstart``, in order, dateutil walking at most ``steps``
    of its dates before the day filters of :data:`HELD_FROM` (those it applies itself), and
    none past ``until``.

    dateutil yields only a date that passes every BY part, and looks for the next one for as
    long as it takes, to the year 9999: a daily rule that meets on a Monday 29 February walks
    28 years (10,000 days, 0.04 s) each time it is asked for a date past one of its own, and
    ``FREQ=DAILY;INTERVAL=7;BYDAY=MO`` from a Tuesday, 8,000 years (1.4 s) to find none.
    Here dateutil makes every day (or hour, minute, second) the rule's other parts give and
    the filters are applied as the walk goes, so one feed's rules cost their steps at most."""
    parts = rule_parts(rule)
    level = FINER.index(parts["FREQ"])
    held = {key: value for key, value in parts.items()
            if key in HELD_FROM and level >= FINER.index(HELD_FROM[key])}
    if "BYSETPOS" in parts and level < FINER.index("DAILY"):
        held = {}  # positions in a week or month count the dates the filters kept
    count = int(parts["COUNT"]) if held and "COUNT" in parts else 0
    walked = joined_rule({key: value for key, value in parts.items()
                          if key not in held and not (count and key == "COUNT")})
    keeps = _day_filter(held)
    for walked_so_far, moment in enumerate(rrulestr(walked, dtstart=dtstart)):
        if until is not None and moment > until:
            return
        if steps is not None and walked_so_far >= steps:
            if spent is not None:
                spent.cut = True
            return
        if keeps(moment):
            yield moment
            count -= 1
            if count == 0:
                return


def _day_filter(held: dict[str, str]) -> Callable[[datetime], bool]:
    """Whether a date passes the rule's day filters ``held`` (as dateutil reads them: a
    weekday's ordinal means nothing at a FREQ finer than MONTHLY)."""
    def numbers(key: str) -> set[int]:
        return {int(v) for v in held.get(key, "").split(",") if v.lstrip("+-").isdigit()}

    months, month_days, year_days = numbers("BYMONTH"), numbers("BYMONTHDAY"), numbers("BYYEARDAY")
    weekdays = {WEEKDAYS.index(v.lstrip("+-0123456789")) for v in held.get("BYDAY", "").split(",")
                if v.lstrip("+-0123456789") in WEEKDAYS}

    def keeps(moment: datetime) -> bool:
        if months and moment.month not in months or weekdays and moment.weekday() not in weekdays:
            return False
        if month_days:
            last = calendar.monthrange(moment.year, moment.month)[1]
            if moment.day not in month_days and moment.day - last - 1 not in month_days:
                return False
        if year_days:
            day, length = moment.timetuple().tm_yday, 366 if calendar.isleap(moment.year) else 365
            return day in year_days or day - length - 1 in year_days
        return True

    return keeps


def rule_dates(rule: str, start: When, before: When | None = None,
               limit: int = WALK_BUDGET) -> list[When]:
    """The dates ``rule`` makes walked from ``start`` (of its kind: dates for an all-day
    series), DTSTART's own if the rule gives it, up to ``before`` (excluded): at most
    ``limit``, walking at most :data:`WALK_BUDGET` steps; none for a rule
    :func:`rule_problem` refuses."""
    return rule_dates_read(rule, start, before, limit)[0]


def rule_dates_read(rule: str, start: When, before: When | None = None,
                    limit: int = WALK_BUDGET) -> tuple[list[When], bool]:
    """:func:`rule_dates`, and whether the rule goes on past what was read of it (its
    ``limit`` dates, or its :data:`WALK_BUDGET` steps)."""
    if rule_problem(rule, start) is not None:
        return [], False
    timed = isinstance(start, datetime)
    found: list[When] = []
    steps = Steps()
    dates = walk(rule, start if isinstance(start, datetime) else _midnight(start), spent=steps)
    try:
        for moment in dates:
            when: When = moment if timed else moment.date()
            if before is not None and utc_instant(when) >= utc_instant(before):
                return found, False
            found.append(when)
            if len(found) >= limit:
                return found, next(dates, None) is not None
    except (ValueError, TypeError, OverflowError, IndexError):
        pass  # an UNTIL dateutil refuses: the dates walked so far
    return found, steps.cut


def has_end(rule: str) -> bool:
    """A rule with a COUNT or an UNTIL: its last date is not the calendar's."""
    return not {"COUNT", "UNTIL"}.isdisjoint(rule_parts(rule))


def several_a_day(rule: str) -> bool:
    """A rule of HOURLY, MINUTELY or SECONDLY frequency."""
    return rule_parts(rule).get("FREQ") in FINER[FINER.index("DAILY") + 1:]


def expansion_steps(rrule: str, start: datetime, stop: datetime) -> float:
    """An upper estimate of the rule steps between ``start`` and ``stop`` (pure arithmetic):
    dateutil always walks from DTSTART, so this is what asking for a date near ``stop``
    costs."""
    parts = rule_parts(rrule)
    period = FREQ_SECONDS.get(parts.get("FREQ", "").strip(), 1)
    interval = int(parts["INTERVAL"]) if parts.get("INTERVAL", "").isdigit() else 1
    level = FINER.index(parts["FREQ"]) if parts.get("FREQ") in FINER else len(FINER)
    fan_out = 1
    for name, below in EXPANDS_BELOW.items():
        if name in parts and level < below:
            fan_out *= max(1, parts[name].count(",") + 1)
    if level == 0:
        fan_out = max(fan_out, YEAR_STEPS)
    return max((stop - start).total_seconds(), 0.0) / (period * max(interval, 1)) * fan_out


def dates_between(rule: str | None, start: When, rdates: Sequence[When],
                  exdates: Sequence[When], first: date, last: date, *,
                  budget: int = WALK_BUDGET) -> tuple[When, ...]:
    """The series' dates from day ``first`` to day ``last`` (both included, read in the
    start's own zone), as DTSTART is written (dates for an all-day series): DTSTART, its
    RRULE's dates and its RDATEs, less its EXDATEs. A rule :func:`rule_problem` refuses adds
    no date (as the expanders read it: its DTSTART alone), and a rule adds none past
    ``budget`` steps from where it is walked from (dateutil walks every step from there:
    DTSTART, or the last whole period before ``first``, see :func:`_fast_forward`)."""
    timed = isinstance(start, datetime)
    dtstart = start if isinstance(start, datetime) else _midnight(start)
    low = datetime.combine(first, time(), tzinfo=dtstart.tzinfo)
    high = datetime.combine(last, time.max, tzinfo=dtstart.tzinfo)
    found: list[datetime] = [dtstart]
    found += (d if isinstance(d, datetime) else _midnight(d) for d in rdates  # of its kind
              if isinstance(d, datetime) == timed and (not isinstance(d, datetime) or (
                  d.tzinfo is None) == (dtstart.tzinfo is None)))
    if rule is not None and rule_problem(rule, start) is None:
        walk_from = _fast_forward(rule_parts(rule), dtstart, low)
        steps = expansion_steps(rule, walk_from, high)
        reach = high if steps <= budget else walk_from + (high - walk_from) * (budget / steps)
        try:
            found += walk(rule, walk_from, None, reach)
        except (ValueError, TypeError, OverflowError, IndexError):
            pass  # an UNTIL dateutil refuses: the dates named outright still count
    excluded = {d for d in exdates if isinstance(d, datetime) == timed}
    days_out = {d if not isinstance(d, datetime) else d.date() for d in exdates
                if isinstance(d, datetime) != timed}  # EXDATE;VALUE=DATE of a timed series:
    dates = sorted({d for d in found if low <= d <= high and (d if timed else d.date())
                    not in excluded and d.date() not in days_out})  # that day, as ics writes it
    return tuple(dates) if timed else tuple(d.date() for d in dates)


def _fast_forward(parts: dict[str, str], dtstart: datetime, low: datetime) -> datetime:
    """A later DTSTART from which the rule gives the same dates from ``low`` on: whole
    periods (FREQ times INTERVAL) skipped, so that dateutil, which walks from DTSTART, walks
    one period before ``low`` rather than years of them (a weekly series since 2015). Not
    with COUNT (counted from DTSTART), nor for rules finer than a day; where DTSTART gives a
    day some periods lack (the 31st of a monthly rule, 29 February of a yearly one), whole
    400-year cycles (a yearly series since 29 February 1600 walked 444 years of days to
    reach 2044, 16 ms, twice for each of its copies)."""
    interval = int(parts["INTERVAL"]) if parts.get("INTERVAL", "").isdigit() else 1
    freq = parts.get("FREQ")
    if "COUNT" in parts or low <= dtstart or interval < 1:
        return dtstart
    if freq in ("DAILY", "WEEKLY"):
        step = interval * (7 if freq == "WEEKLY" else 1)
        skipped = ((low - dtstart).days // step - 1) * step
        return dtstart + timedelta(days=skipped) if skipped > 0 else dtstart
    if freq == "MONTHLY" and dtstart.day <= 28:
        months = ((low.year - dtstart.year) * 12 + low.month - dtstart.month) // interval - 1
        if months > 0:
            total = dtstart.month - 1 + months * interval
            return dtstart.replace(year=dtstart.year + total // 12, month=total % 12 + 1)
    if freq == "YEARLY" and (dtstart.month, dtstart.day) != (2, 29):
        years = ((low.year - dtstart.year) // interval - 1) * interval
        if years > 0:
            return dtstart.replace(year=dtstart.year + years)
    if freq in ("YEARLY", "MONTHLY"):  # whole 400-year cycles, which the calendar repeats
        cycle = math.lcm(CYCLE_YEARS * (1 if freq == "YEARLY" else 12), interval) // (
            1 if freq == "YEARLY" else 12)  # in years, a whole number of the rule's periods
        years = (low.year - dtstart.year - 1) // cycle * cycle
        if years > 0:
            return dtstart.replace(year=dtstart.year + years)
    return dtstart


def rule_parts(rule: str) -> dict[str, str]:
    """``FREQ=WEEKLY;COUNT=4`` as {"FREQ": "WEEKLY", "COUNT": "4"}, in order."""
    return dict(part.split("=", 1) for part in rule.upper().split(";") if "=" in part)


def joined_rule(parts: dict[str, str]) -> str:
    """:func:`rule_parts` written back as a rule."""
    return ";".join(f"{key}={value}" for key, value in parts.items())


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())


def _position_out_of_reach(parts: dict[str, str]) -> bool:
    """A BYSETPOS past the most instances one period can hold (the 2nd of a DAILY rule's one
    instance a day): dateutil would walk to 9999 looking for it."""
    if "BYSETPOS" not in parts:
        return False
    freq = parts["FREQ"]
    most = DAYS_PER_PERIOD.get(freq, 1)
    for unit, level in (("BYHOUR", "DAILY"), ("BYMINUTE", "HOURLY"), ("BYSECOND", "MINUTELY")):
        if unit in parts and FINER.index(freq) <= FINER.index(level):
            most *= len(parts[unit].split(","))
    positions = [abs(int(p)) for p in parts["BYSETPOS"].split(",") if p.lstrip("+-").isdigit()]
    return bool(positions) and min(positions) > most


def _every_period_has_a_date(parts: dict[str, str]) -> bool:
    """Most rules, asked without a probe: weekdays (any week, month or year holds each one at
    least four times) and the day DTSTART gives a rule that names none (it recurs: a 31st in
    the long months, a 29 February in leap years)."""
    if any(key in parts for key in ("BYMONTH", "BYWEEKNO", "BYYEARDAY", "BYMONTHDAY")):
        return False
    ordinals = [day.rstrip("AEFHMORSTUW") for day in parts.get("BYDAY", "").split(",")]
    if parts["FREQ"] in ("MONTHLY", "YEARLY") and any(ordinals) and not all(ordinals):
        return False  # "MO,2TU": dateutil keeps the days that are both, none (probed)
    return all(not n or (n.lstrip("+-").isdigit() and int(n) in range(-4, 5)) for n in ordinals)


STEPS_A_DAY = {"DAILY": 1, "HOURLY": 24, "MINUTELY": 1_440, "SECONDLY": 86_400}


def _held_by_interval(parts: dict[str, str], start: When) -> dict[str, str]:
    """The day filter an INTERVAL amounts to: every date on DTSTART's weekday when the
    rule's steps are whole weeks (``FREQ=DAILY;INTERVAL=7``), in DTSTART's month when they
    are whole years (``FREQ=MONTHLY;INTERVAL=12``)."""
    interval, freq = int(parts.get("INTERVAL", "1")), parts["FREQ"]
    day = start if not isinstance(start, datetime) else start.date()
    if freq in STEPS_A_DAY and interval % (7 * STEPS_A_DAY[freq]) == 0:
        return {"BYDAY": WEEKDAYS[day.weekday()]}
    if freq == "MONTHLY" and interval % 12 == 0:
        return {"BYMONTH": str(day.month)}
    return {}


def _never_recurs(parts: dict[str, str], start: When) -> bool:
    """Whether no day passes the rule's day filters, asked of a YEARLY probe that dateutil
    walks a year at a time over one 400-year cycle at least (15 to 30 ms when it is empty),
    or, for filters :mod:`.day_cycle` reads as dateutil does, reckoned per kind of year:
    2,000 series each never meeting cost a refresh and each build a minute. An INTERVAL
    of whole weeks or years is one more filter (:func:`_held_by_interval`)."""
    probe = day_probe(parts, start)
    if isinstance(probe, bool):
        return probe
    text, day = probe
    filters = day_cycle.filters(text, day.month, day.day)
    try:
        if filters is not None:
            return day_cycle.never_passes(filters)
    except IndexError:  # "the 53rd Thursday" of a month: dateutil's answer, walked
        pass
    shift = (LAST_PROBE_YEAR + CYCLE_YEARS - day.year) // CYCLE_YEARS * CYCLE_YEARS
    first = _midnight(day.replace(year=day.year + shift))
    return next(iter(rrulestr(text, dtstart=first)), None) is None


def day_probe(parts: dict[str, str], start: When) -> tuple[str, date] | bool:
    """A YEARLY rule that, walked from the day given with it, passes the days the rule's day
    filters pass; or whether none does, when that is known without one (False for a rule
    each of whose periods has a date).

    The probe holds the rule's day filters and, where the rule leaves them out, the defaults
    dateutil takes from DTSTART for the rule's own frequency (a MONTHLY rule's day of the
    month, a WEEKLY rule's weekday), so that it passes the same days; interval, count and
    positions only ever remove dates, so an empty probe means an empty rule."""
    held = _held_by_interval(parts, start)
    for key, value in held.items():
        if key in parts and value not in {v.lstrip("+-0123456789") for v in parts[key].split(",")}:
            return True  # FREQ=DAILY;INTERVAL=7;BYDAY=MO from a Tuesday: dateutil walked to 9999
    parts = {**parts, **held}
    if _every_period_has_a_date(parts):
        return False
    freq = parts["FREQ"]
    probe = {key: parts[key] for key in DAY_FILTERS if key in parts}
    if "BYDAY" in probe and freq not in ("YEARLY", "MONTHLY"):  # ordinals count only there
        probe["BYDAY"] = ",".join(dict.fromkeys(day.lstrip("+-0123456789")
                                                for day in probe["BYDAY"].split(",")))
    if not any(key in probe for key in ("BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY")):
        if freq == "MONTHLY":
            probe["BYMONTHDAY"] = str(start.day)
        elif freq == "WEEKLY":
            probe["BYDAY"] = WEEKDAYS[start.weekday()]
        elif freq != "YEARLY":  # every day of the months it names
            return not any(m.isdigit() and 1 <= int(m) <= 12
                           for m in probe.get("BYMONTH", "1").split(","))
    if freq == "MONTHLY" and "BYMONTH" not in probe:
        probe["BYMONTH"] = ",".join(map(str, range(1, 13)))  # ordinals within each month
    day = start if not isinstance(start, datetime) else start.date()
    return ";".join(["FREQ=YEARLY", *(f"{key}={value}" for key, value in probe.items())]), day
