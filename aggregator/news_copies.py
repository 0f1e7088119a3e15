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

An article with neither GUID nor link (hand-made feeds) is known by a hash of its title and
text (:data:`HASHED`), which its author's every correction changes: it is found again by its
title, where one such article of the copy and one stored have it.

Articles of one copy that shared an id are told apart by the parser (parse/item_ids.py); the
rows stored under the id they shared before (one left behind at each copy) are replaced by
the copy that tells them apart.
"""

from __future__ import annotations

import dataclasses
import re
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
    title: str = ""


HASHED = "sha256:"
"""How the parsers' GUID of an item with neither GUID nor link begins (parse/news.py)."""


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
    by_title = _unique_titles([a for a in stored if _hashed(a.guid, a.link)], new_guids)
    new_titles = Counter(item.title for item in items if _hashed(item.guid, item.link))
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
        if found is None and _hashed(item.guid, item.link) and new_titles[item.title] == 1:
            found = by_title.get(item.title)  # its text corrected: its hash changed
            if found is not None:
                item = dataclasses.replace(item, guid=found.guid)
        if found is not None:
            replaced.append(found.row)
        renewed.append(item)
    return Renewal(tuple(renewed), tuple(replaced) + _shared_before(items, stored, new_guids))


def _shared_before(items: Sequence[NewsItem], stored: Sequence[StoredArticle],
                   new_guids: set[str]) -> tuple[int, ...]:
    """The rows stored under an id the copy's articles now tell apart (:func:`own_id`'s
    suffix), every one of them: they are those articles, kept once more at each copy."""
    shared = {found.group(1) for item in items if (found := TOLD_APART.fullmatch(item.guid))}
    shared -= new_guids
    return tuple(article.row for article in stored if article.guid in shared) if shared else ()


TOLD_APART = re.compile(r"(.*)#[0-9a-f]{16}", re.DOTALL)
"""An id the parser told apart from others of its copy (parse/item_ids.py: ``#`` and 16 hex
digits after the id they shared)."""


def _hashed(guid: str, link: str) -> bool:
    """Whether an article is known by the hash of its title and text alone."""
    return not link and guid.startswith(HASHED)


def _unique_titles(stored: Sequence[StoredArticle], new_guids: set[str]
                   ) -> dict[str, StoredArticle]:
    """The stored articles by title, where one has it and its GUID is not in the copy."""
    titles = Counter(article.title for article in stored if article.title)
    return {a.title: a for a in stored
            if a.title and titles[a.title] == 1 and a.guid not in new_guids}
