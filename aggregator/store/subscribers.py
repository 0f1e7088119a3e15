"""Store queries for digest subscribers and the delivery ledger.

The ledger is what keeps a digest to at most one per subscriber and ISO week, across crashes
and nodes: ``claim_delivery`` inserts the (subscriber, week) row with INSERT .. ON CONFLICT DO
NOTHING before the message goes to SMTP, so exactly one claimant wins; only rows in ``retry``
whose time has come can be claimed again, by a conditional UPDATE that again one node wins.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..contacts import DeliveryState, DigestDelivery, Subscriber, SubscriberStatus
from .subscriber_tables import digest_deliveries, subscribers
from .tables import feeds

HARD_BOUNCE_LIMIT = 3
"""Consecutive permanent (5xx) refusals after which an address is suspended: one can be a
relay's mistake, three weekly digests in a row refused means the mailbox is gone, and mailbox
providers downgrade senders who keep mailing dead addresses."""


class SubscribersStore:
    """Mixin of Store: the subscribers table and the digest ledger."""

    def _begin(self) -> Any: ...  # provided by Store
    def _connect(self) -> Any: ...  # provided by Store

    # --- subscribers ---------------------------------------------------------------------

    def insert_subscriber(
        self, email: str, language: str, cities: Sequence[str], kinds: Sequence[str],
        tags: Sequence[str], status: SubscriberStatus, token: str, now: datetime,
        sources: Sequence[str] = (), consent_notice: str | None = None,
    ) -> Subscriber:
        with self._begin() as connection:
            connection.execute(subscribers.insert().values(
                email=email, language=language, cities=_json(cities), kinds=_json(kinds),
                tags=_json(tags), sources=_json(sources), status=status, token=token,
                created_at=now,
                confirmed_at=now if status == "confirmed" else None, hard_bounces=0,
                consent_notice=consent_notice,
            ))
        found = self.subscriber(email=email)
        assert found is not None
        return found

    def _follow_renamed(self, connection: Any, added: dict[str, str], current: set[str]
                        ) -> None:
        """Followers of a source the operator renamed follow its new id. ``added`` are the
        feeds just configured (address -> source id); one an id no longer configured held
        makes that id a rename, when all its feeds went to the same new one. Their filters
        kept the old id, which no event carries any more: digests and personal calendars
        went silent about the organisation without a word."""
        rows = connection.execute(sa.select(feeds.c.source_id, feeds.c.declared_url).where(
            feeds.c.declared_url.in_(list(added)), feeds.c.source_id.not_in(list(current))))
        targets: dict[str, set[str]] = {}
        for row in rows:
            targets.setdefault(row.source_id, set()).add(added[row.declared_url])
        for old, new in ((old, next(iter(new))) for old, new in targets.items() if len(new) == 1):
            quoted = json.dumps(old, ensure_ascii=False)
            followers = connection.execute(sa.select(subscribers.c.id, subscribers.c.sources)
                                           .where(subscribers.c.sources.contains(
                                               quoted, autoescape=True)))
            for follower in followers.all():
                ids = json.loads(follower.sources)
                if old not in ids:  # the text matched inside another id
                    continue
                moved = list(dict.fromkeys(new if value == old else value for value in ids))
                connection.execute(subscribers.update().where(subscribers.c.id == follower.id)
                                   .values(sources=_json(moved)))

    def update_subscriber(self, subscriber_id: int, **values: Any) -> None:
        """Change columns of one subscriber; list values are stored as JSON."""
        encoded = {k: _json(v) if isinstance(v, (list, tuple)) else v for k, v in values.items()}
        with self._begin() as connection:
            connection.execute(subscribers.update().where(subscribers.c.id == subscriber_id)
                               .values(**encoded))

    def subscriber(self, *, email: str | None = None, token: str | None = None) -> Subscriber | None:
        """The subscriber with this (lower-cased) email or this token, if any."""
        column, value = (subscribers.c.email, email) if email is not None else (subscribers.c.token, token)
        with self._connect() as connection:
            row = connection.execute(sa.select(subscribers).where(column == value)).first()
        return _subscriber(row) if row is not None else None

    def subscribers(self, status: SubscriberStatus | None = None) -> list[Subscriber]:
        """Every subscriber (or those with ``status``), oldest first."""
        query = sa.select(subscribers).order_by(subscribers.c.id)
        if status is not None:
            query = query.where(subscribers.c.status == status)
        with self._connect() as connection:
            return [_subscriber(row) for row in connection.execute(query)]

    def delete_subscriber(self, email: str) -> bool:
        """Forget an address and its ledger rows; False when it was not there."""
        with self._begin() as connection:
            found = connection.execute(sa.select(subscribers.c.id)
                                       .where(subscribers.c.email == email)).first()
            if found is None:
                return False
            connection.execute(digest_deliveries.delete()
                               .where(digest_deliveries.c.subscriber_id == found.id))
            connection.execute(subscribers.delete().where(subscribers.c.id == found.id))
        return True

    # --- the ledger ----------------------------------------------------------------------

    def claim_delivery(
        self, subscriber_id: int, week: str, now: datetime, node: str, *, new: bool = True,
    ) -> int:
        """Take the right to send this subscriber's digest of ``week``: returns the attempt
        number, or 0 if another run has it, sent it, gave up on it, its retry is not due yet,
        or the subscriber is no longer confirmed or no longer there (a run sends to the list
        it read at its start: one who unsubscribed or erased the address meanwhile got the
        digest, or the claim broke the foreign key and stopped the run for everyone after).
        ``new=False`` only takes due retries (a retry job must not start a week early).

        The statements are built once (see ``_statements``): building them per call cost
        more than running them (bench/digest.py: 2.4 ms a claim, now ~0.3 ms)."""
        params = {"sid": subscriber_id, "wk": week, "now": now, "node": node[:200]}
        with self._begin() as connection:
            statements = _statements(connection.dialect.name)
            # RETURNING, not rowcount: psycopg reports 1 for an insert that did nothing.
            if new and connection.execute(statements["claim"], params).first() is not None:
                return 1
            retried = connection.execute(statements["retry"], params).first()
            return int(retried.attempts) if retried is not None else 0

    def handled_deliveries(self, week: str, now: datetime) -> set[int]:
        """Subscribers whose digest of ``week`` needs nothing now (sent, failed, being sent,
        or a retry not yet due): a run skips them without trying to claim each one."""
        with self._connect() as connection:
            rows = connection.execute(
                sa.select(digest_deliveries.c.subscriber_id).where(
                    digest_deliveries.c.week == week,
                    sa.or_(digest_deliveries.c.state != "retry",
                           digest_deliveries.c.next_attempt > now))).all()
        return {row.subscriber_id for row in rows}

    def finish_delivery(
        self, subscriber_id: int, week: str, state: DeliveryState, now: datetime, *,
        message_id: str = "", error: str = "", next_attempt: datetime | None = None,
        hard_bounce: bool = False, reset_bounces: bool = False,
    ) -> bool:
        """Record how a claimed delivery ended, and the address's bounce count with it;
        ``reset_bounces`` (after a success) clears an earlier bounce record.

        Returns True when this hard bounce suspended the address.
        """
        with self._begin() as connection:
            connection.execute(_statements(connection.dialect.name)["finish"], {
                "sid": subscriber_id, "wk": week, "new_state": state,
                "sent": now if state == "sent" else None, "mid": message_id or None,
                "error": error or None, "next": next_attempt})
            where = subscribers.c.id == subscriber_id
            if state == "sent":
                if reset_bounces:
                    connection.execute(subscribers.update().where(where)
                                       .values(hard_bounces=0, last_error=None))
                return False
            values: dict[str, Any] = {"last_error": error[:1000]}
            if hard_bounce:
                values["hard_bounces"] = subscribers.c.hard_bounces + 1
            connection.execute(subscribers.update().where(where).values(**values))
            if not hard_bounce:
                return False
            suspended = connection.execute(
                subscribers.update()
                .where(where, subscribers.c.hard_bounces >= HARD_BOUNCE_LIMIT,
                       subscribers.c.status == "confirmed")
                .values(status="suspended"))
            return bool(suspended.rowcount)

    def release_delivery(self, subscriber_id: int, week: str, now: datetime, error: str) -> None:
        """Give back a claim whose message the relay refused for our settings (our sender,
        our missing login): due again at once, its attempt not counted, nothing counted
        against the subscriber; the message never left."""
        with self._begin() as connection:
            connection.execute(digest_deliveries.update().where(
                digest_deliveries.c.subscriber_id == subscriber_id,
                digest_deliveries.c.week == week, digest_deliveries.c.state == "sending",
            ).values(state="retry", attempts=digest_deliveries.c.attempts - 1,
                     next_attempt=now, last_error=error[:1000]))

    def defer_unclaimed(self, week: str, now: datetime, node: str, error: str) -> int:
        """Every confirmed subscriber without a row for ``week`` gets one in ``retry``, due
        now and with no attempt counted: a run stopped by our own settings leaves them to
        the next run or the hourly retry job, which would otherwise never start them."""
        table = digest_deliveries
        with self._begin() as connection:
            insert = (postgresql if connection.dialect.name == "postgresql" else sqlite).insert
            rows = sa.select(
                subscribers.c.id, sa.literal(week, table.c.week.type),
                sa.literal("retry", table.c.state.type), sa.literal(0, table.c.attempts.type),
                sa.literal(now, table.c.claimed_at.type),
                sa.literal(node[:200], table.c.claimed_by.type),
                sa.literal(now, table.c.next_attempt.type),
                sa.literal(error[:1000], table.c.last_error.type),
            ).where(subscribers.c.status == "confirmed")
            result = connection.execute(insert(table).from_select(
                ["subscriber_id", "week", "state", "attempts", "claimed_at", "claimed_by",
                 "next_attempt", "last_error"], rows,
            ).on_conflict_do_nothing(index_elements=["subscriber_id", "week"])
                .returning(table.c.id))  # counted so: psycopg's rowcount said 0
            return len(result.all())

    def abandon_stale_claims(self, week: str, before: datetime) -> int:
        """Claims still ``sending`` since before ``before`` belong to a run that died while
        talking to SMTP: whether the server took the message is unknown, and sending again
        could mail it twice, so they are closed as failed (at most once wins)."""
        with self._begin() as connection:
            result = connection.execute(
                digest_deliveries.update()
                .where(digest_deliveries.c.week == week, digest_deliveries.c.state == "sending",
                       digest_deliveries.c.claimed_at < before)
                .values(state="failed",
                        last_error="interrupted while sending: not sent again"))
        return int(result.rowcount)

    def deliveries(self, week: str) -> list[DigestDelivery]:
        """The ledger of one week, with each subscriber's address, by subscriber."""
        query = (sa.select(digest_deliveries, subscribers.c.email)
                 .join(subscribers, subscribers.c.id == digest_deliveries.c.subscriber_id)
                 .where(digest_deliveries.c.week == week)
                 .order_by(digest_deliveries.c.subscriber_id))
        with self._connect() as connection:
            return [DigestDelivery(subscriber_id=r.subscriber_id, week=r.week, state=r.state,
                                   attempts=r.attempts, email=r.email, sent_at=r.sent_at,
                                   last_error=r.last_error)
                    for r in connection.execute(query)]

    def deliveries_of(self, subscriber_id: int) -> list[DigestDelivery]:
        """One subscriber's ledger, oldest week first: what it asks to see of its history."""
        query = (sa.select(digest_deliveries).where(
            digest_deliveries.c.subscriber_id == subscriber_id).order_by(digest_deliveries.c.week))
        with self._connect() as connection:
            return [DigestDelivery(subscriber_id=r.subscriber_id, week=r.week, state=r.state,
                                   attempts=r.attempts, sent_at=r.sent_at,
                                   last_error=r.last_error)
                    for r in connection.execute(query)]


