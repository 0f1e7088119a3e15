"""PURE: what a news feed's new copy does to the articles stored from its earlier copies.

A feed lists its latest articles only (WordPress: the last 10). An article that leaves it has
not been withdrawn: it has aged out of the feed, and feed readers (lemon24/reader, Miniflux)
keep it. So do we, until housekeeping prunes it with the rest of the news older than the news
window: replaced wholesale, the store lost a busy organisation's articles from /news, the
exports and the digest within days, and every article of a feed that came back empty once.

Some publishers give every article a new GUID in each copy of the feed. The same link is then
the same article: it keeps its stored GUID, hence its merged id (the Atom entry's id: feed
readers showed it twice) and the day it was first seen (an undated one came back as news).
A link counts only where it names one article, in the new copy and among the stored ones
(feeds whose every item links to the home page are common).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

from .models import NewsItem


class StoredArticle(NamedTuple):
    """An article the store holds from the feed's earlier copies."""

    row: int
    """Its row's id (the rows a new copy replaces are deleted by id)."""
    guid: str
    link: str


class Renewal(NamedTuple):
    """A new copy as it is stored."""

    items: tuple[NewsItem, ...]
    """The copy's articles, an article found again by its link under its stored GUID."""
    replaced: tuple[int, ...]
    """The rows of the stored articles the copy holds again (the others stay)."""


def renew(items: Sequence[NewsItem], stored: Sequence[StoredArticle]) -> Renewal:
    """The copy's articles and the stored rows they replace (see the module docstring)."""
    by_guid = {article.guid: article for article in stored}
    stored_links = Counter(article.link for article in stored if article.link)
    by_link = {article.link: article for article in stored
               if article.link and stored_links[article.link] == 1}
    new_links = Counter(item.link for item in items if item.link)
    new_guids = {item.guid for item in items}
    renewed: list[NewsItem] = []
    replaced: list[int] = []
    for item in items:
        found = by_guid.get(item.guid)
        if found is None and new_links[item.link] == 1:
            found = by_link.get(item.link)
            if found is not None and found.guid in new_guids:
                found = None  # its own GUID is still in the copy: another article
            if found is not None:
                item = dataclasses.replace(item, guid=found.guid)
        if found is not None:
            replaced.append(found.row)
        renewed.append(item)
    return Renewal(tuple(renewed), tuple(replaced))
