"""JSON Feed 1.0/1.1 bytes -> :class:`NewsItem` records, with the json module.

feedparser 6 does not read JSON Feed, and the format is small enough to map by hand
(https://jsonfeed.org/version/1.1). Fields of the wrong type are ignored with a warning rather
than sinking the feed, as reader does; an item without any usable field is skipped.
"""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime, tzinfo
from typing import Any

from ..errors import ParseError, one_line
from ..models import NewsItem, ParsedFeed
from .languages import language_tag
from .news import MAX_ITEMS, fallback_title, hashed_guid
from .news_dates import any_written_date, moved
from .text import (
    absolute_link, clean_identifier, clean_line, is_web_url, load_json_text, sanitize_html,
)
from .timezones import well_known_zone

VERSION_PREFIX = "https://jsonfeed.org/version/"
REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
"""A character reference written out in full (with its ";"): "R&D" and "?a=1&para=2" are
text, not references."""


def load_json(body: bytes, url: str) -> Any:
    """Decode a JSON document (UTF-8, BOM tolerated).

    Raises:
        ParseError: not UTF-8 or not JSON; the reason gives the line and column.
    """
    try:
        return load_json_text(body.decode("utf-8-sig"), parse_constant=refuse_constant)
    except UnicodeDecodeError as error:
        raise ParseError(url, f"JSON Feed not UTF-8 at byte {error.start}") from None
    except json.JSONDecodeError as error:
        where = f"line {error.lineno} column {error.colno}"
        raise ParseError(url, f"invalid JSON at {where}: {error.msg}") from None
    except (ValueError, RecursionError) as error:
        raise ParseError(url, f"invalid JSON: {one_line(str(error), 120)}") from None


def refuse_constant(name: str) -> Any:
    """NaN and Infinity are not JSON (RFC 8259); Python's json accepts them by default."""
    raise ValueError(f"{name} is not valid JSON")


def is_json_feed(document: Any) -> bool:
    """Whether a decoded JSON value is a JSON Feed: a jsonfeed.org version, or an items list.

    Some producers write ``"version": "1.1"`` or leave it out (corpus: gofeed__json11_full.json);
    an object with an ``items`` list is still recognisably a feed.
    """
    if not isinstance(document, dict):
        return False
    return "jsonfeed.org" in str(document.get("version", "")) or isinstance(document.get("items"), list)


def parse_jsonfeed(body: bytes, url: str, default_tz: str = "Europe/Paris") -> ParsedFeed:
    """Read every item of a JSON Feed (a date typed with no zone, not RFC 3339, is in
    ``default_tz``).

    Raises:
        ParseError: not JSON, or JSON that does not declare a JSON Feed version.
    """
    document = load_json(body, url)
    if not is_json_feed(document):
        raise ParseError(url, 'JSON but not a JSON Feed: no "version": "https://jsonfeed.org/version/1.1"')
    notes: list[str] = []
    version = str(document.get("version", ""))
    if "jsonfeed.org/version/1" not in version:
        notes.append(f"unknown JSON Feed version {version!r}: read as 1.1")
    links = [str(document.get(key, "")) for key in ("home_page_url", "feed_url")]
    base = next((link for link in links if is_web_url(link)), url)
    raw_items = document.get("items")
    if not isinstance(raw_items, list):
        notes.append('no "items" list: the feed holds no items')
        raw_items = []
    zone = well_known_zone(default_tz) or UTC
    items = [item for item in (read_item(raw, base, url, notes, zone) for raw in raw_items[:MAX_ITEMS])
             if item]
    if len(raw_items) > MAX_ITEMS:
        notes.append(f"{len(raw_items)} items: kept the first {MAX_ITEMS}")
    title = document.get("title")
    return ParsedFeed(
        format="jsonfeed",
        title=clean_line(decode_references(title)) if isinstance(title, str) else "",
        items=tuple(items),
        warnings=tuple(notes),
    )


