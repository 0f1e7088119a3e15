"""RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and CDF bytes -> :class:`NewsItem` records, with feedparser.

With parse/feed_dates.py (its date handlers, which also run it), the one module that imports
feedparser. feedparser is lenient (it reads ill-formed XML and reports "bozo"); we keep that
leniency but turn it into a warning, and only refuse a body that yields no entries and no
recognisable feed. We hand feedparser a byte stream, never a string, so it can neither fetch a
URL nor open a local file, and we switch its sanitiser off to apply our own nh3 policy
(parse/text.py) to every summary. An ill-formed feed is first mended where
the author's meaning is plain (ampersands left unescaped: parse/ampersands.py), and an element
feedparser's handlers slip on costs that element, not the feed (``_make_handlers_tolerant``).
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urlsplit

import feedparser.api
import feedparser.mixin
import feedparser.util

from ..errors import ParseError, one_line
from ..models import NewsItem, ParsedFeed
from .ampersands import escape_stray_ampersands
from .char_refs import replace_references_to_nothing
from .feed_dates import read_with_dates, to_utc, undated_note, unread_dates_note
from .languages import entry_language
from .media_rss import keep_media_text_to_its_file, pictures
from .text import (absolute_link, clean_identifier, clean_line, clean_text, html_to_text,
                   is_web_url, looks_like_html, plain_text, sanitize_html)
from .timezones import well_known_zone
from .xml_declaration import drop_unnamed_encoding

MAX_ITEMS = 50_000
"""Same bound as VEVENTs per feed; real feeds hold 10 to 100 entries."""
HTML_TYPES = ("text/html", "application/xhtml+xml")
HANDLER_SLIPS = (KeyError, TypeError, ValueError, IndexError)
"""What feedparser's element handlers raise on an element out of place or missing an
attribute (a podcast chapter with no start, a GML position list outside its geometry)."""
SLIPS_KEY = "aggregator_unread_elements"
"""Where the tolerant handlers note, in feedparser's feed dict, the elements they gave up."""


def parse_news(body: bytes, url: str, feed_root: bool = False,
               default_tz: str = "Europe/Paris") -> ParsedFeed:
    """Read every entry of an RSS, Atom or CDF body.

    ``feed_root`` says the root element is a feed's (rss, rdf:RDF, channel, feed): a well-formed
    body with such a root and no entries is an empty feed even when feedparser names no version
    (it does not for an item-less CDF channel). A date typed with no zone is in ``default_tz``.

    Raises:
        ParseError: no entry and no recognisable feed (not XML, not a feed, empty document).
    """
    notes: list[str] = []
    body, unnamed = drop_unnamed_encoding(body)
    if unnamed is not None:
        notes.append(f"declared encoding {one_line(unnamed, 40)!r} is no encoding's name: "
                     "read as UTF-8")
    body, stray = escape_stray_ampersands(body)  # first mend what the author surely meant
    if stray:
        notes.append(f"{stray} '&' not written '&amp;' as XML requires: read as text")
    body, nothing = replace_references_to_nothing(body)
    if nothing:
        notes.append(f"{nothing} character references to no character (half of a UTF-16 "
                     "pair such as &#xD800;, or past U+10FFFF): read as U+FFFD")
    parsed, order_note = read_with_dates(body, well_known_zone(default_tz) or UTC)
    version = str(parsed.get("version") or "")
    entries = list(parsed.get("entries") or [])
    if parsed.get("bozo"):
        problem = describe_bozo(parsed.get("bozo_exception"))
        if not entries and not version:
            raise ParseError(url, problem)
        notes.append(f"{problem}; read leniently")
    elif not entries and not version and not feed_root:
        raise ParseError(url, "not an RSS or Atom feed: no channel, feed or item element")
    feed = parsed.get("feed") or {}
    unread = feed.pop(SLIPS_KEY, None)
    if unread:
        notes.append(f"ignored elements out of place or incomplete: {', '.join(unread)}")
    base = feed_base(feed, url)
    if len(entries) > MAX_ITEMS:
        notes.append(f"{len(entries)} entries: kept the first {MAX_ITEMS}")
        entries = entries[:MAX_ITEMS]
    from_page = written_from_pages(feed)
    read = [(entry, read_entry(entry, base, url, from_page, entry_language(entry, feed)))
            for entry in entries]
    items = [item for _, item in read if item]
    unread_dates = [str(entry.get("published") or entry.get("updated")) for entry in entries
                    if (entry.get("published") or dict.get(entry, "updated"))
                    and not (to_utc(entry.get("published_parsed"))
                             or to_utc(dict.get(entry, "updated_parsed")))]
    if unread_dates:
        notes.append(unread_dates_note(unread_dates))
    if order_note:
        notes.append(order_note)
    undated = sum(1 for entry, item in read
                  if item and not (entry.get("published") or dict.get(entry, "updated")))
    if undated:
        notes.append(undated_note(undated))
    if len(items) < len(entries):
        notes.append(f"skipped {len(entries) - len(items)} entries with no id, title, link or content")
    return ParsedFeed(
        format=feed_format(version),
        title=title_text(feed),
        items=tuple(items),
        warnings=tuple(notes),
    )


