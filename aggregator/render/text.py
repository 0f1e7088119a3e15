"""Text shared by every renderer: control-character cleaning and who-posted-it wording.

Titles and descriptions come from strangers' feeds. A stray CR/LF or NUL must never break an
iCalendar property or an XML document, and "posted by" must read the same in the calendar,
the exports and the page, so those rules live here once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, tzinfo

from babel.dates import format_date, format_time

from ..instants import utc_instant
from ..models import Event, NewsItem, Source

DEFAULT_TITLE = "Agenda numérique Grand Est – Luxembourg"
TITLE_LANGUAGE = "fr"
"""The language DEFAULT_TITLE (and a selection's label after it) is written in."""
STATUSES = ("CONFIRMED", "TENTATIVE", "CANCELLED")
"""The VEVENT statuses the contract allows; anything else is shown as CONFIRMED."""
_STATUS_OBJECTS = {status: status for status in STATUSES}
"""Each status as the one constant object, not a new string for each of 40,000 occurrences."""

_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_SPACES = re.compile(r"\s+")


def clean_text(value: str) -> str:
    """Multi-line plain text: newlines normalised to LF, other control characters dropped.

    XML 1.0 and RFC 5545 TEXT both forbid control characters other than tab and newline.
    """
    if value.isprintable():  # one line without control characters: nothing to replace
        return value.strip()  # (each description of a build, three times: issue 8)
    return _CONTROLS.sub("", _NEWLINES.sub("\n", value)).strip()


def one_line(value: str) -> str:
    """A title or location on one line: every run of whitespace becomes one space."""
    if value.isprintable() and "  " not in value and value[:1] != " " and value[-1:] != " ":
        return value  # most titles: no control, no other whitespace than single spaces
    return _SPACES.sub(" ", _CONTROLS.sub("", value)).strip()


def source_names(
    members: Iterable[Event | NewsItem], sources: Mapping[str, Source]
) -> tuple[str, ...]:
    """Display names of the sources behind merged records, representative first, no repeats.

    A member whose source is not configured any more is named by its organiser (events) or
    its source id, so provenance is never silently lost.
    """
    names: dict[str, None] = {}
    for member in members:
        source = sources.get(member.source_id)
        if source is not None:
            name = source.name
        else:
            name = getattr(member, "organizer", "") or member.source_id
        name = one_line(name)
        if name:
            names.setdefault(name, None)
    return tuple(names)


def source_posts(members: Iterable[Event], sources: Mapping[str, Source], *,
                 now: datetime | None = None) -> list[tuple[str, str, str]]:
    """(source id, display name, link) of each source behind a merged event, representative
    first, with one link of that source's. A series' copies of its dates posted one by one
    (dedup/series.py) are one venue's posts of one event, not ten lines; given ``now``, the
    link is that source's series, else its copy of the next date to come (the first copy's
    was often a past date's page), else of the last one."""
    posts: dict[str, tuple[str, str, str]] = {}
    best: dict[str, tuple[int, float]] = {}
    for member in members:
        rank = _link_rank(member, now) if member.url else (3, 0.0)
        if member.source_id not in posts or rank < best[member.source_id]:
            source = sources.get(member.source_id)
            name = source.name if source is not None else member.source_id
            posts[member.source_id] = (member.source_id, name, member.url)
            best[member.source_id] = rank
    return list(posts.values())


def _link_rank(member: Event, now: datetime | None) -> tuple[int, float]:
    """Which of a source's links the event page gives: lower first (see source_posts); a
    start is read as a UTC instant (an hour off for a day or a floating time matters not
    here, and a zone's conversion of 9999-12-31T23:59Z overflows)."""
    if now is None or member.recurs:
        return 0, 0.0
    start = utc_instant(member.start).timestamp()
    return (1, start) if start >= now.timestamp() else (2, -start)


def status_of(value: str) -> str:
    """The contract's status for a feed's STATUS value (case-insensitive; unknown: CONFIRMED)."""
    return _STATUS_OBJECTS.get(value.strip().upper(), "CONFIRMED")


def written_in(members: Sequence[Event | NewsItem], sources: Mapping[str, Source]) -> str:
    """The language a merged record's title and description are written in: the one its
    representative article declares itself (parse/languages.py), else its representative
    source's (French, the sources' default, when that source is gone)."""
    if members and isinstance(members[0], NewsItem) and members[0].language:
        return members[0].language
    source = sources.get(members[0].source_id) if members else None
    return source.language if source is not None else "fr"


def other_language(members: Sequence[Event | NewsItem], sources: Mapping[str, Source],
                   language: str) -> str:
    """:func:`written_in` when it is not the reader's language, else "": pages and the digest
    mark it with ``lang``, so that a screen reader reads "Café IA" in French on an English
    page (WCAG 3.1.2)."""
    written = written_in(members, sources)
    return written if written != language else ""


def clip(text: str, limit: int) -> str:
    """Whitespace collapsed, then cut at the last word that fits within ``limit`` characters
    with "…" (a first word longer than that is cut inside: ``textwrap.shorten`` would leave
    only the "…" of a summary that is one long link)."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    head = flat[:limit]
    return (head.rsplit(" ", 1)[0] if " " in head else head) + "…"


_ONLINE = re.compile(
    r"^https?://|\b(?:en ligne|online|virtuel(?:le)?|virtual|webinar|webinaire|zoom|jitsi|"
    r"google meet|microsoft teams|visio(?:conf[ée]rence)?|distanciel|livestream)\b",
    re.IGNORECASE)


def is_online(location: str) -> bool:
    """Whether an event's location says it happens online ("En ligne", "Online (Zoom)", a
    meeting link): its organiser's city is then not where it takes place."""
    return bool(_ONLINE.search(location))


