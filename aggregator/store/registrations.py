"""Store queries for registered organisations and for switching sources off and on."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ..errors import IdTakenError
from ..models import FeedRef, Source
from ..contacts import Registration, RegistrationStatus
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
                                                           note=note, reminded_at=None))
        return bool(result.rowcount)

    def erase_withdrawn(self, before: datetime, now: datetime) -> int:
        """Erase what the contacts of the registrations withdrawn before ``before`` gave
        (address, link, name, website, topics, feeds, the operator's note); their ids and
        state stay (see :func:`_erase`). Counts those erased now. Each is erased by its own
        conditions, read again once another node's decision of it is written: a contact
        coming back by its link at that moment keeps it (erased by a list of ids read
        before, its registration was pending again with no address, no link, no feed)."""
        with self._connect() as connection:
            found = connection.execute(sa.select(registrations.c.id).where(
                registrations.c.status == "withdrawn", registrations.c.decided_at < before,
                registrations.c.contact != "")).scalars().all()
        erased = 0
        for registration_id in found:
            with self._begin() as connection:
                erased += _erase(connection, registration_id,
                                 registrations.c.status == "withdrawn",
                                 registrations.c.decided_at < before,
                                 registrations.c.contact != "", now=now)
        return erased

    def claim_reminder(self, registration_id: int, now: datetime) -> bool:
        """Note that the operator is reminded of this pending registration now; False when
        it was already (by another node), or it is no longer pending."""
        with self._begin() as connection:
            result = connection.execute(registrations.update().where(
                registrations.c.id == registration_id, registrations.c.status == "pending",
                registrations.c.reminded_at.is_(None)).values(reminded_at=now))
        return bool(result.rowcount)

    def expire_pending(self, registration: Registration, before: datetime, now: datetime
                       ) -> bool:
        """Delete a registration pending since before ``before``, with its feeds; one that
        came back after a withdrawal (``decided_at``: when it asked to) is withdrawn again
        and erased instead, its id kept as withdrawn. False when it is not so any more (decided,
        withdrawn or come back meanwhile, or expired by another node): nothing changed."""
        pending = sa.and_(registrations.c.id == registration.id,
                          registrations.c.status == "pending")
        with self._begin() as connection:
            if registration.decided_at is None:
                # The row first, by its own conditions (which PostgreSQL reads again once
                # another node's approval of it is written): its feeds went by a list of
                # ids read before that approval, then the approved row itself.
                if not connection.execute(registrations.update().where(
                        pending, registrations.c.decided_at.is_(None),
                        registrations.c.created_at < before).values(changed_at=now)).rowcount:
                    return False
                connection.execute(registration_feeds.delete().where(
                    registration_feeds.c.registration_id == registration.id))
                connection.execute(registrations.delete().where(
                    registrations.c.id == registration.id))
                return True
            if not connection.execute(registrations.update().where(
                    pending, registrations.c.decided_at == registration.decided_at,
                    registrations.c.decided_at < before).values(
                        status="withdrawn", decided_at=now)).rowcount:
                return False
            _erase(connection, registration.id, now=now)
        return True

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


def _erase(connection: Any, registration_id: int, *conditions: Any, now: datetime) -> bool:
    """Erase this registration, when it still meets ``conditions`` (read on the row itself,
    again once another node's decision of it is written: see
    :meth:`RegistrationsStore.erase_withdrawn`), but for what the site needs: its id, which
    keeps its events out of the outputs as withdrawn (not CANCELLED) and its page's and
    calendars' addresses from another organisation, its state and dates, and the place and
    kind it gave (no one's). Its name becomes its id (a slug of it); its link stops working.
    Its feeds go once it is erased (its row locked by then): a database without the foreign
    key's cascade would keep them."""
    if not connection.execute(registrations.update().where(
            registrations.c.id == registration_id, *conditions).values(
                name=registrations.c.source_id, website="", contact="", tags="[]", note="",
                manage_token=None, changed_at=now, reminded_at=None)).rowcount:
        return False
    connection.execute(registration_feeds.delete().where(
        registration_feeds.c.registration_id == registration_id))
    return True


def _registration(row: Any, feeds: list[FeedRef]) -> Registration:
    source = Source(
        id=row.source_id, name=row.name, kind=row.kind, city=row.city, country=row.country,
        language=row.language, website=row.website, contact=row.contact,
        tags=tuple(json.loads(row.tags or "[]")), feeds=tuple(feeds),
    )
    return Registration(id=row.id, source=source, status=row.status,
                        created_at=row.created_at, decided_at=row.decided_at, note=row.note,
                        token=row.manage_token or "", changed_at=row.changed_at,
                        reminded_at=row.reminded_at)
