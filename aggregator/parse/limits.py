"""PURE: the longest text a record may carry into the outputs.

Every subscriber's client downloads calendar.ics again and again, and events.json, news.json
and the agenda page carry every record: one VEVENT with a 200 KB SUMMARY and a 5 MB
DESCRIPTION (a broken export, a pasted file) made calendar.ics 5.4 MB for everyone. Texts
beyond these lengths are cut, with "…", and the organiser is told. The lengths are far above
what people write: a Meetup description of 5,000 characters, a blog post of 30 KB of HTML.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from ..models import Event, NewsItem, ParsedFeed
from .text import sanitize_html

MAX_LINE = 300
"""A title or a place."""
MAX_DESCRIPTION = 20_000
"""An event's description (plain text)."""
MAX_ARTICLE = 100_000
"""An article's body (sanitised HTML)."""
Cut = Callable[[str, int], str]
"""Shortens a text to a limit, counting what it cut."""


def within_limits(parsed: ParsedFeed) -> ParsedFeed:
    """``parsed`` with every text longer than its limit cut, and a warning; itself when none is."""
    cut = 0

    def short(text: str, limit: int) -> str:
        nonlocal cut
        if len(text) <= limit:
            return text
        cut += 1
        return text[:limit - 1].rstrip() + "…"

    events = tuple(_event(e, short) for e in parsed.events)
    items = tuple(_item(i, short) for i in parsed.items)
    if not cut:
        return parsed
    note = (f"1 text too long: cut (a title or a place to {MAX_LINE:,} characters, a "
            f"description to {MAX_DESCRIPTION:,}, an article to {MAX_ARTICLE:,})" if cut == 1
            else f"{cut} texts too long: cut (a title or a place to {MAX_LINE:,} characters, "
            f"a description to {MAX_DESCRIPTION:,}, an article to {MAX_ARTICLE:,})")
    return dataclasses.replace(parsed, events=events, items=items,
                               warnings=(*parsed.warnings, note))


def _event(event: Event, short: Cut) -> Event:
    if max(len(event.title), len(event.location)) <= MAX_LINE \
            and len(event.description) <= MAX_DESCRIPTION:
        return event
    return dataclasses.replace(event, title=short(event.title, MAX_LINE),
                               location=short(event.location, MAX_LINE),
                               description=short(event.description, MAX_DESCRIPTION))


def _item(item: NewsItem, short: Cut) -> NewsItem:
    if len(item.title) <= MAX_LINE and len(item.summary) <= MAX_ARTICLE:
        return item
    summary = item.summary
    if len(summary) > MAX_ARTICLE:  # cut, then closed again: a tag cut in two is dropped
        summary = sanitize_html(short(summary, MAX_ARTICLE))
    return dataclasses.replace(item, title=short(item.title, MAX_LINE), summary=summary)

