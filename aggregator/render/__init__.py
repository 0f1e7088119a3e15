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

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..memo import BytesInMemory, BytesMemo, Memo, shared
from ..models import MergedEvent, MergedItem, Source
from ..topics import filter_word
from .agenda import SingleMemo
from .exports import (
    event_json, events_json_chunks, item_json, news_json_chunks, render_events_json,
    render_news_atom, render_news_json,
)
from .ics import BlockMemo, calendar_chunks, render_calendar, render_event_blocks
from .pages import render_index
from ..slug import slugify
from .slugs import FilteredCalendar, filtered_calendars, search_texts
from .text import DEFAULT_TITLE
from .times import event_order, render_zone

Content = bytes | Iterable[bytes]
"""One output file: its bytes, or pieces to write one after the other as they are made."""


@dataclass(frozen=True, slots=True)
class OutputMemos:
    """What a build keeps for the next one in a long-lived process (see aggregator/memo.py):
    a daemon's rebuild re-renders only the events that changed, and the bytes are the same as
    without. The build passes memos that keep the bytes on disk (aggregator/spill.py)."""

    blocks: BlockMemo = field(default_factory=BytesInMemory)
    records: BytesMemo[MergedEvent, None] = field(default_factory=BytesInMemory)
    items: BytesMemo[MergedItem, None] = field(default_factory=BytesInMemory)
    agenda: SingleMemo = field(default_factory=Memo)

    def settle(self) -> None:
        """The build has written every output: what the last build kept and this one did not
        use goes now (see memo.Memo.settle)."""
        for memo in (self.blocks, self.records, self.items):
            memo.settle()
        self.agenda.settle()

    def close(self) -> None:
        """Let go of what they keep (a scratch file's too)."""
        for memo in (self.blocks, self.records, self.items):
            memo.close()
        self.agenda.clear()


_MEMOS = OutputMemos()
"""The memos of callers that bring none (tests, scripts)."""


RECORDS_CHUNK = 1_000
"""Records made at a time by :func:`make_records` (about 1 MB of events.json)."""
Made = tuple[str, int, list[bytes]]
"""Records made: of ``"events"`` or ``"items"``, from which place in the list of those to make."""


def unmade_records(events: Iterable[MergedEvent], items: Iterable[MergedItem],
                   memos: OutputMemos) -> tuple[list[MergedEvent], list[MergedItem]]:
    """The events and items whose records ``memos`` do not hold: what a build must make."""
    return ([event for event in events if event not in memos.records],
            [item for item in items if item not in memos.items])


def make_records(events: Sequence[MergedEvent], items: Sequence[MergedItem],
                 sources: Mapping[str, Source]) -> Iterator[Made]:
    """The records of ``events`` (events.json's) and ``items`` (news.json's), a chunk of
    :data:`RECORDS_CHUNK` at a time (the build makes them in another process)."""
    for start in range(0, len(events), RECORDS_CHUNK):
        yield "events", start, [event_json(event, sources)
                                for event in events[start:start + RECORDS_CHUNK]]
    for start in range(0, len(items), RECORDS_CHUNK):
        yield "items", start, [item_json(item, sources)
                               for item in items[start:start + RECORDS_CHUNK]]


def keep_records(memos: OutputMemos, events: Sequence[MergedEvent],
                 items: Sequence[MergedItem], made: Iterable[Made]) -> None:
    """Put the records :func:`make_records` made of ``events`` and ``items`` in ``memos``,
    where writing events.json and news.json finds them (and the next build too)."""
    for which, start, records in made:
        memo: BytesMemo[Any, None] = memos.records if which == "events" else memos.items
        keys: Sequence[MergedEvent | MergedItem] = events if which == "events" else items
        for key, record in zip(keys[start:start + len(records)], records, strict=True):
            memo.get(key, lambda: (record, None))  # noqa: B023 (called at once)


Blocks = tuple[int, list[tuple[bytes, frozenset[str]]]]
"""Calendar blocks made (without their DTSTAMP values, with their TZIDs), from which place in
the list of events to make."""


def unmade_blocks(events: Iterable[MergedEvent], memos: OutputMemos) -> list[MergedEvent]:
    """The events whose calendar block ``memos`` does not hold: what a build must render."""
    return [event for event in events if event not in memos.blocks]


def make_blocks(events: Sequence[MergedEvent], *, now: datetime,
                sources: Mapping[str, Source]) -> Iterator[Blocks]:
    """The calendar blocks of ``events`` (one UID each, as a build's) as
    :func:`render_event_blocks` makes them, a chunk of :data:`RECORDS_CHUNK` at a time (the
    build makes some in another process)."""
    for start in range(0, len(events), RECORDS_CHUNK):
        chunk = events[start:start + RECORDS_CHUNK]
        made = render_event_blocks(chunk, now=now, sources=sources)
        yield start, [(made[e.uid].memo.read(made[e.uid].entry), made[e.uid].tzids)
                      for e in chunk]