def text_field(item: dict[str, Any], name: str, notes: list[str]) -> str:
    """A string field; wrong types are ignored with a warning."""
    value = item.get(name)
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and name == "id":
        return str(value)  # JSON Feed 1.0 producers sometimes write numeric ids
    if not isinstance(value, str):
        notes.append(f"item field {name!r} is a {type(value).__name__}, not a string: ignored")
        return ""
    return value


def decode_references(title: str) -> str:
    """A JSON Feed title with its character references read: the spec's titles are plain
    text, but WordPress's JSON Feed writes them as its RSS does, HTML-escaped, and readers
    saw "Releasing &#8216;Jokes&#8217;" (corpus: rsparser__pxlnv.json). Markup stays
    literal text ("<blink>" is a title's words); only the references are read."""
    return REFERENCE.sub(lambda found: html.unescape(found.group(0)), title) if "&" in title else title


def read_item(raw: Any, base: str, url: str, notes: list[str],
              zone: tzinfo = UTC) -> NewsItem | None:
    """Convert one JSON Feed item; None (with a warning) when it is not an object or is empty."""
    if not isinstance(raw, dict):
        notes.append(f"skipped item: a {type(raw).__name__}, not an object")
        return None
    link = absolute_link(text_field(raw, "url", notes), base) or absolute_link(
        text_field(raw, "external_url", notes), base
    )
    summary = read_content(raw, base, notes)
    title = clean_line(decode_references(text_field(raw, "title", notes)))  # markup is literal
    guid = clean_identifier(text_field(raw, "id", notes)).strip() or link
    if not (guid or title or summary):
        notes.append("skipped item with no id, url, title or content")
        return None
    published = read_date(raw, "date_published", notes, zone)
    updated = read_date(raw, "date_modified", notes, zone)
    return NewsItem(
        guid=guid or hashed_guid(title, summary, published or updated),
        title=title or fallback_title(summary, link),
        link=link,
        published=published or updated,
        updated=updated,
        summary=summary,
        author=read_authors(raw),
        feed_url=url,
        language=language_tag(raw.get("language")),  # the item's own (JSON Feed 1.1)
    )


def read_content(raw: dict[str, Any], base: str, notes: list[str]) -> str:
    """content_html, else content_text, else summary, as sanitised HTML."""
    content = text_field(raw, "content_html", notes)
    if not content:
        plain = text_field(raw, "content_text", notes) or text_field(raw, "summary", notes)
        content = html.escape(plain).replace("\n", "<br>")
    return sanitize_html(content, base) if content else ""


def read_date(raw: dict[str, Any], name: str, notes: list[str],
              zone: tzinfo = UTC) -> datetime | None:
    """An RFC 3339 date as an aware UTC datetime; a date written otherwise (with no offset,
    in ``zone`` as a feed's are; RFC 822 copied from an RSS template, "07.12.2026 18:00") as
    parse/news_dates.py reads it, with a warning."""
    text = text_field(raw, name, notes).strip()
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        read, typed = any_written_date(text, zone), True
    else:
        read, typed = moved(value.replace(tzinfo=value.tzinfo or zone), UTC), value.tzinfo is None
    if read is None:
        notes.append(f"unreadable {name} {text[:40]!r}: ignored")
    elif typed:
        notes.append(f"{name} {text[:40]!r} is not RFC 3339 as JSON Feed asks "
                     "(2026-12-07T18:00:00+01:00): read as written")
    return read


def read_authors(raw: dict[str, Any]) -> str:
    """Names from ``authors`` (1.1) or ``author`` (1.0), comma-joined."""
    authors = raw.get("authors")
    if not isinstance(authors, list):
        authors = [raw.get("author")]
    names = [a.get("name") for a in authors if isinstance(a, dict)]
    return ", ".join(clean_line(n) for n in names if isinstance(n, str) and n.strip())
