"""The refresh decision, branch by branch, with plain values."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from aggregator import decide
from aggregator.errors import FetchError, ParseError
from aggregator.models import Event, FeedState, FetchResult, NewsItem, ParsedFeed

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)
HOUR = timedelta(hours=1)
URL = "https://example.org/events.ics"


def state(**fields: object) -> FeedState:
    return FeedState(url=URL, source_id="lab", feed_id=1, declared_url=URL, **fields)  # type: ignore[arg-type]


def parsed(n: int) -> ParsedFeed:
    events = tuple(Event(uid=f"e{i}", title=f"Event {i}", start=date(2026, 12, 10)) for i in range(n))
    return ParsedFeed(format="ical", events=events)


def ok(body: bytes = b"x", **fields: object) -> FetchResult:
    return FetchResult(url=URL, status_code=200, body=body, **fields)  # type: ignore[arg-type]


def test_parsed_body_replaces_records_and_stores_validators() -> None:
    update = decide.after_parse(state(), ok(etag='"v1"', last_modified="Tue"), parsed(4), "h1", NOW, HOUR)
    assert update.replace is not None and len(update.replace.events) == 4
    assert update.state.status == "ok" and update.state.record_count == 4
    assert update.state.etag == '"v1"' and update.state.body_hash == "h1"
    assert update.state.next_due == NOW + HOUR
    assert update.outcome.result == "updated"


def test_sudden_emptiness_keeps_records_and_flags_the_feed() -> None:
    update = decide.after_parse(state(record_count=12, body_hash="old"), ok(), parsed(0), "h2", NOW, HOUR)
    assert update.replace is None
    assert update.state.record_count == 12
    assert update.state.flagged and "suddenly empty" in update.state.flagged
    assert update.state.body_hash == "old"
    assert update.outcome.result == "flagged"


def test_small_feed_may_become_empty() -> None:
    update = decide.after_parse(state(record_count=1), ok(), parsed(0), "h2", NOW, HOUR)
    assert update.replace is not None and update.state.record_count == 0


def test_error_keeps_records_and_backs_off_exponentially() -> None:
    error = FetchError(URL, "HTTP 500 Internal Server Error", 500)
    first = decide.after_error(state(record_count=7, status="ok"), error, NOW, HOUR)
    assert first.replace is None and first.state.record_count == 7
    assert first.state.status == "error" and first.state.last_error == "HTTP 500 Internal Server Error"
    assert first.state.next_due == NOW + HOUR
    third = decide.after_error(state(consecutive_failures=2), error, NOW, HOUR)
    assert third.state.next_due == NOW + 4 * HOUR
    many = decide.after_error(state(consecutive_failures=30), error, NOW, HOUR)
    assert many.state.next_due == NOW + timedelta(hours=24)


def test_gone_disables_the_feed() -> None:
    update = decide.after_error(state(status="ok"), FetchError(URL, "HTTP 410 Gone", 410), NOW, HOUR)
    assert update.state.status == "disabled"


def test_parse_error_is_recorded_like_a_fetch_error() -> None:
    update = decide.after_error(state(record_count=3), ParseError(URL, "not an iCalendar file"), NOW, HOUR)
    assert update.state.last_error == "not an iCalendar file" and update.replace is None


def test_not_modified_touches_nothing_but_the_timestamps() -> None:
    before = state(status="error", record_count=5, etag='"v1"', consecutive_failures=2, last_error="x")
    update = decide.after_not_modified(before, FetchResult(url=URL, status_code=304), NOW, HOUR)
    assert update.replace is None and update.state.etag == '"v1"'
    assert update.state.status == "ok" and update.state.consecutive_failures == 0
    assert update.state.last_error is None and update.outcome.result == "not_modified"


def test_permanent_redirect_moves_the_feed() -> None:
    moved = ok(permanent_redirect="https://new.example.org/events.ics")
    update = decide.after_parse(state(), moved, parsed(1), "h", NOW, HOUR)
    assert update.state.url == "https://new.example.org/events.ics"
    assert update.state.declared_url == URL


def test_news_dated_in_the_future_is_dated_by_when_it_is_first_seen() -> None:
    """An article cannot be published after it is read: kept as written, one dated 2286 (a
    placeholder Unix time, 9999999999) headed every news list for 260 years."""
    items = (NewsItem(guid="far", title="Far", published=datetime(2286, 11, 20, tzinfo=timezone.utc)),
             NewsItem(guid="event", title="Event day", updated=NOW + timedelta(days=3)),
             NewsItem(guid="skew", title="Clock skew", published=NOW + HOUR),
             NewsItem(guid="edited", title="Edited", published=NOW - HOUR,
                      updated=NOW + timedelta(days=1)),
             NewsItem(guid="misdated", title="Misdated", published=NOW + timedelta(days=5),
                      updated=NOW - HOUR),
             NewsItem(guid="undated", title="Undated"))
    news = ParsedFeed(format="rss", items=items, warnings=("kept",))
    update = decide.after_parse(state(), ok(), news, "h1", NOW, HOUR)
    assert update.replace is not None
    dates = {item.guid: (item.published, item.updated) for item in update.replace.items}
    assert dates == {"far": (None, None), "event": (None, None), "skew": (NOW + HOUR, None),
                     "edited": (NOW - HOUR, None), "misdated": (None, NOW - HOUR),
                     "undated": (None, None)}
    assert update.state.warnings == (
        "kept", "2 entries dated in the future, the first 2286-11-20: dated by the day they "
        "were first seen; a feed dates an article by when it was published")
    one = ParsedFeed(format="rss", items=items[1:3])
    assert decide.after_parse(state(), ok(), one, "h1", NOW, HOUR).state.warnings == (
        f"an entry dated in the future ({(NOW + timedelta(days=3)).date()}): dated by the day it "
        "was first seen; a feed dates an article by when it was published",)
    present = ParsedFeed(format="rss", items=items[2:3])
    assert decide.after_parse(state(), ok(), present, "h1", NOW, HOUR).replace == present


def test_an_article_keeps_the_date_it_was_first_stored_with_unless_the_feed_corrects_it() -> None:
    from aggregator.parse.article_dates import Stored, dated_by_first_seen

    first = NOW - 48 * HOUR
    stored = {"came-undated": Stored(None, first), "came-ahead": Stored(None, first),
              "edited": Stored(first, None), "republished": Stored(first, None),
              "corrected": Stored(first, None)}
    items = [NewsItem(guid="came-undated", title="a", published=NOW - 72 * HOUR),  # dated since
             NewsItem(guid="came-ahead", title="b", published=NOW - HOUR),  # its day has come
             NewsItem(guid="new", title="c"), NewsItem(guid="dated", title="d", published=NOW),
             # Atom's <updated> alone, moved by an edit: the first date stays
             NewsItem(guid="edited", title="e", published=NOW - HOUR, updated=NOW - HOUR),
             # a <published> of its own, moved: the feed's word
             NewsItem(guid="republished", title="f", published=NOW - HOUR, updated=NOW),
             NewsItem(guid="corrected", title="g", published=NOW - 72 * HOUR,
                      updated=NOW - 72 * HOUR)]  # earlier: taken as written
    assert [(i.published, i.seen) for i in dated_by_first_seen(items, stored, NOW)] == [
        (NOW - 72 * HOUR, None), (None, first), (None, NOW), (NOW, None), (first, None),
        (NOW - HOUR, None), (NOW - 72 * HOUR, None)]


def test_a_copy_that_dates_most_of_its_articles_later_keeps_their_stored_dates() -> None:
    """Most shared articles moved later at once (a generator's build time as every pubDate):
    the stored dates stay; one of three moved, or an article not stored before, as written."""
    from aggregator.parse.article_dates import Stored, dated_by_first_seen

    first = NOW - 48 * HOUR
    stored = {guid: Stored(first - int(guid) * HOUR, None) for guid in "123"}
    stamped = [NewsItem(guid=guid, title=guid, published=NOW) for guid in "1234"]
    assert [i.published for i in dated_by_first_seen(stamped, stored, NOW)] == [
        first - HOUR, first - 2 * HOUR, first - 3 * HOUR, NOW]
    one = [NewsItem(guid="1", title="1", published=NOW),
           *(NewsItem(guid=guid, title=guid, published=first - int(guid) * HOUR)
             for guid in "23")]
    assert [i.published for i in dated_by_first_seen(one, stored, NOW)] == [
        NOW, first - 2 * HOUR, first - 3 * HOUR]


def test_a_flagged_feed_back_with_its_old_body_is_no_longer_flagged() -> None:
    """The flag stayed forever once the export was mended: the old body hashes as stored."""
    flagged = decide.after_parse(state(record_count=12, body_hash="old"), ok(etag='"empty"'), parsed(0),
                                 "empty", NOW, HOUR).state
    still = decide.after_not_modified(flagged, FetchResult(url=URL, status_code=304), NOW + HOUR, HOUR)
    assert still.state.flagged == flagged.flagged  # 304 to the empty body's ETag: still empty
    back = decide.after_not_modified(flagged, ok(etag='"v2"'), NOW + HOUR, HOUR, same_body=True)
    assert back.state.flagged is None and back.state.record_count == 12
    assert back.state.body_hash == "old" and back.state.etag == '"v2"'
    assert back.outcome.result == "unchanged"
