"""/events.atom: the coming events of a selection for feed readers.

A subscriber who follows a city or a topic in a feed reader learns of each new event once: an
entry per event (a series once, at its next date), its id the event's page, so an event
announced since the last visit is a new, unread entry, and a changed one an updated entry
(LAST-MODIFIED). Calagator and Gancio offer the same beside their calendars.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from ..models import MergedEvent, Source
from ..render import pages, text
from ..render.agenda import by_next_date
from ..render.exports import AtomEntry
from . import i18n

ENTRIES = 100
"""The next hundred events: a busy region's month, what a reader's list shows at once."""
SUMMARY_CHARS = 600


def upcoming_entries(events: Sequence[MergedEvent], sources: Mapping[str, Source], *,
                     base_url: str, now: datetime, zone: ZoneInfo, lang: str,
                     updated: datetime, query: str = "") -> list[AtomEntry]:
    """The next :data:`ENTRIES` events not over at ``now``, soonest first, worded in ``lang``;
    an event without LAST-MODIFIED is as new as the build (``updated``). ``query``
    (``?lang=de``: the language the feed was asked in) ends each entry's link, not its id:
    a reader of the German feed opened the events' pages in its browser's language."""
    entries = []
    for occurrence in by_next_date(events, now=now, zone=zone)[:ENTRIES]:
        event = occurrence.event
        page = f"{base_url}/events/{quote(event.uid, safe='')}"
        cancelled = pages.LABELS[lang]["cancelled"] if occurrence.cancelled else ""
        when = i18n.moment(occurrence.start, zone, lang)
        head = " – ".join(part for part in (cancelled, when,
                                            text.place_of(occurrence.location, event.city)) if part)
        description = text.clip(event.description, SUMMARY_CHARS)
        entries.append(AtomEntry(
            id=page, title=f"{cancelled} – {occurrence.title}" if cancelled else occurrence.title,
            title_language="" if cancelled else text.written_in(event.members, sources),
            link=page + query, updated=event.last_modified or updated,
            summary=f"{head}\n\n{description}" if description else head,
            authors=tuple(text.source_names(event.members, sources)),
            categories=event.categories,
        ))
    return entries
