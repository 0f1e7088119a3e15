"""Pure parsing: feed bytes -> :class:`ParsedFeed`, or a :class:`ParseError` that says why not.

``parse_body`` is the package's one entry point. It sniffs what the body really is (whatever the
feed was declared as: organisers often point an "rss" feed at an .ics file, or at their home
page), routes it to the parser of that format and guarantees that nothing but ``ParseError``
escapes, whatever a library raises. No I/O, no clock, no environment: same bytes, same result.

::

    parse_body ── sniff ─┬─ ical      parse/ical.py      (icalendar, x-wr-timezone)
                         ├─ rss/atom  parse/news.py      (feedparser)
                         ├─ jsonfeed  parse/jsonfeed.py  (json)
                         └─ jsonld    parse/jsonld.py    (schema.org Events in an HTML page)
"""

from __future__ import annotations

import dataclasses
import re
import zlib
from collections.abc import Sequence
from typing import Literal

from ..errors import ParseError, one_line
from ..models import ParsedFeed
from .discover import linked_feeds
from .guards import check_xml_depth
from .ical import parse_ical
from .item_ids import distinct_ids
from .jsonfeed import parse_jsonfeed
from .jsonld import has_jsonld_events, parse_jsonld
from .limits import within_limits
from .mojibake import double_encoding_note, repair_utf8_body
from .news import parse_news
from .text import clean_line, first_line, html_to_text

__all__ = ["ParseError", "parse_body", "sniff_format"]

Kind = Literal["ical", "rss", "atom", "jsonfeed", "xml", "html", "empty", "unknown"]
DECLARED_TYPES = ("ical", "rss", "atom", "jsonfeed", "jsonld", "auto")
MAX_WARNINGS = 50
"""Warnings kept per feed; a broken exporter can emit one per VEVENT."""
MAX_INFLATED = 32 * 1024 * 1024
"""A gzip body inflates to at most this: 3x the 10 MB fetch cap, and no zip bomb."""
SNIFF_BYTES = 4096
XML_PROLOG = re.compile(
    r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)", re.DOTALL | re.IGNORECASE
)
XML_ROOT = re.compile(r"\s*<([A-Za-z_][\w:.\-]*)")
HTML_TITLE = re.compile(rb"<title[^>]*>(.*?)</title", re.DOTALL | re.IGNORECASE)
CALENDAR_START = re.compile(r"^BEGIN:VCALENDAR[ \t]*\r?$", re.MULTILINE | re.IGNORECASE)
"""A calendar after a few lines of something else: a PHP notice printed before the export
("<br />\n<b>Warning</b>: ..."), which is neither XML nor a feed."""
FEED_START = re.compile(rb"<\?xml\b|<(?:rss|rdf:RDF|feed)\b|^\{", re.MULTILINE)
"""Where a feed starts after text printed before it: its XML declaration or root, or a line
opening a JSON object (a JSON Feed)."""
WRAPPED_FEED = re.compile(rb"<(?:rss\b[^>]{0,500}?\bversion=|feed\b[^>]{0,500}?\bxmlns=[\"']http://www\.w3\.org/2005/Atom[\"'])")
"""An RSS or Atom root inside an HTML page (a blog template wrapping its feed), which feed
readers read: not a page's mere link to its feed, nor a word in its text. Its attributes are
looked through for 500 bytes at most: unbounded, each "<rss " without its ">" was read to
the body's end (40,000 of them: 24 s)."""
ROOT_KINDS: dict[str, Kind] = {"rss": "rss", "rdf": "rss", "channel": "rss", "feed": "atom", "html": "html"}
LABELS = {"ical": "iCalendar", "rss": "RSS", "atom": "Atom", "jsonfeed": "JSON Feed"}


