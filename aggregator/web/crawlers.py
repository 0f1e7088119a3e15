"""What search engines read: /robots.txt and /sitemap.xml.

Event pages carry schema.org Event data, which is how an event reaches a search engine's
event listings; the sitemap lists every coming event's page, the organisations' pages and the
agenda, so that a crawler finds them without following 300-row agendas. Personal pages (sign-up
confirmation, preferences, unsubscription) and the admin are kept out.
"""

from __future__ import annotations

import threading
from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo
from xml.sax.saxutils import escape

from fastapi import APIRouter, Request, Response

from ..models import MergedEvent
from ..render.agenda import by_next_date
from .rootpath import local
from .views import aggregator_of

router = APIRouter(include_in_schema=False)
MAX_URLS = 50_000
"""The sitemap protocol's limit for one file (sitemaps.org)."""
PRIVATE = ("/admin", "/confirm/", "/preferences/", "/unsubscribe/", "/manage/",
           "/calendars/mine/")
"""Kept out of search engines: the operator's pages and everyone's own (a subscriber's
calendar address is handed to calendar apps, and so may be pasted somewhere crawled)."""
_LOCK = threading.Lock()


@router.get("/robots.txt")
def robots(request: Request) -> Response:
    base = aggregator_of(request).settings.base_url
    lines = ["User-agent: *", *(f"Disallow: {local(request, path)}" for path in PRIVATE),
             f"Sitemap: {base}/sitemap.xml", ""]
    return Response("\n".join(lines), media_type="text/plain; charset=utf-8")


@router.get("/sitemap.xml")
def sitemap(request: Request) -> Response:
    """Built once per build (the published version) and kept: 40,000 events take 0.12 s."""
    aggregator = aggregator_of(request)
    published = aggregator.published()
    state = request.app.state
    with _LOCK:
        cached: tuple[str, bytes] | None = getattr(state, "sitemap", None)
        if cached is None or cached[0] != published.version:
            urls = site_urls(aggregator.settings.base_url,
                             [s.id for s in aggregator.current_sources()], published.shown,
                             aggregator.clock(), ZoneInfo(aggregator.settings.timezone))
            cached = state.sitemap = (published.version, render_sitemap(urls))
    return Response(cached[1], media_type="application/xml")


def site_urls(base: str, source_ids: list[str], events: tuple[MergedEvent, ...],
              now: datetime, zone: ZoneInfo) -> list[str]:
    """The agenda, the public lists, each organisation, then each event not yet over (a
    series while it has a date to come), the soonest first."""
    urls = [f"{base}/", f"{base}/news", f"{base}/calendars", f"{base}/sources", f"{base}/digests"]
    urls += [f"{base}/sources/{quote(source_id, safe='')}" for source_id in sorted(source_ids)]
    urls += [f"{base}/events/{quote(o.event.uid, safe='')}" for o in by_next_date(
        (e for e in events if e.status != "CANCELLED"), now=now, zone=zone)]
    return urls[:MAX_URLS]


def render_sitemap(urls: list[str]) -> bytes:
    entries = "".join(f"<url><loc>{escape(url)}</loc></url>\n" for url in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{entries}</urlset>\n").encode()


