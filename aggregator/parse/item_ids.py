"""One id per article of a copy of a news feed. Pure.

An article's id is the feed's (``<guid>``, Atom's ``<id>``), else its link, else a hash of it
(parse/news.py). Feeds whose every item links to the home page and gives no guid are common:
the copy's articles then share one id, their link. The store keeps
an article by its id from copy to copy (news_copies.py, article_dates.py): each new copy
replaced one stored row of that id and left the others beside its own, so /news listed the
same article once more at each change of the feed, and one stored date stood for all of them.
Articles sharing such an id are now told apart by their title and date, which stay from copy
to copy. An id the feed gives (CONTRACT.md: news.json says "the entry id in that feed") stays
as the feed gives it, even shared.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import Counter

from ..models import NewsItem, ParsedFeed


def distinct_ids(parsed: ParsedFeed) -> ParsedFeed:
    """``parsed`` with each id shared by several of its items made the item's own
    (:func:`own_id`); ``parsed`` itself when none is shared (nearly every feed)."""
    counts = Counter(item.guid for item in parsed.items)
    if not counts or max(counts.values()) < 2:
        return parsed
    given = Counter(item.guid for item in parsed.items
                    if counts[item.guid] > 1 and not _stands_in(item))
    return dataclasses.replace(parsed, items=tuple(
        dataclasses.replace(item, guid=own_id(item))
        if counts[item.guid] > 1 and _stands_in(item) else item for item in parsed.items),
        warnings=(*parsed.warnings, *map(shared_id_note, given.most_common(1))))


def shared_id_note(shared: tuple[str, int]) -> str:
    """The warning for items sharing an id the feed gives (a template's constant guid): it
    stays theirs (news.json's guid is the feed's), and readers take them for one article."""
    guid, count = shared
    return (f"{count} items share the id the feed gives them ({guid[:80]!r}): feed readers take "
            "them for one article; give each item its own guid")


def _stands_in(item: NewsItem) -> bool:
    """Whether the item's id stands in for one the feed did not give: its link, or the hash
    of an item with neither id nor link."""
    return item.guid == item.link or item.guid.startswith("sha256:")


def own_id(item: NewsItem) -> str:
    """The shared id followed by a hash of the item's title and date ("#" and 16 hex digits:
    a link's fragment, which link comparisons leave aside)."""
    when = item.published or item.updated
    seed = f"{item.title}|{when.isoformat() if when else ''}"
    return f"{item.guid}#{hashlib.sha256(seed.encode()).hexdigest()[:16]}"
