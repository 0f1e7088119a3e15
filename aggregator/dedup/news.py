"""Article deduplication: one article however many feeds relay it.

Relays change the GUID, add tracking parameters to the link, switch http/https or www, and
decorate the title ("[Relais]", "À lire :", "– Org"). Recurring columns are the trap: every
week's "Revue de presse de la semaine" has the same title and is a different article, so a title
a source repeats must be backed by its summary, and dates more than a few days apart never match.
A shared link is strong evidence only where it is an article's own page: not a listing
("/actualites/") nor a page several items of one feed link to, and not when two feeds' items
linking to it differ in title and in summary or date (two articles about one event page).
"""

from __future__ import annotations

import dataclasses
import html
import re
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain, combinations
from operator import attrgetter

from ..memo import Memo
from ..models import NewsItem, Source
from .keys import is_specific, url_key
from .places import fold, tokens_of
from .similar import title_score
from .text import GENERIC, STOPWORDS, Title, TitleNormaliser, normalise_brand, strip_decorations

RELAY_DAYS = 3
"""A relay follows its original within days (benchmark relays: 0-2 days late); a column
repeats weekly, so 3 keeps two weeks of "Revue de presse" apart even without a summary."""

TITLE_THRESHOLD = 0.90
"""Decorations and accents are stripped before scoring, so the benchmark's relays score 1.0
(news recall 0.995); 0.90 forgives one dropped word in a ten-word title."""

SUMMARY_AGREE = 0.8
"""Two summaries of one article: >= 80 % of the shorter one's words (title words, :data:`FILLER`
words and the last, possibly cut, word aside) appear in the longer. A relay's copied or cut
summary scores 1.0; columns and job offers sharing a title differ in their own words. A
rapidfuzz token_set_ratio >= 80 here let same-titled columns through (news precision 0.9805 vs
0.9960 now). With fewer than 3 such words there is no evidence; then a title its feed repeats
(a column) is never enough."""

_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class Article:
    """What the article scorer needs about one NewsItem, computed once."""

    key: str
    feed: str
    links: tuple[str, ...]
    title: Title
    decorated: bool
    day: int | None
    summary: tuple[str, ...]
    """Words of the summary that are not title words, the last (maybe cut) one dropped."""
    seen_day: int | None = None
    """For an undated item, the day it was first seen: a relay of a dated article is met
    there (the relay is seen within the hour where the aggregator runs)."""
    opening: int | None = None
    """The hash of the summary's first :data:`OPENING_WORDS` words, title words kept: a
    relay under its own headline copies the summary, so it is found by its opening."""
    cited: tuple[str, ...] = ()
    """For a post, whose text opens with its title (a Mastodon post's title is its first
    words), the keys of the articles' pages it links to (:func:`_cited`)."""


def profile_items(items: Sequence[NewsItem], sources: Mapping[str, Source]) -> list[Article]:
    """One :class:`Article` per item."""
    brands = [normalise_brand(s.name) for s in sources.values()]
    titles = TitleNormaliser()  # brands in an article title are its subject, not decoration
    ARTICLES.new_build(brands)
    articles = [ARTICLES.get(item, lambda: _article(item, brands, titles)) for item in items]
    ARTICLES.settle()
    return _own_pages(articles)


def _own_pages(articles: list[Article]) -> list[Article]:
    """The articles without the links (and summary openings) two items of one feed share: a
    feed that links every item to its news page ("/actualites/") made all its articles,
    weeks apart, one item (as news_copies.py, a link counts only where it names one
    article)."""
    links = Counter(chain.from_iterable(map(attrgetter("links"), articles)))
    openings = Counter(map(attrgetter("opening"), articles))
    repeated = {k for k, n in links.items() if n > 1}
    repeated.update(k for k, n in openings.items() if n > 1 and k is not None)
    if not repeated:  # counted per feed only for the keys some articles share (relays')
        return articles
    per_feed = Counter((a.feed, k) for a in articles
                       if a.opening in repeated or not repeated.isdisjoint(a.links)
                       for k in (*a.links, a.opening) if k in repeated)
    shared = {k for (_feed, k), n in per_feed.items() if n > 1}
    if not shared:
        return articles
    return [dataclasses.replace(a, links=tuple(k for k in a.links if k not in shared),
                                opening=None if a.opening in shared else a.opening)
            if a.opening in shared or shared.intersection(a.links) else a for a in articles]


