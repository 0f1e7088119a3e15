"""HTML nested past any real page's depth, flattened before the sanitiser reads it.

nh3 (html5ever) looks through the open elements at each tag it reads, so its time grows with
the square of the nesting: an article of 10,000 nested ``<div>`` took 0.7 s to sanitise, one
of 100,000 (a megabyte, within the size cap) 70 s, twice a parse, so that one such item in
a news feed spent the feed's minute of parsing and the whole feed was refused. Elements past
:data:`MAX_NESTING` deep lose their tags here, their text kept, in one linear pass.

PURE: text in, text out.
"""

from __future__ import annotations

import re

MAX_NESTING = 500
"""Open elements kept around any point of a text (real articles nest a few dozen deep)."""
TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)\b[^<>]*?(/?)>")
EMPTY = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr"})
"""Elements with no content and no end tag: they nest nothing."""
CLOSED_BY_THEIR_NEXT = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "option",
                                  "optgroup", "rp", "rt", "thead", "tbody", "tfoot"})
"""Elements HTML closes when another one starts (a page's hundreds of unclosed ``<p>``):
counted as nesting nothing, so that an ordinary article keeps every tag."""


def flattened(html: str, limit: int = MAX_NESTING) -> str:
    """``html`` without the tags of elements nested more than ``limit`` deep (as their tags
    open and close, read without HTML's error recovery); their text kept."""
    if html.count("<") <= limit:
        return html
    depth, last = 0, 0
    pieces: list[str] = []
    for tag in TAG.finditer(html):
        closing, name, empty = tag.group(1), tag.group(2).lower(), tag.group(3)
        if name in EMPTY or name in CLOSED_BY_THEIR_NEXT or (empty and not closing):
            continue
        if closing:
            kept, depth = depth <= limit, max(depth - 1, 0)
        else:
            depth += 1
            kept = depth <= limit
        if not kept:
            pieces.append(html[last:tag.start()])
            last = tag.end()
    return "".join([*pieces, html[last:]]) if pieces else html
