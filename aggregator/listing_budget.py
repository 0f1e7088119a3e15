"""How much of their series' rules the listings walk: the agenda, the digest, an
organisation's page and events.json's window expand each series from its DTSTART (dateutil
cannot start later), within budgets a feed cannot exceed by accident or malice.

PURE: rule steps in (:func:`aggregator.recurrence.expansion_steps`), the series left out out.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import timedelta

HORIZON = timedelta(days=60)
"""How far ahead the agenda, the digest and an organisation's page expand recurring series;
one-off events are listed whatever their date."""
EXPANSION_BUDGET = 200_000
"""Rule steps from DTSTART to the horizon that we let dateutil walk (about 0.3 s here). dateutil
always starts at DTSTART, so ``FREQ=SECONDLY`` since 1900 is four billion steps and gigabytes of
cache (issue 7); a daily rule since 1900 is 46 000. Past the budget a series is not expanded."""
SOURCE_BUDGET = 1_000_000
"""Rule steps the series of one organisation may cost a listing together (about a second).
A series since 1600 that meets only on a Monday 29 February walks 155,000 steps (0.17 s)
to find it has no date in the coming weeks, within :data:`EXPANSION_BUDGET`: a feed of 300
such series held every build and every page (agenda, digest, organisation page, windowed
events.json) for a minute and more. Each organisation's cheapest series are walked first,
so its everyday ones always are; those past its budget are left out as those past
:data:`EXPANSION_BUDGET` are (calendar clients still get their rule, and the feed's health
says so: parse/series_cost.py)."""


def left_out(series: Iterable[tuple[str, str, float]]) -> list[str]:
    """The UIDs of the series (UID, owner, rule steps to the horizon, each within
    :data:`EXPANSION_BUDGET`) that a listing leaves out: each owner's, walked cheapest first
    (then by UID), past the :data:`SOURCE_BUDGET` they share."""
    costs: dict[str, list[tuple[float, str]]] = {}
    for uid, owner, steps in series:
        costs.setdefault(owner, []).append((steps, uid))
    refused: list[str] = []
    for owned in costs.values():
        if sum(steps for steps, _ in owned) > SOURCE_BUDGET:
            ordered = sorted(owned)
            spent = itertools.accumulate(steps for steps, _ in ordered)
            refused += (uid for (_, uid), total in zip(ordered, spent, strict=True)
                        if total > SOURCE_BUDGET)
    return refused
