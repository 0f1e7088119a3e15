"""Scheduling policy with plain values: intervals, back-off, Cache-Control, Retry-After, alerts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from aggregator import cadence, decide
from aggregator.cadence import Outage, check_health, is_due, next_due, poll_interval
from aggregator.errors import FetchError
from aggregator.models import FeedState, FetchResult, ParsedFeed

NOW = datetime(2026, 12, 7, 6, 0, tzinfo=timezone.utc)
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)
URL = "https://example.org/events.ics"


def state(**fields: object) -> FeedState:
    return FeedState(url=URL, source_id="lab", feed_id=7, declared_url=URL, **fields)  # type: ignore[arg-type]


def test_every_feed_is_due_at_first_start_and_disabled_ones_never() -> None:
    assert is_due(state(), NOW)
    assert not is_due(state(next_due=NOW + MINUTE), NOW)
    assert is_due(state(next_due=NOW), NOW)
    assert not is_due(state(status="disabled"), NOW)


def test_healthy_feeds_wait_their_interval_an_hour_by_default() -> None:
    assert poll_interval(None) == HOUR
    assert next_due(NOW, poll_interval(None), 0) == NOW + HOUR
    assert next_due(NOW, timedelta(hours=6), 0) == NOW + 6 * HOUR


def test_never_more_often_than_every_fifteen_minutes() -> None:
    assert poll_interval(timedelta(minutes=1)) == 15 * MINUTE
    assert next_due(NOW, timedelta(seconds=5), 0) == NOW + 15 * MINUTE


def test_failing_feeds_back_off_exponentially_up_to_a_day() -> None:
    delays = [next_due(NOW, HOUR, failures) - NOW for failures in range(1, 8)]
    assert delays == [HOUR, 2 * HOUR, 4 * HOUR, 8 * HOUR, 16 * HOUR, 24 * HOUR, 24 * HOUR]
    assert next_due(NOW, HOUR, 10_000) == NOW + 24 * HOUR


def test_cache_control_max_age_lengthens_the_interval_but_never_shortens_it() -> None:
    assert cadence.parse_max_age("public, max-age=10800") == 3 * HOUR
    assert cadence.parse_max_age('max-age="60", must-revalidate') == MINUTE
    assert cadence.parse_max_age("no-cache, max-age=99999") is None
    assert cadence.parse_max_age("s-maxage=500") is None
    assert cadence.parse_max_age(None) is None
    assert poll_interval(HOUR, 3 * HOUR) == 3 * HOUR
    assert poll_interval(HOUR, MINUTE) == HOUR
    assert poll_interval(HOUR, timedelta(days=365)) == 24 * HOUR


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert cadence.parse_retry_after("7200", NOW) == 2 * HOUR
    assert cadence.parse_retry_after("Mon, 07 Dec 2026 09:00:00 GMT", NOW) == 3 * HOUR
    assert cadence.parse_retry_after("Mon, 07 Dec 2026 05:00:00 GMT", NOW) == timedelta(0)
    assert cadence.parse_retry_after("soon", NOW) is None
    assert next_due(NOW, HOUR, 1, retry_after=5 * HOUR) == NOW + 5 * HOUR
    assert next_due(NOW, HOUR, 3, retry_after=MINUTE) == NOW + 4 * HOUR
    assert next_due(NOW, HOUR, 1, retry_after=timedelta(days=30)) == NOW + 24 * HOUR


ABSURD = ["99999999999999999999", "9" * 5000, "1" + "0" * 4299]
"""Delays past what timedelta holds, and past what int() reads (4,300 digits)."""


@pytest.mark.parametrize("seconds", ABSURD)
def test_a_huge_delay_is_read_as_the_longest_wait(seconds: str) -> None:
    """Each overflowed timedelta or int() and stopped the whole refresh."""
    assert cadence.parse_retry_after(seconds, NOW) == 24 * HOUR
    assert cadence.parse_max_age(f"public, max-age={seconds}") == 24 * HOUR
    assert cadence.parse_max_age(f'max-age="{seconds}"') == 24 * HOUR
    busy = FetchError(URL, "HTTP 429 Too Many Requests", 429, retry_after=seconds)
    assert decide.after_error(state(), busy, NOW, HOUR).state.next_due == NOW + 24 * HOUR
    fresh = FetchResult(url=URL, status_code=200, body=b"x", cache_control=f"max-age={seconds}")
    update = decide.after_parse(state(), fresh, ParsedFeed(format="ical"), "h", NOW, HOUR)
    assert update.state.next_due == NOW + 24 * HOUR


@pytest.mark.parametrize("seconds", ["²", "٣٦٠٠", "³⁶⁰⁰", "12e3", "-60", "0x10", "7200 "])
def test_a_delay_not_in_ascii_digits_is_unreadable_so_absent(seconds: str) -> None:
    """"²" is a digit to str.isdigit, and int("²") raised ValueError out of the refresh."""
    expected = 2 * HOUR if seconds == "7200 " else None  # white space around a header is no part of it
    assert cadence.parse_retry_after(seconds, NOW) == expected
    assert cadence.parse_max_age(f"max-age={seconds}") == expected
    busy = FetchError(URL, "HTTP 503 Service Unavailable", 503, retry_after=seconds)
    assert decide.after_error(state(), busy, NOW, HOUR).state.next_due == NOW + (expected or HOUR)


def test_leading_zeros_are_still_the_number() -> None:
    assert cadence.parse_retry_after("0" * 5000 + "60", NOW) == MINUTE
    assert cadence.parse_max_age("max-age=" + "0" * 5000) == timedelta(0)


def test_refresh_decisions_honour_the_servers_headers() -> None:
    fetched = FetchResult(url=URL, status_code=200, body=b"x", cache_control="max-age=7200")
    update = decide.after_parse(state(), fetched, ParsedFeed(format="ical"), "h", NOW, HOUR)
    assert update.state.next_due == NOW + 2 * HOUR
    not_modified = FetchResult(url=URL, status_code=304, cache_control="max-age=60")
    assert decide.after_not_modified(state(), not_modified, NOW, HOUR).state.next_due == NOW + HOUR
    busy = FetchError(URL, "HTTP 503 Service Unavailable", 503, retry_after="10800")
    assert decide.after_error(state(), busy, NOW, HOUR).state.next_due == NOW + 3 * HOUR


def test_a_feed_down_for_a_day_mails_its_contact_once_then_once_on_recovery() -> None:
    last_good = NOW - 2 * HOUR
    failing = state(status="error", consecutive_failures=1, last_success=last_good,
                    last_attempt=NOW)
    first = check_health(failing, None, NOW)
    assert first == cadence.HealthStep(Outage(7, last_good))
    still = check_health(failing, first.outage, last_good + 23 * HOUR)
    assert still.notice is None
    day = last_good + 24 * HOUR
    down = check_health(failing, still.outage, day)
    assert down.notice == "down" and down.outage == Outage(7, last_good, day)
    again = check_health(failing, down.outage, day + 5 * HOUR)
    assert again.notice is None and again.outage == down.outage
    healthy = state(status="ok", last_success=day + 6 * HOUR)
    assert check_health(healthy, again.outage, day + 6 * HOUR) == cadence.HealthStep(None, "recovered")
    assert check_health(healthy, None, day + 7 * HOUR) == cadence.HealthStep(None)


def test_a_short_outage_sends_nothing_and_a_gone_feed_is_not_watched() -> None:
    failing = state(status="error", consecutive_failures=2, last_success=NOW - HOUR)
    step = check_health(failing, None, NOW)
    assert step.notice is None and step.outage is not None
    assert check_health(state(status="ok"), step.outage, NOW + HOUR) == cadence.HealthStep(None)
    assert check_health(state(status="disabled", consecutive_failures=3), step.outage, NOW) == (
        cadence.HealthStep(None))


def test_a_feed_that_never_worked_counts_from_when_it_was_first_seen_failing() -> None:
    never = state(status="error", consecutive_failures=1, last_attempt=NOW)
    step = check_health(never, None, NOW)
    assert step.outage == Outage(7, NOW)
    assert check_health(never, step.outage, NOW + 24 * HOUR).notice == "down"
