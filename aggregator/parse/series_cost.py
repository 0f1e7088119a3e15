"""Which of a calendar's series the pages will leave out, told to its organiser.

The agenda, the digest and an organisation's page walk each series' rule from its DTSTART
(dateutil cannot start later), and on to its next dates past the horizon, within a budget (:mod:`aggregator.listing_budget`:
``EXPANSION_BUDGET`` steps a series, ``SOURCE_BUDGET`` an organisation); a series past it
is left out of them and kept in calendar.ics. The organiser saw their series missing and
nothing saying why: the feed's health says it now, reckoned when the feed is read as a
build reckons it (the same arithmetic, the same horizon).

PURE: a parsed feed and the time in, the feed with one more warning out.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from ..instants import utc_instant
from ..models import Event, ParsedFeed
from ..listing_budget import EXPANSION_BUDGET, HORIZON, left_out, listing_steps
from ..recurrence import DAYS_PER_PERIOD, FREQ_SECONDS, expansion_steps, rule_parts


def note_costly_series(parsed: ParsedFeed, now: datetime) -> ParsedFeed:
    """``parsed`` with a warning counting its series that listings made at ``now`` leave
    out and naming the first; ``parsed`` itself when there is none. A series already over
    (its UNTIL, or its COUNT of a rule that meets every period, before ``now``) is not
    named: it has nothing to list."""
    costs = {event.uid: (event, steps) for event in parsed.events
             if (steps := _steps(event, now + HORIZON)) > 0}
    if not costs:
        return parsed
    out = {uid for uid, (_, steps) in costs.items() if steps > EXPANSION_BUDGET}
    out.update(left_out((uid, "", steps) for uid, (_, steps) in costs.items()
                        if steps <= EXPANSION_BUDGET))
    named = [event for uid, (event, _) in costs.items() if uid in out and not _over(event, now)]
    rare = [event for event in named if _rare(event, costs[event.uid][1], now + HORIZON)]
    far = [event for event in named if event not in rare]
    notes = [costly_series_note(len(found), _described(found[0]), rarely=found is rare)
             for found in (far, rare) if found]
    if not notes:
        return parsed
    return dataclasses.replace(parsed, warnings=(*parsed.warnings, *notes))


def costly_series_note(count: int, first: str, *, rarely: bool = False) -> str:
    """The warning: how many series, the first by name, and what to do (a series that
    costs its search for its next dates more than its walk from DTSTART meets too rarely:
    starting it later would not help)."""
    if rarely and count == 1:
        return (f"1 recurring series meets too rarely to be listed ({first}): the agenda, the "
                "digest and the organisation's page leave out its dates, calendar.ics keeps "
                "them; write its dates as RDATEs instead")
    if rarely:
        return (f"{count} recurring series meet too rarely to be listed (the first: {first}): "
                "the agenda, the digest and the organisation's page leave out their dates, "
                "calendar.ics keeps them; write their dates as RDATEs instead")
    if count == 1:
        return (f"1 recurring series starts too far back to be listed ({first}): the agenda, "
                "the digest and the organisation's page leave out its dates, calendar.ics "
                "keeps them; start it (DTSTART) nearer today")
    return (f"{count} recurring series start too far back to be listed (the first: {first}): "
            "the agenda, the digest and the organisation's page leave out their dates, "
            "calendar.ics keeps them; start them (DTSTART) nearer today")


def _steps(event: Event, stop: datetime) -> float:
    """What walking the series' rule to ``stop`` costs (0: not a series a listing walks).
    The parser kept only rules that can be walked (``ical_dates.checked_rule``): asked
    again here, outside the parse's processor budget, a feed of 20,000 rare rules cost
    1.6 s of the refresh's own process."""
    rule = event.rrule
    if rule is None or event.recurrence_id is not None:
        return 0.0
    return listing_steps(rule, utc_instant(event.start), stop)


def _rare(event: Event, steps: float, stop: datetime) -> bool:
    """Whether most of the series' ``steps`` are its search for its next dates past
    ``stop``, not its walk from DTSTART."""
    assert event.rrule is not None
    return expansion_steps(event.rrule, utc_instant(event.start), stop) * 2 < steps


def _over(event: Event, now: datetime) -> bool:
    """Whether the series certainly has no date left after ``now``."""
    assert event.rrule is not None
    parts = rule_parts(event.rrule)
    until = parts.get("UNTIL", "")
    if until[:8].isdigit():
        return until[:8] < now.strftime("%Y%m%d")
    freq, count = parts.get("FREQ", ""), parts.get("COUNT", "")
    period = DAYS_PER_PERIOD.get(freq, 0) * 86_400 or FREQ_SECONDS.get(freq, 0)  # the longest
    if not count.isdigit() or any(name.startswith("BY") for name in parts):
        return False  # a period may hold no date: its last one may be far later
    interval = int(parts["INTERVAL"]) if parts.get("INTERVAL", "").isdigit() else 1
    last = utc_instant(event.start) + timedelta(seconds=(int(count) - 1) * interval * period)
    return last < now


def _described(event: Event) -> str:
    """A series named as the parser names a VEVENT in a warning: its title, else its UID."""
    return repr(event.title[:80]) if event.title else f"UID {event.uid!r}"
