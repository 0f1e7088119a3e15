"""Persistence: the one package that imports SQLAlchemy; it returns models, never rows.

SQLite by default (WAL, so the web server reads while a refresh writes), PostgreSQL for
several nodes. Alembic migrates the schema when the store opens. A feed's records are replaced
in the same transaction that records its new state, so a crash leaves either the old records
and state or the new ones, never a mix.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from ..errors import ConfigError, StoreError, one_line
from ..instants import last_instant, utc_instant
from ..models import Event, FeedState, FeedUpdate, NewsItem, Records, Source
from ..news_copies import StoredArticle, renew
from ..parse.article_dates import Stored, dated_by_first_seen
from . import codec
from .bulk import insert_rows
from .leases import LeasesStore
from .migrate import migrate
from .publication import PublicationStore
from .registrations import RegistrationsStore
from .subscribers import SubscribersStore
from .tables import assignments, events, feeds, news_items

_BATCH = 2000
PLACEABLE = (datetime(1, 1, 2, tzinfo=UTC), datetime(9999, 12, 30, tzinfo=UTC))
"""Starts every zone's clock can show (UTC-12 to UTC+14), which a build places in its zone:
the parser skips the others (``parse.ical_dates.at_the_ends``), and one stored before it
did (a yearly series since 1 January of the year 1) stopped every build, its feed not read
again while it answered 304."""


LOCK_TIMEOUT = 30.0
"""Seconds a statement waits for a lock before it fails: SQLite's busy timeout, and
PostgreSQL's lock_timeout (without it, a build behind someone's ``LOCK TABLE`` or a long
migration waited forever, holding its node's build lease)."""


def open_store(db_url: str, *, lock_timeout: float = LOCK_TIMEOUT) -> Store:
    """Connect, migrate to the latest schema, and return the Store.

    Raises:
        StoreError: the database cannot be reached or migrated; says what to check.
    """
    try:
        engine = _engine(db_url, lock_timeout)
        with engine.connect() as connection:
            migrate(connection, _safe_url(db_url))
    except ImportError as error:  # mysql://: a traceback ending in "No module named 'MySQLdb'"
        raise StoreError(
            f"cannot open the database {_safe_url(db_url)}: its driver is not installed "
            f"({error.name or error}); AGGREGATOR_DB takes sqlite:///PATH or "
            "postgresql+psycopg://… URLs") from None
    except sa.exc.ArgumentError as error:  # "sqlit:///…", "postgres://…": no such database
        # (exit 2 as a bad setting: it said "check that the server is running", exit 1)
        raise ConfigError(
            f"AGGREGATOR_DB={_safe_url(db_url)!r} is not a database URL we can open "
            f"({one_line(str(error))}); write sqlite:///PATH (a file, made if missing) or "
            "postgresql+psycopg://USER@HOST/DATABASE") from None
    except OSError as error:  # the SQLite file's directory cannot be made
        raise StoreError(
            f"cannot open the database {_safe_url(db_url)}: {error.strerror or error}"
            f"{f': {error.filename}' if error.filename else ''}; check AGGREGATOR_DB and "
            "that its directory can be written") from None
    except SQLAlchemyError as error:
        raise StoreError(
            f"cannot open the database {_safe_url(db_url)}: check AGGREGATOR_DB and that the "
            f"server is running"
        ) from error
    return Store(engine)


def _safe_url(db_url: str) -> str:
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", db_url)


SERVER_KEEPALIVES = ("tcp_keepalives_idle = 30", "tcp_keepalives_interval = 10",
                     "tcp_keepalives_count = 3")
"""The server probes an idle node's connection after 30 s and drops it a minute later if the
node is gone (power lost, network cut), which frees the build lock that session held (an
advisory lock): with the system's defaults, two hours and eleven minutes in which every other
node found the build "busy" and built nothing."""


