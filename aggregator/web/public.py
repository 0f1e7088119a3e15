"""Public pages: the agenda with filters, the embeddable list, how to subscribe, docs, archive.

The agenda's body is ``render.pages.render_index`` itself (day grouping, local times, cancelled
badges, schema.org JSON-LD), rendered for the filtered events and set inside our layout, so the
served page and output/index.html cannot drift apart.
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from ..core import Published, Selection
from ..models import Source
from ..digest.labels import week_label
from ..digest.select import parse_week
from ..digests import ARCHIVE_LANGUAGE, ARCHIVE_OTHERS
from ..render import DEFAULT_TITLE, pages
from ..render.agenda import occurring_between
from ..render.exports import AtomEntry, render_atom
from ..selection import as_offered
from .districts import district_note, listed_district
from .unknown_filters import unknown_notes
from . import i18n
from .conditional import ATOM, conditional
from .security import EMAIL_COPY_CSP
from ..topics import filter_word, offered_topics, topic
from .rootpath import local
from .views import address, aggregator_of, Page, kinds, language, render, stylesheet
from .i18n_errors import not_found

router = APIRouter(include_in_schema=False)
MAIN = re.compile(r"<main>(.*)</main>", re.DOTALL)
EVENTS_SECTION = re.compile(r'(<section aria-labelledby="events">.*?</section>)', re.DOTALL)
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)
WEEK = re.compile(r"^\d{4}-W\d{2}$")
TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)
DIGEST_ENTRIES = 52
"""A year of weekly digests in /digests.atom."""
EMBED_EVENTS = 15
"""Dates in /embed: a sidebar's worth on an organisation's site."""
PAGE_CACHE = 64

Filter = Annotated[str, Query(max_length=100)]


V = TypeVar("V")


class PageCache(Generic[V]):
    """What a page computed, per key, the last :data:`PAGE_CACHE` keys: the agenda's
    rendered bodies per (build, filters, language, minute) (a render of a big agenda takes a
    second, and "ongoing" badges only need to move once a minute), the news pages' selected
    articles per (build, filters)."""

    def __init__(self) -> None:
        self.entries: dict[Hashable, V] = {}
        self.lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        with self.lock:
            found = self.entries.get(key)
        if found is None:
            found = make()
            with self.lock:
                if len(self.entries) >= PAGE_CACHE:
                    self.entries.clear()
                self.entries[key] = found
        return found


def agenda_parts(html: str, *, events_only: bool = False) -> tuple[str, str]:
    """(body, JSON-LD) cut out of a render_index page.

    Raises:
        ValueError: the page no longer has the expected <main> or JSON-LD block.
    """
    main, data = MAIN.search(html), JSON_LD.search(html)
    if main is None or data is None:
        raise ValueError("render_index output lacks <main> or its JSON-LD block")
    body = main.group(1)
    if events_only:
        section = EVENTS_SECTION.search(body)
        body = section.group(1) if section else ""
    return body, data.group(1)


def _agenda(request: Request, published: Published, selection: Selection, kind: str, *,
            news: bool = True, after: date | None = None,
            later_query: dict[str, str] | None = None, rows: int = pages.MAX_ROWS
            ) -> tuple[str, str]:
    """The agenda's rendered events of ``selection`` (and its news with ``news``) with their
    JSON-LD, cached for the build and the minute: a cached page selects nothing again (the
    news of a city took 50 ms to select at N = 1,000)."""
    aggregator = aggregator_of(request)
    lang = language(request)
    now = aggregator.clock()
    cache: PageCache[tuple[str, str]] = request.app.state.agendas
    zone = ZoneInfo(aggregator.settings.timezone)

    def make() -> tuple[str, str]:
        html = pages.render_index(
            aggregator.select_events(published, selection),
            aggregator.select_items(published, selection) if news else (),
            aggregator.source_map(), now=now, base_url=aggregator.settings.base_url,
            timezone=aggregator.settings.timezone, language=lang, index=published.singles,
            after=datetime.combine(after, time(), zone) if after else None,
            later_query=later_query, rows=rows,
            page_query=f"?lang={lang}" if kind == "embed" else "",
        ).decode()
        return agenda_parts(html, events_only=not news)

    return cache.get((published.version, lang, now.strftime("%Y%m%d%H%M"), after, kind,
                      selection), make)


@router.get("/", response_class=HTMLResponse)
def agenda(request: Request, city: Filter = "", kind: Filter = "", tag: Filter = "",
           source: Filter = "", q: Filter = "",
           from_: Annotated[str, Query(alias="from", max_length=10)] = "") -> Response:
    aggregator = aggregator_of(request)
    published = aggregator.published()
    selection = offered(request, published,
                        Selection(city=city, kind=kind, tag=tag, source=source, q=q))
    filters = selection.filters()
    zone = ZoneInfo(aggregator.settings.timezone)
    today = aggregator.clock().astimezone(zone).date()
    earliest = earliest_day(today, aggregator.settings.past_days)
    after = _day(from_, today, earliest)
    body, data = _agenda(request, published, selection, "page", after=after,
                         later_query=filters)
    base = aggregator.settings.base_url
    named = {"lang": language(request)} if filters and language(request) != "fr" else {}
    ics = address(f"{base}/calendar.ics", filters | named)  # named in the reader's language
    atom = address(f"{base}/news.atom", filters | named)
    events_atom = address(f"{base}/events.atom", filters | {"lang": language(request)})
    jumps = [(name, address(local(request, "/"),
                            filters | ({"from": day.isoformat()} if day != today else {})),
              day == (after or today)) for name, day in date_jumps(today) if day >= earliest]
    follow = {key: value for key, value in filters.items() if key != "q"}
    # a selection with nothing to come, whose past days hold some: say so (a search for
    # last week's talk read "no upcoming event matches", though the agenda keeps them)
    held = bool(filters) and after is None and '<li class="event' not in body and any(
        occurring_between(aggregator.select_events(published, selection),
                          datetime.combine(earliest, time(), zone), aggregator.clock(), zone))
    return render(
        request, "agenda.html", agenda=body, structured_data=data,
        ics_href=ics, webcal_href=webcal(ics), atom_href=atom, events_atom_href=events_atom,
        subscribe_href=address(local(request, "/subscribe"), follow) if follow else "",
        jumps=jumps, with_dates=True, past_href=address(
            local(request, "/"), filters | {"from": earliest.isoformat()}) if held else "",
        from_day=after.isoformat() if after else "", earliest=earliest.isoformat(),
        from_label=i18n.moment(after, zone, language(request)) if after else "",
        **district_note(request, published, selection),
        unknown_notes=unknown_notes(request, selection, "/"),
        **filter_choices(request, published, "/", selection),
    )


def filter_choices(request: Request, published: Published | None, action: str,
                   selection: Selection) -> dict[str, Any]:
    """What the filters form offers (cities, kinds, tags, organisations), where it sends
    them (``action``, a route) and the ``selection`` it shows, named for the page's title:
    the agenda's, the news pages' and (without ``published``: the organisations' cities
    only) the directory's form."""
    sources = aggregator_of(request).current_sources()
    lang = language(request)
    return {
        "selection": selection,
        "selection_label": selection_label(selection, lang, aggregator_of(request).source_map()),
        "filters_action": local(request, action),
        "filters_label": {"/news": "filter_news", "/sources": "filter_sources"}.get(
            action, "filters"),
        "cities": sorted(agenda_cities(published, sources) | (
            {selection.city} if listed_district(request, published, selection) else set()),
            key=i18n.alphabetical),
        "tags": sorted(((t, topic(t, lang)) for t in offered_topics(sources)),
                       key=lambda pair: i18n.alphabetical(pair[1])),
        "sources": sorted(((s.id, s.name) for s in sources),
                          key=lambda p: i18n.alphabetical(p[1])),
        "kinds": kinds(Page(language(request), action, {})),
    }