ARTICLES: Memo[NewsItem, Article] = Memo()
"""Articles of the previous build's items (an article depends on its item and the brands)."""


def _article(item: NewsItem, brands: list[str], titles: TitleNormaliser) -> Article:
    bare, decorated = strip_decorations(item.title, brands)
    when = item.published or item.updated
    summary, opening, post = _summary(item.summary, bare)
    return Article(
        key=f"{item.source_id}:{item.guid}", feed=item.feed_url or item.source_id,
        links=_links(item), title=titles(bare), decorated=decorated,
        day=_ordinal(when) if when else None,
        summary=summary, opening=opening, cited=_cited(item.summary) if post else (),
        seen_day=_ordinal(item.seen) if when is None and item.seen else None)


def _ordinal(when: datetime) -> int:
    """The UTC day of ``when`` (a naive one is UTC)."""
    return (when.astimezone(UTC) if when.tzinfo else when).toordinal()


def _summary(summary: str, title: str) -> tuple[tuple[str, ...], int | None, bool]:
    """The summary's words that are not words of the (folded) title (:attr:`Article.summary`),
    the hash of its opening (:attr:`Article.opening`), and whether it opens with the title
    (a post, :attr:`Article.cited`)."""
    title_words = set(tokens_of(title))
    tokens = tokens_of(fold(_TAG.sub(" ", summary)))
    heading = tokens_of(fold(title))
    post = bool(heading) and tokens[:len(heading)] == heading
    words = [w for w in tokens[:min(len(tokens) - 1, 80)] if w not in FILLER]
    opening = hash(tuple(words[:OPENING_WORDS])) if len(words) >= OPENING_WORDS else None
    # Interned: a build keeps 75,000 articles' words, mostly the same few thousand (issue 8).
    return tuple(map(sys.intern, [w for w in words if w not in title_words])), opening, post


OPENING_WORDS = 8
"""A summary's first 8 words (:data:`FILLER` aside) are its opening: two articles' own texts
rarely open alike for that long, and a relay's summary cut after a line keeps them. A feed
that opens every item alike (boilerplate) has no opening (:func:`_own_pages`)."""


FILLER = STOPWORDS | frozenset(
    "qui dont ce cet cette ces se sa son ses leur leurs notre nos votre vos mon ma mes il ils "
    "elle elles on nous vous je y ne pas plus est sont sera seront ete etre ont fait tout toute "
    "tous toutes jusqu jusque lors entre vers sans sous apres avant depuis comme aussi mais "
    "donc car si tres ainsi deja encore ici c j m t celui celle ceux cela ca "
    "is are was were be been will can this that these those it its our your their we you they "
    "he she as all more also about into over not no so "
    "ist sind wird werden auf aus nach vor uber unter auch nicht sich es wir sie ihr unser "
    "unsere des einer eines einem einen zu "
    "lire suite savoir read continue reading weiterlesen appeared first post".split())
"""Words any two summaries share ("les", "sont", "the", "Lire la suite"), left out: counted,
"Les candidatures sont ouvertes jusqu'au 15 mars" and "… au 30 avril" of two organisations'
"Appel à candidatures" agreed at 80 % and were one article (bench.dedup_score: news precision
0.9992 -> 0.9996; recall 0.9954 -> 0.9942, relays cut to "Plus de cent partic…" of a title
their original's feed repeats, which only "plus" and "de" joined)."""


def summaries_agree(a: tuple[str, ...], b: tuple[str, ...]) -> bool | None:
    """True/False when both summaries say enough (see :data:`SUMMARY_AGREE`), else None."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(set(short)) < 3:
        return None
    return len(set(short) & set(long)) / len(set(short)) >= SUMMARY_AGREE


def _agree(a: Article, b: Article) -> bool | None:
    """:func:`summaries_agree` on the words of neither title. Each summary is kept without
    its own title's words; two titles that differ left the same text different words (a
    relay under its own headline with the original's text agreed at 78 %: two articles)."""
    if a.title.tokens == b.title.tokens:
        return summaries_agree(a.summary, b.summary)
    titles = set(a.title.tokens) | set(b.title.tokens)
    return summaries_agree(tuple(w for w in a.summary if w not in titles),
                           tuple(w for w in b.summary if w not in titles))