def _engine(db_url: str, lock_timeout: float) -> Engine:
    if db_url.startswith("sqlite"):
        url = sa.engine.make_url(db_url)
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(db_url, connect_args={"timeout": lock_timeout})

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    engine = sa.create_engine(db_url, pool_pre_ping=True)

    @sa.event.listens_for(engine, "connect")
    def _lock_timeout(dbapi_connection: Any, _record: Any) -> None:
        # A SET, not the libpq "options" parameter, which PgBouncer refuses.
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET lock_timeout = {max(1, int(lock_timeout * 1000))}")
            for setting in SERVER_KEEPALIVES:
                cursor.execute(f"SET {setting}")
        dbapi_connection.commit()  # SET is transactional: kept only once committed

    return engine


def until_utc(event: Event) -> datetime:
    """The last instant an event (or its series) can matter, to prune and filter by date."""
    return last_instant(event.start, event.end, event.rrule, event.rdates)


class Store(PublicationStore, RegistrationsStore, LeasesStore, SubscribersStore):
    """Every query the application makes."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def close(self) -> None:
        self.engine.dispose()

    # --- feeds ---------------------------------------------------------------------------

    def sync_feeds(self, sources: Sequence[Source], configured: Collection[str] | None = None
                   ) -> None:
        """Make sure every feed of ``sources`` has a row (new ones are pending). With
        ``configured``, every source id the operator configures (switched off or not), a new
        feed an id outside it held is a rename, and its followers follow the new id
        (:meth:`_follow_renamed`); ``sources`` alone cannot tell: a page syncs one source."""
        with self._begin() as connection:
            query = _of_sources(sa.select(feeds.c.id, feeds.c.source_id, feeds.c.declared_url,
                                          feeds.c.type), sources)
            existing = {(row.source_id, row.declared_url): row
                        for row in connection.execute(query)}
            added: dict[str, str] = {}
            for source in sources:
                for ref in source.feeds:
                    row = existing.get((source.id, ref.url))
                    if row is None:
                        added[ref.url] = source.id
                        connection.execute(feeds.insert().values(
                            source_id=source.id, declared_url=ref.url, url=ref.url, type=ref.type,
                        ))
                    elif row.type != ref.type:
                        connection.execute(
                            feeds.update().where(feeds.c.id == row.id).values(type=ref.type)
                        )
            if added and configured is not None:
                self._follow_renamed(connection, added, set(configured))

    def feed_states(self, sources: Sequence[Source] | None = None) -> list[FeedState]:
        """The state of every configured feed (or of all stored feeds), in config order."""
        query = sa.select(feeds).order_by(feeds.c.id)
        with self._connect() as connection:
            rows = connection.execute(_of_sources(query, sources)).all()
        states = [_state_from_row(row) for row in rows]
        if sources is None:
            return states
        wanted = _configured(sources)
        chosen = [st for st in states if (st.source_id, st.declared_url) in wanted]
        return sorted(chosen, key=lambda st: wanted[(st.source_id, st.declared_url)])

    def feed_states_of(self, feed_ids: Sequence[int]) -> list[FeedState]:
        """The states of these feeds (by key), in key order: a daemon's round reads the batch
        it leased, not every feed (issue 8)."""
        query = sa.select(feeds).where(feeds.c.id.in_(list(feed_ids))).order_by(feeds.c.id)
        with self._connect() as connection:
            return [_state_from_row(row) for row in connection.execute(query)]

    def feed_ids(self, sources: Sequence[Source], *, disabled: bool = False) -> list[int]:
        """The keys of ``sources``' configured feeds, without the disabled ones unless asked:
        what a refresh leases, read without building every feed's state (issue 8)."""
        query = sa.select(feeds.c.id, feeds.c.source_id, feeds.c.declared_url, feeds.c.status)
        with self._connect() as connection:
            rows = connection.execute(_of_sources(query, sources)).all()
        wanted = _configured(sources)
        return [row.id for row in rows if (row.source_id, row.declared_url) in wanted
                and (disabled or row.status != "disabled")]

    def revive_feed(self, source_id: str, url: str, now: datetime) -> bool:
        """Make a feed disabled by a 410 Gone due again (pending, its failures kept: one more
        410 disables it again, without a second email); whether it was such a feed of
        ``source_id``, known by its declared or its current address."""
        statement = feeds.update().where(
            feeds.c.source_id == source_id, feeds.c.status == "disabled",
            sa.or_(feeds.c.declared_url == url, feeds.c.url == url),
        ).values(status="pending", next_due=now)
        with self._begin() as connection:
            return bool(connection.execute(statement).rowcount)

    def apply_update(self, update: FeedUpdate) -> None:
        """Write one feed's new state, and its new records if any, in one transaction."""
        self.apply_updates([update])

    def apply_updates(self, updates: Sequence[FeedUpdate]) -> None:
        """Write several feeds' updates in one transaction: each feed's state and records
        change together or not at all."""
        if not updates:
            return
        statement = feeds.update().where(feeds.c.id == sa.bindparam("feed_key"))
        rows = [{"feed_key": u.state.feed_id, **_state_values(u.state)} for u in updates]
        with self._begin() as connection:
            connection.execute(statement, rows)  # one executemany for every state
            for update in updates:
                if update.replace is not None:
                    self._replace_records(connection, update.state.feed_id,
                                          update.replace.events, update.replace.items,
                                          update.state.last_success or datetime.now(UTC))

    def _replace_records(
        self, connection: Connection, feed_id: int, new_events: Sequence[Event],
        new_items: Sequence[NewsItem], now: datetime,
    ) -> None:
        connection.execute(events.delete().where(events.c.feed_id == feed_id))
        earlier = connection.execute(
            sa.select(news_items.c.id, news_items.c.guid, news_items.c.published,
                      news_items.c.seen, news_items.c.payload)
            .where(news_items.c.feed_id == feed_id)).all()
        renewal = renew(new_items, [
            StoredArticle(row.id, row.guid, *codec.item_identity(row.payload)) for row in earlier])
        stored = {row.guid: Stored(row.published, row.seen) for row in earlier}
        new_items = dated_by_first_seen(renewal.items, stored, now)
        replaced = sorted(set(renewal.replaced))
        for start in range(0, len(replaced), _BATCH):
            connection.execute(news_items.delete().where(
                news_items.c.id.in_(replaced[start:start + _BATCH])))
        event_rows = [(feed_id, e.uid, utc_instant(e.start), until_utc(e), codec.encode_event(e))
                      for e in new_events]
        item_rows = [(feed_id, i.guid, i.published or i.updated, i.seen, codec.encode_item(i))
                     for i in new_items]
        for table, columns, rows in (
                (events, ("feed_id", "uid", "start_utc", "until_utc", "payload"), event_rows),
                (news_items, ("feed_id", "guid", "published", "seen", "payload"), item_rows)):
            for start in range(0, len(rows), _BATCH):
                insert_rows(connection, table, columns, rows[start:start + _BATCH])

    # --- records -------------------------------------------------------------------------

    def current_records(self, sources: Sequence[Source], since: datetime, *,
                        news: bool = True,
                        starting: tuple[datetime, datetime] | None = None) -> Records:
        """Every stored event still relevant after ``since`` and every news item (none
        without ``news``: the operator's event merges), of configured sources, with their
        provenance filled in; only the events starting within ``starting`` when given (the
        days around one event, for the operator's explanation)."""
        wanted = {(s.id, ref.url) for s in sources for ref in s.feeds}
        with self._connect() as connection:
            feed_info = _feeds_read(connection.execute(
                sa.select(feeds.c.id, feeds.c.source_id, feeds.c.declared_url, feeds.c.url,
                          feeds.c.last_success)).all(), wanted)
            # Streamed: each payload is decoded as its row arrives, never all of them held at
            # once (120 MB of JSON text at 117,000 events, issue 8).
            streamed = connection.execution_options(stream_results=True, yield_per=_BATCH)
            chosen = sa.select(events.c.feed_id, events.c.payload).where(
                events.c.until_utc >= since, events.c.start_utc.between(*PLACEABLE))
            if starting is not None:
                chosen = chosen.where(events.c.start_utc.between(*starting))
            event_rows = streamed.execute(chosen.order_by(events.c.id))
            item_rows = streamed.execute(
                sa.select(news_items.c.feed_id, news_items.c.payload).order_by(news_items.c.id)
            ) if news else ()
            found_events, found_items = codec.decode_records(
                ((r.payload, *feed_info[r.feed_id]) for r in event_rows if r.feed_id in feed_info),
                ((r.payload, *feed_info[r.feed_id]) for r in item_rows if r.feed_id in feed_info),
            )
        return Records(events=found_events, items=found_items, sources=tuple(sources))

    def event_starts(self, keys: Sequence[tuple[str, str]]) -> list[datetime]:
        """When the stored events named by (source id, UID) start (a series: its first date)."""
        if not keys:
            return []
        with self._connect() as connection:
            rows = connection.execute(
                sa.select(events.c.start_utc).join(feeds, feeds.c.id == events.c.feed_id)
                .where(sa.tuple_(feeds.c.source_id, events.c.uid).in_(list(keys)))
            ).all()
        return [row.start_utc for row in rows]

    # --- deduplication memory ------------------------------------------------------------

    def load_assignment(self, kind: str) -> dict[str, str]:
        """Streamed as :meth:`current_records`: the 120,000 rows of N = 3,000 sources, held
        all at once beside the map made of them, were 12 MB of a rebuild's peak. Keys and
        UIDs are interned (``sys.intern``), as the merge interns the keys it makes and the
        UIDs it mints: in a long-lived process a stored UID is then the merged event's own
        string, not a copy of it held through the merge, and the merged events' memo
        keeps no copy between builds (issue 8)."""
        with self._connect() as connection:
            streamed = connection.execution_options(stream_results=True, yield_per=_BATCH)
            rows = streamed.execute(
                sa.select(assignments.c.record_key, assignments.c.merged_uid)
                .where(assignments.c.kind == kind))
            return {sys.intern(row.record_key): sys.intern(row.merged_uid) for row in rows}

    def save_assignment(self, kind: str, assignment: Mapping[str, str],
                        previous: Mapping[str, str] | None = None) -> None:
        """Remember which merged UID each record got, so the next build keeps it.

        With ``previous`` (what :meth:`load_assignment` gave this build), only the rows that
        changed are written, as :meth:`save_publication` does: a daemon's build rewrote all
        65,000 rows at N = 1,000 to change a handful (issue 8)."""
        current = {k[:700]: v for k, v in assignment.items()}
        with self._begin() as connection:
            if previous is None:
                connection.execute(assignments.delete().where(assignments.c.kind == kind))
                stale, changed = [], sorted(current)
            else:
                stale = [k for k, v in previous.items() if current.get(k) != v]
                changed = sorted(k for k, v in current.items() if previous.get(k) != v)
            # Changed keys are deleted too: another node may have written one meanwhile.
            outdated = sorted(set(stale) | set(changed))
            for start in range(0, len(outdated), _BATCH):
                connection.execute(assignments.delete().where(
                    (assignments.c.kind == kind)
                    & assignments.c.record_key.in_(outdated[start:start + _BATCH])))
            rows = [(kind, k, current[k]) for k in changed]
            for start in range(0, len(rows), _BATCH):
                insert_rows(connection, assignments, ("kind", "record_key", "merged_uid"),
                            rows[start:start + _BATCH])

    # --- plumbing ------------------------------------------------------------------------

    def _connect(self) -> Any:
        return _Guarded(self.engine.connect)

    def _begin(self) -> Any:
        return _Guarded(self.engine.begin)