def selection_label(selection: Selection, lang: str, sources: Mapping[str, Source]) -> str:
    """What a filtered page's title says first: its filters in the reader's words and its
    search in quotes ("Metz / KI / „Python“"); a screen reader announces a page by its
    title, and the agenda of Metz was announced as the whole agenda."""
    words = i18n.translate(lang, "searched", q=selection.q.strip()) if selection.q.strip() else ""
    return " / ".join(part for part in (replace(selection, q="").label(lang, sources), words)
                      if part)


def offered(request: Request, published: Published | None, selection: Selection
            ) -> Selection:
    """``selection`` with its city, kind and topic as :func:`filter_choices` offers them
    (``?city=metz`` is Metz, ``?tag=KI`` the topic ai): see :func:`.selection.as_offered`."""
    sources = aggregator_of(request).current_sources()
    tags = offered_topics(sources)
    organisations = {source.city for source in sources}
    chosen = as_offered(selection, organisations, tags)
    if published is None or not selection.city or chosen.city in organisations:
        return chosen  # the events' cities (a walk through them all) only when needed
    return as_offered(selection, agenda_cities(published, sources), tags)


def agenda_cities(published: Published | None, sources: Sequence[Source]) -> set[str]:
    """The cities the filters offer: the organisations' and (``published``) the events'."""
    places = {e.city for e in published.shown if e.city} if published is not None else set()
    return places | {s.city for s in sources}


