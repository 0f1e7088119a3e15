"""A title for a VEVENT without SUMMARY (RFC 5545 makes it optional; hand-made files and some
booking tools leave it out).

The agenda showed a blank row, calendar.ics and events.json an empty title: nobody could tell
what the event was. Like an untitled news entry (news.fallback_title), it is titled by the
first words of its description, else by its place, and its organiser is told once per feed.
A moved date (RECURRENCE-ID) keeps its empty title: its series' title is the one to show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .text import clean_line

if TYPE_CHECKING:
    from .ical_dates import CalendarContext
    from ..models import When

MAX_CHARS = 80


def title_or_fallback(title: str, description: str, location: str, recurrence_id: When | None,
                      context: CalendarContext) -> str:
    """``title``, or for an untitled event (not a moved date) its description's first words,
    else its place ("" when it has neither)."""
    if title or recurrence_id is not None:
        return title
    text = clean_line(description) or location
    if not text:
        return ""
    note = ("events without a title (no SUMMARY): titled by the first words of their "
            "description, or their place; give each event a SUMMARY")
    if note not in context.warnings:
        context.warnings.append(note)
    return text if len(text) <= MAX_CHARS else text[:MAX_CHARS - 1].rsplit(" ", 1)[0] + "…"
