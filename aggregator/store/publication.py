"""Store queries for the publication memory and the operator's dedup overrides."""

from __future__ import annotations

import json
import secrets
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..models import Overrides, Publication
from . import codec
from .bulk import insert_rows
from .publication_tables import dedup_overrides, publications
from .tables import events, feeds, news_items

_BATCH = 1000
PUBLICATION_MARK = "publication"
"""A random number each save_publication writes with the rows: a process that holds the value
it wrote knows the table still holds what it saved."""


class PublicationStore:
    """Mixin of Store: remembers what was published so the next build can compare."""

    _saved: tuple[int, dict[str, Publication]] | None = None
    """The publication this process saved last, with the mark it wrote (see :meth:`_reuse`)."""

    def _begin(self) -> Any: ...  # provided by Store
    def _connect(self) -> Any: ...  # provided by Store

    if TYPE_CHECKING:  # provided by LeasesStore, later in Store's bases: no stub may shadow them
        def _mark_statement(self, name: str, value: int) -> Any: ...
        def read_mark(self, name: str) -> int | None: ...

    def load_publication(self, with_snapshots: Collection[str] = ()) -> dict[str, Publication]:
        """What was published last, with the snapshots of ``with_snapshots`` at least
        (decoding every snapshot cost 0.9 s for 12,000 events, and a build needs only the
        vanished ones). When this process saved it, it is not read back (see :meth:`_reuse`)."""
        reused = self._reuse(with_snapshots)
        if reused is not None:
            return reused
        columns = [publications.c[name] for name in (
            "uid", "fingerprint", "sequence", "last_modified", "until_utc", "vanished")]
        with self._connect() as connection:
            rows = connection.execute(sa.select(*columns)).all()
            wanted = sorted(set(with_snapshots) & {row.uid for row in rows})
            snapshots = {}
            for start in range(0, len(wanted), _BATCH):
                query = sa.select(publications.c.uid, publications.c.snapshot).where(
                    publications.c.uid.in_(wanted[start:start + _BATCH]))
                snapshots.update({r.uid: codec.snapshot_or_none(r.snapshot)
                                  for r in connection.execute(query)})
        return {
            row.uid: Publication(
                uid=row.uid, fingerprint=row.fingerprint, sequence=row.sequence,
                last_modified=row.last_modified, until=row.until_utc,
                snapshot=snapshots.get(row.uid), vanished=row.vanished,
            )
            for row in rows
        }

    def save_publication(
        self, current: Mapping[str, Publication], previous: Mapping[str, Publication],
        encoded: Iterable[str] | None = None,
    ) -> None:
        """Write only what changed since ``previous`` (a build usually changes a few rows).
        ``encoded``: the snapshots of :func:`changed_publications`, in order, already
        encoded (``codec.encode_merged``; the build makes them in another process)."""
        gone = [uid for uid in previous if uid not in current]
        changed = changed_publications(current, previous)
        snapshots = iter(encoded) if encoded is not None else None
        token = secrets.randbits(31)
        self._saved = None
        with self._begin() as connection:
            for start in range(0, len(gone), _BATCH):
                connection.execute(publications.delete().where(
                    publications.c.uid.in_(gone[start:start + _BATCH])))
            for start in range(0, len(changed), _BATCH):
                batch = changed[start:start + _BATCH]
                connection.execute(publications.delete().where(
                    publications.c.uid.in_([p.uid for p in batch])))
                insert_rows(connection, publications, _COLUMNS,
                            [_row(p, snapshots) for p in batch])
            connection.execute(self._mark_statement(PUBLICATION_MARK, token))  # same transaction
        self._saved = (token, dict(current))

    def _reuse(self, with_snapshots: Collection[str]) -> dict[str, Publication] | None:
        """What this process saved last, if the table still holds exactly that: the mark is
        still the random value written with it (another node's save, or a restored database,
        changes it). A daemon's build read back 40,000 rows it had just written (issue 8).
        The entries keep the snapshots they were saved with, a superset of those asked for."""
        if self._saved is None:
            return None
        token, saved = self._saved
        if self.read_mark(PUBLICATION_MARK) != token:
            return None
        if any(saved[uid].snapshot is None for uid in with_snapshots if uid in saved):
            return None
        return dict(saved)

    def add_override(self, kind: str, record_keys: Sequence[str], now: datetime) -> None:
        """Persist an operator's merge (a group of record keys), split (one key) or hide
        (the keys of one event)."""
        with self._begin() as connection:
            connection.execute(dedup_overrides.insert().values(
                kind=kind, record_keys=json.dumps(list(record_keys)), created_at=now))

    def load_overrides(self) -> Overrides:
        with self._connect() as connection:
            rows = connection.execute(
                sa.select(dedup_overrides).order_by(dedup_overrides.c.id)).all()
        merges: list[tuple[str, ...]] = []
        for row in rows:  # in the order decided: a split pulls its record out of earlier merges
            if row.kind == "merge":
                merges.append(tuple(json.loads(row.record_keys)))
            elif row.kind == "split":
                out = set(json.loads(row.record_keys))
                merges = [kept for kept in (tuple(k for k in m if k not in out) for m in merges)
                          if len(kept) > 1]
        splits = tuple(k for r in rows if r.kind == "split" for k in json.loads(r.record_keys))
        hidden = frozenset(k for r in rows if r.kind == "hide" for k in json.loads(r.record_keys))
        hidden_news = frozenset(k for r in rows if r.kind == "hide-news"
                                for k in json.loads(r.record_keys))
        return Overrides(merges=tuple(merges), splits=splits, hidden=hidden,
                         hidden_news=hidden_news)

    def overrides_of_kind(self, kind: str) -> list[tuple[int, tuple[str, ...], datetime]]:
        """(id, record keys, when) of each override of ``kind``, oldest first: what the
        operator lists to undo one."""
        with self._connect() as connection:
            rows = connection.execute(
                sa.select(dedup_overrides).where(dedup_overrides.c.kind == kind)
                .order_by(dedup_overrides.c.id)).all()
        return [(r.id, tuple(json.loads(r.record_keys)), r.created_at) for r in rows]

    def record_titles(self, record_keys: Sequence[str], *, news: bool = False) -> dict[str, str]:
        """The stored title of each record named ``source_id:uid`` (``source_id:guid`` for an
        article): what the operator's list of hidden ones shows beside their keys. A record
        its feed no longer has is missing; of a series, its first stored record names it."""
        pairs = [tuple(key.split(":", 1)) for key in record_keys if ":" in key]
        if not pairs:
            return {}
        table, ident = (news_items, news_items.c.guid) if news else (events, events.c.uid)
        with self._connect() as connection:
            rows = connection.execute(
                sa.select(feeds.c.source_id, ident.label("ident"), table.c.payload)
                .join(feeds, feeds.c.id == table.c.feed_id)
                .where(sa.tuple_(feeds.c.source_id, ident).in_(pairs)).order_by(table.c.id)
            ).all()
        titles: dict[str, str] = {}
        for row in rows:
            titles.setdefault(f"{row.source_id}:{row.ident}",
                              str(json.loads(row.payload).get("title") or ""))
        return titles

    def remove_override(self, override_id: int, kind: str) -> bool:
        """Forget one override of ``kind``; False when there is no such one."""
        with self._begin() as connection:
            result = connection.execute(dedup_overrides.delete().where(
                dedup_overrides.c.id == override_id, dedup_overrides.c.kind == kind))
        return bool(result.rowcount)


def changed_publications(current: Mapping[str, Publication],
                         previous: Mapping[str, Publication]) -> list[Publication]:
    """The entries of ``current`` to write: those not the same as in ``previous``."""
    return [p for uid, p in current.items() if not p.same_as(previous.get(uid))]


def _row(publication: Publication, encoded: Iterator[str] | None) -> tuple[Any, ...]:
    """The row of ``publication``, its values in :data:`_COLUMNS`' order."""
    assert publication.snapshot is not None, "a changed publication always carries its event"
    return (publication.uid, publication.fingerprint, publication.sequence,
            publication.last_modified, publication.until, publication.vanished,
            codec.encode_merged(publication.snapshot) if encoded is None else next(encoded))


_COLUMNS = ("uid", "fingerprint", "sequence", "last_modified", "until_utc", "vanished",
            "snapshot")
"""The order of :func:`_row`'s values."""
