"""An organiser gives a page, not a feed: the reason names the feeds the page links to."""

from __future__ import annotations

import time

import pytest

from aggregator.errors import ParseError
from aggregator.parse import parse_body
from aggregator.parse.discover import linked_feeds

PAGE = "https://asso.example.org/agenda/"
WORDPRESS = b"""<!DOCTYPE html><html><head><title>Agenda | L'Asso</title>
<link rel="alternate" type="application/rss+xml" title="L'Asso &raquo; Flux" href="https://asso.example.org/feed/" />
<link rel="alternate" type="application/rss+xml" title="L'Asso &raquo; Flux des commentaires" href="https://asso.example.org/comments/feed/" />
<link rel='alternate' type='text/calendar' title='L&#039;Asso &raquo; iCal Feed' href='https://asso.example.org/events/?ical=1' />
</head><body><a href="webcal://asso.example.org/events/?ical=1">Exporter vers Apple</a>
<a class="button" href="/agenda/atelier.ics">Ajouter</a></body></html>"""


def test_a_wordpress_events_page_names_its_calendars_first_then_its_news_feed() -> None:
    assert linked_feeds(WORDPRESS, PAGE) == [
        "https://asso.example.org/events/?ical=1",  # <link> and webcal:// link: one address
        "https://asso.example.org/agenda/atelier.ics",  # relative, made absolute
        "https://asso.example.org/feed/",  # the comments' feed is not the news
    ]


@pytest.mark.parametrize(("html", "found"), [
    (b'<a href="https://calendar.google.com/calendar/ical/x%40group/public/basic.ics">iCal</a>',
     ["https://calendar.google.com/calendar/ical/x%40group/public/basic.ics"]),
    (b'<a href="https://www.meetup.com/nancy-py/events/ical/">Export</a>',
     ["https://www.meetup.com/nancy-py/events/ical/"]),
    (b'<link rel="alternate" type="application/atom+xml" href="/blog/atom.xml">',
     ["https://asso.example.org/blog/atom.xml"]),
    (b'<link rel="alternate" type="application/feed+json" href="feed.json">',
     ["https://asso.example.org/agenda/feed.json"]),
    (b'<a href="/events/">Events</a><link rel="stylesheet" href="x.css"><a href="mailto:a@b">m</a>', []),
    (b'<a href="javascript:alert(1)//.ics">x</a><a href="http://[oops/x.ics">y</a><a href="ftp://x/y.ics">z</a>', []),
    (b'<link rel="alternate" type="text/calendar"><a href="">empty</a><a>none</a>', []),
])
def test_what_counts_as_a_feed_link(html: bytes, found: list[str]) -> None:
    assert linked_feeds(html, PAGE) == found


def test_at_most_three_are_named() -> None:
    html = b"".join(b'<a href="/c%d.ics">c</a>' % n for n in range(10))
    assert len(linked_feeds(html, PAGE)) == 3


def test_the_reason_a_page_is_not_a_feed_names_the_feeds_it_links_to() -> None:
    with pytest.raises(ParseError) as raised:
        parse_body(WORDPRESS, "auto", PAGE)
    assert raised.value.reason == (
        "got an HTML page, not a feed: \"Agenda | L'Asso\"; it links to "
        "https://asso.example.org/events/?ical=1, https://asso.example.org/agenda/atelier.ics, "
        "https://asso.example.org/feed/")


def test_a_page_linking_to_no_feed_says_so_as_before() -> None:
    with pytest.raises(ParseError) as raised:
        parse_body(b"<!DOCTYPE html><html><head><title>Accueil</title></head></html>", "auto", PAGE)
    assert raised.value.reason == "got an HTML page, not a feed: 'Accueil'"


@pytest.mark.parametrize("unit", [b"<a ", b'<a title="', b"<rss ", b"<!-- ", b"<![CDATA[ "])
def test_a_page_of_unclosed_tags_is_read_for_its_links_in_linear_time(unit: bytes) -> None:
    """A page (broken or hostile) of tags that never close: html.parser read each to the end
    of the page, 20,000 of them took 33 s of a refresh's processor budget, the megabyte looked
    at about two hours. The links before and after such debris are still found."""
    body = (b'<html><head><link rel="alternate" type="application/rss+xml" href="/feed/">'
            b"</head><body>" + unit * 200_000)
    started = time.process_time()
    assert linked_feeds(body, PAGE) == ["https://asso.example.org/feed/"]
    assert time.process_time() - started < 5  # unbounded: 200,000 took over 10 minutes


def test_links_in_comments_are_not_named_and_an_unclosed_comment_hides_the_rest() -> None:
    html = (b'<!-- <a href="/old.ics">ancien</a> --><a href="/new.ics">x</a>'
            b'<!-- <a href="/never.ics">')
    assert linked_feeds(html, PAGE) == ["https://asso.example.org/new.ics"]


def test_a_tag_whose_attribute_holds_a_less_than_sign_is_still_read() -> None:
    html = b'<a title="1 < 2" href="/cal.ics">x</a><a href="/b.ics" title="a<b">y</a>'
    assert linked_feeds(html, PAGE) == ["https://asso.example.org/cal.ics",
                                        "https://asso.example.org/b.ics"]