def database_failing(error: BaseException) -> bool:
    """The database failing (busy, locked, full, gone), not refusing the values one feed
    holds: raised as the database's error. Put on each feed's health line instead, a table
    locked during a refresh was every feed's fault, each fetched again later with back-off."""
    cause = error.__cause__ if isinstance(error, StoreError) and error.__cause__ else error
    return isinstance(cause, (sa.exc.OperationalError, sa.exc.InterfaceError,
                              sa.exc.DisconnectionError, sa.exc.TimeoutError))


class _Guarded:
    """Context manager that turns SQLAlchemy errors into StoreError with advice."""

    def __init__(self, opener: Any) -> None:
        self.opener = opener
        self.context: Any = None

    def __enter__(self) -> Connection:
        try:
            self.context = self.opener()
            return self.context.__enter__()  # type: ignore[no-any-return]
        except SQLAlchemyError as error:
            raise StoreError(
                f"database unavailable: {_first_line(error)}; check that the database server "
                "runs and that AGGREGATOR_DB reaches it (nothing was changed: try again once "
                "it answers; the daemon does at each tick)") from error

    def __exit__(self, *exc: Any) -> None:
        try:
            self.context.__exit__(*exc)
        except SQLAlchemyError as error:
            raise StoreError(f"database write failed: {_first_line(error)}") from error
        if exc[0] is not None and isinstance(exc[1], SQLAlchemyError):
            if "lock timeout" in str(exc[1]) or "database is locked" in str(exc[1]):
                raise StoreError(
                    f"database busy: another session held a lock too long "
                    f"({_first_line(exc[1])}); nothing was changed, the next run retries"
                ) from exc[1]
            raise StoreError(f"database error: {_first_line(exc[1])}") from exc[1]


