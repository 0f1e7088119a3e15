"""Store queries for registered organisations and for switching sources off and on."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ..errors import IdTakenError
from ..models import FeedRef, Registration, RegistrationStatus, Source
from .registration_tables import registration_feeds, registrations, source_switches


class RegistrationsStore:
    """Mixin of Store: the registrations table and the per-source off switch."""

    def _begin(self) -> Any: ...  # provided by Store
    def _connect(self) -> Any: ...  # provided by Store

    def add_registration(self, source: Source, now: datetime, token: str = "") -> Registration:
        """Store a pending registration and its feeds in one transaction.

        Raises:
            IdTakenError: the source id is taken (the caller chooses a free one first; two
                writers at once may both have chosen it).
        """
        taken = IdTakenError(f"registration: source id {source.id!r} is already taken")
        with self._begin() as connection:
            if connection.execute(sa.select(registrations.c.id).where(
                    registrations.c.source_id == source.id)).first() is not None:
                raise taken
            try:
                key = connection.execute(registrations.insert().values(
                    source_id=source.id, name=source.name, kind=source.kind, city=source.city,
                    country=source.country, language=source.language, website=source.website,
                    contact=source.contact, tags=json.dumps(list(source.tags), ensure_ascii=False),
                    status="pending", created_at=now, note="", manage_token=token or None,
                )).inserted_primary_key[0]
            except sa.exc.IntegrityError as error:  # another writer's, between check and insert
                raise taken from error
            connection.execute(registration_feeds.insert(), [
                {"registration_id": key, "url": feed.url, "type": feed.type}
                for feed in source.feeds
            ])
        return Registration(id=int(key), source=source, status="pending", created_at=now,
                            token=token)

    def registration_by_token(self, token: str) -> Registration | None:
        """The registration whose contact holds this link's secret, if any."""
        with self._connect() as connection:
            row = connection.execute(sa.select(registrations).where(
                registrations.c.manage_token == token)).first()
            if row is None:
                return None
            feed_rows = connection.execute(sa.select(registration_feeds).where(
                registration_feeds.c.registration_id == row.id)
                .order_by(registration_feeds.c.id)).all()
        return _registration(row, [FeedRef(f.url, f.type) for f in feed_rows])

    def update_registration(self, registration_id: int, source: Source, now: datetime,
                            token: str = "") -> None:
        """Replace what the contact may change (all but the source id and the status), and
        the link's secret when ``token`` is given (a new contact: the former one's link dies)."""
        secret = {"manage_token": token} if token else {}
        with self._begin() as connection:
            connection.execute(registrations.update().where(registrations.c.id == registration_id)
                               .values(name=source.name, kind=source.kind, city=source.city,
                                       country=source.country, language=source.language,
                                       website=source.website, contact=source.contact,
                                       tags=json.dumps(list(source.tags), ensure_ascii=False),
                                       changed_at=now, **secret))
            connection.execute(registration_feeds.delete().where(
                registration_feeds.c.registration_id == registration_id))
            connection.execute(registration_feeds.insert(), [
                {"registration_id": registration_id, "url": feed.url, "type": feed.type}
                for feed in source.feeds
            ])

    def registrations(self, status: RegistrationStatus | None = None) -> list[Registration]:
        """Every registration (or those with ``status``), oldest first."""
        query = sa.select(registrations).order_by(registrations.c.id)
        if status is not None:
            query = query.where(registrations.c.status == status)
        with self._connect() as connection:
            rows = connection.execute(query).all()
            feed_rows = connection.execute(
                sa.select(registration_feeds).order_by(registration_feeds.c.id)).all()
        feeds: dict[int, list[FeedRef]] = {}
        for feed in feed_rows:
            feeds.setdefault(feed.registration_id, []).append(FeedRef(feed.url, feed.type))
        return [_registration(row, feeds.get(row.id, [])) for row in rows]

    def decide_registration(
        self, registration_id: int, status: RegistrationStatus, now: datetime, note: str = "",
        only_from: Sequence[RegistrationStatus] | None = None,
    ) -> bool:
        """Set a registration's status; False when there is no such registration, or when it
        is no longer in one of ``only_from`` (another node or terminal decided it meanwhile)."""
        where = registrations.c.id == registration_id
        if only_from is not None:
            where = sa.and_(where, registrations.c.status.in_(list(only_from)))
        with self._begin() as connection:
            result = connection.execute(
                registrations.update().where(where).values(status=status, decided_at=now,
                                                           note=note))
        return bool(result.rowcount)

    def set_source_disabled(self, source_id: str, disabled: bool, now: datetime) -> None:
        """Switch a source off (no fetch, no publication) or back on."""
        with self._begin() as connection:
            connection.execute(source_switches.delete().where(
                source_switches.c.source_id == source_id))
            connection.execute(source_switches.insert().values(
                source_id=source_id, disabled=int(disabled), changed_at=now))

    def disabled_sources(self) -> frozenset[str]:
        with self._connect() as connection:
            rows = connection.execute(sa.select(source_switches.c.source_id)
                                      .where(source_switches.c.disabled == 1)).all()
        return frozenset(row.source_id for row in rows)

    def taken_source_ids(self, candidates: Sequence[str]) -> set[str]:
        """Which of ``candidates`` a registration already uses."""
        with self._connect() as connection:
            rows = connection.execute(sa.select(registrations.c.source_id).where(
                registrations.c.source_id.in_(list(candidates)))).all()
        return {row.source_id for row in rows}


def _registration(row: Any, feeds: list[FeedRef]) -> Registration:
    source = Source(
        id=row.source_id, name=row.name, kind=row.kind, city=row.city, country=row.country,
        language=row.language, website=row.website, contact=row.contact,
        tags=tuple(json.loads(row.tags or "[]")), feeds=tuple(feeds),
    )
    return Registration(id=row.id, source=source, status=row.status,
                        created_at=row.created_at, decided_at=row.decided_at, note=row.note,
                        token=row.manage_token or "", changed_at=row.changed_at)
