"""News dated in the future: dated by when it was first seen instead.

An article cannot be published after it is read. A date ahead of the fetch is a generator's
mistake (a placeholder: 9999999999 as a Unix time, "9999-12-31" for "no date") or a
calendar plugin writing its event's day as the article's (WordPress's events plugins do):
kept as written, such an article headed every news list and feed until that day, and a
digest of a week to come held it instead of the week it appeared. Feed readers do as we do
here (Tiny Tiny RSS dates such an entry by when it was fetched): the entry becomes undated,
so the store gives it the time it was first seen (``NewsItem.seen``), and the organiser is
told. Pure: the fetch time is a parameter.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from ..models import NewsItem, ParsedFeed

LEEWAY = timedelta(hours=2)
"""How far ahead of the fetch a date may be and still be kept: a server's clock a little
fast, or a site writing Paris time as UTC (one or two hours ahead), is not the future."""


def date_by_now(parsed: ParsedFeed, now: datetime) -> ParsedFeed:
    """``parsed`` with each item dated after ``now`` (beyond :data:`LEEWAY`) made undated,
    and a warning naming the first; ``parsed`` itself when none is. Only the dates ahead go:
    an article published in the past and "updated" in the future keeps its publication date
    (and the other way round)."""
    limit = now + LEEWAY
    settled = tuple(_settled(item, limit) for item in parsed.items)
    if settled == parsed.items:
        return parsed
    ahead = [before.published or before.updated for before, after in zip(parsed.items, settled)
             if after.when is None and before.when is not None]
    warnings = parsed.warnings
    if ahead:
        first = ahead[0]
        assert first is not None
        warnings += (future_dates_note(len(ahead), first.date().isoformat()),)
    return dataclasses.replace(parsed, items=settled, warnings=warnings)


def _settled(item: NewsItem, limit: datetime) -> NewsItem:
    published = item.published if item.published is None or item.published <= limit else None
    updated = item.updated if item.updated is None or item.updated <= limit else None
    if published is item.published and updated is item.updated:
        return item
    return dataclasses.replace(item, published=published, updated=updated)


def future_dates_note(count: int, first: str) -> str:
    """The warning for entries dated after they were read: they are dated by when they were
    first seen, and the organiser can mend the feed's dates."""
    if count == 1:
        return (f"an entry dated in the future ({first}): dated by the day it was first seen; "
                "a feed dates an article by when it was published")
    return (f"{count} entries dated in the future, the first {first}: dated by the day they "
            "were first seen; a feed dates an article by when it was published")


def dated_by_first_seen(items: Sequence[NewsItem], first_seen: Mapping[str, datetime],
                        now: datetime) -> Sequence[NewsItem]:
    """``items`` as they are stored: each undated one with the time it was first seen,
    ``first_seen`` by guid (what the feed's stored copy kept: its old articles do not become
    new when it changes) or else ``now``. An item dated after the time it was first seen (one
    dated in the future when it came, whose day has come) keeps that time: dated again by the
    feed, it became news a second time, in a second week's digest."""
    settled = []
    for item in items:
        seen = first_seen.get(item.guid)
        when = item.published or item.updated
        if when is None:
            item = dataclasses.replace(item, seen=seen or now)
        elif seen is not None and when > seen + LEEWAY:
            item = dataclasses.replace(item, published=None, updated=None, seen=seen)
        settled.append(item)
    return settled