FEW_SOURCES = 100
"""Up to this many sources, a feed query asks the database for theirs alone (an
organisation's page: 1 ms instead of 48 for 2,000 feeds); beyond, it reads every row once,
cheaper than a long ``IN`` list and within every database's limit on parameters."""


def _of_sources(query: sa.Select[Any], sources: Sequence[Source] | None) -> sa.Select[Any]:
    if sources is None or len(sources) > FEW_SOURCES:
        return query
    return query.where(feeds.c.source_id.in_([source.id for source in sources]))


def _configured(sources: Sequence[Source]) -> dict[tuple[str, str], int]:
    """(source id, declared URL) of every feed the configuration has, to its place in it: the
    feeds table keeps the rows of feeds since removed from sources.yaml."""
    return {(s.id, ref.url): i for i, s in enumerate(sources) for ref in s.feeds}


def _feeds_read(rows: Sequence[Any], wanted: set[tuple[str, str]]) -> dict[int, tuple[str, str]]:
    """Feed key -> (source id, URL) of the feeds whose records are current: the configured
    ones, and a source's former feeds while none of its configured ones was ever read (its
    address changed to one that fails, or not fetched yet): the last good records stand, as
    for a feed that fails, where every event of the source went out CANCELLED."""
    configured = [r for r in rows if (r.source_id, r.declared_url) in wanted]
    read = {r.source_id for r in configured if r.last_success is not None}
    waiting = {r.source_id for r in configured} - read
    return {r.id: (r.source_id, r.url) for r in rows
            if (r.source_id, r.declared_url) in wanted or r.source_id in waiting}


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _state_from_row(row: Any) -> FeedState:
    return FeedState(
        url=row.url, source_id=row.source_id, type=row.type, status=row.status, etag=row.etag,
        last_modified=row.last_modified, body_hash=row.body_hash, record_count=row.record_count,
        last_attempt=row.last_attempt, last_success=row.last_success, last_error=row.last_error,
        http_status=row.http_status, consecutive_failures=row.consecutive_failures,
        flagged=row.flagged, warnings=tuple(json.loads(row.warnings or "[]")),
        next_due=row.next_due, feed_id=row.id, declared_url=row.declared_url,
    )


def _state_values(state: FeedState) -> dict[str, Any]:
    return {
        "url": state.url, "status": state.status, "etag": state.etag,
        "last_modified": state.last_modified, "body_hash": state.body_hash,
        "record_count": state.record_count, "last_attempt": state.last_attempt,
        "last_success": state.last_success, "last_error": state.last_error,
        "http_status": state.http_status, "consecutive_failures": state.consecutive_failures,
        "flagged": state.flagged, "warnings": json.dumps(list(state.warnings), ensure_ascii=False),
        "next_due": state.next_due,
    }

