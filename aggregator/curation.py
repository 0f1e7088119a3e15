"""Operator curation of the deduplication: explain, merge and split merged events.

Like Calagator's "squash", an operator can fuse what the engine kept apart or pull a record
out of a cluster. Decisions are stored as record keys (``source_id:uid``), not merged UIDs,
so they keep meaning the same records however the clustering moves later.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from .config import Settings
from .dedup import PairScore, event_assignment, explain
from .errors import CurationError
from .memo import not_kept
from .models import Event, Source
from .store import Store


class CurationMixin:
    """Methods of Aggregator behind `aggregator events explain|merge|split`."""

    settings: Settings
    store: Store
    clock: Callable[[], datetime]

    def current_sources(self) -> tuple[Source, ...]:
        raise NotImplementedError  # provided by Aggregator

    def _current_assignment(self) -> dict[str, str]:
        """Record key -> merged UID as a build would decide now (the operator's merge and
        split), outside any build."""
        with not_kept():
            events, sources, options = self._dedup_inputs()
            return event_assignment(events, sources, **options)

    def explain_event(self, uid_or_key: str) -> list[PairScore]:
        """The scored pairs around one merged event: why its records were merged or not
        (outside any build)."""
        with not_kept():
            events, sources, options = self._dedup_inputs()
            return explain(events, sources, uid_or_key, **options)

    def _dedup_inputs(self) -> tuple[Sequence[Event], dict[str, Source], dict[str, Any]]:
        """The event records a build would merge now, their sources and the merge's options.
        Callers run in a web or CLI thread between builds: inside :func:`memo.not_kept`, so
        that the memos stay as the last build left them."""
        sources = self.current_sources()
        since = self.clock() - timedelta(days=self.settings.past_days)
        records = self.store.current_records(sources, since, news=False)
        return records.events, {s.id: s for s in sources}, {
            "previous": self.store.load_assignment("event"),
            "overrides": self.store.load_overrides(),
            "timezone": self.settings.timezone, "venues": dict(self.settings.venues)}

    def merge_events_override(self, uids: Sequence[str]) -> tuple[str, ...]:
        """Fuse the merged events (or records) named by ``uids``; returns the record keys.

        Raises:
            CurationError: fewer than two names, or a name that is no event we hold.
        """
        assignment = self._current_assignment()
        groups: dict[str, list[str]] = {}
        for key, merged in assignment.items():
            groups.setdefault(merged, []).append(key)
        keys: list[str] = []
        for name in uids:
            found = groups.get(name) or ([name] if name in assignment else None)
            if not found:
                raise CurationError(f"events merge: {name!r} is no merged UID or record key we hold")
            keys.extend(found)
        if len(set(assignment[k] for k in keys)) < 2:
            raise CurationError("events merge: name at least two different events")
        unique = tuple(sorted(set(keys)))
        self.store.add_override("merge", unique, self.clock())
        return unique

    def split_event_override(self, uid: str, record_key: str) -> None:
        """Pull one record (``source_id:uid``) out of the merged event ``uid``.

        Raises:
            CurationError: the record is not part of that event.
        """
        assignment = self._current_assignment()
        if assignment.get(record_key) != uid:
            raise CurationError(
                f"events split: {record_key!r} is not a record of {uid!r} "
                "(see `aggregator events explain UID`)"
            )
        self.store.add_override("split", (record_key,), self.clock())
