"""News dates that cannot be an article's publication: dated in the future, or moving with
each edit. Pure: the fetch time and what the store kept of the feed are parameters.

An article cannot be published after it is read. A date ahead of the fetch is a generator's
mistake (a placeholder: 9999999999 as a Unix time, "9999-12-31" for "no date") or a
calendar plugin writing its event's day as the article's (WordPress's events plugins do):
kept as written, such an article headed every news list and feed until that day, and a
digest of a week to come held it instead of the week it appeared. Feed readers do as we do
here (Tiny Tiny RSS dates such an entry by when it was fetched): the entry becomes undated,
so the store gives it the time it was first seen (``NewsItem.seen``), and the organiser is
told (:func:`date_by_now`).

Nor is an article published after it was first seen, nor again when it is edited: an Atom
entry dated by its ``<updated>`` alone changes date with each edit, and was news again each
time, in that week's digest. lemon24/reader fixes an entry's place in its "recent" order
when it first sees it; here the date it was first seen with is kept (:func:`dated_by_first_seen`).
So is it when a feed dates most of its articles anew in each copy (its build time as every
``pubDate``), while one article moved later alone is republished, as the feed says.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

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


class Stored(NamedTuple):
    """What the store kept of an article from the feed's previous copy."""

    date: datetime | None
    """Its publication date then (``published or updated``)."""
    seen: datetime | None
    """When it was first seen, if it came undated (or dated in the future)."""


def dated_by_first_seen(items: Sequence[NewsItem], stored: Mapping[str, Stored],
                        now: datetime) -> Sequence[NewsItem]:
    """``items`` as they are stored, given what was ``stored`` of the feed's previous copy by
    guid (its old articles do not become new when it changes):
    - an undated item gets the time it was first seen, or else ``now``;
    - an item dated after that time (one dated in the future when it came, whose day has come)
      keeps that time: dated again by the feed, it became news a second time;
    - an item dated only by its last edit (``published`` is ``updated``: Atom's
      ``<updated>`` without ``<published>``) keeps the earlier date it was first stored with.
    - an item of a copy that re-dates its articles (:func:`_restamped`) keeps its stored date.
    A publication date the feed corrects, or moves earlier, is taken as written, and so is
    one article the feed moves later (republished: the feed's word)."""
    restamped = _restamped(items, stored)
    settled = []
    for item in items:
        kept = stored.get(item.guid)
        when = item.published or item.updated
        if when is None:
            item = dataclasses.replace(item, seen=(kept.seen if kept else None) or now)
        elif kept is None:
            pass
        elif kept.seen is not None and when > kept.seen + LEEWAY:
            item = dataclasses.replace(item, published=None, updated=None, seen=kept.seen)
        elif kept.date is not None and item.published is not None and (
                item.guid in restamped
                or (item.published == item.updated and item.published > kept.date)):
            item = dataclasses.replace(item, published=kept.date)
        settled.append(item)
    return settled


def _restamped(items: Sequence[NewsItem], stored: Mapping[str, Stored]) -> frozenset[str]:
    """The guids of the articles a copy dated later than they were stored, when that is most
    of the articles with a publication date of their own it shares with the stored copy (at
    least two): a generator writing its build time as every item's ``pubDate`` (home-made
    PHP feeds do), not a republication. Taken as written, every article of such a feed was
    news again at each refresh and filled its organisation's place in every week's digest."""
    shared = 0
    moved = []
    for item in items:
        kept = stored.get(item.guid)
        if (kept is None or kept.date is None or item.published is None
                or item.published == item.updated):  # dated by its edit: its own rule
            continue
        shared += 1
        if item.published > kept.date:
            moved.append(item.guid)
    return frozenset(moved) if len(moved) >= 2 and 2 * len(moved) > shared else frozenset()
