"""Decide what one fetch means for a feed: the pure heart of `refresh`.

Given what we stored about a feed, what the fetch (and parse) gave and the time, return the
feed's new state, whether its records are replaced, and the outcome to report. Keeping this pure
(``now`` is a parameter) is what lets us promise that nothing a failed fetch touches is lost:
only this function chooses to replace records, and tests show every branch with plain values.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Literal

from . import cadence
from .errors import FeedError, FetchError, one_line
from .models import FeedOutcome, FeedState, FeedUpdate, FetchResult, ParsedFeed
from .parse import read_as_another_type
from .parse.article_dates import date_by_now
from .parse.series_cost import note_costly_series

MAX_BACKOFF = cadence.MAX_INTERVAL  # issue 4: failing feeds back off up to a day
SUDDEN_EMPTY_MIN = 3
"""A feed that had at least this many records and suddenly has none is flagged, not emptied.

A calendar export that breaks (plugin update, expired login page served as an empty calendar)
is far more common than an organisation deleting every event at once.
"""


def next_due(now: datetime, interval: timedelta, failures: int) -> datetime:
    """Regular interval when healthy; doubling back-off (capped at a day) while failing.
    The policy, with its 15-minute floor, lives in :mod:`cadence`."""
    return cadence.next_due(now, interval, failures)


def _healthy_due(now: datetime, interval: timedelta, fetched: FetchResult) -> datetime:
    """A server's Cache-Control max-age may lengthen the interval, never shorten it."""
    max_age = cadence.parse_max_age(fetched.cache_control)
    return cadence.next_due(now, cadence.poll_interval(interval, max_age), 0)


def after_error(
    state: FeedState, error: FeedError, now: datetime, interval: timedelta, elapsed: float = 0.0
) -> FeedUpdate:
    """A fetch or parse failed: keep every record, remember why, back off.

    A 410 Gone disables the feed: the organisation says it will never come back.
    """
    status_code = error.status_code if isinstance(error, FetchError) else state.http_status
    retry_after = cadence.parse_retry_after(
        error.retry_after if isinstance(error, FetchError) else None, now)
    failures = state.consecutive_failures + 1
    gone = status_code == 410
    new_state = dataclasses.replace(
        state,
        status="disabled" if gone else "error",
        last_attempt=now,
        last_error=one_line(error.reason),
        http_status=status_code,
        consecutive_failures=failures,
        next_due=cadence.next_due(now, interval, failures, retry_after),
    )
    outcome = FeedOutcome(
        state.source_id, state.url, "error", state.record_count, one_line(error.reason), 0, elapsed
    )
    return FeedUpdate(new_state, None, outcome)


def after_not_modified(
    state: FeedState, fetched: FetchResult, now: datetime, interval: timedelta, *, same_body: bool = False
) -> FeedUpdate:
    """304, or a 200 whose body hash is unchanged: nothing to parse, nothing to write.

    A flagged feed keeps the hash of the body before its anomaly (:func:`after_parse`), so the
    same body again is that body back, the records kept are its records: the flag goes. A 304
    answers the anomalous body's validators, and leaves the flag.
    """
    new_state = dataclasses.replace(
        state,
        flagged=None if same_body else state.flagged,
        url=fetched.permanent_redirect or state.url,
        status="ok",
        etag=fetched.etag or state.etag,
        last_modified=fetched.last_modified or state.last_modified,
        last_attempt=now,
        last_success=now,
        last_error=None,
        http_status=fetched.status_code,
        consecutive_failures=0,
        next_due=_healthy_due(now, interval, fetched),
    )
    result: Literal["unchanged", "not_modified"] = "unchanged" if same_body else "not_modified"
    outcome = FeedOutcome(
        state.source_id, state.url, result, state.record_count, None, len(state.warnings), fetched.elapsed
    )
    return FeedUpdate(new_state, None, outcome)


def as_read_at(parsed: ParsedFeed, now: datetime) -> ParsedFeed:
    """What a feed parsed at ``now`` says that depends on the time: news dated after it is
    dated by when it is first seen (parse/article_dates.py), and the series the pages will
    leave out are named in a warning (parse/series_cost.py). The register form's preview
    shows it as a refresh stores it."""
    return note_costly_series(date_by_now(parsed, now), now)


def after_parse(
    state: FeedState,
    fetched: FetchResult,
    parsed: ParsedFeed,
    body_hash: str,
    now: datetime,
    interval: timedelta,
) -> FeedUpdate:
    """A body parsed: replace the records, unless the feed suddenly came back empty; read
    as it is at ``now`` (:func:`as_read_at`)."""
    parsed = as_read_at(parsed, now)
    count = parsed.record_count
    wanted = _declared_records(state, parsed)
    base = dataclasses.replace(
        state,
        url=fetched.permanent_redirect or state.url,
        status="ok",
        etag=fetched.etag,
        last_modified=fetched.last_modified,
        last_attempt=now,
        last_success=now,
        last_error=None,
        http_status=fetched.status_code,
        consecutive_failures=0,
        warnings=parsed.warnings,
        next_due=_healthy_due(now, interval, fetched),
    )
    if wanted == 0 and state.record_count >= SUDDEN_EMPTY_MIN:
        flag = (
            f"suddenly empty: the feed now holds no records where it had {state.record_count}; "
            "the previous records are kept until it has some again"
        ) if count == 0 else _other_kind(state, parsed)
        # Keep the old hash so the same empty body is re-examined (and stays flagged) next
        # time, and the old warnings: they say which kind the feed gave (_declared_records).
        flagged = dataclasses.replace(base, flagged=flag, body_hash=state.body_hash,
                                      warnings=state.warnings if count else base.warnings)
        outcome = FeedOutcome(
            state.source_id, state.url, "flagged", state.record_count, flag,
            len(parsed.warnings), fetched.elapsed,
        )
        return FeedUpdate(flagged, None, outcome)
    new_state = dataclasses.replace(base, flagged=None, body_hash=body_hash, record_count=count)
    outcome = FeedOutcome(
        state.source_id, state.url, "updated", count, None, len(parsed.warnings), fetched.elapsed
    )
    return FeedUpdate(new_state, parsed, outcome)


def _declared_records(state: FeedState, parsed: ParsedFeed) -> int:
    """The records of the kind the feed is declared to give (all of them for ``auto``): a
    calendar's address that starts serving the site's news (read as news, with a warning)
    gives no events, and replacing its events with two articles published them CANCELLED.
    A feed whose last copy was already of the other kind (its warning says "declared as …
    but the body is …") is what it gives: declared wrong from the start, it was frozen."""
    if read_as_another_type(state.warnings):
        return parsed.record_count
    declared = state.type
    if declared == "ical":
        return len(parsed.events)
    if declared in ("rss", "atom", "jsonfeed"):
        return len(parsed.items)
    return parsed.record_count


def _other_kind(state: FeedState, parsed: ParsedFeed) -> str:
    """The flag of a feed declared as one kind that now gives only the other."""
    if state.type == "ical":
        return (f"declared as a calendar, the feed now gives {parsed.format} and no events "
                f"where it had {state.record_count} records; the previous records are kept "
                "until it gives events again")
    return (f"declared as {state.type}, the feed now gives {parsed.format} and no articles "
            f"where it had {state.record_count} records; the previous records are kept "
            "until it gives articles again")