def keep_blocks(memo: BlockMemo, events: Sequence[MergedEvent], made: Iterable[Blocks]) -> None:
    """Put the blocks :func:`make_blocks` made of ``events`` in ``memo``, where writing the
    calendars finds them (and the next build too)."""
    for start, blocks in made:
        for event, (data, tzids) in zip(events[start:start + len(blocks)], blocks, strict=True):
            memo.get(event, lambda: (data, shared(tzids)))  # noqa: B023 (called at once)


def render_outputs(
    events: Sequence[MergedEvent],
    items: Sequence[MergedItem],
    sources: Mapping[str, Source],
    *,
    now: datetime,
    base_url: str,
    timezone: str,
    title: str = DEFAULT_TITLE,
    memos: OutputMemos = _MEMOS,
) -> dict[str, bytes]:
    """Every file of the contract's output table (digests aside), keyed by relative path.

    Keys: ``calendar.ics``, ``calendars/<slug>.ics`` (see :mod:`.slugs` for which slugs and
    what each holds), ``events.json``, ``news.json``, ``news.atom``, ``index.html``.

    Raises:
        ValueError: ``now`` is naive or ``timezone`` is not an IANA zone.
    """
    return {
        path: content if isinstance(content, bytes) else b"".join(content)
        for path, content in iter_outputs(events, items, sources, now=now, base_url=base_url,
                                          timezone=timezone, title=title, memos=memos)
    }


def iter_outputs(
    events: Sequence[MergedEvent],
    items: Sequence[MergedItem],
    sources: Mapping[str, Source],
    *,
    now: datetime,
    base_url: str,
    timezone: str,
    title: str = DEFAULT_TITLE,
    memos: OutputMemos = _MEMOS,
    exports_ready: Callable[[], object] = lambda: None,
    blocks_ready: Callable[[], object] = lambda: None,
) -> Iterator[tuple[str, Content]]:
    """:func:`render_outputs` one file at a time, big files as pieces to write in a row.

    The build writes each file as it comes (``publish.write_outputs``), and the big ones
    piece by piece as they are made, so memory holds neither all the outputs nor a whole
    one: at 100,000 events the calendars and exports together were several hundred MB of
    bytes held until the last was rendered (issue 8). Consume each file before the next.
    ``exports_ready`` is called once the calendars and pages are written: the build puts the records
    of the exports it made meanwhile in ``memos`` (:func:`keep_records`); ``blocks_ready``
    before the calendars' blocks are rendered, for the blocks made meanwhile
    (:func:`keep_blocks`).
    """
    names = {source_id: source.name for source_id, source in sources.items()}
    memos.blocks.new_build(names)
    memos.records.new_build(names)
    memos.items.new_build(names)
    memos.agenda.new_build()
    blocks_ready()
    blocks = render_event_blocks(events, now=now, sources=sources, memo=memos.blocks)
    # Sorted once: every calendar and events.json keep this order (a filtered calendar keeps
    # its input's), instead of each computing the sort key of every event again.
    ordered = sorted(events, key=event_order(render_zone(timezone)))

    def calendar(selected: Sequence[MergedEvent], name: str) -> Iterator[bytes]:
        return calendar_chunks(
            selected, name=name, now=now, base_url=base_url, timezone=timezone, sources=sources,
            blocks=blocks, presorted=True,
        )

    yield "calendar.ics", calendar(ordered, title)
    for selection in filtered_calendars(ordered, sources):
        yield selection.path, calendar(selection.events, f"{title} – {calendar_label(selection)}")
    # the page and the feed first: the exports' records are still being made aside
    yield "news.atom", render_news_atom(items, sources, now=now, base_url=base_url, title=title)
    yield "index.html", render_index(  # without the copies merged into another event
        [event for event in events if not event.merged_into], items, sources, now=now,
        base_url=base_url, timezone=timezone, title=title, memo=memos.agenda,
    )
    exports_ready()
    yield "events.json", events_json_chunks(
        ordered, sources, now=now, timezone=timezone, memo=memos.records, presorted=True
    )
    yield "news.json", news_json_chunks(items, sources, now=now, memo=memos.items)


def calendar_label(selection: FilteredCalendar, language: str = "fr") -> str:
    """The values behind a filtered calendar in words, once each whatever their case:
    "Metz", "Laboratoire", "IA" (the calendar's name in the subscriber's list)."""
    seen: dict[str, str] = {}
    for facet, value in selection.named:
        word = filter_word(facet, value, language)
        seen.setdefault(word.casefold(), word)
    return " / ".join(seen.values())


__all__ = [
    "DEFAULT_TITLE",
    "Content",
    "FilteredCalendar",
    "OutputMemos",
    "calendar_label",
    "filtered_calendars",
    "iter_outputs",
    "keep_blocks",
    "keep_records",
    "make_blocks",
    "make_records",
    "render_calendar",
    "render_events_json",
    "render_index",
    "render_news_atom",
    "render_news_json",
    "render_outputs",
    "search_texts",
    "slugify",
    "unmade_blocks",
    "unmade_records",
]
