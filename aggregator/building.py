"""Building: deduplicate the stored records and write every output, as one step of its own.

The pure stages (decoding, merging, the lifecycle of what subscribers' clients hold, rendering)
live in their modules; this mixin reads the store, runs them in order and writes the outputs
and what the next build needs (the assignment of merged UIDs, the publication).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import chain
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from . import lifecycle
from .aside import run_aside, run_in_turn
from .config import Settings
from .dedup import NEWS_MEMOS, continuity, merge_events, merge_news, news, record_key
from .dedup.results import EventMerge, NewsMerge
from .gcpause import fewer_collections, release_free_memory
from .models import Event, MergedEvent, MergedItem, NewsItem, Publication, Source
from .publish import write_outputs
from .render import (
    OutputMemos, iter_outputs, keep_blocks, keep_records, make_blocks, make_records,
    unmade_blocks, unmade_records,
)
from .render.ics import render_event_blocks
from .store import Store
from .store.codec import encode_merged
from .store.publication import changed_publications

NEWS_WINDOW = timedelta(days=90)  # news older than this leaves the exports
ASIDE_MIN_RECORDS = 1_000
"""Fewer export records (or snapshots, or new articles) to make than this are made in the
build's process: a fork (4 ms for a process of 200 MB) would cost more than making them
(12 µs a record or snapshot)."""
CHILD_BLOCKS = 3
"""The child makes one in so many of a first build's calendar blocks (the last ones), then the
exports' records and the snapshots, while the build makes the others and writes the files:
with a half, the child's part was the longer (bench/timeline.py at N = 1,000)."""
ONE_BUILD = threading.Lock()
"""Held by every build of the process. A build reuses and refills the process's memos (the
module-level ones of decoding, dedup and lifecycle, and an Aggregator's scratch files), so
two at once, the scheduler's and one the admin pages start, could interleave their appends
to the same scratch file; the second waits for the first instead."""


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build wrote."""

    events: int
    items: int
    records: int
    files: tuple[Path, ...]
    elapsed: float


class BuildMixin:
    """Methods of Aggregator behind `aggregator build` and the daemon's builds."""

    settings: Settings
    store: Store
    clock: Callable[[], datetime]
    output_memos: OutputMemos

    # provided by Aggregator and its other mixins; annotations only, so that nothing here
    # stands before them in the method resolution order
    current_sources: Callable[[], tuple[Source, ...]]
    withdrawn_sources: Callable[[], frozenset[str]]

    def build(self) -> BuildReport:
        """Deduplicate the stored records and write every output file atomically (one build
        at a time in a process: :data:`ONE_BUILD`)."""
        with ONE_BUILD, fewer_collections():
            report = self._build()
        release_free_memory()
        return report

    def _build(self) -> BuildReport:
        started = time.monotonic()
        now = self.clock()
        sources = self.current_sources()
        by_id = {source.id: source for source in sources}
        records = self.store.current_records(sources, now - timedelta(days=self.settings.past_days))
        items = [i for i in records.items if _recent_news(i.when, now)]
        record_count = len(records.events) + len(items)
        with self._news_aside(items, by_id) as merged_news:
            merged_events, before = self._merge_events(records.events, by_id, now)
            del records  # the merged records keep what they still need
            merged_items = merged_news()
        del items
        before = before or self.store.load_publication()
        vanished = lifecycle.gone(merged_events, before)
        if vanished:  # their snapshots are published CANCELLED
            before = self.store.load_publication(with_snapshots=vanished)
        events, publication = lifecycle.publish(
            merged_events, before, now, withdrawn=self.withdrawn_sources(),
            hidden=self.store.load_overrides().hidden)
        del merged_events
        written = self._publish(events, merged_items, by_id, now, publication, before)
        return BuildReport(
            events=len(events), items=len(merged_items), records=record_count,
            files=tuple(written), elapsed=time.monotonic() - started,
        )

    def _publish(self, events: Sequence[MergedEvent], items: Sequence[MergedItem],
                 by_id: Mapping[str, Source], now: datetime,
                 publication: Mapping[str, Publication], before: Mapping[str, Publication]
                 ) -> list[Path]:
        """Write every output, then save the publication. One in :data:`CHILD_BLOCKS` of the
        calendar blocks and the records of events.json and news.json that the memos do not
        hold, then the snapshots of the publication's changed entries (all of them in a first
        build), are made by a child process, in that order, while this one renders the other
        blocks and writes the files (aggregator/aside.py): the build's second core. Below
        :data:`ASIDE_MIN_RECORDS` of each (twice that of blocks: a rebuild), they are made
        here."""
        memos = self.output_memos
        unmade_events, unmade_items = unmade_records(events, items, memos)
        changed = [entry.snapshot for entry in changed_publications(publication, before)
                   if entry.snapshot is not None]
        unmade = unmade_blocks(events, memos)
        ours = len(unmade) - len(unmade) // CHILD_BLOCKS
        theirs = unmade[ours:] if len(unmade) >= 2 * ASIDE_MIN_RECORDS else []
        records_aside = len(unmade_events) + len(unmade_items) >= ASIDE_MIN_RECORDS
        snapshots_aside = len(changed) >= ASIDE_MIN_RECORDS
        # in the order the build needs them; one child: a second would copy again every page
        # of this process the works read (issue 8)
        works: tuple[Callable[[], Iterable[Any]], ...] = (
            lambda: make_blocks(theirs, now=now, sources=by_id),
            lambda: make_records(unmade_events, unmade_items, by_id) if records_aside else (),
            lambda: _encoded(changed) if snapshots_aside else (),
        )
        with run_in_turn(works, fork=bool(theirs) or records_aside or snapshots_aside) as child:
            def blocks_ready() -> None:  # the rest made here meanwhile, then the child's kept
                render_event_blocks(unmade[:len(unmade) - len(theirs)], now=now, sources=by_id,
                                    memo=memos.blocks)
                keep_blocks(memos.blocks, theirs, child.results(0))

            def exports_ready() -> None:
                keep_records(memos, unmade_events, unmade_items, child.results(1))

            encoded = chain.from_iterable(child.results(2)) if snapshots_aside else None
            files = iter_outputs(
                events, items, by_id,
                now=now, base_url=self.settings.base_url, timezone=self.settings.timezone,
                memos=memos, exports_ready=exports_ready, blocks_ready=blocks_ready,
            )
            written = write_outputs(self.settings.output_dir, files, whole_generation=True)
            memos.settle()
            self.store.save_publication(publication, before, encoded)
        return written

    def _merge_events(self, records: Sequence[Event], by_id: Mapping[str, Source],
                      now: datetime) -> tuple[tuple[MergedEvent, ...], dict[str, Publication] | None]:
        """Deduplicate the events and save which merged UID each record got, at once: the
        two maps of 40,000 record keys (last build's and this one's) are then let go rather
        than held through rendering (issue 8). Saved before the outputs are written, the
        new map is what the next build would compute from the same records anyway. Returns
        the last publication too when it was read here (:meth:`_keep_identities`)."""
        previous = self.store.load_assignment("event")
        merge = merge_events(
            records, by_id, previous=previous, overrides=self.store.load_overrides(),
            timezone=self.settings.timezone, venues=dict(self.settings.venues),
        )
        merge, before = self._keep_identities(merge, previous, now)
        self.store.save_assignment("event", merge.assignment, previous)
        return merge.events, before

    def _keep_identities(self, merge: EventMerge, previous: Mapping[str, str], now: datetime
                         ) -> tuple[EventMerge, dict[str, Publication] | None]:
        """Events whose records all have new UIDs take back the merged UID of the same event
        gone from the last publication (dedup/continuity.py): a feed that mints new UIDs at
        each export was published CANCELLED and added again at every refresh. Reads the
        publication only when some event has a UID the last build did not hand out."""
        known = set(previous.values())
        if not continuity.fresh_events(merge, known):
            return merge, None
        before = self.store.load_publication()
        current = {event.uid for event in merge.events}
        gone = [uid for uid, entry in before.items() if uid not in current and entry.until > now]
        if not gone:
            return merge, before
        # read again with the snapshots: another node sharing the database may have saved
        # its own build in between, without some of these UIDs (a KeyError stopped the build)
        snapshots = self.store.load_publication(with_snapshots=gone)
        vanished = {uid: entry.snapshot for uid in gone
                    if (entry := snapshots.get(uid)) is not None and entry.snapshot is not None}
        zone = ZoneInfo(self.settings.timezone)
        return continuity.keep_identities(merge, known, vanished, zone), before

    @contextmanager
    def _news_aside(self, items: Sequence[NewsItem], by_id: Mapping[str, Source]
                    ) -> Iterator[Callable[[], tuple[MergedItem, ...]]]:
        """:meth:`_merge_events` for the news, without the articles the operator hid: the
        function it gives returns them merged. When many articles are new to the memos (a
        first build) they are merged by a forked child while this process merges the events
        (aggregator/aside.py), and the memos take the child's work for the next build."""
        hidden = self.store.load_overrides().hidden_news
        if hidden:
            items = [item for item in items if record_key(item) not in hidden]
        previous = self.store.load_assignment("news")

        def work() -> Iterator[tuple[NewsMerge, list[tuple[object, dict[Any, Any]]]]]:
            merge = merge_news(items, by_id, previous=previous)
            yield merge, [memo.made() for memo in NEWS_MEMOS]

        # the merged items hold the articles and their texts: the parent's, not copies
        known = [*items, *(item.title for item in items), *(item.summary for item in items)]
        new = sum(item not in news.ARTICLES for item in items)
        with run_aside(work, known, fork=new >= ASIDE_MIN_RECORDS) as aside:
            def merged() -> tuple[MergedItem, ...]:
                [(merge, made)] = aside.results()
                for memo, generation in zip(NEWS_MEMOS, made, strict=True):
                    memo.adopt(generation)
                self.store.save_assignment("news", merge.assignment, previous)
                return merge.items

            yield merged


def _encoded(snapshots: Sequence[MergedEvent]) -> Iterator[list[str]]:
    """The snapshots as the store keeps them, a thousand at a time."""
    for start in range(0, len(snapshots), 1_000):
        yield [encode_merged(event) for event in snapshots[start:start + 1_000]]


def _recent_news(when: datetime | None, now: datetime) -> bool:
    """Dated (or first seen) in the last 90 days; an item with neither (made by hand, not
    read from the store, which gives every undated item its first-seen time) stays."""
    return when is None or when >= now - NEWS_WINDOW
