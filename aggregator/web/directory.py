"""The public directory of organisations and one page per organisation.

An organisation's page lists its coming events and, for each, the other organisations whose
posts were merged into it, so an organiser can see how the deduplication treated their feed.
"""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from ..core import Aggregator, FeedHealth
from ..models import MergedEvent, Source, When
from ..reasons import reason_in, reasons_in
from ..render.agenda import by_last_date, by_next_date
from ..render.exports import newest_first
from ..render.text import other_language, source_posts
from ..render.times import iso
from ..selection import Selection, select_sources
from . import i18n
from .public import Filter, earliest_day, filter_choices, offered, webcal
from .unknown_filters import unknown_notes
from .rootpath import local
from .views import address, aggregator_of, language, render
from .i18n_errors import not_found

router = APIRouter(include_in_schema=False)
MAX_EVENTS = 100
MAX_NEWS = 10
"""Its newest articles; the rest is one click away in its Atom feed."""
MAX_PAST = 10
"""Its latest events over; the rest of the history kept is one click away in the agenda."""


def _health_by_source(aggregator: Aggregator) -> dict[str, list[FeedHealth]]:
    found: dict[str, list[FeedHealth]] = {}
    for health in aggregator.feed_health():
        found.setdefault(health.source, []).append(health)
    return found


def overall_status(feeds: list[FeedHealth]) -> str:
    """One word for a source: error if any feed fails, pending before any fetch, else ok."""
    statuses = {f.status for f in feeds}
    for status in ("error", "pending", "disabled"):
        if status in statuses:
            return status
    return "ok" if statuses else "pending"


@router.get("/sources", response_class=HTMLResponse)
def sources(request: Request, city: Filter = "", kind: Filter = "", tag: Filter = "",
            q: Filter = "") -> Response:
    """The organisations, filtered as the agenda is (city, kind, topic, words of their name):
    a thousand of them are one long table otherwise."""
    aggregator = aggregator_of(request)
    health = _health_by_source(aggregator)
    selection = offered(request, None, Selection(city=city, kind=kind, tag=tag, q=q))
    chosen = select_sources(aggregator.current_sources(), selection)
    rows = [(source, overall_status(health.get(source.id, [])))
            for source in sorted(chosen, key=lambda s: i18n.alphabetical(s.name))]
    return render(request, "sources.html", rows=rows, with_dates=False,
                  with_source=False, from_day="",
                  unknown_notes=unknown_notes(request, selection, "/sources",
                                              published=aggregator.published()),
                  **filter_choices(request, None, "/sources", selection))


@router.get("/sources/{source_id}", response_class=HTMLResponse)
def source_page(request: Request, source_id: str) -> Response:
    aggregator = aggregator_of(request)
    by_id = aggregator.source_map()
    source = by_id.get(source_id)
    if source is None:
        raise not_found("err_no_organisation")
    published = aggregator.published()
    lang = language(request)
    zone = ZoneInfo(aggregator.settings.timezone)
    now = aggregator.clock()
    posted = published.posted_by(source_id)
    coming = by_next_date(posted, now=now, zone=zone)
    events = [_event_row(o.event, o.start, source, by_id, lang, zone)
              for o in coming[:MAX_EVENTS]]
    held = [_event_row(o.event, o.start, source, by_id, lang, zone)
            for o in by_last_date(posted, now=now, zone=zone)[:MAX_PAST]]
    today = now.astimezone(zone).date()
    history = address(local(request, "/"), {"source": source_id, "from": earliest_day(
        today, aggregator.settings.past_days).isoformat()})
    feeds = aggregator.feed_health(source)
    rows = health_rows(feeds, lang, zone)
    query = urlencode({"source": source_id})
    ics = f"{aggregator.settings.base_url}/calendar.ics?{query}"
    articles = newest_first(aggregator.select_items(published, Selection(source=source_id)))
    news = [{"title": item.title or item.link, "link": item.link,
             "lang": other_language(item.members, by_id, lang),
             "when": i18n.moment(item.published, zone, lang) if item.published else "",
             "datetime": iso(item.published)}
            for item in articles[:MAX_NEWS]]
    embed = embed_address(aggregator.settings.base_url, source)
    return render(request, "source.html", source=source, feeds=rows, events=events,
                  held=held, history_href=history, past_days=aggregator.settings.past_days,
                  health=overall_status(feeds), kind_label=f"kind_{source.kind}",
                  ics_href=ics, webcal_href=webcal(ics), news=news,
                  atom_href=f"{aggregator.settings.base_url}/news.atom?{query}",
                  events_atom_href=f"{aggregator.settings.base_url}/events.atom?{query}"
                                   f"&lang={language(request)}",
                  embed_href=embed, embed_code=embed_code(embed, source.name))


def health_rows(feeds: list[FeedHealth], lang: str, zone: ZoneInfo) -> list[dict[str, Any]]:
    """Each feed's health as an organisation's page and its organiser's /manage page show
    it (templates/_health.html): state, entries, when read, why it fails, its warnings."""
    return [{"url": f.url, "status": f.status,
             "last_error": reason_in(f.last_error or f.flagged or "", lang),
             "records": i18n.count(lang, "n_entries", f.items),
             "read": i18n.moment(f.last_success, zone, lang) if f.last_success else None,
             "read_iso": iso(f.last_success) or "",
             "warnings": reasons_in(f.warnings, lang),
             "failures": i18n.count(lang, "n_failures", f.consecutive_failures)
             if f.consecutive_failures > 1 else "",
             "warnings_label": i18n.count(lang, "n_warnings", len(f.warnings))}
            for f in feeds]


def embed_address(base_url: str, source: Source) -> str:
    """The organisation's next dates for its own site, in the language of its site."""
    return f"{base_url}/embed?" + urlencode({"source": source.id, "lang": source.language})


def embed_code(address: str, name: str) -> str:
    """The iframe an organisation pastes into a page of its site (/embed may be framed)."""
    return (f'<iframe src="{html.escape(address)}" title="{html.escape(name)}" width="100%" '
            f'height="600" loading="lazy" style="border:0"></iframe>')


def _event_row(event: MergedEvent, start: When, source: Source, by_id: dict[str, Source],
               lang: str, zone: ZoneInfo) -> dict[str, Any]:
    """An event of the organisation at ``start``, with whose posts it was merged (and their
    links)."""
    when = i18n.moment(start, zone, lang)
    others = [(name, url) for ident, name, url in source_posts(event.members, by_id)
              if ident != source.id]
    return {"uid": event.uid, "title": event.title, "url": event.url, "when": when,
            "datetime": iso(start),
            "city": event.city, "cancelled": event.status == "CANCELLED", "others": others,
            "recurring": bool(event.rrule or event.rdates),
            "lang": other_language(event.members, by_id, lang)}  # read in its own language
