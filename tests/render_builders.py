"""Plain merged records for the render tests: a few sources and builders with sane defaults.

The renderers take merged records only, so the tests build them directly instead of running
parse and dedup: a failing render test then points at the renderer.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from aggregator.models import Event, MergedEvent, MergedItem, NewsItem, Source, When

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2025, 12, 1, 9, 0, tzinfo=UTC)
"""A Monday; the tests' clock."""
BASE_URL = "https://agenda.example.org"

SOURCES: dict[str, Source] = {
    source.id: source
    for source in (
        Source("loria", "LORIA", "lab", "Nancy", "FR", tags=("research", "ai")),
        Source("tcrm", "TCRM Blida", "venue", "Metz", "FR", tags=("metz", "startups")),
        Source("lux-tech", "Luxembourg Tech", "association", "Luxembourg", "LU", language="en"),
        Source("epinal-num", "Épinal Numérique", "association", "Épinal", "FR", tags=("Fab Lab",)),
    )
}


def member(source_id: str, uid: str, **fields: Any) -> Event:
    """One source's record of an event."""
    fields.setdefault("title", "Meetup")
    fields.setdefault("start", datetime(2025, 12, 8, 18, 30, tzinfo=PARIS))
    return Event(
        uid=uid,
        source_id=source_id,
        feed_url=f"https://{source_id}.example/feed.ics",
        url=fields.pop("url", f"https://{source_id}.example/{uid}"),
        **fields,
    )


def merged(
    uid: str = "evt-1",
    *,
    title: str = "Meetup IA",
    start: When = datetime(2025, 12, 8, 18, 30, tzinfo=PARIS),
    end: When | None = datetime(2025, 12, 8, 20, 0, tzinfo=PARIS),
    city: str = "Nancy",
    sources: tuple[str, ...] = ("loria",),
    **fields: Any,
) -> MergedEvent:
    """A merged event; by default timed in Paris, posted by LORIA."""
    all_day = not isinstance(start, datetime)
    values: dict[str, Any] = {
        "all_day": all_day,
        "timezone": None if all_day else "Europe/Paris",
        "location": "Campus Scientifique",
        "url": f"https://example.org/{uid}",
        "description": "Une soirée.",
        "status": "CONFIRMED",
        "categories": ("IA",),
        "rrule": None,
        "rdates": (),
        "exdates": (),
        "sequence": 0,
        "last_modified": None,
    }
    values.update(fields)
    members = tuple(
        member(source_id, f"{source_id}-{uid}", title=title, start=start) for source_id in sources
    )
    return MergedEvent(
        uid=uid, title=title, start=start, end=end, city=city, members=members, **values
    )


def news(
    item_id: str = "news-1",
    *,
    title: str = "Nouvelle levée de fonds",
    published: datetime | None = datetime(2025, 11, 28, 10, 0, tzinfo=UTC),
    summary: str = "<p>Une <b>startup</b> messine lève 2 M€.</p>",
    sources: tuple[str, ...] = ("tcrm",),
) -> MergedItem:
    """A merged news item relayed by ``sources``."""
    members = tuple(
        NewsItem(
            guid=f"{source_id}:{item_id}",
            title=title,
            link=f"https://{source_id}.example/{item_id}",
            published=published,
            summary=summary,
            source_id=source_id,
            feed_url=f"https://{source_id}.example/rss",
        )
        for source_id in sources
    )
    return MergedItem(item_id, title, members[0].link, published, summary, members)