def parse_body(body: bytes, declared_type: str, url: str, default_tz: str = "Europe/Paris") -> ParsedFeed:
    """Parse one fetched body into events or news items.

    ``declared_type`` is the feed's type from sources.yaml ("ical", "rss", "atom", "jsonfeed" or
    "auto"); when the content is clearly another supported format we read it as that format and
    add a warning. An empty but valid calendar or feed gives a ParsedFeed with no records.

    Raises:
        ParseError: the body is not a calendar or feed we can read; ``reason`` says why in one line.
    """
    try:
        return parse_sniffed(body, declared_type, url, default_tz)
    except ParseError:
        raise
    except Exception as error:  # noqa: BLE001 - the promise: only ParseError leaves this package
        reason = f"unexpected {type(error).__name__} while parsing: {one_line(str(error), 160)}"
        raise ParseError(url, reason) from None


def parse_sniffed(body: bytes, declared_type: str, url: str, default_tz: str) -> ParsedFeed:
    """Sniff, route to one parser, add the warnings about the body itself."""
    notes: list[str] = []
    if body[:2] == b"\x1f\x8b":
        body = inflate(body, url)
        notes.append("body is gzip-compressed without Content-Encoding: decompressed")
    kind, root = sniff_format(body)
    if kind in ("xml", "unknown") and declared_type != "jsonld":  # a page is read whole
        body, kind, root = skip_text_before_feed(body, kind, root, notes)
    if kind == "empty":
        raise ParseError(url, "empty body: no calendar or feed")
    if kind == "html" and declared_type != "jsonld" and (wrapped := WRAPPED_FEED.search(body)):
        body, (kind, root) = body[wrapped.start():], sniff_format(body[wrapped.start():])
        notes.append("the feed is wrapped in an HTML page: read the feed within it")
    if kind == "html" or declared_type == "jsonld":
        if declared_type == "jsonld" or has_jsonld_events(body):  # an events page (issue 6)
            return parse_jsonld(body, url, default_tz)
        links = linked_feeds(body, url)
        offer = f"; it links to {', '.join(links)}" if links else ""
        raise ParseError(url, f"got an HTML page, not a feed: {html_title(body)}{offer}")
    if kind == "unknown":
        if declared_type not in ("ical", "rss", "atom", "jsonfeed"):
            raise ParseError(url, f"not a calendar or feed: starts with {preview(body)!r}")
        kind = declared_type  # type: ignore[assignment]
    notes.extend(type_mismatch(declared_type, kind))
    if kind != "ical":  # a calendar is repaired once unfolded (parse/ical.py)
        body, repaired = repair_utf8_body(body)
        if repaired:
            notes.append(double_encoding_note(repaired))
    parsed = distinct_ids(within_limits(route(kind, root, body, url, default_tz)))
    warnings = tuple(dict.fromkeys([*notes, *parsed.warnings]))
    if len(warnings) > MAX_WARNINGS:
        extra = len(warnings) - MAX_WARNINGS + 1
        warnings = (*warnings[: MAX_WARNINGS - 1], f"... and {extra} more warnings")
    return dataclasses.replace(parsed, warnings=warnings)


def route(kind: Kind, root: str, body: bytes, url: str, default_tz: str) -> ParsedFeed:
    """Call the parser for ``kind``."""
    if kind == "ical":
        return parse_ical(body, url, default_tz)
    if kind == "jsonfeed":
        return parse_jsonfeed(body, url, default_tz)
    check_xml_depth(body, url)
    try:
        return parse_news(strip_leading_space(body), url, kind in ("rss", "atom"), default_tz)
    except ParseError as error:
        if kind == "xml" and root:
            raise ParseError(url, f"not an RSS or Atom feed: root element <{root}>") from None
        raise error


def sniff_format(body: bytes) -> tuple[Kind, str]:
    """What the body looks like, from its first bytes, and the XML root element's name if any.

    ``xml`` is well-formed-looking XML with a root we do not know (feedparser still gets a go);
    ``unknown`` is anything else.
    """
    head = decode_head(body[:SNIFF_BYTES]).lstrip("\ufeff \t\r\n\x00")
    if not head:
        return "empty", ""
    upper = head[:32].upper()
    if upper.startswith("BEGIN:"):
        return "ical", ""
    if head[0] in "{[":
        return "jsonfeed", ""
    if head[0] != "<":
        return ("ical" if CALENDAR_START.search(head) else "unknown"), ""
    if re.match(r"<!DOCTYPE\s+html", head, re.IGNORECASE):
        return "html", "html"
    root = xml_root(head)
    local = root.rsplit(":", 1)[-1].lower()
    kind = ROOT_KINDS.get(local, "xml")
    if kind == "xml" and CALENDAR_START.search(head):
        return "ical", ""
    return kind, root