_HREF = re.compile(r'<a\s[^>]*?\bhref="(https?://[^"]+)"', re.IGNORECASE)
MAX_CITED = 5
"""Links of a text that may name the article it announces: a post's first few (the
article's link comes first; a newsletter's fortieth is one of its many subjects)."""


def _cited(summary: str) -> tuple[str, ...]:
    """The keys of the article pages (as :func:`_links`) the first links of ``summary`` go to:
    a social post announcing an article links to it (:func:`_announces`)."""
    if "href" not in summary:
        return ()
    keys = (url_key(html.unescape(link)) for link in _HREF.findall(summary)[:MAX_CITED])
    return tuple(dict.fromkeys(k for k in keys if k and is_specific(k) and not _is_listing(k)))


def _announces(a: Article, b: Article) -> bool:
    """One is a post linking to the other's own page: a post announcing the article
    (Mastodon's account feed: its own link is the post, its text the title and the
    article's link). An article of its own that links to another of the same title ("see
    also the lab's report") is not announcing it (only its text could tell)."""
    return not (set(a.cited).isdisjoint(b.links) and set(b.cited).isdisjoint(a.links))


def _links(item: NewsItem) -> tuple[str, ...]:
    """The canonical link, and the GUID when it is a link or a globally unique id."""
    keys = []
    link = url_key(item.link)
    if link and is_specific(link) and not _is_listing(link):
        keys.append(link)
    guid = item.guid.strip()
    if guid.startswith(("http://", "https://")):
        guid_link = url_key(guid)
        if is_specific(guid_link) and not _is_listing(guid_link):
            keys.append(guid_link)
    elif len(guid) >= 16:
        keys.append("guid:" + guid)
    return tuple(dict.fromkeys(keys))


LISTINGS = frozenset(
    "actualites actualite actus actu news blog articles agenda evenements events presse press "
    "communiques newsletter newsletters aktuelles neuigkeiten nachrichten veranstaltungen".split())
"""Names of pages that list articles: a link to one ("/actualites/") is nobody's own page,
so two articles linking to it share nothing."""
TAXONOMIES = frozenset("category categorie categories rubrique tag tags kategorie page".split())
"""What a listing of some articles is under: "/category/ia/", "/tag/python/", "/blog/page/2"."""


def _is_listing(key: str) -> bool:
    """True for a link key to a listing page (:data:`LISTINGS`, :data:`TAXONOMIES`)."""
    head, _, last = (key.partition("?")[0] if "?" in key else key).rpartition("/")
    if not head:
        return False  # a site root, or a platform's event id
    return last.lower() in LISTINGS or ("/" in head
                                        and head.rpartition("/")[2].lower() in TAXONOMIES)


def columns(articles: Sequence[Article]) -> set[tuple[str, ...]]:
    """Titles some feed publishes more than once: recurring columns."""
    seen: dict[tuple[str, tuple[str, ...]], int] = {}
    for a in articles:
        seen[a.feed, a.title.tokens] = seen.get((a.feed, a.title.tokens), 0) + 1
    return {tokens for (_feed, tokens), n in seen.items() if n > 1}


BLOCKING_WORDS = 3
"""Each article is blocked under its 3 rarest title words only. A relay keeps the title (its
decorations are stripped first), so it shares those words; common words ("retour", "notre")
no longer pair every article of a week with every other. On bench/pipeline.py's 7,500 items
this cut 645,934 scored pairs to a few thousand (merge_news 5.5 s -> well under a second) with
bench.dedup_score's news F1 unchanged."""


MAX_BLOCK = 60
"""A "rare" word that 60 articles share within a week says nothing (bench.dedup_score's
largest true block is 4 relays); such blocks are skipped so cost stays linear. Relays in them
are still found through their shared link or GUID."""


def _rare_words(articles: Sequence[Article]) -> list[list[str]]:
    frequency: dict[str, int] = {}
    for a in articles:
        for token in set(a.title.tokens):
            frequency[token] = frequency.get(token, 0) + 1
    chosen = []
    for a in articles:
        words = sorted({t for t in a.title.tokens if t not in GENERIC},
                       key=lambda t: (frequency[t], t))
        chosen.append(words[:BLOCKING_WORDS] or [""])
    return chosen


