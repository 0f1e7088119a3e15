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


def _end_text(end: Callable[..., Any]) -> Callable[..., Any]:
    def end_media_text(parser: Any) -> Any:
        if parser.elementstack and parser.elementstack[-1][0] == IGNORED:
            parser.elementstack.pop()
            return None
        return end(parser)
    return end_media_text


def keep_media_text_to_its_file() -> None:
    """Patch both of feedparser's parsers (once per process; before handlers are wrapped)."""
    for parser in (feedparser.api.StrictFeedParser, feedparser.api.LooseFeedParser):
        if getattr(parser, "media_text_kept", False):
            continue
        parser._start_media_content = _start_content(parser._start_media_content)
        parser._end_media_content = _end_content
        for name in ("title", "description"):
            setattr(parser, f"_start_media_{name}", _start_text(getattr(parser, f"_start_media_{name}")))
            setattr(parser, f"_end_media_{name}", _end_text(getattr(parser, f"_end_media_{name}")))
        parser.media_text_kept = True