LATEST_PAGE = timedelta(days=3660)
"""How far ahead ``?from=`` may point: ten years, far past any feed's horizon, and far from
the year-9999 end of ``datetime`` (a series expanded from there overflowed)."""


def date_jumps(today: date) -> list[tuple[str, date]]:
    """The days the agenda's shortcuts open at: last week's Monday (what took place: the
    slides, the photos, the next edition), this weekend (today on a Saturday or Sunday), next
    Monday, the first of next month, as people plan their outings."""
    weekend = today if today.weekday() >= 5 else today + timedelta(days=5 - today.weekday())
    monday = today + timedelta(days=7 - today.weekday())
    last_monday = monday - timedelta(days=14)
    first_of_next = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    return [("last_week", last_monday), ("this_weekend", weekend), ("next_week", monday),
            ("next_month", first_of_next)]


def _day(text: str, today: date, earliest: date) -> date | None:
    """``?from=2027-01-12``: a later page of the agenda, or an earlier one back to
    ``earliest`` (the history the outputs keep); anything else, today, a day before that
    history or beyond :data:`LATEST_PAGE`, is the first page."""
    try:
        day = date.fromisoformat(text) if text else None
    except ValueError:
        return None
    if day is None or day == today:
        return None
    return day if earliest <= day <= today + LATEST_PAGE else None


def earliest_day(today: date, past_days: int) -> date:
    """The first day whose events the outputs still hold (``past_days`` of history), and
    so the first a page of past days can open at."""
    return today - timedelta(days=past_days)


def webcal(url: str) -> str:
    """The webcal:// form of an http(s) URL, which calendar apps open as a subscription."""
    return re.sub(r"^https?://", "webcal://", url)


@router.get("/embed", response_class=HTMLResponse)
def embed(request: Request, city: Filter = "", kind: Filter = "", tag: Filter = "",
          source: Filter = "") -> Response:
    """A small list of the next dates for an organisation's own site (may be framed): the
    first :data:`EMBED_EVENTS` occurrences of the selection, series expanded. Its links open
    the pages in its language: framed, it sets no cookie (SameSite), and an English
    organisation's visitors opened them in their browser's French. A city that names
    nothing (a typo, "rue") says so, as the agenda does: the list was only empty; so does a
    kind, topic or organisation that names nothing; each with a link to the agenda without
    it."""
    aggregator = aggregator_of(request)
    published = aggregator.published()
    selection = offered(request, published,
                        Selection(city=city, kind=kind, tag=tag, source=source))
    body, _ = _agenda(request, published, selection, "embed", news=False, rows=EMBED_EVENTS)
    more = address(f"{aggregator.settings.base_url}/",
                   selection.filters() | {"lang": language(request)})
    label = selection.label(language(request), aggregator.source_map())
    heading = f"{DEFAULT_TITLE}" + (f" – {label}" if label else "")
    return render(request, "embed.html", agenda=body, heading=heading, more_href=more,
                  unknown_notes=unknown_notes(request, selection, "/", embedded=True,
                                              published=published))


@router.get("/calendars", response_class=HTMLResponse)
def calendars(request: Request) -> Response:
    """How to subscribe, with a webcal:// link and a copyable address per calendar."""
    aggregator = aggregator_of(request)
    base = aggregator.settings.base_url
    page = Page(language(request), "/calendars", {})
    main = [{"id": "all", "label": page.t("cal_all"), "https": f"{base}/calendar.ics",
             "webcal": webcal(f"{base}/calendar.ics")}]
    by: dict[str, list[dict[str, str]]] = {facet: [] for facet in ("city", "kind", "tag")}
    named = "" if page.lang == "fr" else f"?lang={page.lang}"  # the calendar's name too
    for slug, labels, facet in aggregator.published().calendars:
        words = (filter_word(facet, label, page.lang) for label in labels)  # kinds, topics
        by[facet].append({"id": slug, "label": " / ".join(words),
                          "https": f"{base}/calendars/{slug}.ics{named}",
                          "webcal": webcal(f"{base}/calendars/{slug}.ics{named}")})
    groups = [(page.t("cal_all"), main)] + [
        (page.t(f"cal_by_{facet}"), sorted(entries, key=lambda e: i18n.alphabetical(e["label"])))
        for facet, entries in by.items() if entries
    ]
    return render(request, "calendars.html", groups=groups,
                  events_atom=f"{base}/events.atom?lang={page.lang}", news_atom=f"{base}/news.atom")


