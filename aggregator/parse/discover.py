"""The feeds an HTML page links to: what to say when an organiser gives a page, not a feed.

Organisers often paste their home page or their events page. Feed readers have long found the
feed behind a page by its ``<link rel="alternate">`` (RSS and Atom autodiscovery); calendars
are offered as links to a ``.ics`` file, a ``webcal://`` address or WordPress's ``?ical=1``.
We do not follow them on our own (the organiser chooses what is published), but the reason a
page cannot be read names them, in the registration preview, ``sources check`` and the feed's
health. PURE: bytes and the page's URL in, absolute URLs out, calendars first.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from ..models import feed_address

SCAN_BYTES = 1_000_000
"""Links past the first megabyte of a page are not looked for (HTMLParser: ~20 MB/s)."""
MAX_FOUND = 3
FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/feed+json",
              "application/rdf+xml", "text/calendar"}
CALENDAR_PATH = re.compile(r"(\.ics|/ical/?)$", re.IGNORECASE)
"""``…/basic.ics`` (Google, Outlook), ``…/events/ical/`` (Meetup)."""
CALENDAR_QUERY = re.compile(r"(^|&)(ical|ics)=1(&|$)", re.IGNORECASE)
"""``?ical=1`` (WordPress's The Events Calendar)."""
COMMENTS = re.compile(r"/comments/feed/?$|[?&]feed=comments", re.IGNORECASE)
"""WordPress advertises its comments' feed beside its posts': not the organisation's news."""
HIDDEN = re.compile(r"<!--|<!\[CDATA\[|<(script|style|template|textarea)\b", re.IGNORECASE)
"""Where a page's text stops being markup: links in there are not links a visitor sees."""
HIDDEN_END = {"<!--": re.compile("-->"), "<![cdata[": re.compile(r"\]\]>")} | {
    name: re.compile(rf"</{name}\b", re.IGNORECASE)
    for name in ("script", "style", "template", "textarea")}
LINK_TAG = re.compile(
    r"""<(?:a|link)(?:\s+[^\s"'<>=/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>]*))?)*\s*/?>""",
    re.IGNORECASE)
"""A whole ``<a …>`` or ``<link …>`` tag; quoted values may hold ``<`` and ``>``. It cannot run
past an unquoted ``<``, so each try stops at the next tag: linear in the page."""


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.calendars: list[str] = []
        self.feeds: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name.lower(): (value or "").strip() for name, value in attrs}
        href = found.get("href", "")
        if not href:
            return
        if tag == "link" and "alternate" in found.get("rel", "").lower().split():
            kind = found.get("type", "").lower().split(";")[0].strip()
            if kind == "text/calendar":
                self.calendars.append(href)
            elif kind in FEED_TYPES and not COMMENTS.search(href):
                self.feeds.append(href)
        elif tag == "a" and _calendar_link(href):
            self.calendars.append(href)


def _calendar_link(href: str) -> bool:
    try:
        parts = urlsplit(href)
    except ValueError:
        return False
    return (parts.scheme.lower() in ("webcal", "webcals") or bool(CALENDAR_PATH.search(parts.path))
            or bool(CALENDAR_QUERY.search(parts.query)))


def _visible_markup(text: str) -> str:
    """The page without its comments, scripts, styles and the like, as a browser reads it:
    one that never closes hides the rest of the page. Forward searches only, so a page of
    unclosed ones costs one pass (html.parser searched to the page's end for each)."""
    kept: list[str] = []
    at = 0
    while opener := HIDDEN.search(text, at):
        kept.append(text[at:opener.start()])
        end = HIDDEN_END[(opener.group(1) or opener.group()).lower()].search(text, opener.end())
        if end is None:
            return "".join(kept)
        at = end.end()
    kept.append(text[at:])
    return "".join(kept)


def linked_feeds(body: bytes, page_url: str) -> list[str]:
    """Up to :data:`MAX_FOUND` calendar and feed addresses the page links to, calendars
    first, each once, absolute (``webcal://`` as ``https://``); only http(s) ones.

    html.parser alone takes quadratic time on tags that never close (20,000 of them: 33 s):
    it is given only the page's whole ``<a>`` and ``<link>`` tags, found in one pass."""
    markup = _visible_markup(body[:SCAN_BYTES].decode("utf-8", "replace"))
    parser = _Links()
    try:
        parser.feed("".join(tag.group() for tag in LINK_TAG.finditer(markup)))
        parser.close()
    except (AssertionError, ValueError):  # HTMLParser gives up on some broken markup
        pass
    found: dict[str, None] = {}
    for href in [*parser.calendars, *parser.feeds]:
        try:
            url = urljoin(page_url, feed_address(href))
            scheme = urlsplit(url).scheme
        except ValueError:  # "http://[oops/": urlsplit refuses it
            continue
        if scheme in ("http", "https") and len(url) <= 500:
            found.setdefault(url)
    return list(found)[:MAX_FOUND]
