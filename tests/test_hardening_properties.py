"""Property-based tests (issue 7): arbitrary text and bytes never raise anything but our own
errors, from the parsers or the normalisers the deduplication runs over every record.

``parse_body`` turns any stray library exception into a ParseError saying "unexpected ...";
these tests also check that the parsers do not need that safety net for the inputs drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from aggregator.dedup.keys import clean_url, is_specific, url_key
from aggregator.dedup.places import fold, tokens_of
from aggregator.dedup.text import normalise_brand, strip_decorations
from aggregator.errors import ParseError
from aggregator.models import ParsedFeed
from aggregator.parse import parse_body, sniff_format
from aggregator.parse.text import (
    absolute_link, clean_line, clean_text, html_to_text, is_web_url, plain_text, sanitize_html,
)
from aggregator.parse.timezones import clean_tzid, well_known_zone, zone_or_none
from aggregator.recurrence import expansion_steps

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
text = st.text(max_size=400)
ical_lines = st.lists(
    st.sampled_from([
        "BEGIN:VEVENT", "END:VEVENT", "BEGIN:VALARM", "END:VALARM", "BEGIN:VTIMEZONE", "END:VTIMEZONE",
        "DTSTART:20270101T100000Z", "DTSTART;TZID=Europe/Paris:20270101T100000", "DTSTART;VALUE=DATE:20270101",
        "DTEND:20261231T100000Z", "DURATION:P1D", "DURATION:-PT5M", "RRULE:FREQ=DAILY;COUNT=3",
        "RRULE:FREQ=SECONDLY;UNTIL=00000101", "EXDATE:20270102T100000Z", "RECURRENCE-ID:20270102T100000Z",
        "SUMMARY:<b>x</b>", "UID:a", "TZID:Nowhere/Zone", "X-WR-TIMEZONE:Mars/Base", "STATUS:CANCELED",
        "SEQUENCE:-1", "LOCATION:a\\, b", " folded continuation", "DESCRIPTION:\\n\\n",
    ]) | text.map(lambda t: t.replace("\r", "").replace("\n", "")),
    max_size=30,
)


def outcome(body: bytes, declared: str) -> ParsedFeed | ParseError:
    try:
        return parse_body(body, declared, "https://feeds.example.org/f", "Europe/Paris")
    except ParseError as error:
        assert error.reason and "\n" not in error.reason
        assert "unexpected" not in error.reason, error.reason
        return error


@FAST
@given(st.binary(max_size=2000), st.sampled_from(["auto", "ical", "rss", "atom", "jsonfeed", "jsonld"]))
def test_arbitrary_bytes_are_read_or_refused_with_a_reason(body: bytes, declared: str) -> None:
    outcome(body, declared)
    sniff_format(body)


@FAST
@given(ical_lines)
def test_arbitrary_calendar_lines_are_read_or_refused(lines: list[str]) -> None:
    body = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", *lines, "END:VCALENDAR", ""])
    outcome(body.encode("utf-8", "surrogatepass"), "auto")


@FAST
@given(text, text)
def test_arbitrary_feed_text_is_read_or_refused(title: str, inner: str) -> None:
    for body in (
        f'<?xml version="1.0"?><rss version="2.0"><channel><item><title>{title}</title>{inner}</item></channel></rss>',
        f'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>{title}</title>{inner}</entry></feed>',
        '{"version": "https://jsonfeed.org/version/1.1", "items": [{"title": %s, "id": "%s"}]}' % (title, inner),
        f'<!doctype html><script type="application/ld+json">{{"@type": "Event", "name": "{title}", '
        f'"startDate": "{inner}"}}</script>',
    ):
        outcome(body.encode("utf-8", "surrogatepass"), "auto")


NORMALISERS: list[Callable[[str], object]] = [
    clean_line, clean_text, html_to_text, plain_text, sanitize_html, is_web_url, clean_url, url_key,
    is_specific, fold, lambda t: tokens_of(fold(t)), strip_decorations, normalise_brand, clean_tzid,
    well_known_zone, zone_or_none, lambda t: absolute_link(t, "https://feeds.example.org/a/"),
]


@FAST
@given(text)
def test_normalisers_accept_any_text(value: str) -> None:
    for normalise in NORMALISERS:
        normalise(value)
    assert "\n" not in clean_line(value)
    assert "<script" not in sanitize_html(value).lower()


@FAST
@given(text)
def test_the_expansion_estimate_accepts_any_rule(rule: str) -> None:
    start = datetime(1900, 1, 1, tzinfo=UTC)
    assert expansion_steps(rule, start, datetime(2027, 1, 1, tzinfo=UTC)) >= 0


@FAST
@given(st.sampled_from(["http://", "HTTPS://", "https://", "ftp://", "http:", " //", ""]),
       st.text(st.sampled_from(list("aZé.:@/?#[]=&%\t\n x1-_")), max_size=16))
def test_clean_url_is_urlsplit_without_tracking_and_fragment(scheme: str, rest: str) -> None:
    """clean_url's shortcut for plain links gives what urlsplit → filter → urlunsplit gives,
    for any link: IPv6 brackets, tabs, a lone '?' or '#', no host, no '//'."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    from aggregator.dedup.keys import is_tracking

    url = (scheme + rest).strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        assert clean_url(url) == url
        return
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not is_tracking(k)])
    expected = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, query, ""))
    assert clean_url(url) == expected


@FAST
@given(st.sampled_from(["http://", "HTTPS://", "https://", "ftp://", "http:/", "//", " http://", ""]),
       st.text(st.sampled_from(list("aZ.:@/?#[]\t\n\r x1%")), max_size=16))
def test_is_web_url_judges_a_link_as_urlsplit_does(scheme: str, rest: str) -> None:
    """is_web_url's shortcut for links starting http(s):// gives urlsplit's verdict on any
    link: IPv6 brackets (closed, unclosed, invalid), tabs and newlines urlsplit strips, no
    host, a host ended by '?' or '#'."""
    from urllib.parse import urlsplit

    link = scheme + rest
    try:
        parts = urlsplit(link)
        expected = parts.scheme in ("http", "https") and bool(parts.netloc)
    except ValueError:
        expected = False
    assert is_web_url(link) == expected


def _clean_text_in_full(text: str) -> str:
    """clean_text as it was before its shortcut for texts already clean: every step run."""
    import unicodedata

    from aggregator.parse.text import BLANK_LINES, CONTROL_CHARS, SPACES

    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = CONTROL_CHARS.sub("", text.replace("\t", " "))
    lines = (SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


@FAST
@given(st.one_of(
    text,
    st.lists(st.sampled_from(list("ab é\n \t\r\x00\x1c\x85\xa0\u2028\u2000\u200b\ufeff")
                             + ["e\u0301", "\u1680", "\u3000"]), max_size=40).map("".join),
    st.lists(st.sampled_from(["Séminaire", "IA", " ", "\n", "\n\n", "Café", "e\u0301"]),
             max_size=12).map("".join),
))
@example("a\tb")
@example("a\u00a0b")
@example("a\n\n\nb")
@example("a \nb")
@example("a\n b")
@example("Cafe\u0301")
@example(" a")
@example("a\u200bb")
def test_clean_text_shortcut_gives_what_cleaning_in_full_gives(value: str) -> None:
    """The shortcut for text already clean returns it only when every step would have left
    it unchanged: spaces at line ends, blank runs, every kind of white space, control and
    zero-width characters, combining accents (NFC)."""
    assert clean_text(value) == _clean_text_in_full(value)