def skip_text_before_feed(body: bytes, kind: Kind, root: str, notes: list[str]) -> tuple[bytes, Kind, str]:
    """The body from its XML declaration, feed element or JSON object on, when text comes
    before them (a PHP notice printed ahead of the feed): the sniffer saw a ``<br>`` root or
    plain text, and feedparser read the feed as ill-formed, or not at all."""
    found = FEED_START.search(body, 0, SNIFF_BYTES)
    if found is None or not body[: found.start()].strip():
        return body, kind, root
    if found.group() == b"{" and b"<script" in body[: found.start()].lower():
        return body, kind, root  # a page's JSON-LD or script, not a JSON Feed
    before = first_line(body[: found.start()].decode("utf-8", "replace"))
    if before:  # white space only (a no-break space) goes without a word, as before <?xml
        notes.append(f"text before the feed ignored, the first line: {before!r}")
    body = body[found.start() :]
    return (body, *sniff_format(body))


def xml_root(head: str) -> str:
    """The root element's name, past the XML declaration, comments and DOCTYPE."""
    position = 0
    while match := XML_PROLOG.match(head, position):
        if match.end() == position:
            break
        position = match.end()
    root = XML_ROOT.match(head, position)
    return root.group(1) if root else ""


def decode_head(head: bytes) -> str:
    """Decode the first bytes for sniffing: UTF-16/32 by BOM or NUL pattern, else UTF-8."""
    for bom, codec in ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
                       (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):  # fmt: skip
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, errors="ignore")
    if head[:2] == b"<\x00":
        return head.decode("utf-16-le", errors="ignore")
    if head[:2] == b"\x00<":
        return head.decode("utf-16-be", errors="ignore")
    return head.decode("utf-8", errors="replace")


def type_mismatch(declared: str, kind: str) -> list[str]:
    """A warning when the body is not what sources.yaml says (RSS and Atom count as one)."""
    if declared not in LABELS or kind not in LABELS or declared == kind:
        return []
    if {declared, kind} == {"rss", "atom"}:
        return []
    return [f"declared as {declared} but the body is {LABELS[kind]}: read as {LABELS[kind]}"]


def read_as_another_type(warnings: Sequence[str]) -> bool:
    """Whether a parse's ``warnings`` hold :func:`type_mismatch`'s: the feed gave another
    kind than declared, and was read as what it gave."""
    return any(w.startswith("declared as ") and " but the body is " in w for w in warnings)


def strip_leading_space(body: bytes) -> bytes:
    """Drop whitespace before ``<?xml`` (after any UTF-8 BOM): feedparser calls it ill-formed."""
    bom = b"\xef\xbb\xbf" if body.startswith(b"\xef\xbb\xbf") else b""
    return bom + body[len(bom) :].lstrip(b" \t\r\n")


def inflate(body: bytes, url: str) -> bytes:
    """Decompress a gzip body, bounded.

    Raises:
        ParseError: corrupt gzip data, or more than MAX_INFLATED bytes once inflated.
    """
    decompressor = zlib.decompressobj(wbits=31)
    try:
        inflated = decompressor.decompress(body, MAX_INFLATED)
    except zlib.error as error:
        raise ParseError(url, f"corrupt gzip body: {error}") from None
    if decompressor.unconsumed_tail:
        raise ParseError(url, f"gzip body inflates past {MAX_INFLATED // 2**20} MB")
    return inflated


def html_title(body: bytes) -> str:
    """The page's <title>, to help the organiser find the right feed URL."""
    match = HTML_TITLE.search(body[:65536])
    title = clean_line(html_to_text(match.group(1).decode("utf-8", "replace"))) if match else ""
    return repr(title[:100]) if title else "no <title>"


def preview(body: bytes) -> str:
    """The first characters of a body, for a reason string."""
    return clean_line(decode_head(body[:60]))[:40]
