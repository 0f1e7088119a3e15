"""One event's page (/events/UID) and its one-event calendar (/events/UID.ics).

The agenda lists an event in two lines; its description, its next dates (a series), where it
is, who posted it and the original posts were only in the calendar file. Its page shows them,
with the add-to-my-calendar link that the digest also uses.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from ..core import Aggregator, Published
from ..models import MergedEvent, Source
from ..render import pages, text
from ..render.agenda import by_next_date, last_occurrence, upcoming, walk
from ..render.times import instant, iso
from . import i18n
from .rootpath import local
from .views import aggregator_of, language, render
from .i18n_errors import not_found

router = APIRouter(include_in_schema=False)
MAP_SEARCH = "https://www.openstreetmap.org/search?"
SUMMARY_CHARS = 200
MORE_EVENTS = 3
DATES = 10
"""A series' next dates its page lists."""
MOVED_FOR = 3600
"""Seconds a browser may keep a merged copy's redirection: moved for good (search engines
move its links over), but an operator may split it off again."""


@router.get("/events/{name}", response_class=Response)
def event(request: Request, name: str) -> Response:
    """``UID.ics``: the event as text/calendar (the digest's add-to-calendar link);
    ``UID``: its page."""
    aggregator = aggregator_of(request)
    published = aggregator.published()
    uid, suffix = (name[:-4], ".ics") if name.endswith(".ics") else (name, "")
    found = published.event(uid)
    joined = published.event(found.merged_into) if found and found.merged_into else None
    if joined is not None:  # a copy merged into another event: its page (and the digest's
        query = f"?{request.url.query}" if request.url.query else ""  # "add" link) is that
        return RedirectResponse(  # event's, not a cancellation of what takes place
            local(request, f"/events/{quote(joined.uid, safe='')}{suffix}{query}"),
            status_code=301,
            headers={"Cache-Control": f"max-age={MOVED_FOR}"})
    if suffix:
        body = aggregator.event_calendar(uid)
        if body is None:
            raise not_found("err_no_event")
        return Response(body, media_type="text/calendar; charset=utf-8", headers={
            "Content-Disposition": 'attachment; filename="event.ics"'})
    if found is None:
        raise not_found("err_no_event")
    return render(request, "event.html", **_page(aggregator, published, found, language(request)))


def _page(aggregator: Aggregator, published: Published, event: MergedEvent, lang: str
          ) -> dict[str, Any]:
    sources = aggregator.source_map()
    page_url = f"{aggregator.settings.base_url}/events/{quote(event.uid, safe='')}"
    zone, now = ZoneInfo(aggregator.settings.timezone), aggregator.clock()
    dates, structured = pages.event_dates(event, sources, now=now, limit=DATES,
                                          timezone=aggregator.settings.timezone, language=lang)
    later = _continues(event, now, zone)
    place = text.place_of(event.location, event.city)
    return {
        "event": event, "dates": dates, "later": later, "structured_data": structured,
        "took_place": "" if dates else i18n.moment(  # walked once it is over only
            last_occurrence(event, now=now, zone=zone).start, zone, lang),
        "text_lang": text.other_language(event.members, sources, lang),
        "place": place,
        "map": MAP_SEARCH + urlencode({"query": place})
               if place and not text.is_online(place) else "",  # no map of "En ligne"
        "posts": text.source_posts(event.members, sources, now=now),
        "cancelled": event.status == "CANCELLED",
        "google": pages.google_calendar_url(event, page_url),
        "outlook": pages.outlook_calendar_url(event, page_url, "outlook"),
        "office": pages.outlook_calendar_url(event, page_url, "office"),
        "page_url": page_url,
        **_languages(page_url, lang),
        "summary": _summary(dates[0]["day"] if dates else "", place, event.description),
        **_more_from(published, event, sources, now, zone, lang),
    }


def _languages(page_url: str, lang: str) -> dict[str, Any]:
    """The page's own address in ``lang`` (``canonical``) and its address in each language
    (``alternates``, hreflang): the bare one is French to a crawler (no Accept-Language),
    and named canonical by the English and German pages too, which search engines then
    dropped as its copies."""
    def in_language(code: str) -> str:
        return page_url if code == i18n.DEFAULT else f"{page_url}?lang={code}"

    return {"canonical": in_language(lang),
            "alternates": [(code, in_language(code)) for code in i18n.LANGUAGES]
            + [("x-default", page_url)]}


def _continues(event: MergedEvent, now: datetime, zone: ZoneInfo) -> bool:
    """Whether a series goes on after the dates its page lists (its next :data:`DATES` within
    the agenda's horizon): the list ended there, as if the series did."""
    if not (event.rrule or event.rdates):
        return False
    listed = upcoming([event], now=now, zone=zone, limit=DATES)
    if not listed:
        return False
    last = instant(listed[-1].start, zone)
    return any(instant(o.start, zone) > last
               for o in itertools.islice(walk(event, after=last), 3))


def _more_from(published: Published, event: MergedEvent, sources: Mapping[str, Source],
               now: datetime, zone: ZoneInfo, lang: str) -> dict[str, Any]:
    """The next :data:`MORE_EVENTS` other events of the organisation that posted it first:
    where a visitor who liked this one goes next."""
    organiser = next(iter(event.source_ids), "")
    if organiser not in sources:
        return {"more": [], "more_from": None}
    coming = by_next_date((e for e in published.posted_by(organiser) if e.uid != event.uid),
                          now=now, zone=zone)
    return {"more_from": sources[organiser], "more": [
        {"uid": o.event.uid, "title": o.event.title, "when": i18n.moment(o.start, zone, lang),
         "datetime": iso(o.start),
         "lang": text.other_language(o.event.members, sources, lang),
         "cancelled": o.event.status == "CANCELLED"}
        for o in coming[:MORE_EVENTS]]}


def _summary(day: str, place: str, description: str) -> str:
    """What a search result or a shared link shows under the title: when, where, then the
    start of the description, about 200 characters."""
    head = " · ".join(part for part in (day, place) if part)
    return text.clip(" — ".join(part for part in (head, description) if part), SUMMARY_CHARS)
