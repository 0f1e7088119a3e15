"""RECURRENCE-ID;RANGE=THISANDFUTURE: an organiser's change to a series from one date on.

RFC 5545 (3.2.13) lets an override stand for its date and every later one ("this and all
following events"), as RESERVAS and some CalDAV servers export an edited series. Read as one
date's override, the series went on at its old hour, length and title after the organiser
had changed them. Each such override now starts a series of its own: the series stops before
its date and goes on from it shifted as the override is, with its length and details, as
recurring-ical-events reads the file (corpus: rie__issue_75_range_parameter.ics). The later
part takes the UID Google gives such a part (``UID_R<date>``); the overrides of its dates
follow it, their RECURRENCE-ID shifted with the dates they name. Where a shift by whole days
breaks the rule (its 15th of the month moved to the 16th), the later part's dates are
written out.

PURE: events in, events out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo

import icalendar
from icalendar.prop import vDDDTypes

from ..instants import utc_instant as _key
from ..models import Event, When
from ..day_cycle import WEEKDAYS
from ..recurrence import joined_rule, rule_dates, rule_parts, rule_problem
from .guards import MAX_DATES_PER_EVENT

DAY_PARTS = ("BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYSETPOS", "BYMONTH")
"""Rule parts naming days that a shift by whole days does not follow: written out then."""
TIME_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND")


def for_later_dates(component: icalendar.Component) -> bool:
    """True when the VEVENT's RECURRENCE-ID is given with RANGE=THISANDFUTURE."""
    params = getattr(component.get("RECURRENCE-ID"), "params", None)
    return params is not None and str(params.get("RANGE", "")).upper() == "THISANDFUTURE"


def split_series(events: Sequence[Event], ranged: set[tuple[str, When]]) -> list[Event]:
    """``events`` with each series that an override of ``ranged`` (UID, RECURRENCE-ID, given
    with RANGE=THISANDFUTURE) changes cut into its parts at those overrides' dates."""
    masters = {e.uid: e for e in events if e.recurrence_id is None and e.recurs}
    cuts: dict[str, dict[datetime, Event]] = {}
    for event in events:
        moment = event.recurrence_id
        if moment is not None and (event.uid, moment) in ranged and event.uid in masters \
                and _comparable(masters[event.uid].start, moment):
            cuts.setdefault(event.uid, {})[_key(moment)] = event
    if not cuts:
        return list(events)
    parts = {uid: _parts(masters[uid], [changes[k] for k in sorted(changes)])
             for uid, changes in cuts.items()}
    result: list[Event] = []
    for event in events:
        if event.uid not in parts:
            result.append(event)
        elif event.recurrence_id is None:
            result.extend(part for _, _, part in parts[event.uid] if part is not None)
        elif _key(event.recurrence_id) not in cuts[event.uid]:
            result.append(_follow(event, parts[event.uid]))
    return result


Part = tuple["datetime | None", timedelta, "Event | None"]
"""Where a part starts (None: the series' own start), its shift on the series' wall clock,
and its series (None for a series before its first date)."""


def _parts(master: Event, changes: list[Event]) -> list[Part]:
    lows = [change.recurrence_id for change in changes]
    head = None if _key(lows[0]) <= _key(master.start) else _until(master, lows[0])  # type: ignore[arg-type]
    parts: list[Part] = [(None, timedelta(0), head)]
    for index, change in enumerate(changes):
        low = change.recurrence_id
        assert low is not None
        high = lows[index + 1] if index + 1 < len(lows) else None
        uid = master.uid if head is None and index == 0 else f"{master.uid}_R{_stamp(low)}"
        shift = _shift(master.start, low, change.start)
        parts.append((_key(low), shift, _later(master, change, low, high, shift, uid)))
    return parts


def _follow(override: Event, parts: Sequence[Part]) -> Event:
    """A plain override of a date in a later part: that part's UID, its date shifted."""
    assert override.recurrence_id is not None
    for low, shift, part in reversed(parts):
        if low is not None and part is not None and _key(override.recurrence_id) >= low:
            return dataclasses.replace(override, uid=part.uid, recurrence_id=_moved(
                override.recurrence_id, shift, _zone(part.start)))
    return override


def _until(master: Event, cut: When) -> Event:
    """The series before ``cut``."""
    rule = master.rrule
    if rule is not None:
        parts = rule_parts(rule)
        if "COUNT" in parts:
            parts["COUNT"] = str(max(1, len(_originals(master, None, cut))))
        else:
            _end_before(parts, cut, timedelta(0), master.start)
        rule = joined_rule(parts)
    return dataclasses.replace(master, rrule=rule, rdates=_within(master.rdates, None, cut),
                               exdates=_within(master.exdates, None, cut))


def _later(master: Event, change: Event, low: When, high: When | None, shift: timedelta,
           uid: str) -> Event:
    """The series from ``low`` (to ``high``) as ``change`` made it."""
    zone = _zone(master.start)
    start = _moved(low, shift, zone)
    rule, written = _later_rule(master, low, high, shift, start)
    rdates = (*_within(master.rdates, low, high), *written)
    end = change.end
    if end is not None:
        end = start + (end - change.start)
    return dataclasses.replace(
        change, uid=uid, start=start, end=end, all_day=master.all_day,
        timezone=master.timezone, rrule=rule, recurrence_id=None,
        rdates=tuple(dict.fromkeys(_moved(d, shift, zone) for d in rdates)),
        exdates=tuple(_moved(d, shift, zone) for d in _within(master.exdates, low, high)))