def candidate_pairs(articles: Sequence[Article]) -> list[tuple[int, int]]:
    """Pairs sharing a link/GUID key, or a rare title word or a summary opening in the same
    or next 3-day slot (undated items: among themselves, and in the slot of the day they were
    first seen)."""
    blocks: dict[tuple[str | int, int], list[int]] = {}
    for i, (a, words) in enumerate(zip(articles, _rare_words(articles), strict=False)):
        for link in a.links:
            blocks.setdefault((link, -1), []).append(i)
        slot = -2 if a.day is None else a.day // RELAY_DAYS
        seen_slot = -2 if a.seen_day is None else a.seen_day // RELAY_DAYS
        keys: Sequence[str | int] = words if a.opening is None else (*words, a.opening)
        for word in keys:
            blocks.setdefault((word, slot), []).append(i)
            if seen_slot >= 0:
                blocks.setdefault((word, seen_slot), []).append(i)
    pairs: set[tuple[int, int]] = set()
    for (word, slot), group in blocks.items():
        nxt = blocks.get((word, slot + 1)) if slot >= 0 else None
        if nxt:
            group = group + nxt
        elif len(group) < 2:
            continue  # most blocks: one article, no pair
        if len(group) <= MAX_BLOCK:
            pairs.update(combinations(sorted(group), 2))
    return sorted((i, j) for i, j in pairs if i != j)


def same_item(a: Article, b: Article, repeated: set[tuple[str, ...]]) -> tuple[bool, float]:
    """(same article?, title score) for one candidate pair; one feed's two items are two
    articles (a link they share is its news page, see :func:`_own_pages`)."""
    if a.feed == b.feed:
        return False, 0.0
    if set(a.links) & set(b.links):
        return not _disowned(a, b), 1.0
    score = title_score(a.title.tokens, b.title.tokens)[0]
    if score < TITLE_THRESHOLD:
        return _copied(a, b), score
    if _apart(a, b):
        return False, score
    if _announces(a, b):  # the title and a link to the article's page: what a post gives
        return True, score
    agree = _agree(a, b)
    if agree is not None:
        return agree, score
    if min(len(a.title.subjects), len(b.title.subjects)) < TITLE_ALONE_WORDS:
        return False, score
    return not (a.title.tokens in repeated or b.title.tokens in repeated), score


def _copied(a: Article, b: Article) -> bool:
    """A relay under its own headline: the same summary opening, the summaries agreeing, the
    dates days apart at most. The venue's "Bravo au LORIA pour sa bourse européenne !" with
    the lab's summary word for word was refused on its title and shown twice."""
    return (a.opening is not None and a.opening == b.opening and not _apart(a, b)
            and _agree(a, b) is True)


TITLE_ALONE_WORDS = 3
"""A title is evidence alone (no shared link, no summary to compare) when it has at least 3
subject words: "Appel à projets 2026" or "Newsletter de décembre" from two incubators are two
articles, and were one, listed under one incubator with the other's summary. A relay of
"Le LORIA obtient un financement ERC" keeps its four. bench.dedup_score's news figures are
unchanged."""


def _apart(a: Article, b: Article) -> bool:
    """Dated too far apart, or numbered differently ("n°12" / "n°13")."""
    if a.day is not None and b.day is not None and abs(a.day - b.day) > RELAY_DAYS:
        return True
    return bool(a.title.numbers and b.title.numbers and a.title.numbers != b.title.numbers)


def contradicts(a: Article, b: Article) -> bool:
    """True when ``a`` and ``b`` are two articles whatever joins them through a third: two
    of one feed, dated or numbered apart, or summaries saying different things. A relay
    with no summary matched both "Appel à projets 2026" of one incubator and that of
    another, which were then one article though their summaries differ (bench.dedup_score:
    news precision 0.9960 -> 0.9992, recall unchanged)."""
    if a.feed == b.feed:
        return True
    if set(a.links) & set(b.links):
        return _disowned(a, b)
    return _apart(a, b) or _agree(a, b) is False


def _disowned(a: Article, b: Article) -> bool:
    """True when two feeds' items linking to one page are two articles about it: other
    titles, and other summaries or dates days apart. A relay keeps the title or the summary;
    an association's "Le hackathon ouvre sa billetterie" and the venue's "Nos espaces ouverts
    tout le week-end", both linking to the ticketing page, were one article."""
    numbered_apart = a.title.numbers and b.title.numbers and a.title.numbers != b.title.numbers
    if title_score(a.title.tokens, b.title.tokens)[0] >= TITLE_THRESHOLD and not numbered_apart:
        return False
    return _apart(a, b) or _agree(a, b) is False
