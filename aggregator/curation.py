"""Operator curation of the deduplication: explain, merge and split merged events.

Like Calagator's "squash", an operator can fuse what the engine kept apart or pull a record
out of a cluster. Decisions are stored as record keys (``source_id:uid``), not merged UIDs,
so they keep meaning the same records however the clustering moves later.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from .cluster import DATA_MARK
from .config import Settings
from .dedup import Overrides, PairScore, event_assignment, explain
from .dedup import record_key as key_of
from .errors import CurationError
from .memo import not_kept
from .models import Event, Source
from .store import Store


class Hidden(NamedTuple):
    """An event or article the operator hid: the number that shows it again, its records,
    when it was hidden, and its title as its feed still gives it ("" once no feed does):
    keys alone ("assoc:4f1c…@meetup.com") did not say which event the operator had hidden."""

    id: int
    keys: tuple[str, ...]
    when: datetime
    title: str


EXPLAIN_WINDOW = timedelta(days=3)
"""Records a day or more apart share no candidate pair, and a cluster's records start within
the merge's tolerance of each other: three days around an event's records hold every pair its
explanation scores and every record of those pairs' clusters."""


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
        (outside any build). Only the records starting within :data:`EXPLAIN_WINDOW` of the
        event's own are read and clustered, when the last build knew the event: 2.0 s at
        N = 1,000 sources for every record, in a process that has not built."""
        with not_kept():
            previous, overrides = self.store.load_assignment("event"), self.store.load_overrides()
            window = self._around(uid_or_key, previous, overrides)
            events, sources, options = self._dedup_inputs(previous, overrides, window)
            pairs = explain(events, sources, uid_or_key, **options)
        known = (uid_or_key in previous or uid_or_key in previous.values()
                 or any(key_of(e) == uid_or_key or e.uid == uid_or_key for e in events))
        if not pairs and not known:  # a typo read as "nothing near it", exit 0
            raise CurationError(f"events explain: {uid_or_key!r} is no event UID or record "
                                "key of the last build (see events.json's uid and sources)")
        return pairs

    def _around(self, name: str, previous: Mapping[str, str],
                overrides: Overrides) -> tuple[datetime, datetime] | None:
        """The start times within EXPLAIN_WINDOW of the records the last build put in the
        event ``name`` (a merged UID, a record key or a source's UID) and of those an
        operator's merge joins to them; None when that build did not know it."""
        merged = previous.get(name) or (name if name in previous.values() else None)
        if merged is None:
            named = [key for key in previous if key.split(":", 1)[1] == name]
            merged = previous[named[0]] if named else None
        keys = {key for key, uid in previous.items() if uid == merged} if merged else set()
        for group in overrides.merges:
            if keys.intersection(group):
                keys.update(group)
        starts = self.store.event_starts([_source_and_uid(key) for key in sorted(keys)])
        if not starts:
            return None
        return min(starts) - EXPLAIN_WINDOW, max(starts) + EXPLAIN_WINDOW

    def _dedup_inputs(self, previous: Mapping[str, str] | None = None,
                      overrides: Overrides | None = None,
                      window: tuple[datetime, datetime] | None = None,
                      ) -> tuple[Sequence[Event], dict[str, Source], dict[str, Any]]:
        """The event records a build would merge now (those starting in ``window`` only,
        when given), their sources and the merge's options. Callers run in a web or CLI
        thread between builds: inside :func:`memo.not_kept`, so that the memos stay as the
        last build left them."""
        sources = self.current_sources()
        since = self.clock() - timedelta(days=self.settings.past_days)
        records = self.store.current_records(sources, since, news=False, starting=window)
        return records.events, {s.id: s for s in sources}, {
            "previous": self.store.load_assignment("event") if previous is None else previous,
            "overrides": self.store.load_overrides() if overrides is None else overrides,
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
        self._decided("merge", unique)
        return unique

    def split_event_override(self, uid: str, record_key: str) -> None:
        """Pull one record (``source_id:uid``) out of the merged event ``uid``.

        Raises:
            CurationError: the record is not part of that event.
        """
        assignment = self._current_assignment()
        if assignment.get(record_key) != uid:
            raise CurationError(f"events split: {record_key!r} is not a record of {uid!r}",
                                "aggregator events explain UID", kind="not-a-record")
        self._decided("split", (record_key,))

    def hide_event(self, uid_or_key: str) -> tuple[str, ...]:
        """Leave the merged event ``uid_or_key`` (or one record, ``source_id:uid``) out of
        every later build, even when its feeds post it again; returns the record keys. It
        leaves every output at once, not published CANCELLED (see :func:`lifecycle.publish`).

        Raises:
            CurationError: no merged event or record has this name.
        """
        return self._hide("hide", self._current_assignment(), uid_or_key,
                          "events hide: {!r} is no merged UID or record key we hold")

    def hidden_events(self) -> list[Hidden]:
        """Each event the operator hid, oldest first."""
        return self._hidden("hide", news=False)

    def unhide_event(self, hidden_id: int) -> None:
        """Publish again the records of one hidden event (from :meth:`hidden_events`).

        Raises:
            CurationError: no hidden event has this id.
        """
        self._unhide("hide", hidden_id, "events")

    def hide_news(self, id_or_key: str) -> tuple[str, ...]:
        """Leave a merged article (its id in news.json) or one record (``source_id:guid``)
        out of every later build, even when its feeds post it again (a sponsored post, spam
        from an otherwise sound feed); returns the record keys.

        Raises:
            CurationError: no article or record has this name.
        """
        return self._hide("hide-news", self.store.load_assignment("news"), id_or_key,
                          "news hide: {!r} is no article id or record key of the last build")

    def hidden_news(self) -> list[Hidden]:
        """Each article the operator hid, oldest first."""
        return self._hidden("hide-news", news=True)

    def _hidden(self, kind: str, *, news: bool) -> list[Hidden]:
        found = self.store.overrides_of_kind(kind)
        titles = self.store.record_titles([key for _, keys, _ in found for key in keys],
                                          news=news)
        return [Hidden(number, keys, when, next((titles[k] for k in keys if titles.get(k)), ""))
                for number, keys, when in found]

    def unhide_news(self, hidden_id: int) -> None:
        """Publish again one hidden article (from :meth:`hidden_news`).

        Raises:
            CurationError: no hidden article has this id.
        """
        self._unhide("hide-news", hidden_id, "news")

    def _hide(self, kind: str, assignment: Mapping[str, str], name: str, unknown: str
              ) -> tuple[str, ...]:
        """Store a hide of ``kind`` for the record keys ``name`` stands for in ``assignment``
        (record key -> merged id); ``unknown`` says why when it stands for none."""
        keys = _keys_named(assignment, name)
        if not keys:
            raise CurationError(unknown.format(name))
        self._decided(kind, keys)
        return keys

    def _unhide(self, kind: str, hidden_id: int, command: str) -> None:
        if not self.store.remove_override(hidden_id, kind):
            raise CurationError(f"{command} unhide: nothing hidden has #{hidden_id}",
                                f"aggregator {command} hidden", kind="not-hidden")
        self.store.bump_mark(DATA_MARK)

    def _decided(self, kind: str, keys: Sequence[str]) -> None:
        """Store the operator's decision and mark the data as moved on: the daemon builds
        again (no feed changed, so no refresh would have said so)."""
        self.store.add_override(kind, keys, self.clock())
        self.store.bump_mark(DATA_MARK)


def _keys_named(assignment: Mapping[str, str], name: str) -> tuple[str, ...]:
    """The record keys of the merged event or article ``name`` in ``assignment`` (record key
    -> merged id), or ``name`` itself when it is a record key; none when it is neither."""
    keys = tuple(sorted(key for key, merged in assignment.items() if merged == name))
    return keys or ((name,) if name in assignment else ())


def _source_and_uid(record_key: str) -> tuple[str, str]:
    source_id, _, uid = record_key.partition(":")
    return source_id, uid
