"""Media RSS (``media:``) as feedparser reads it, mended where it takes a picture's words for
the article's. Part of parse/news.py, the one module with feedparser (here its handlers only).

feedparser reads every ``<media:title>`` as a title and every ``<media:description>`` as a
description, wherever they are. Under ``<media:group>`` (YouTube's channel feed) they are
the video's, which is the entry: wanted. Under ``<media:content>`` they describe one
attached file: Mastodon's account RSS gives each picture of a post its alt text there, and
WordPress.com each post its author's gravatar titled with their login. Taken as the
entry's, the alt text replaced the post's text (a description after another becomes the
content, which wins), and an item without a title (all of Mastodon's) was titled by its
picture's alt text or its author's login. Inside ``<media:content>`` they are now left
to the file. And where they are the entry's, they are plain text unless typed (:data:`PLAIN`).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import feedparser.api

IGNORED = "media_text_of_a_file"
"""The element pushed (and popped) for a title or description inside ``<media:content>``."""


def _start_content(start: Callable[..., Any]) -> Callable[..., Any]:
    def start_media_content(parser: Any, attrs_d: Any) -> Any:
        parser.in_media_content = getattr(parser, "in_media_content", 0) + 1
        return start(parser, attrs_d)
    return start_media_content


def _end_content(parser: Any) -> None:
    parser.in_media_content = max(0, getattr(parser, "in_media_content", 0) - 1)


def _start_text(start: Callable[..., Any]) -> Callable[..., Any]:
    def start_media_text(parser: Any, attrs_d: Any) -> Any:
        if getattr(parser, "in_media_content", 0):
            parser.push(IGNORED, 0)
            return None
        if "type" not in attrs_d:  # Media RSS's default: plain text (see PLAIN)
            attrs_d = {**attrs_d, "type": PLAIN}
        return start(parser, attrs_d)
    return start_media_text


PLAIN = "plain"
"""A ``media:title`` or ``media:description`` with no ``type`` is plain text (Media RSS
1.5.1), which feedparser typed as HTML: a YouTube video's description, lines of plain text,
ran into one line on /news and in the digest."""


def _end_text(end: Callable[..., Any], name: str) -> Callable[..., Any]:
    def end_media_text(parser: Any) -> Any:
        if parser.elementstack and parser.elementstack[-1][0] == IGNORED:
            text = "".join(parser.elementstack.pop()[2]).strip()
            files = parser._get_context().get("media_content")
            if text and files:
                files[-1].setdefault(name, text)  # the file's own (see pictures)
            return None
        return end(parser)
    return end_media_text


def pictures(entry: Any) -> tuple[str, str]:
    """The description of an entry's first picture and its pictures as HTML (not yet
    sanitised), for an entry with neither title nor text: a Mastodon post of a picture
    alone was titled by its address and showed nothing."""
    found = [(str(m.get("url") or ""), str(m.get("description") or m.get("title") or ""))
             for m in entry.get("media_content") or []
             if m.get("medium") == "image" or str(m.get("type") or "").startswith("image/")]
    found = [(url, words) for url, words in found if url]
    shown = "".join(f'<img src="{html.escape(url)}" alt="{html.escape(words)}">'
                    for url, words in found)
    return next((words for _, words in found if words), ""), shown


def keep_media_text_to_its_file() -> None:
    """Patch both of feedparser's parsers (once per process; before handlers are wrapped)."""
    for parser in (feedparser.api.StrictFeedParser, feedparser.api.LooseFeedParser):
        if getattr(parser, "media_text_kept", False):
            continue
        parser._start_media_content = _start_content(parser._start_media_content)
        parser._end_media_content = _end_content
        for name in ("title", "description"):
            setattr(parser, f"_start_media_{name}", _start_text(getattr(parser, f"_start_media_{name}")))
            end = getattr(parser, f"_end_media_{name}")
            setattr(parser, f"_end_media_{name}", _end_text(end, name))
        parser.media_text_kept = True
