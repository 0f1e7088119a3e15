"""/news: every merged article the exports hold (90 days), newest first, filtered, paged.

The agenda page shows the 40 newest articles; at the scale of the region that is the last day
or two (25,000 articles at N = 1,000 in the benchmark). This page pages through the
rest with the agenda's filters (city, kind, topic, organisation, words), as feed readers'
web views do (a city's articles took 70 ms to select at N = 1,000: kept per build and
selection). Its Atom feed is the selection's news.atom.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse

from ..core import Selection
from ..render import pages
from ..render.times import render_zone
from ..models import MergedItem
from .districts import district_note
from .public import PageCache, Filter, filter_choices, offered
from .rootpath import local
from .unknown_filters import unknown_notes
from .views import address, aggregator_of, language, render

router = APIRouter(include_in_schema=False)
PER_PAGE = 50
MAX_PAGE = 1_000
"""Past 50,000 articles nobody pages by hand: a larger number (or no number) is the first
page, a page past the last one the last."""


@router.get("/news", response_class=HTMLResponse)
def news(request: Request, city: Filter = "", kind: Filter = "", tag: Filter = "",
         source: Filter = "", q: Filter = "",
         page: Annotated[str, Query(max_length=6)] = "") -> Response:
    aggregator = aggregator_of(request)
    published = aggregator.published()
    selection = offered(request, published,
                        Selection(city=city, kind=kind, tag=tag, source=source, q=q))
    filters = selection.filters()
    # isdecimal, not isdigit: "²" is a digit that int() refuses (a 500 for ?page=²)
    number = int(page) if page.isdecimal() and 0 < int(page) <= MAX_PAGE else 1
    cache: PageCache[tuple[MergedItem, ...]] = request.app.state.news_pages
    listed = cache.get((published.version, selection), lambda: tuple(
        item for item in aggregator.select_items(published, selection) if item.when))
    pages_count = max(1, -(-len(listed) // PER_PAGE))
    number = min(number, pages_count)
    rows = pages.news_rows(listed[(number - 1) * PER_PAGE:number * PER_PAGE],
                           aggregator.source_map(), render_zone(aggregator.settings.timezone),
                           language(request))
    base = aggregator.settings.base_url

    def page_href(n: int) -> str:
        return address(local(request, "/news"), filters | ({"page": str(n)} if n > 1 else {}))

    return render(
        request, "news.html", rows=rows, total=len(listed), number=number,
        pages_count=pages_count, with_dates=False, from_day="",
        newer=page_href(number - 1) if number > 1 else "",
        older=page_href(number + 1) if number < pages_count else "",
        atom_href=address(f"{base}/news.atom", filters | (  # named in the reader's language
            {"lang": language(request)} if filters and language(request) != "fr" else {})),
        **district_note(request, published, selection, news=True),
        unknown_notes=unknown_notes(request, selection, "/news"),
        **filter_choices(request, published, "/news", selection),
    )