def place_of(location: str, city: str) -> str:
    """Where, on one line: the location, then the city unless the location already names it
    ("7 avenue de Blida, 57000 Metz", not "…, 57000 Metz, Metz") or is online ("En ligne",
    not "En ligne, Metz")."""
    location, city = one_line(location), one_line(city)
    if not city or city.casefold() in location.casefold() or is_online(location):
        return location
    return f"{location}, {city}" if location else city


_FIRST_OF_MONTH = re.compile(r"(?<![\d.])1 (?=(?:janv|févr|mars|avr|mai|juin|juil|août|sept|oct"
                             r"|nov|déc))")


BABEL_LOCALES = {"en": "en_GB"}
"""English as Europe writes dates, the day first ("Monday 7 December 2026", as the digest
does): Babel's "en" is American ("Monday, December 7, 2026"), and pages mixed both."""


def babel_locale(language: str) -> str:
    """The Babel locale that writes dates in ``language`` on our pages."""
    return BABEL_LOCALES.get(language, language)


def long_day(moment: datetime, zone: tzinfo, language: str) -> str:
    """The day of ``moment`` in ``zone`` as ``language`` writes it in full: "7 mars 2027",
    "7 March 2027", "7. März 2027" (the contact's and the operator's retention dates)."""
    return format_date(moment.astimezone(zone).date(), "long", locale=babel_locale(language))


def clock_time(value: datetime, zone: tzinfo | None, language: str) -> str:
    """A time of day as pages write it: "18:30", "6:30 pm" (lower case, as the digest and
    British usage write it; en_GB's own would be "18:30"), "18:30"."""
    text = format_time(value, "short", tzinfo=zone, locale=language)
    return text.replace("AM", "am").replace("PM", "pm") if language == "en" else text


def first_of_month(text: str, language: str) -> str:
    """A date as French writes the first of a month, "lundi 1er février" (CLDR, through Babel,
    gives "lundi 1 février"); other languages' as they are."""
    return _FIRST_OF_MONTH.sub("1er ", text) if language == "fr" else text


_HEADING = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)


def headings_below(html: str, level: int) -> str:
    """A sanitised summary whose own headings sit under its title's ``level``: its levels in
    their order, one step apart from a level below (a feed's <h1> in an article titled by an
    <h2> was listed by screen readers above every article; its <h1>, <h3> become <h3>, <h4>).
    Past <h6> stays <h6>."""
    levels = sorted({int(found) for _, found in _HEADING.findall(html)})
    ranks = {found: min(6, level + 1 + rank) for rank, found in enumerate(levels)}
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{ranks[int(m.group(2))]}", html) \
        if ranks else html
