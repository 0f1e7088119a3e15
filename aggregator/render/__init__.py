"""PURE rendering: merged records in, the contract's output files out, as bytes.

Nothing here writes a file, reads the clock or the environment: ``now``, ``base_url`` and
``timezone`` are parameters, and the same input always gives the same bytes, so publishing
(``publish.write_outputs``) can compare, and calendar clients see stable UIDs and content.

Modules: ``ics`` (calendar.ics, calendars/<slug>.ics), ``exports`` (events.json, news.json,
news.atom), ``pages`` + ``templates/`` (index.html), ``agenda`` (occurrences of the page),
``slugs`` (names and contents of the filtered calendars, including the collision rule),
``times`` and ``text`` (rules every renderer shares).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from ..memo import Memo
from ..models import MergedEvent, MergedItem, Source
from .exports import render_events_json, render_news_atom, render_news_json
from .ics import BlockMemo, render_calendar, render_event_blocks
from .pages import render_index
from .slugs import FilteredCalendar, filtered_calendars, slugify
from .text import DEFAULT_TITLE

_BLOCKS: BlockMemo = Memo()
_RECORDS: Memo[MergedEvent, str] = Memo()
"""What the previous build of this process rendered (see aggregator/memo.py): a daemon's
rebuild re-renders only the events that changed, and the bytes are the same as without."""


def render_outputs(
    events: Sequence[MergedEvent],
    items: Sequence[MergedItem],
    sources: Mapping[str, Source],
    *,
    now: datetime,
    base_url: str,
    timezone: str,
    title: str = DEFAULT_TITLE,
) -> dict[str, bytes]:
    """Every file of the contract's output table (digests aside), keyed by relative path.

    Keys: ``calendar.ics``, ``calendars/<slug>.ics`` (see :mod:`.slugs` for which slugs and
    what each holds), ``events.json``, ``news.json``, ``news.atom``, ``index.html``.

    Raises:
        ValueError: ``now`` is naive or ``timezone`` is not an IANA zone.
    """

    names = {source_id: source.name for source_id, source in sources.items()}
    _BLOCKS.new_build(names)
    _RECORDS.new_build(names)
    blocks = render_event_blocks(events, now=now, sources=sources, memo=_BLOCKS)

    def calendar(selected: Sequence[MergedEvent], name: str) -> bytes:
        return render_calendar(
            selected, name=name, now=now, base_url=base_url, timezone=timezone, sources=sources,
            blocks=blocks,
        )

    outputs = {"calendar.ics": calendar(events, title)}
    for selection in filtered_calendars(events, sources):
        outputs[selection.path] = calendar(
            selection.events, f"{title} – {calendar_label(selection)}"
        )
    outputs["events.json"] = render_events_json(
        events, sources, now=now, timezone=timezone, memo=_RECORDS
    )
    outputs["news.json"] = render_news_json(items, sources, now=now)
    outputs["news.atom"] = render_news_atom(
        items, sources, now=now, base_url=base_url, title=title
    )
    outputs["index.html"] = render_index(
        events, items, sources, now=now, base_url=base_url, timezone=timezone, title=title
    )
    return outputs


def calendar_label(selection: FilteredCalendar) -> str:
    """The values behind a filtered calendar, once each whatever their case: "Metz / lab"."""
    seen: dict[str, str] = {}
    for label in selection.labels:
        seen.setdefault(label.casefold(), label)
    return " / ".join(seen.values())


__all__ = [
    "DEFAULT_TITLE",
    "FilteredCalendar",
    "calendar_label",
    "filtered_calendars",
    "render_calendar",
    "render_events_json",
    "render_index",
    "render_news_atom",
    "render_news_json",
    "render_outputs",
    "slugify",
]
