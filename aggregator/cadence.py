"""When to fetch a feed next, and when to tell its contact it is down: pure scheduling policy.

Why a module of its own: the daemon's promises to the sites we poll (never more often than
every 15 minutes, honour their Cache-Control and Retry-After, back off while they fail) and
to organisers (one email when a feed has been down a day, one when it is back) are rules worth
testing with plain values. Everything here takes ``now`` and returns values; the daemon and
``decide`` apply them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Literal

from .instants import utc_minute
from .models import FeedState

DEFAULT_INTERVAL = timedelta(hours=1)  # issue 4: each feed hourly unless sources.yaml says otherwise
MIN_INTERVAL = timedelta(minutes=15)  # issue 4: never poll a feed more often than this
MAX_INTERVAL = timedelta(hours=24)
"""Neither back-off, max-age nor Retry-After may push a feed's next fetch further than a day:
a year-long max-age on a calendar export is a server misconfiguration, not a promise."""
DOWN_ALERT_AFTER = timedelta(hours=24)  # issue 4: a feed failing for a day mails its contact

_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?([0-9]+)\"?\s*(?:,|$)", re.IGNORECASE)
_NO_CACHE = re.compile(r"(?:^|,)\s*(?:no-cache|no-store)\s*(?:,|$|=)", re.IGNORECASE)


def parse_max_age(cache_control: str | None) -> timedelta | None:
    """The ``max-age`` of a Cache-Control header; None when absent, unreadable or no-cache."""
    if not cache_control or _NO_CACHE.search(cache_control):
        return None
    match = _MAX_AGE.search(cache_control)
    return _seconds(match.group(1)) if match else None


def parse_retry_after(value: str | None, now: datetime) -> timedelta | None:
    """Retry-After as delay-seconds or an HTTP date (RFC 9110 §10.2.3); None if unreadable."""
    if not value or not value.strip():
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():  # "²" is a digit to str.isdigit, not to int()
        return _seconds(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(when - now, timedelta(0))


def _seconds(digits: str) -> timedelta:
    """A header's delay in ASCII digits, no longer than :data:`MAX_INTERVAL` (nothing waits
    longer): ``99999999999999999999`` overflowed timedelta, 5,000 digits int(), and either
    stopped the whole refresh."""
    digits = digits.lstrip("0")
    if len(digits) > len(str(int(MAX_INTERVAL.total_seconds()))):
        return MAX_INTERVAL
    return min(timedelta(seconds=int(digits or "0")), MAX_INTERVAL)


def poll_interval(configured: timedelta | None, max_age: timedelta | None = None) -> timedelta:
    """A healthy feed's interval: the configured one (default 1 h), lengthened to the server's
    max-age (fetching a response it calls fresh is wasted), kept within 15 min .. 24 h."""
    interval = configured or DEFAULT_INTERVAL
    if max_age is not None and max_age > interval:
        interval = max_age
    return _clamp(interval)


def next_due(
    now: datetime, interval: timedelta, failures: int, retry_after: timedelta | None = None
) -> datetime:
    """The next fetch: ``interval`` when healthy; while failing, the interval doubled per
    consecutive failure up to a day; never sooner than a server's Retry-After asks."""
    delay = interval
    if failures > 0:
        delay = interval * (2 ** min(failures - 1, 16))
    if retry_after is not None and retry_after > delay:
        delay = retry_after
    return now + _clamp(delay)


def is_due(state: FeedState, now: datetime) -> bool:
    """Never fetched (all feeds are due at first start) or past its next due time, or due
    further ahead than anything is scheduled (a clock since set back: see
    ``Store.claim_feeds``)."""
    return state.status != "disabled" and (
        state.next_due is None or not now < state.next_due <= now + MAX_INTERVAL)


def told_to_wait(state: FeedState, now: datetime) -> str | None:
    """Why a refresh by hand (cron's ``aggregator refresh``) leaves this feed alone, or None.

    Its site's last answer was 429 Too Many Requests: it asked us to come back later, and the
    feed is not due before then (its Retry-After, or the back-off). The daemon keeps to this
    by its schedule; cron every 15 minutes asked again at each run, whatever the site said.
    A 503 is the site's own trouble, often over when the operator runs a refresh by hand (a
    new site going live): it is asked again."""
    if state.http_status != 429 or state.status != "error" or is_due(state, now):
        return None
    assert state.next_due is not None  # not due: a time ahead
    return (f"the site answered HTTP {state.http_status} and asked us to wait: not asked again "
            f"before {utc_minute(state.next_due)} "
            "(`aggregator refresh --force` asks now)")


def _clamp(delay: timedelta) -> timedelta:
    return min(max(delay, MIN_INTERVAL), MAX_INTERVAL)


# --- health emails ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outage:
    """What we remember about a failing feed between checks, to mail its contact only once."""

    feed_id: int
    failing_since: datetime
    notified_at: datetime | None = None


Notice = Literal["down", "recovered", "gone"]


@dataclass(frozen=True, slots=True)
class HealthStep:
    """The outcome of one health check of one feed: the outage to keep (None: forget it)
    and the email to send, if any."""

    outage: Outage | None
    notice: Notice | None = None


OUR_PROXY = ("our proxy (", "cannot connect to our proxy (")
"""How the fetcher's reasons begin when the operator's proxy refused (aggregator.fetch.reasons:
no connection, credentials wanted, the site refused or out of its reach)."""


def is_our_proxys_failure(reason: str | None) -> bool:
    """The last failure was the operator's proxy's, not the site's: its contact could do
    nothing about it, and would have been told that its feed was down."""
    return reason is not None and reason.startswith(OUR_PROXY)


def check_health(state: FeedState, outage: Outage | None, now: datetime) -> HealthStep:
    """One email when a feed has failed for a day, one when it recovers, none in between.

    A feed is failing while its last attempt failed. It has failed "for a day" when there has
    been no success for ``DOWN_ALERT_AFTER``: counted from its last success, or, for a feed
    that never worked, from when we first saw it fail. A feed disabled by a 410 Gone gets one
    email at once ("gone": we stopped reading it, register the new address if it moved), and
    is not watched any more; its notified outage is kept, so a feed brought back by a forced
    refresh gets its "recovered" email. A feed failing because of the operator's proxy
    (:func:`is_our_proxys_failure`) mails nobody: the outage is kept, and its contact is told
    if the feed goes on failing for its own reasons once the proxy is mended.
    """
    if state.status == "disabled":
        if outage is not None and outage.notified_at is not None:
            return HealthStep(outage)
        if state.http_status == 410:
            since = outage.failing_since if outage else state.last_success or state.last_attempt or now
            return HealthStep(Outage(state.feed_id, since, now), "gone")
        return HealthStep(None)
    if state.consecutive_failures > 0:
        if outage is None:
            outage = Outage(state.feed_id, state.last_success or state.last_attempt or now)
        if (outage.notified_at is None and now - outage.failing_since >= DOWN_ALERT_AFTER
                and not is_our_proxys_failure(state.last_error)):
            return HealthStep(Outage(outage.feed_id, outage.failing_since, now), "down")
        return HealthStep(outage)
    if outage is not None and outage.notified_at is not None:
        return HealthStep(None, "recovered")
    return HealthStep(None)
