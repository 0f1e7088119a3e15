"""Store queries that let several nodes share one database safely (issue 4).

* Feed leases: a node claims due feeds with one ``UPDATE … WHERE id IN (SELECT … FOR UPDATE
  SKIP LOCKED) RETURNING id``; a feed another node holds is skipped, not waited for, and a
  lease that expired (its node died) can be claimed again. SQLite has no row locks but runs
  one writer at a time, so the same statement is atomic there.
* Exclusive sections (the build): a PostgreSQL session advisory lock, which the server frees
  by itself when a node's connection dies; on SQLite a named lease row with an expiry.
* Named leases (a week's digest), marks (counters nodes compare) and feed outages.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from ..errors import StoreError
from .lease_tables import admin_sessions_ended, feed_leases, feed_outages, leases, marks
from .registration_tables import registration_feeds, registrations
from .subscriber_tables import digest_deliveries, subscribers
from .tables import events, news_items

log = logging.getLogger("aggregator.daemon")


class LeasesStore:
    """Mixin of Store: leases, locks, marks, outages and housekeeping."""

    engine: Engine

    def _begin(self) -> Any: ...  # provided by Store
    def _connect(self) -> Any: ...  # provided by Store

    def _insert(self) -> Any:
        """The dialect's INSERT, which knows ON CONFLICT (both SQLite and PostgreSQL do)."""
        return postgresql.insert if self.engine.dialect.name == "postgresql" else sqlite.insert

    def ping(self) -> None:
        """Raises StoreError when the database does not answer (for /healthz)."""
        with self._connect() as connection:
            connection.execute(sa.select(1))

    # --- feed leases -----------------------------------------------------------------------

    def claim_feeds(
        self, candidates: Sequence[int], owner: str, now: datetime, ttl: timedelta,
        limit: int | None = None, *, due_only: bool = True, horizon: timedelta | None = None,
    ) -> list[int]:
        """Lease up to ``limit`` of the candidate feeds that no live node (or process) leases;
        return their ids. ``due_only`` (the daemon's rounds) also leaves out disabled feeds and
        feeds not yet due; a refresh asked for by hand takes them all. Never blocks on a feed
        another node is claiming.

        ``horizon``: the furthest ahead a fetch is ever scheduled (cadence.MAX_INTERVAL). A due
        time past it, or a lease running past it (and ``ttl``) from now, was set by a clock
        since set back (a node a year ahead): due, free, rather than left alone until then."""
        if not candidates:
            return []
        f = feed_leases.c
        free = sa.or_(f.lease_until.is_(None), f.lease_until < now, f.lease_owner == owner)
        later = []
        if horizon is not None:
            free = sa.or_(free, f.lease_until > now + max(ttl, horizon))
            later = [f.next_due > now + horizon]
        due = sa.select(f.id).where(self._among(f.id, candidates), free)
        if due_only:
            due = due.where(f.status != "disabled",
                            sa.or_(f.next_due.is_(None), f.next_due <= now, *later))
        due = due.order_by(f.next_due.asc().nulls_first(), f.id).limit(limit)
        claim = (
            feed_leases.update()
            .where(f.id.in_(due.with_for_update(skip_locked=True).scalar_subquery()))
            .values(lease_owner=owner, lease_until=now + ttl).returning(f.id)
        )
        with self._begin() as connection:
            return sorted(connection.execute(claim).scalars())

    def _among(self, column: Any, keys: Sequence[int]) -> Any:
        """``column IN keys`` with the keys as one bound value (a PostgreSQL array, a JSON
        list read by SQLite's json_each), not one parameter each: a daemon's round claims
        among every feed's key, and binding 6,000 parameters one by one cost 12 ms a round,
        60 rounds a tick (issue 8)."""
        if self.engine.dialect.name == "postgresql":
            array = postgresql.ARRAY(sa.Integer)
            return column == sa.any_(sa.bindparam(None, list(keys), type_=array))
        listed = sa.func.json_each(sa.bindparam(None, json.dumps(list(keys)), type_=sa.String))
        return column.in_(sa.select(sa.literal_column("value")).select_from(listed))

    def release_feeds(self, feed_ids: Sequence[int], owner: str) -> None:
        """Give back the leases ``owner`` holds on these feeds."""
        if not feed_ids:
            return
        f = feed_leases.c
        with self._begin() as connection:
            connection.execute(
                feed_leases.update().where(f.id.in_(list(feed_ids)), f.lease_owner == owner)
                .values(lease_owner=None, lease_until=None))

    @contextmanager
    def feeds_kept(self, feed_ids: Sequence[int], owner: str, clock: Callable[[], datetime],
                   ttl: timedelta) -> Iterator[None]:
        """Renew ``owner``'s leases on these feeds every third of ``ttl`` for the block: a
        round longer than its lease (100 feeds of one slow host, 25 waves of 4 fetches at up
        to 30 s) let another node claim the same feeds and ask that host for them again."""
        done = threading.Event()

        def renew() -> None:
            f = feed_leases.c
            while not done.wait(ttl.total_seconds() / 3):
                try:
                    with self._begin() as connection:
                        connection.execute(feed_leases.update().where(
                            f.id.in_(list(feed_ids)), f.lease_owner == owner)
                            .values(lease_until=clock() + ttl))
                except StoreError as error:  # the round's own writes will say it too
                    log.warning("could not renew the leases of %s: %s", owner, error)

        thread = threading.Thread(target=renew, name=f"leases-{owner}", daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join()

    def release_owner(self, owner: str) -> None:
        """Give back every lease ``owner`` holds (a stopping node)."""
        f = feed_leases.c
        with self._begin() as connection:
            connection.execute(feed_leases.update().where(f.lease_owner == owner)
                               .values(lease_owner=None, lease_until=None))
            connection.execute(leases.delete().where(leases.c.owner == owner))

    def lease_holders(self) -> set[str]:
        """Every owner holding a feed lease or a named lease now, expired or not."""
        with self._connect() as connection:
            feeds = connection.execute(sa.select(feed_leases.c.lease_owner).distinct()
                                       .where(feed_leases.c.lease_owner.is_not(None)))
            named = connection.execute(sa.select(leases.c.owner).distinct())
            return {*feeds.scalars(), *named.scalars()}

    def feed_lease_owners(self) -> dict[int, str | None]:
        with self._connect() as connection:
            rows = connection.execute(sa.select(feed_leases.c.id, feed_leases.c.lease_owner))
            return {row.id: row.lease_owner for row in rows}

    # --- named leases and exclusive sections -----------------------------------------------

    def try_lease(self, name: str, owner: str, now: datetime, ttl: timedelta) -> bool:
        """Take (or renew) the lease ``name`` unless another owner holds it unexpired."""
        statement: Any = self._insert()(leases).values(name=name, owner=owner, expires_at=now + ttl)
        statement = statement.on_conflict_do_update(
            index_elements=[leases.c.name],
            set_={"owner": owner, "expires_at": now + ttl},
            where=sa.or_(leases.c.expires_at < now, leases.c.owner == owner),
        ).returning(leases.c.owner)
        with self._begin() as connection:
            return connection.execute(statement).first() is not None

    def release_lease(self, name: str, owner: str) -> None:
        with self._begin() as connection:
            connection.execute(
                leases.delete().where(leases.c.name == name, leases.c.owner == owner))

    @contextmanager
    def exclusive(self, name: str, owner: str, now: datetime, ttl: timedelta) -> Iterator[bool]:
        """Yield True when this node alone holds ``name`` for the block, False when another
        node does (the caller skips or retries later)."""
        if self.engine.dialect.name != "postgresql":
            got = self.try_lease(name, owner, now, ttl)
            try:
                yield got
            finally:
                if got:
                    self.release_lease(name, owner)
            return
        key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        with self._connect() as connection:
            got = bool(connection.execute(sa.select(sa.func.pg_try_advisory_lock(key))).scalar())
            connection.commit()
            try:
                yield got
            finally:
                if got:
                    connection.execute(sa.select(sa.func.pg_advisory_unlock(key)))
                    connection.commit()

    # --- marks -----------------------------------------------------------------------------

    def read_mark(self, name: str) -> int | None:
        with self._connect() as connection:
            value = connection.execute(
                sa.select(marks.c.value).where(marks.c.name == name)).scalar()
            return None if value is None else int(value)

    def bump_mark(self, name: str) -> None:
        """Add one to a counter, atomically whichever node does it."""
        statement: Any = self._insert()(marks).values(name=name, value=1)
        statement = statement.on_conflict_do_update(
            index_elements=[marks.c.name], set_={"value": marks.c.value + 1})
        with self._begin() as connection:
            connection.execute(statement)

    def set_mark(self, name: str, value: int) -> None:
        with self._begin() as connection:
            connection.execute(self._mark_statement(name, value))

    def _mark_statement(self, name: str, value: int) -> Any:
        """The upsert behind :meth:`set_mark`, for a caller that sets a mark inside its own
        transaction (the publication's, written with its rows)."""
        statement: Any = self._insert()(marks).values(name=name, value=value)
        return statement.on_conflict_do_update(index_elements=[marks.c.name],
                                               set_={"value": value})

    # --- feed outages ----------------------------------------------------------------------

    def load_outages(self) -> dict[int, tuple[datetime, datetime | None]]:
        """feed id -> (failing since, when its contact was told)."""
        with self._connect() as connection:
            rows = connection.execute(sa.select(feed_outages)).all()
        return {row.feed_id: (row.failing_since, row.notified_at) for row in rows}

    def save_outage(self, feed_id: int, failing_since: datetime) -> None:
        """Remember a newly failing feed (no-op if another node already did)."""
        statement: Any = self._insert()(feed_outages).values(feed_id=feed_id, failing_since=failing_since)
        with self._begin() as connection:
            connection.execute(statement.on_conflict_do_nothing(
                index_elements=[feed_outages.c.feed_id]))

    def claim_outage_notice(self, feed_id: int, now: datetime) -> bool:
        """Mark the outage as told; True for the one node that did it (it sends the email)."""
        o = feed_outages.c
        with self._begin() as connection:
            result = connection.execute(
                feed_outages.update().where(o.feed_id == feed_id, o.notified_at.is_(None))
                .values(notified_at=now))
            return bool(result.rowcount == 1)

    def end_outage(self, feed_id: int) -> bool:
        """Forget a feed's outage; True for the one node that removed it."""
        with self._begin() as connection:
            result = connection.execute(
                feed_outages.delete().where(feed_outages.c.feed_id == feed_id))
            return bool(result.rowcount == 1)

    # --- admin sessions ---------------------------------------------------------------------

    def end_admin_session(self, session_id: str, expires_at: datetime, now: datetime) -> None:
        """Refuse this admin session from now on, on every node; forget those expired."""
        with self._begin() as connection:
            connection.execute(admin_sessions_ended.delete().where(
                admin_sessions_ended.c.expires_at < now))
            connection.execute(self._insert()(admin_sessions_ended).values(
                session_id=session_id, expires_at=expires_at).on_conflict_do_nothing())

    def admin_session_ended(self, session_id: str) -> bool:
        with self._connect() as connection:
            return connection.execute(sa.select(admin_sessions_ended.c.session_id).where(
                admin_sessions_ended.c.session_id == session_id)).first() is not None

    # --- housekeeping ----------------------------------------------------------------------

    def prune(self, events_before: datetime, news_before: datetime, now: datetime,
              ledger_before: datetime | None = None,
              pending_before: datetime | None = None) -> dict[str, int]:
        """Delete records no build will publish again, leases long expired, digest ledger
        rows claimed before ``ledger_before`` (a week's digest is never sent again once the
        week is over: the rows only grow, one per subscriber and week), sign-ups still
        unconfirmed since before ``pending_before`` (an address someone typed, perhaps not its
        owner's: we keep no data about people who never said yes), unsubscribed and suspended
        (hard-bounced) addresses the ledger no longer mentions, signed up before
        ``ledger_before`` (kept meanwhile so that coming back needs no new confirmation; then
        storage limitation wins), and registrations declined before ``ledger_before`` (their
        contact's address, kept for the record and for undoing a slip); counts."""
        with self._begin() as connection:
            gone_events = connection.execute(
                events.delete().where(events.c.until_utc < events_before)).rowcount
            gone_news = connection.execute(
                news_items.delete().where(
                    sa.func.coalesce(news_items.c.published, news_items.c.seen) < news_before)
            ).rowcount
            gone_leases = connection.execute(
                leases.delete().where(leases.c.expires_at < now)).rowcount
            gone_ledger = 0 if ledger_before is None else connection.execute(
                digest_deliveries.delete().where(digest_deliveries.c.claimed_at < ledger_before)
            ).rowcount
            gone_pending = 0 if pending_before is None else connection.execute(
                subscribers.delete().where(subscribers.c.status == "pending",
                                           subscribers.c.created_at < pending_before)
            ).rowcount
            gone = {status: 0 if ledger_before is None else connection.execute(
                subscribers.delete().where(
                    subscribers.c.status == status,
                    subscribers.c.created_at < ledger_before,
                    ~sa.exists().where(digest_deliveries.c.subscriber_id == subscribers.c.id))
            ).rowcount for status in ("unsubscribed", "suspended")}
            gone_declined = 0 if ledger_before is None else _prune_declined(connection,
                                                                            ledger_before)
        return {"events": gone_events, "news": gone_news, "leases": gone_leases,
                "digest_deliveries": gone_ledger, "pending_subscribers": gone_pending,
                "unsubscribed_subscribers": gone["unsubscribed"],
                "suspended_subscribers": gone["suspended"],
                "declined_registrations": gone_declined}


def _prune_declined(connection: Any, before: datetime) -> int:
    """Delete the registrations declined before ``before`` and their feeds (the feeds first:
    a database without the foreign key's cascade would refuse the registration)."""
    declined = sa.select(registrations.c.id).where(registrations.c.status == "rejected",
                                                   registrations.c.decided_at < before)
    connection.execute(registration_feeds.delete().where(
        registration_feeds.c.registration_id.in_(declined)))
    return int(connection.execute(registrations.delete().where(
        registrations.c.id.in_(declined))).rowcount)