def _tolerant(handler: Callable[..., Any], name: str) -> Callable[..., Any]:
    """``handler`` raising AttributeError where it slipped on an odd element.

    feedparser reads an AttributeError from an element's handler as "no handler" and keeps
    the element as an unknown one; any other exception ended the whole parse, and the feed
    was refused for one malformed element among its entries ("unexpected KeyError while
    parsing: 'where'"). The element (``name``: the handler's attribute, its function may be
    another element's) is noted for the feed's warnings. A start handler takes the element's
    attributes, an end handler nothing: two wrappers, as one taking ``*args`` cost 3 % of
    parsing a feed."""

    def slipped(parser: Any) -> AttributeError:
        _note_unread(parser, _element_of(name))
        return AttributeError(name)

    def tolerant_start(parser: Any, attrs_d: Any) -> Any:
        try:
            return handler(parser, attrs_d)
        except HANDLER_SLIPS as slip:
            raise slipped(parser) from slip

    def tolerant_end(parser: Any) -> Any:
        try:
            return handler(parser)
        except HANDLER_SLIPS as slip:
            raise slipped(parser) from slip

    tolerant: Callable[..., Any] = tolerant_start if name.startswith("_start_") else tolerant_end
    tolerant.__name__ = name
    tolerant.tolerant = True  # type: ignore[attr-defined]
    return tolerant


def _note_unread(parser: Any, tag: str) -> None:
    unread = parser.feeddata.setdefault(SLIPS_KEY, [])
    if tag not in unread:
        unread.append(tag)


def _textinput_anywhere(start: Callable[..., Any], end: Callable[..., Any]
                        ) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """feedparser's ``<textInput>`` start and end. In an item, where RSS has none, the elements
    inside it looked for the channel's and the whole feed was refused ("unexpected KeyError
    while parsing: 'textinput'"): read there as the channel's (which nothing reads), the item
    around it is left whole, and the element is noted as out of place."""
    def start_textinput(parser: Any, attrs_d: Any) -> Any:
        if parser.inentry:
            parser.textinput_in_entry, parser.inentry = parser.inentry, 0
            _note_unread(parser, "<textinput>")
        return start(parser, attrs_d)

    def end_textinput(parser: Any) -> Any:
        try:
            return end(parser)
        finally:
            parser.inentry = parser.inentry or getattr(parser, "textinput_in_entry", 0)
            parser.textinput_in_entry = 0

    return start_textinput, end_textinput


def _element_of(handler_name: str) -> str:
    """``_start_psc_chapter`` -> ``<psc:chapter>`` (feedparser's prefixes, not the feed's)."""
    name = handler_name.removeprefix("_start_").removeprefix("_end_")
    prefix, _, local = name.partition("_")
    return f"<{prefix}:{local}>" if local and prefix in _PREFIXES else f"<{name}>"


_PREFIXES = frozenset(feedparser.mixin._FeedParserMixin.namespaces.values()) - {""}


def _make_handlers_tolerant() -> None:
    """Wrap every element handler of both of feedparser's parsers (once per process), and
    ``<textInput>``'s in :func:`_textinput_anywhere` first."""
    for parser in (feedparser.api.StrictFeedParser, feedparser.api.LooseFeedParser):
        if not getattr(parser._start_textinput, "tolerant", False):
            start, end = _textinput_anywhere(parser._start_textinput, parser._end_textinput)
            parser._start_textinput = parser._start_textInput = start
            parser._end_textinput = parser._end_textInput = end
        for name in dir(parser):
            handler = getattr(parser, name)
            if name.startswith(("_start_", "_end_")) and not getattr(handler, "tolerant", False):
                setattr(parser, name, _tolerant(handler, name))


keep_media_text_to_its_file()
_make_handlers_tolerant()


def feed_format(version: str) -> Literal["rss", "atom"]:
    """"atom" for feedparser's atom03/atom10, "rss" for RSS, RDF and CDF."""
    return "atom" if version.startswith("atom") else "rss"


