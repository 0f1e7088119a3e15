"""PURE: an RRULE's BY* values that RFC 5545 §3.3.10 does not allow (a 13th month, a 32nd
day, an hour 24), dropped before the rule is published.

Some generators write them beside valid ones (``BYMONTH=1,3,13``). dateutil reads such a
value as one no date has, so the dates we list come from the others; but calendar.ics
republished the rule as written, and a client that checks the ranges (or a stricter
validator) refuses the event or the whole file. Dropping the value changes no date. A part
left with no value at all names no date: the rule is read as a single event (RFC 5545: its
DTSTART is its first instance), as dateutil's reading would have it for most parts, and
not as dateutil reads a lone ``BYMONTHDAY=0`` (no filter: every day).
"""

from __future__ import annotations

RANGES: dict[str, tuple[int, int, bool]] = {
    "BYSECOND": (0, 60, False), "BYMINUTE": (0, 59, False), "BYHOUR": (0, 23, False),
    "BYMONTHDAY": (1, 31, True), "BYYEARDAY": (1, 366, True), "BYWEEKNO": (1, 53, True),
    "BYMONTH": (1, 12, False), "BYSETPOS": (1, 366, True),
}
"""Each numeric BY* part: its least and greatest value, and whether it may count from the
end (``-1``: the last)."""


def within_calendar(parts: dict[str, str], problems: list[str]) -> str:
    """Drop from ``parts`` (an RRULE's, upper-cased) each value outside its part's range,
    saying so in ``problems``; the part that then has no value left, or "" when none."""
    for key, (least, most, signed) in RANGES.items():
        if key not in parts:
            continue
        values = parts[key].split(",")
        kept = [value for value in values if _allowed(value, least, most, signed)]
        if len(kept) == len(values):
            continue
        outside = ",".join(value for value in values if value not in kept)
        if not kept:
            return f"{key}={outside}"
        parts[key] = ",".join(kept)
        problems.append(f"RRULE {key} {outside} outside the calendar: ignored (no date has it)")
    return ""


def _allowed(value: str, least: int, most: int, signed: bool) -> bool:
    try:
        number = int(value)
    except ValueError:
        return True  # not a number: whether the rule can be read at all is asked after
    return least <= (abs(number) if signed else number) <= most
