"""PURE: the language a news item declares for itself, for the ``lang`` of pages and digests
and the ``xml:lang`` of news.atom.

Only the item's own word counts, never the feed's: a feed-wide ``<language>`` or root
``xml:lang`` is as often its CMS's default as the truth (WordPress writes the site's locale,
en-US out of the box; Hugo's sample config says en-us), so French articles came marked
English. The organisation's ``language`` in sources.yaml, chosen by the operator or at
registration, says what its feed is written in; an entry that says otherwise on its own (an
Atom entry's, title's or content's xml:lang other than the feed's, an RSS item's dc:language,
a JSON Feed item's ``language``) is the one English article of a French lab, deliberately
marked by its author.
"""

from __future__ import annotations

import re
from typing import Any

TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")
"""A BCP 47 tag's shape (RFC 5646 §2.1, the rare extlang and private forms left out)."""
NO_LANGUAGE = frozenset({"und", "mul", "zxx", "mis"})
"""ISO 639's codes for undetermined, several, no linguistic content, uncoded: no voice."""


def language_tag(value: object) -> str:
    """The primary language subtag of ``value`` ("en" of "en-US" or "EN_gb"), what the
    sources' ``language`` holds and a reader's language is compared with; "" for anything
    that is not a language tag."""
    text = value.strip() if isinstance(value, str) else ""
    if not TAG.fullmatch(text):
        return ""
    primary = re.split(r"[-_]", text, maxsplit=1)[0].lower()
    return "" if primary in NO_LANGUAGE else primary


def entry_language(entry: Any, feed: Any) -> str:
    """The language a feedparser entry declares for itself, or "".

    RSS, which has no xml:lang, says it with dc:language (feedparser's ``entry.language``);
    feedparser gives each text the xml:lang in scope, the feed's root one included. Only a
    declaration other than the feed's is the entry's own: a CMS that stamps every item with
    its default says nothing of one item."""
    inherited = _folded(feed.get("language"))
    details = [entry.get("title_detail"), *(entry.get("content") or ()),
               entry.get("summary_detail")]
    for declared in (entry.get("language"), *((d or {}).get("language") for d in details)):
        if declared and _folded(declared) != inherited:
            return language_tag(declared)
    return ""


def _folded(value: object) -> str:
    return str(value or "").strip().lower().replace("_", "-")