@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request) -> Response:
    """The OpenAPI description as a page, without a third-party script (CSP, privacy)."""
    schema = request.app.openapi()
    operations = []
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            parameters = [(p["name"], p["in"], p.get("description", ""))
                          for p in operation.get("parameters", [])]
            operations.append((path, method.upper(), operation.get("summary", ""),
                               operation.get("description", ""), parameters))
    return render(request, "docs.html", operations=operations)


@router.get("/digests", response_class=HTMLResponse)
def digests(request: Request) -> Response:
    """The archive of weekly digests (output/digest/YYYY-Www.html), newest first."""
    weeks = archived_weeks(aggregator_of(request).settings.output_dir / "digest")
    asked = language(request)
    return render(request, "digests.html",
                  weeks=[(week, week_label(parse_week(week), asked)) for week in weeks])


@router.get("/digests.atom")
def digests_atom(request: Request) -> Response:
    """The archived digests for feed readers, newest first: whoever follows the region in a
    feed reader rather than by email gets each week's newsletter (as listmonk's archive
    feed does), its subject as title and its text in full."""
    aggregator = aggregator_of(request)
    folder = aggregator.settings.output_dir / "digest"
    base = aggregator.settings.base_url.rstrip("/")
    entries = [_digest_entry(folder, week, base)
               for week in archived_weeks(folder)[:DIGEST_ENTRIES]]
    # an empty archive is as old as the Unix epoch: dated "now", its body (and ETag) changed
    # at every request, so a feed reader could never be told it had not changed
    updated = max((entry.updated for entry in entries), default=datetime.fromtimestamp(0, UTC))
    title = f"{DEFAULT_TITLE} – {i18n.translate(ARCHIVE_LANGUAGE, 'digests')}"
    body = render_atom(entries, feed_url=f"{base}/digests.atom", page_url=f"{base}/digests",
                       title=title, updated=updated, language=ARCHIVE_LANGUAGE)
    return conditional(request, body, ATOM, updated)


def archived_weeks(folder: Path) -> list[str]:
    """The weeks whose digest is archived in ``folder``, newest first."""
    return sorted((p.stem for p in folder.glob("*.html") if _is_week(p.stem)), reverse=True)


def _is_week(name: str) -> bool:
    """``2026-W49``, and a week that exists (a hand-copied ``2026-W54.html`` is not one)."""
    try:
        return bool(WEEK.match(name)) and bool(parse_week(name))
    except ValueError:
        return False


def _digest_entry(folder: Path, week: str, base: str) -> AtomEntry:
    page = folder / f"{week}.html"
    found = TITLE.search(page.read_text(encoding="utf-8", errors="replace"))
    subject = html.unescape(found.group(1)).strip() if found else ""
    try:
        summary = (folder / f"{week}.txt").read_text(encoding="utf-8", errors="replace")
    except OSError:
        summary = ""
    label = week_label(parse_week(week), ARCHIVE_LANGUAGE)
    return AtomEntry(id=f"{base}/digests/{week}", link=f"{base}/digests/{week}",
                     title=f"{label} – {subject}" if subject else label, summary=summary,
                     updated=datetime.fromtimestamp(page.stat().st_mtime, UTC))


@router.get("/digests/{week}", response_class=HTMLResponse)
def digest(request: Request, week: str) -> Response:
    if not WEEK.match(week):
        raise not_found("err_no_week")
    folder = aggregator_of(request).settings.output_dir / "digest"
    asked = language(request)
    copies = ([folder / f"{week}.{asked}.html"] if asked in ARCHIVE_OTHERS else []) + [
        folder / f"{week}.html"]  # a week archived before it was written in every language
    for path in copies:
        try:
            body = path.read_bytes()
        except OSError:
            continue
        return HTMLResponse(body, headers={"Content-Security-Policy": EMAIL_COPY_CSP,
                                           "Vary": "Accept-Language, Cookie"})
    raise not_found("err_no_digest")


@router.get("/static/site.css")
def site_css() -> Response:
    return Response(stylesheet(), media_type="text/css; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=3600"})


@router.get("/static/copy.js")
def copy_js() -> Response:
    script = resources.files("aggregator.web").joinpath("static/copy.js").read_bytes()
    return Response(script, media_type="text/javascript; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=3600"})


@router.get("/static/favicon.svg")
def favicon() -> Response:
    """The site's icon (a calendar), for tabs, bookmarks and feed readers."""
    icon = resources.files("aggregator.web").joinpath("static/favicon.svg").read_bytes()
    return Response(icon, media_type="image/svg+xml",
                    headers={"Cache-Control": "public, max-age=86400"})


@router.get("/favicon.ico")
def favicon_ico(request: Request) -> Response:
    """Where browsers and feed readers look without a page's icon link: a 404 on every
    page before."""
    return RedirectResponse(local(request, "/static/favicon.svg"), status_code=301)

