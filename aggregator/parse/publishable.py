"""What of an organisation's calendar is for the public: not its private appointments, not the
"Busy" blocks of a calendar shared without its details.

Organisations register the iCal export of the calendar they work with (Outlook's published
calendar, Google's address, a Nextcloud share). Such exports may hold what they never meant
to show a region: events marked private, or nothing but free/busy time when the calendar was
shared "availability only". Both are left out, and the feed's warnings say so and what to do.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import icalendar

from ..models import Event, When
from .ical_dates import CalendarContext, read_optional_when, text_of
from .text import clean_line

FREE_BUSY_TITLES = frozenset({
    # Exchange / Outlook and Google Calendar, in English, French and German
    "busy", "free", "tentative", "away", "out of office", "working elsewhere",
    "occupé", "occupé(e)", "libre", "disponible", "provisoire", "absent", "absent(e)",
    "absent du bureau", "travail à un autre endroit",
    "beschäftigt", "gebucht", "frei", "mit vorbehalt", "abwesend", "außer haus",
    "an anderem ort tätig",
})
FREE_BUSY_ADVICE = (
    "nothing of it is published; share the calendar with all event details (Outlook: 'Can "
    "view all details'; Google Calendar: 'See all event details')"
)


def free_busy_warning(count: int) -> str:
    """What the organiser reads about a calendar of ``count`` free/busy blocks."""
    blocks = ("its one event is titled 'Busy', 'Free', 'Tentative' or 'Away'" if count == 1 else
              f"its {count} events are all titled 'Busy', 'Free', 'Tentative' or 'Away'")
    return f"the calendar is shared as free/busy time only ({blocks}, without details): " \
           + FREE_BUSY_ADVICE


def is_public(component: icalendar.Component) -> bool:
    """RFC 5545 3.8.1.3: an event classed PRIVATE or CONFIDENTIAL is not for the public (an
    Outlook or Google export of a calendar that also holds a team's private appointments),
    and a class an application does not know must be treated as PRIVATE. No class is PUBLIC."""
    return text_of(component, "CLASS").strip().upper() in ("", "PUBLIC")


def without_private_dates(events: list[Event], withheld: list[icalendar.Component],
                          context: CalendarContext) -> list[Event]:
    """A private override of a public series (RECURRENCE-ID) takes its date out of the series
    (an EXDATE), or that date would still be published, with the series' title and place."""
    taken: dict[str, list[When]] = {}
    for component in withheld:
        when = read_optional_when(component, "RECURRENCE-ID", context)
        if when is not None:
            taken.setdefault(clean_line(text_of(component, "UID")), []).append(when)
    return [dataclasses.replace(e, exdates=(*e.exdates, *taken[e.uid]))
            if e.recurrence_id is None and e.uid in taken else e for e in events]


def free_busy_only(components: Sequence[icalendar.Component]) -> bool:
    """Every event is a free/busy block: titled as Outlook and Google title availability
    ("Busy", "Tentative", "Occupé"...) with no description, place or link. One real event
    among them (or a test calendar's event named after its status, with a place) and the
    calendar is read as usual."""
    return bool(components) and all(
        clean_line(text_of(c, "SUMMARY")).casefold() in FREE_BUSY_TITLES
        and not any(text_of(c, name).strip() for name in ("DESCRIPTION", "LOCATION", "URL"))
        for c in components
    )