def _later_rule(master: Event, low: When, high: When | None, shift: timedelta, start: When
                ) -> tuple[str | None, list[When]]:
    """The later part's rule, or None and the rule's dates it stands for (unshifted) where
    the shifted rule would give other dates."""
    if master.rrule is None:
        return None, []
    parts = rule_parts(master.rrule)
    days = (_as_date(start) - _as_date(_in_zone(low, _zone(master.start)))).days
    broken = days != 0 and (any(p in parts for p in DAY_PARTS)
                            or any(c.isdigit() for c in parts.get("BYDAY", "")))
    if shift % timedelta(days=1) and any(p in parts for p in TIME_PARTS):
        broken = True
    written = [d for d in _originals(master, low, high) if _key(d) != _key(low)] \
        if broken or "COUNT" in parts else []
    if not broken:
        if "COUNT" in parts:
            parts["COUNT"] = str(len(written) + 1)
            written = []
        elif "UNTIL" in parts:
            parts["UNTIL"] = _stamp(_moved(_until_of(parts["UNTIL"]), shift,
                                           _zone(master.start)))
        if high is not None and "COUNT" not in parts:
            _end_before(parts, high, shift, master.start)
        if days and "BYDAY" in parts:
            parts["BYDAY"] = ",".join(WEEKDAYS[(WEEKDAYS.index(d) + days) % 7]
                                      for d in parts["BYDAY"].split(","))
        rule = joined_rule(parts)
        if rule_problem(rule, start) is None:
            return rule, []
        written = [d for d in _originals(master, low, high) if _key(d) != _key(low)]
    return None, written


def _end_before(parts: dict[str, str], cut: When, shift: timedelta, start: When) -> None:
    """UNTIL set to the last moment before ``cut`` (shifted), unless it ends earlier."""
    last = _moved(cut - (timedelta(seconds=1) if isinstance(cut, datetime)
                         else timedelta(days=1)), shift, _zone(start))
    if "UNTIL" not in parts or _key(_until_of(parts["UNTIL"])) > _key(last):
        parts["UNTIL"] = _stamp(last)


def _originals(master: Event, low: When | None, high: When | None) -> list[When]:
    """The rule's own dates from ``low`` (included) to ``high`` (excluded), as DTSTART is
    written: at most :data:`MAX_DATES_PER_EVENT`."""
    assert master.rrule is not None
    dates = rule_dates(master.rrule, master.start, high)
    return [d for d in dates if low is None or _key(d) >= _key(low)][:MAX_DATES_PER_EVENT]


def _within(dates: Iterable[When], low: When | None, high: When | None) -> tuple[When, ...]:
    return tuple(d for d in dates if _comparable(d, low or high or d)
                 and (low is None or _key(d) >= _key(low))
                 and (high is None or _key(d) < _key(high)))


def _shift(series_start: When, low: When, moved_to: When) -> timedelta:
    """How far the override moved its date, on the wall clock of the series' zone."""
    zone = _zone(series_start)
    if isinstance(low, datetime) and isinstance(moved_to, datetime):
        return _wall(moved_to, zone) - _wall(low, zone)
    return timedelta(days=(_as_date(moved_to) - _as_date(low)).days)


def _moved(when: When, shift: timedelta, zone: tzinfo | None) -> When:
    """``when`` moved by ``shift`` on the wall clock of ``zone`` (its own when floating)."""
    if isinstance(when, datetime):
        if when.tzinfo is None:
            return when + shift
        return (_wall(when, zone) + shift).replace(tzinfo=zone or when.tzinfo)
    return when + timedelta(days=shift.days)


def _in_zone(when: When, zone: tzinfo | None) -> When:
    if isinstance(when, datetime) and when.tzinfo is not None and zone is not None:
        return when.astimezone(zone)
    return when


def _wall(when: datetime, zone: tzinfo | None) -> datetime:
    if when.tzinfo is not None and zone is not None:
        when = when.astimezone(zone)
    return when.replace(tzinfo=None)


def _zone(start: When) -> tzinfo | None:
    return start.tzinfo if isinstance(start, datetime) else None


def _as_date(when: When) -> date:
    return when.date() if isinstance(when, datetime) else when


def _comparable(a: When, b: When) -> bool:
    if isinstance(a, datetime) != isinstance(b, datetime):
        return False
    return not isinstance(a, datetime) or (a.tzinfo is None) == (b.tzinfo is None)  # type: ignore[union-attr]


def _stamp(when: When) -> str:
    """As RFC 5545 writes a value of that kind (UTC for a zoned time)."""
    if isinstance(when, datetime):
        if when.tzinfo is not None:
            return when.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        return when.strftime("%Y%m%dT%H%M%S")
    return when.strftime("%Y%m%d")


def _until_of(text: str) -> When:
    """An UNTIL as parse.ical_dates.checked_rule leaves it (DTSTART's kind, UTC if zoned)."""
    value: When = vDDDTypes.from_ical(text)  # type: ignore[no-untyped-call]
    return value
