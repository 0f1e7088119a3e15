"""index.html: the agenda page, upcoming events by local day, then recent news.

A Jinja2 environment with autoescaping is the only way text reaches HTML; the one exception is
a news summary, which parsers already sanitised with nh3 and which we clean again here with
their policy (cheap, and the page must stay safe even if a record skipped the parser; nh3's
default policy made the summary's links followed, "noreferrer" for our "nofollow"). Dates and
times are localised with Babel (fr default, en, de); the page is self-contained (inline CSS,
no script other than the JSON-LD data block) so it can be served from any static host.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from urllib.parse import urlencode

import jinja2
from babel.dates import format_date

from ..models import MergedEvent, MergedItem, Source, When
from ..parse.text import sanitize_html
from .agenda import (Occurrence, SingleMemo, SinglesIndex, by_day, is_ongoing, is_over,
                     next_occurrence, upcoming)
from .exports import newest_first
from .slugs import city_calendars
from .text import (DEFAULT_TITLE, babel_locale, first_of_month, headings_below, is_online,
                   one_line, other_language, place_of, source_names)
from .spans import span_text
from .times import as_date, event_span, iso, local_day, render_zone, require_aware

NEWS_WINDOW = timedelta(days=30)
MAX_NEWS = 40
"""Summaries average ~1 KB; 40 keeps the page well under 200 KB next to 200 events."""
MAX_STRUCTURED = 100
MAX_ROWS = 300
"""Occurrences listed on the page: about 250 KB of HTML, a month of a busy region's agenda;
the calendars and events.json hold everything (issue 6: pages under ~200 KB without images)."""
"""Occurrences described in the JSON-LD block (search engines read the first ones anyway)."""

LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "events": "Prochains événements",
        "news": "Actualités récentes",
        "all_day": "Toute la journée",
        "cancelled": "Annulé",
        "ongoing": "En cours",
        "past": "Passé",
        "events_since": "Événements",
        "posted_by": "Publié par",
        "also_by": "aussi par",
        "no_events": "Aucun événement à venir.",
        "no_news": "Aucune actualité ces 30 derniers jours.",
        "no_match": "Aucun événement à venir ne correspond à cette sélection : essayez moins de filtres ou d’autres mots.",
        "no_news_match": "Aucune actualité de cette sélection ces 30 derniers jours.",
        "subscribe": "S’abonner",
        "webcal": "Ajouter l’agenda à mon calendrier",
        "ics": "Télécharger calendar.ics",
        "atom": "Flux des actualités (Atom)",
        "calendar_title": "L’agenda (iCalendar)",
        "cities": "Par ville :",
        "updated": "Mis à jour le",
        "details": "Détails",
        "later": "Événements suivants →",
        "all_news": "Toutes les actualités →",
    },
    "en": {
        "events": "Upcoming events",
        "news": "Recent news",
        "all_day": "All day",
        "cancelled": "Cancelled",
        "ongoing": "Ongoing",
        "past": "Past",
        "events_since": "Events",
        "posted_by": "Posted by",
        "also_by": "also by",
        "no_events": "No upcoming events.",
        "no_news": "No news in the last 30 days.",
        "no_match": "No upcoming event matches this selection: try fewer filters or other words.",
        "no_news_match": "No news from this selection in the last 30 days.",
        "subscribe": "Subscribe",
        "webcal": "Add the agenda to my calendar",
        "ics": "Download calendar.ics",
        "atom": "News feed (Atom)",
        "calendar_title": "The agenda (iCalendar)",
        "cities": "By city:",
        "updated": "Updated on",
        "details": "Details",
        "later": "Later events →",
        "all_news": "All the news →",
    },
    "de": {
        "events": "Kommende Veranstaltungen",
        "news": "Aktuelle Nachrichten",
        "all_day": "Ganztägig",
        "cancelled": "Abgesagt",
        "ongoing": "Läuft",
        "past": "Vorbei",
        "events_since": "Veranstaltungen",
        "posted_by": "Veröffentlicht von",
        "also_by": "auch von",
        "no_events": "Keine kommenden Veranstaltungen.",
        "no_news": "Keine Nachrichten in den letzten 30 Tagen.",
        "no_match": "Keine kommende Veranstaltung entspricht dieser Auswahl: Versuchen Sie weniger Filter oder andere Wörter.",
        "no_news_match": "Keine Nachrichten dieser Auswahl in den letzten 30 Tagen.",
        "subscribe": "Abonnieren",
        "webcal": "Agenda in meinem Kalender abonnieren",
        "ics": "calendar.ics herunterladen",
        "atom": "Nachrichten-Feed (Atom)",
        "calendar_title": "Die Agenda (iCalendar)",
        "cities": "Nach Stadt:",
        "updated": "Aktualisiert am",
        "details": "Details",
        "later": "Weitere Veranstaltungen →",
        "all_news": "Alle Nachrichten →",
    },
}


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The Jinja2 environment of our templates, autoescaping everything."""
    env = jinja2.Environment(loader=jinja2.PackageLoader("aggregator.render", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["headings_below"] = headings_below
    return env


def render_index(
    events: Sequence[MergedEvent],
    items: Sequence[MergedItem],
    sources: Mapping[str, Source],
    *,
    now: datetime,
    base_url: str,
    timezone: str,
    language: str = "fr",
    title: str = DEFAULT_TITLE,
    memo: SingleMemo | None = None,
    index: SinglesIndex | None = None,
    after: datetime | None = None,
    later_query: Mapping[str, str] | None = None,
    rows: int = MAX_ROWS,
    page_query: str = "",
) -> bytes:
    """The agenda page as UTF-8 HTML (``memo``, ``index``: see :func:`.agenda.upcoming`).

    It lists the first ``rows`` occurrences not over at ``now`` (or at ``after``, a later
    page, or an earlier one: occurrences over by ``now`` are then marked past):
    :data:`MAX_ROWS` for a page, fewer for the embeddable list. With ``later_query``
    (the web app's filters), a longer agenda ends with a link to the next page, ``?from=`` the
    first day it did not show whole. ``page_query`` ends each event's page link (the embedded
    list's ``?lang=``: framed on another site, it sets no cookie to carry its language).

    Raises:
        ValueError: unknown ``language`` or ``timezone``, or a naive ``now``.
    """
    if language not in LABELS:
        raise ValueError(f"unsupported language: {language!r} (fr, en or de)")
    now, zone = require_aware(now), render_zone(timezone)
    start = require_aware(after) if after is not None else now
    found = upcoming(events, now=start, zone=zone, limit=rows + 1, memo=memo, index=index)
    occurrences, next_day = (found[:rows], None) if later_query is None else \
        _page(found, start, zone, rows)
    later = "?" + urlencode({**later_query, "from": next_day.isoformat()}) \
        if later_query is not None and next_day is not None else ""
    base = base_url.rstrip("/")
    context = {
        "lang": language,
        "title": one_line(title),
        "t": LABELS[language],
        "updated": _day_label(now, zone, language),
        "heading": LABELS[language]["events" if start >= now else "events_since"],
        "days": [
            (
                day.isoformat(),
                _day_label(day, zone, language),
                [_row(o, sources, now, zone, language, day) for o in day_occurrences],
            )
            for day, day_occurrences in by_day(occurrences, now=start, zone=zone)
        ],
        "later": later,
        "filtered": bool(later_query),  # the web app's filters: saying "no event" misled
        "news": _news(items, sources, now, zone, language),
        "all_news": f"{base_url.rstrip('/')}/news" + (
            f"?{urlencode(later_query)}" if later_query else ""),
        "links": _links(base, events, sources),
        "base": base,
        "page_query": page_query,
        "structured_data": _structured_data(occurrences[:MAX_STRUCTURED], sources),
    }
    return environment().get_template("index.html").render(context).encode("utf-8")


def _page(found: list[Occurrence], start: datetime, zone: tzinfo, rows: int
          ) -> tuple[list[Occurrence], date | None]:
    """The occurrences a page of ``rows`` shows, and the day the next page starts (None: no
    more). A day cut by the row limit moves whole to the next page; a single day of more than
    ``rows`` occurrences shows its first ones and the next page starts the day after."""
    if len(found) <= rows:
        return found, None
    first = start.astimezone(zone).date()

    def day(occurrence: Occurrence) -> date:
        return max(as_date(occurrence.start, zone), first)

    shown, last, following = found[:rows], day(found[rows - 1]), day(found[rows])
    if following > last:  # the limit falls between two days
        return shown, following
    whole = [o for o in shown if day(o) < last]
    return (whole, last) if whole else (shown, last + timedelta(days=1))


def event_dates(
    event: MergedEvent,
    sources: Mapping[str, Source],
    *,
    now: datetime,
    timezone: str,
    language: str,
    limit: int = 10,
) -> tuple[list[dict[str, Any]], str]:
    """An event's page: its coming dates as the agenda shows them (each with its day label;
    a series' next ``limit``, or its next one alone when none falls within the agenda's
    horizon; none once it is over) and their schema.org JSON-LD.

    Raises:
        ValueError: unknown ``language`` or ``timezone``, or a naive ``now``.
    """
    if language not in LABELS:
        raise ValueError(f"unsupported language: {language!r} (fr, en or de)")
    now, zone = require_aware(now), render_zone(timezone)
    occurrences = upcoming([event], now=now, zone=zone, limit=limit)
    if not occurrences:  # a yearly series' next edition may lie past the agenda's horizon
        occurrences = [o for o in [next_occurrence(event, now=now, zone=zone)] if o is not None]
    dates = [{"day": _day_label(o.start, zone, language),
              **_row(o, sources, now, zone, language, as_date(o.start, zone))}
             for o in occurrences]
    return dates, _structured_data(occurrences, sources)


GOOGLE_CALENDAR = "https://calendar.google.com/calendar/render?"


def google_calendar_url(event: MergedEvent, page_url: str) -> str | None:
    """Google Calendar's "add this event" link: on Android a downloaded .ics opens nowhere.
    Times in UTC with the event's zone as ``ctz``; all-day dates with their exclusive end; a
    series keeps its RRULE; an event without an end gets none invented (it ends as it starts).
    None for a series of dates without a rule: the link carries one date, and "Atelier on 7,
    14 and 28 January" became the 7th alone (its .ics carries every date)."""
    if event.rdates and not event.rrule:
        return None
    start, end = event_span(event)
    params = {"action": "TEMPLATE", "text": one_line(event.title)}
    if isinstance(start, datetime):
        stamps = [v.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
                  for v in (start, end if isinstance(end, datetime) else start)]
        if event.timezone:
            params["ctz"] = event.timezone
    else:
        stamps = [v.strftime("%Y%m%d") for v in (start, end or start + timedelta(days=1))]
    params["dates"] = "/".join(stamps)
    params["details"] = page_url
    place = place_of(event.location, event.city)
    if place:
        params["location"] = place
    if event.rrule:
        params["recur"] = f"RRULE:{event.rrule}"
    return GOOGLE_CALENDAR + urlencode(params)


OUTLOOK_CALENDARS = {"outlook": "https://outlook.live.com/calendar/0/deeplink/compose?",
                     "office": "https://outlook.office.com/calendar/0/deeplink/compose?"}
"""Outlook.com (personal accounts) and Outlook on the web of Microsoft 365 (work accounts):
where many of the region's companies and labs keep their calendars."""


def outlook_calendar_url(event: MergedEvent, page_url: str, host: str = "outlook") -> str | None:
    """Outlook's "add this event" link (``host``: ``outlook`` or ``office``), as Google's is
    for Google: times in UTC, all-day dates with their exclusive end. None for a series:
    the link carries no recurrence, and one date of a weekly meetup would be a wrong copy
    (its .ics carries the rule)."""
    if event.rrule or event.rdates:
        return None
    start, end = event_span(event)
    if isinstance(start, datetime):
        stamps = [v.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                  for v in (start, end if isinstance(end, datetime) else start)]
    else:
        stamps = [v.isoformat() for v in (start, end or start + timedelta(days=1))]
    params = {"path": "/calendar/action/compose", "rru": "addevent", "subject": one_line(event.title),
              "startdt": stamps[0], "enddt": stamps[1],
              "allday": "false" if isinstance(start, datetime) else "true", "body": page_url}
    place = place_of(event.location, event.city)
    if place:
        params["location"] = place
    return OUTLOOK_CALENDARS[host] + urlencode(params)


def _day_label(value: When, zone: tzinfo, language: str) -> str:
    """A full localised date: "dimanche 7 décembre 2025", "Sunday 7 December 2025"."""
    return first_of_month(format_date(as_date(value, zone), format="full",
                                      locale=babel_locale(language)), language)


def _row(
    occurrence: Occurrence,
    sources: Mapping[str, Source],
    now: datetime,
    zone: tzinfo,
    language: str,
    day: date,
) -> dict[str, Any]:
    """An occurrence as a row listed under ``day`` shows it."""
    labels = LABELS[language]
    names = source_names(occurrence.event.members, sources)
    return {
        "uid": occurrence.event.uid,
        "when": span_text(occurrence, zone, language, day, labels["all_day"]),
        "datetime": iso(occurrence.start),
        "title": occurrence.title,
        "url": occurrence.url,
        "place": place_of(occurrence.location, occurrence.event.city),
        "posted_by": _posted_by(names, labels),
        "lang": other_language(occurrence.event.members, sources, language),
        "cancelled": occurrence.cancelled,
        "ongoing": is_ongoing(occurrence, now=now, zone=zone),
        "past": is_over(occurrence, now=now, zone=zone),
    }


def _posted_by(names: Sequence[str], labels: Mapping[str, str]) -> str:
    """'Publié par X, aussi par Y, Z' (the representative source first)."""
    if not names:
        return ""
    text = f"{labels['posted_by']} {names[0]}"
    if len(names) > 1:
        text += f", {labels['also_by']} {', '.join(names[1:])}"
    return text


def _news(
    items: Sequence[MergedItem], sources: Mapping[str, Source], now: datetime, zone: tzinfo,
    language: str,
) -> list[dict[str, Any]]:
    """The last 30 days of news, newest first (an undated item by when it was first seen)."""
    recent = [
        item
        for item in newest_first(items)
        if item.when is not None and now - NEWS_WINDOW <= _aware(item.when) <= now
    ]
    return news_rows(recent[:MAX_NEWS], sources, zone, language)


def news_rows(items: Sequence[MergedItem], sources: Mapping[str, Source], zone: tzinfo,
              language: str) -> list[dict[str, Any]]:
    """News items as the agenda page and the news pages show them: title, link, day (none
    for an undated item; the day in the site's zone, as the agenda's: an article posted at
    00:30 in Metz is of that day, not of the day before in UTC), who posted it, the cleaned
    summary, its language when not the page's."""
    return [
        {
            "title": one_line(item.title) or item.link,
            "link": item.link,
            "published": (first_of_month(
                format_date(local_day(item.published, zone), "long", locale=babel_locale(language)),
                language)
                          if item.published else ""),
            "datetime": iso(item.published),
            "sources": ", ".join(source_names(item.members, sources)),
            "summary": sanitize_html(item.summary),
            "lang": other_language(item.members, sources, language),
        }
        for item in items
    ]


def _aware(value: datetime | None) -> datetime:
    """A news timestamp to compare with ``now``; a naive one is read as UTC."""
    assert value is not None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _links(
    base: str, events: Sequence[MergedEvent], sources: Mapping[str, Source]
) -> dict[str, Any]:
    scheme, _, rest = base.partition("://")
    return {
        "ics": f"{base}/calendar.ics",
        "webcal": f"webcal://{rest}/calendar.ics" if rest else f"{base}/calendar.ics",
        "atom": f"{base}/news.atom",
        "cities": [(city, f"{base}/{path}") for city, path in city_calendars(events, sources)],
        "secure": scheme == "https",
    }


def _structured_data(occurrences: Sequence[Occurrence], sources: Mapping[str, Source]) -> str:
    """A schema.org Event list as JSON, safe inside ``<script>`` ("<" written as \\u003c)."""
    graph = [_schema_event(occurrence, sources) for occurrence in occurrences]
    text = json.dumps(
        {"@context": "https://schema.org", "@graph": graph},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _schema_place(occurrence: Occurrence) -> dict[str, Any]:
    """The attendance mode and location: a Place with its city, or for an online event the
    VirtualLocation search engines expect (with the event's link, where people join)."""
    if is_online(occurrence.location):
        virtual = {"@type": "VirtualLocation", "name": occurrence.location}
        return {"eventAttendanceMode": "https://schema.org/OnlineEventAttendanceMode",
                "location": {**virtual, "url": occurrence.url} if occurrence.url else virtual}
    return {"eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
            "location": {"@type": "Place", "name": occurrence.location or occurrence.event.city,
                         "address": {"@type": "PostalAddress",
                                     "addressLocality": occurrence.event.city}}}


def _schema_event(occurrence: Occurrence, sources: Mapping[str, Source]) -> dict[str, Any]:
    status = "EventCancelled" if occurrence.cancelled else "EventScheduled"
    data: dict[str, Any] = {
        "@type": "Event",
        "name": occurrence.title,
        "startDate": iso(occurrence.start),
        "eventStatus": f"https://schema.org/{status}",
        **_schema_place(occurrence),
        "organizer": [
            {"@type": "Organization", "name": name}
            for name in source_names(occurrence.event.members, sources)
        ],
    }
    end = occurrence.end
    if end is not None and not isinstance(end, datetime):  # a day: schema.org names the last
        end = max(end - timedelta(days=1), as_date(occurrence.start, UTC))  # (DTEND, the next)
    if end is not None:
        data["endDate"] = iso(end)
    if occurrence.url:
        data["url"] = occurrence.url
    return data