def describe_bozo(error: object) -> str:
    """A one-line reason from feedparser's bozo exception (SAX errors carry a line number)."""
    if error is None:
        return "not a well-formed feed"
    line = getattr(error, "getLineNumber", None)
    message = getattr(error, "getMessage", None)
    if callable(line) and callable(message):
        return f"invalid XML at line {line()}: {message()}"
    name = type(error).__name__
    if name == "CharacterEncodingOverride":
        return f"wrong declared encoding: {one_line(str(error), 160)}"
    return f"not a well-formed feed: {one_line(str(error), 160) or name}"


def feed_base(feed: Any, url: str) -> str:
    """What relative links resolve against: the feed's own link if absolute, else its URL."""
    link = str(feed.get("link") or "")
    if is_web_url(link):
        return link
    return url


ORIGINAL = "feedburner_origlink"
"""FeedBurner's ``<feedburner:origLink>``: the article's own address, where its ``<link>``
is a feedproxy.google.com redirect, which relays' links never match (so the relay stayed a
second article) and which leaks every reader's click to a third party."""


PAGE_RELATIONS = ("alternate", "")
"""The links of an entry that are its page: not its enclosure (a podcast's MP3, which the
reader's click downloaded), its comments feed ("replies"), "self" or "edit"."""


def read_entry(entry: Any, base: str, url: str, from_page: bool = False,
               language: str = "") -> NewsItem | None:
    """Convert one feedparser entry, written in ``language`` if it says so itself
    (:func:`.languages.entry_language`); None when it has no id, title, link or content. With
    ``from_page`` (:func:`written_from_pages`), a text without xml:base is read from the
    item's page (:func:`page_base`)."""
    own_base = str(entry.get("title_detail", {}).get("base") or "")
    entry_base = own_base if is_web_url(own_base) else base
    others = [x for x in entry.get("links") or []
              if x.get("rel", "alternate") not in PAGE_RELATIONS]
    link = first_link([str(entry.get(ORIGINAL) or ""), entry_link(entry)] + [  # see ORIGINAL
        str(x.get("href") or "") for x in entry.get("links") or [] if x not in others], entry_base)
    summary = read_summary(entry, page_base(link, entry_base) if from_page and not own_base
                           else entry_base, link)
    published = to_utc(entry.get("published_parsed") or entry.get("created_parsed"))
    updated = to_utc(dict.get(entry, "updated_parsed"))  # entry.get would alias published (issue 310)
    title = title_text(entry)
    if not (title or summary):  # a picture alone (Mastodon): its description, the picture
        described, shown = pictures(entry)
        title, summary = clean_line(described), sanitize_html(shown)
    if not (title or link or summary or entry.get("id")):  # a bare enclosure is all there is
        link = first_link([str(x.get("href") or "") for x in others], entry_base)
        if not link:
            return None
    return NewsItem(
        guid=read_guid(entry, link, title, summary, published or updated),
        title=title or fallback_title(summary, link),
        link=link,
        published=published or updated,
        updated=updated,
        summary=summary,
        author=clean_line(read_author(entry)),
        feed_url=url,
        language=language,
    )


PAGE_GENERATORS = ("hugo", "zola")
"""Site generators that keep a post's pictures and files beside it (Hugo's page bundles,
Zola's colocated assets) and write them in its feed as the post's page reads them,
"images/podium.jpg": read against the site's address, every such picture was broken on
/news and in news.atom, and such links led nowhere."""


def written_from_pages(feed: Any) -> bool:
    """Whether the feed's generator (``<generator>Hugo</generator>``) is one of
    :data:`PAGE_GENERATORS`."""
    generator = str(feed.get("generator") or "").casefold()
    return any(name in generator for name in PAGE_GENERATORS)


def page_base(link: str, base: str) -> str:
    """What an item's text resolves its relative addresses against: its page, ``link``, when
    that page is on the site of ``base``; else ``base`` (a link to another site's article
    says nothing of where this one's addresses lead)."""
    if link and urlsplit(link).netloc.lower() == urlsplit(base).netloc.lower():
        return link
    return base


def first_link(candidates: list[str], base: str) -> str:
    """The first of ``candidates`` that makes an absolute web address against ``base``."""
    return next((found for found in (absolute_link(x, base) for x in candidates) if found), "")