@functools.cache
def _statements(dialect_name: str) -> dict[str, Any]:
    """The ledger's per-message statements, built once per dialect with bound parameters."""
    table = digest_deliveries
    this_row = (table.c.subscriber_id == sa.bindparam("sid"), table.c.week == sa.bindparam("wk"))
    insert = (postgresql if dialect_name == "postgresql" else sqlite).insert(table)
    # The subscriber is checked in the claim's own statement, so nothing can change between
    # the check and the claim; FOR SHARE (PostgreSQL; SQLite has one writer at a time) waits
    # for an unsubscribe or erasure in progress, then sees it, and holds off any that come
    # until the claim is committed.
    confirmed = (sa.select(subscribers.c.id, sa.bindparam("wk", type_=table.c.week.type),
                           sa.literal("sending", table.c.state.type),
                           sa.literal(1, table.c.attempts.type),
                           sa.bindparam("now", type_=table.c.claimed_at.type),
                           sa.bindparam("node", type_=table.c.claimed_by.type))
                 .where(subscribers.c.id == sa.bindparam("sid"),
                        subscribers.c.status == "confirmed")
                 .with_for_update(read=True))
    claim = insert.from_select(
        ["subscriber_id", "week", "state", "attempts", "claimed_at", "claimed_by"], confirmed,
    ).on_conflict_do_nothing(index_elements=["subscriber_id", "week"]).returning(table.c.id)
    still_confirmed = sa.exists().where(subscribers.c.id == table.c.subscriber_id,
                                        subscribers.c.status == "confirmed")
    retry = (table.update()
             .where(*this_row, table.c.state == "retry", table.c.next_attempt <= sa.bindparam("now"),
                    still_confirmed)
             .values(state="sending", claimed_at=sa.bindparam("now"),
                     claimed_by=sa.bindparam("node"), attempts=table.c.attempts + 1)
             .returning(table.c.attempts))
    finish = table.update().where(*this_row).values(
        state=sa.bindparam("new_state"), sent_at=sa.bindparam("sent"),
        message_id=sa.bindparam("mid"), last_error=sa.bindparam("error"),
        next_attempt=sa.bindparam("next"))
    return {"claim": claim, "retry": retry, "finish": finish}


def _json(values: Sequence[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def _subscriber(row: Any) -> Subscriber:
    return Subscriber(
        id=row.id, email=row.email, language=row.language, status=row.status, token=row.token,
        created_at=row.created_at, cities=tuple(json.loads(row.cities or "[]")),
        kinds=tuple(json.loads(row.kinds or "[]")), tags=tuple(json.loads(row.tags or "[]")),
        confirmed_at=row.confirmed_at, hard_bounces=row.hard_bounces, last_error=row.last_error,
        sources=tuple(json.loads(row.sources or "[]")), changed_at=row.changed_at,
        consent_notice=row.consent_notice,
    )