def entry_link(entry: Any) -> str:
    """The entry's ``<link>``; a ``<guid>`` feedparser made its link (RSS 2.0's isPermaLink
    defaults to true) only when it is an address: an opaque id such as ``<guid>12345</guid>``
    was resolved against the site, and the reader's click led to ``https://site/12345``, a
    page that does not exist. No link beats a dead one."""
    link = str(entry.get("link") or "")
    if entry.get("guidislink") and not entry.get("links") and link == str(entry.get("id") or ""):
        return link if is_web_url(link) or link.startswith("/") else ""
    return link


def read_summary(entry: Any, base: str, link: str = "") -> str:
    """The fullest body (content, else summary) as sanitised HTML; its links to a place in
    itself ("#fn1", WordPress's footnotes) go to that place on the article's ``link``, not
    on the page the relative links resolve against (the blog's home page)."""
    details = [c for c in entry.get("content") or [] if c.get("value")]
    details.sort(key=lambda c: c.get("type") not in HTML_TYPES)
    if not details and entry.get("summary"):
        details = [entry.get("summary_detail") or {"value": entry.get("summary"), "type": "text/html"}]
    if not details:
        return ""
    detail = details[0]
    value = str(detail.get("value") or "")
    kind = str(detail.get("type") or "")
    if kind not in HTML_TYPES and not kind.endswith("xml") and not looks_marked_up(value):
        value = html.escape(value).replace("\n", "<br>")
    if link and "#" in value:
        page = html.escape(link.split("#", 1)[0], quote=True)
        value = IN_PAGE_LINK.sub(lambda found: f"{found[1]}{page}#", value)
    detail_base = str(detail.get("base") or "")
    return sanitize_html(value, detail_base if is_web_url(detail_base) else base)


IN_PAGE_LINK = re.compile(r"""(\bhref\s*=\s*["']?)#""", re.IGNORECASE)
"""An ``href`` to a fragment of the page itself."""


def looks_marked_up(value: str) -> bool:
    """Whether a "text/plain" value is really HTML (RSS descriptions are untyped): it has an
    HTML tag or entity (``text.looks_like_html``). Any "<" and ">" counted before, so a plain
    text comparing "a < b" lost its line breaks (read as HTML, where they are spaces)."""
    return looks_like_html(value)


ACTIVE_MARKUP = re.compile(
    r"<\s*/?\s*(?:script|style|i?frame|frameset|object|embed|applet|img|svg|math|link|meta|"
    r"base|form|input|textarea|button|select|video|audio|source|track)\b"
    r"|<[a-z][\w-]*\s[^>]*=", re.IGNORECASE)
"""Tags that would run or load something if a consumer of our exports showed a title as
HTML: an element that embeds or executes, or any tag with an attribute."""


def title_text(element: Any) -> str:
    """A feed's or entry's title as one line of text. One the feed marks as plain text
    (Atom ``type="text"``; an RSS title where feedparser finds no markup) keeps what looks
    like tags: "Using <template> in Web Components" lost its element names as HTML. Not
    markup that could run (``<script>``, ``<img onerror=…>``): every output stays inert."""
    value = str(element.get("title") or "")
    detail = element.get("title_detail") or {}
    plain = detail.get("type") == "text/plain" and ACTIVE_MARKUP.search(value) is None
    return clean_line(clean_text(value) if plain else plain_text(value))


def read_guid(entry: Any, link: str, title: str, summary: str,
              when: datetime | None = None) -> str:
    """The entry id, else its link, else :func:`hashed_guid`."""
    guid = clean_identifier(str(entry.get("id") or "")).strip()
    if guid:
        return guid
    if link:
        return link
    return hashed_guid(title, summary, when)


def hashed_guid(title: str, summary: str, when: datetime | None) -> str:
    """The id of an item with neither id nor link: a hash of its title, text and date. A
    notice a hand-made feed repeats word for word each week ("Permanence du mardi") was one
    id for all its weeks, and each new copy of the feed left an earlier copy's rows beside
    its own: /news listed last week's notice twice, then three times. An undated item's
    hash is of its title and text alone, as it was (news_copies.py finds an item again by
    its title when its hash changes)."""
    text = f"{title}|{summary}" if when is None else f"{title}|{summary}|{when.isoformat()}"
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:32]


def fallback_title(summary: str, link: str) -> str:
    """A title for an untitled entry (RSS 2.0 allows them): its first words, else its link."""
    text = clean_line(html_to_text(summary))
    if text:
        return text if len(text) <= 80 else text[:79].rsplit(" ", 1)[0] + "…"
    return link


def read_author(entry: Any) -> str:
    """The author's name (feedparser puts it in author or author_detail.name)."""
    detail = entry.get("author_detail") or {}
    return str(detail.get("name") or entry.get("author") or "")
