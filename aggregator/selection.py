"""Which published events and news items a selection keeps: the agenda's filters, a filtered
calendar, events.json and news feed. Pure: plain models in, the chosen ones out, in order.

The filters combine with AND. ``city``, ``kind`` and ``tag`` compare slugs, as
calendars/<slug>.ics does: an event is in its own city, a news item in the cities of the
organisations that posted it (as the weekly digest groups news); a kind or tag matches when
any organisation that posted it has it. ``q`` keeps what has every word of the search in its
text (an event's title, place, city by any of its names and description; an item's title
and summary) or in the name of an organisation that posted it, ignoring case and accents; a
word of up to :data:`SHORT_WORD` letters only at a word's start ("IA" is not in
"Médiathèque"), one of two as a whole word ("KI" is not in "Kirchberg"); a topic's name in
any language also finds its names in the others ("KI": "IA", "AI"; :data:`SYNONYMS`).
"""

from __future__ import annotations

import functools
import html
import re
import threading
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Protocol, TypeVar

from .dedup.places import CITIES, CITY_PHRASES, SAME_CITY, SUBURBS, venue_districts
from .districts import District, district
from .models import LANGUAGES, SOURCE_KINDS, MergedEvent, MergedItem, Source
from .render import search_texts, slugify
from .slug import has_umlaut, search_fold, umlauts_spelled
from .topics import KIND_ALIASES, KINDS, TOPICS, filter_word, topic, topic_names, topic_slug

TAG = re.compile(r"<[^>]*>")
SHORT_WORD = 3
"""A search's words of up to this many letters are looked for at a word's start only: "IA"
or "AI" found inside other words ("Médiathèque", "sociaux", "semaine") listed half the
agenda. Longer ones are found inside words too ("sicherheit" in "Cybersicherheit")."""
WHOLE_WORD = 2
"""A search's words of up to this many letters are looked for as whole words: "KI" found
"Kirchberg", "AI" every "aide" and "ainsi"."""
SPLIT_FROM = 6
"""A search's words of this many letters or more also find their spelling in two words
(:func:`spellings`): "meetup" "meet-up", not "chat" "ch at"."""
HYPHEN = re.compile(r"(?<=\w)[-‐‑](?=\w)")


@dataclass(frozen=True, slots=True)
class Selection:
    """Filters of the agenda, the calendars, events.json and the news feeds (all optional)."""

    city: str = ""
    kind: str = ""
    tag: str = ""
    source: str = ""
    q: str = ""

    @property
    def empty(self) -> bool:
        return not self.filters()

    def label(self, language: str = "fr", sources: Mapping[str, Source] | None = None) -> str:
        """The filters as a reader of ``language`` names them ("Metz / Laboratoire / IA"):
        the name of a calendar, an embedded list, a feed of the selection. An organisation
        is named as in ``sources`` (its id otherwise): its own calendar, feeds and embed on
        its site said "– loria", the internal id, not "LORIA"."""
        known = sources or {}
        return " / ".join(known[value].name if name == "source" and value in known
                          else filter_word(name, value, language)
                          for name, value in self.filters().items())

    def filters(self) -> dict[str, str]:
        """The filters given, as a query string names them (``{"city": "Metz"}``)."""
        return {name: value for name, value in asdict(self).items() if value}


def as_offered(selection: Selection, cities: Collection[str], tags: Collection[str]
               ) -> Selection:
    """``selection`` with its city, kind and topic written as the filters offer them, among
    ``cities`` and ``tags``: a link may name them in lower case, as a slug (``metz``, as
    calendars/metz.ics), in another language (``Luxemburg``, ``Laboratoire``, ``KI``).
    Filtered alike, the form showed such a value as "All" (and choosing another filter then
    dropped it), the sign-up form ticked nothing. See :class:`Offer`."""
    offer = Offer.of(cities, tags)
    return replace(selection, city=offer.city(selection.city), kind=offer.kind(selection.kind),
                   tag=offer.tag(selection.tag))


@dataclass(frozen=True, slots=True)
class Offer:
    """The cities and topics the filters offer, looked up by what a reader types: the one
    reading of a typed city, kind or topic for the web's links and forms, the command line's
    `subscribers add` and the digest. The command line had its own, which read "KI" as an
    organisation's topic "IA" where a link's ``?tag=KI`` found nothing."""

    by_slug: Mapping[str, str]
    """A city's slug -> the city (``metz``: Metz)."""
    by_place: Mapping[str, str]
    """A city's :func:`city_key` -> the city (``luxembourg``, which "Luxemburg" names)."""
    tags: Mapping[str, str]
    """A topic's slug -> the topic as offered."""
    topics: Mapping[str, str]
    """A known topic's slug (:func:`aggregator.topics.topic_slug`) -> the topic offered that
    names it ("ai": an organisation's "IA"), the one spelt as the slug first."""

    @classmethod
    def of(cls, cities: Collection[str], tags: Collection[str]) -> Offer:
        ordered = sorted(tags, key=lambda t: (slugify(t) == topic_slug(t), t))  # last wins
        named = sorted(cities, reverse=True)  # "Luxembourg" and "Luxemburg": the first
        return cls(by_slug={slugify(c): c for c in named},
                   by_place={city_key(c): c for c in named},
                   tags={slugify(t): t for t in tags}, topics={topic_slug(t): t for t in ordered})

    def city(self, typed: str) -> str:
        """The city offered that ``typed`` names (its slug, or its name in another of the
        region's languages: "Luxemburg", "Lëtzebuerg"), else the :func:`district` it names
        ("belval": Belval); else ``typed``."""
        near = None if (found := self.named_city(typed)) else district(typed)
        return found or (near.name if near else typed)

    def named_city(self, typed: str) -> str | None:
        """The city offered that ``typed`` names, as :meth:`city`; None for none."""
        if not typed:
            return None
        key = city_key(typed)
        return (self.by_slug.get(slugify(typed)) or self.by_place.get(key)
                or self.by_place.get(SAME_CITY.get(key, "")))

    @staticmethod
    def kind(typed: str) -> str:
        """The kind ``typed`` names in any language ("Labor": "lab"); else ``typed``."""
        return KIND_NAMES.get(slugify(typed), typed)

    def tag(self, typed: str) -> str:
        """The topic offered that ``typed`` names: its slug, else the same topic in any
        language ("KI" names an organisation's "IA" or "ai"); else a known topic's slug
        ("KI": "ai", which an organisation may give later); else ``typed``."""
        if not typed:
            return typed
        wanted = topic_slug(typed)
        found = self.tags.get(slugify(typed)) or (self.topics.get(wanted) if wanted else None)
        return found or (wanted if wanted in TOPICS else typed)


def named_calendar(typed: str, calendars: Iterable[tuple[str, Sequence[str], str]]
                   ) -> str | None:
    """The slug of the filtered calendar among ``calendars`` ((slug, values, facet) of a
    build) that ``typed`` names otherwise, as the filters read it (:class:`Offer`:
    "Luxemburg", "Lëtzebuerg" for luxembourg, "KI" for the topic ai, "Labor" for lab); None
    for none. A German reader typing the address as she names the city got 404 where the
    page links luxembourg.ics (CONTRACT.md: the slug of the value), its one address."""
    slug_of: dict[str, str] = {}
    offered: dict[str, list[str]] = {"city": [], "tag": []}
    for slug, values, facet in calendars:
        for value in (*values, slug):
            slug_of.setdefault(value, slug)
            offered.setdefault(facet, []).append(value)
    offer = Offer.of(offered["city"], offered["tag"])
    for found in (offer.named_city(typed), offer.kind(typed), offer.tag(typed)):
        if found and slug_of.get(found, typed) != typed:
            return slug_of[found]
    return None


KIND_NAMES = {slugify(name): kind for kind, names in KINDS.items()
              for name in (kind, *names, *KIND_ALIASES.get(kind, ()))}
"""A kind of organisation by its name in any of the languages ("Labor", "Lieu": "venue"),
or another a reader types ("labo"), ignoring case and accents."""


def named_kind(typed: str) -> str | None:
    """The kind of organisation ``typed`` names ("Labor", "labo", "LAB": "lab"), None for
    none: the agenda's ``?kind=`` (whose notice says it names nothing) and the sign-up
    forms' kinds (refused) read alike."""
    kind = Offer.kind(typed.strip()).lower()
    return kind if kind in SOURCE_KINDS else None


def city_key(name: str) -> str:
    """The city ``name`` names in any of the region's languages (``Luxemburg`` and
    ``Lëtzebuerg``: ``luxembourg``), else its slug (a suburb's own: Laxou is not Nancy)."""
    folded = search_fold(name)
    return slugify(name) if folded in SUBURBS else CITY_PHRASES.get(folded, slugify(name))


class Posted(Protocol):
    @property
    def source_ids(self) -> tuple[str, ...]: ...


P = TypeVar("P", bound=Posted)


def event_text(event: MergedEvent) -> str:
    """What a search reads in an event besides its organisers' names: its city under its
    other names too (a German reader's "Luxemburg", a French one's "Sarrebruck"), and the
    district of a known venue it is at (Technoport's "Belval", its address naming Esch)."""
    return " ".join((event.title, event.location, *venue_districts(event.location),
                     event.city, *city_names(event.city), event.description))


def city_names(city: str) -> tuple[str, ...]:
    """The names of ``city`` in the region's languages, folded (not its suburbs'), those of
    a city it also is too (:data:`.dedup.places.SAME_CITY`: "Luxembourg City"): none for a
    city the table of :mod:`.dedup.places` does not know."""
    return CITY_NAMES.get(city_key(city), ()) if city else ()


CITY_NAMES = {city: tuple(name for same in (city, *(k for k, v in SAME_CITY.items() if v == city))
                          for name in CITIES[same] if name not in SUBURBS) for city in CITIES}


def item_text(item: MergedItem) -> str:
    """What a search reads in a news item: its title and its summary's text, not its markup.

    The summary is nh3's sanitised HTML (no script or style, ``<`` escaped in text and
    attributes), so its tags are its only markup: each becomes a space, so that two
    paragraphs' words stay apart (``nh3.clean(tags=set())`` glues them), at 1 µs a summary
    where ``parse.text.html_to_text``'s parser takes 20 (0.5 s for 25,000 on a search)."""
    return f"{item.title} {html.unescape(TAG.sub(' ', item.summary))}"


def select(entries: Sequence[P], selection: Selection, sources: Mapping[str, Source], *,
           city_of: Callable[[P], str | None], texts: Callable[[], Sequence[str]],
           place_of: Callable[[P], str] | None = None,
           holders: frozenset[str] = frozenset()) -> tuple[P, ...]:
    """The ``entries`` ``selection`` keeps, in their order. ``city_of`` gives an entry's own
    city (None: its organisations' cities); ``texts`` each entry's text folded by
    :func:`searched_texts`, asked for only when there is a search (callers
    keep it for a build: folding 40,000 descriptions per search took a second);
    ``place_of`` its location, asked for only when the city filter names a
    :func:`.districts.district` (the entries whose place names it are in it too, the
    digest's reading: :func:`aggregator.digest.select.follows`); ``holders`` the
    organisations of that district's events, whose entries (news) are of it too."""
    chosen: Sequence[int] = range(len(entries))
    near = district(selection.city) if place_of is not None else None
    if not replace(selection, q="").empty:
        chosen = [i for i in chosen if matches(
            city_of(entries[i]), entries[i], selection, sources, near=near,
            place=place_of(entries[i]) if near and place_of else "", holders=holders)]
    if selection.q:
        folded = texts()
        known = functools.cache(lambda: vocabulary(folded))
        kept: set[int] = set()
        for words in search_readings(selection.q):  # "start-up" as written, and "startup"
            found = chosen
            for word in words:  # each word in its text or an organiser's name
                forms = search_forms(word, known)
                named = {source.id for source in sources.values()
                         if any(form in fold(source.name) for form in forms)}
                first, *others = forms  # most words have one form: no any() per text
                found = [i for i in found if first in folded[i]
                         or (others and any(form in folded[i] for form in others))
                         or (named and not named.isdisjoint(entries[i].source_ids))]
            kept.update(found)
        chosen = [i for i in chosen if i in kept]
    return tuple(entries[i] for i in chosen)


def matches(city: str | None, entry: Posted, selection: Selection,
            sources: Mapping[str, Source], *, near: District | None = None, place: str = "",
            holders: frozenset[str] = frozenset()) -> bool:
    """``selection``'s filters but its search words, for ``entry`` in ``city`` (None: in
    the cities of the organisations that posted it) at ``place``: in the district ``near``
    the city filter names when ``place`` is (:meth:`.districts.District.holds`), or when
    one of ``holders`` posted it."""
    if city is not None and selection.city and slugify(selection.city) != slugify(city) and \
            not (near and near.holds(place, city)):
        return False
    by_organisation = bool(selection.city) and city is None
    if by_organisation and holders and not holders.isdisjoint(entry.source_ids):
        by_organisation = False  # posted by an organisation of the district's events
    if not (selection.source or selection.kind or selection.tag or by_organisation):
        return True
    posted_by = entry.source_ids  # computed on each call: only when a filter needs it
    posted = [sources[i] for i in posted_by if i in sources]
    return facets_match(posted, posted_by, [s.city for s in posted] if by_organisation else (),
                        cities=(selection.city,) if by_organisation else (),
                        kinds=_one(selection.kind), tags=_one(selection.tag),
                        sources=_one(selection.source))


def facets_match(posted: Sequence[Source], source_ids: Collection[str], places: Iterable[str],
                 *, cities: Collection[str] = (), kinds: Collection[str] = (),
                 tags: Collection[str] = (), sources: Collection[str] = ()) -> bool:
    """Whether an event or article passes every facet given, each passed by any one of its
    values: one of ``cities`` among its ``places``; one of ``kinds`` or ``tags`` among those
    of ``posted``, the organisations that posted it; one of ``sources`` among their
    ``source_ids``. Compared as slugs. The agenda's filters (one value each) and a digest
    subscriber's (several) are both this."""
    if cities and {slugify(c) for c in cities}.isdisjoint(slugify(p) for p in places):
        return False
    if sources and set(sources).isdisjoint(source_ids):
        return False
    if kinds and {slugify(k) for k in kinds}.isdisjoint(slugify(s.kind) for s in posted):
        return False
    return not tags or not {slugify(t) for t in tags}.isdisjoint(
        slugify(tag) for source in posted for tag in source.tags)


def select_sources(sources: Sequence[Source], selection: Selection) -> list[Source]:
    """The organisations of the directory that pass ``selection``'s city, kind and tag (as
    the agenda's, compared as slugs) and have every word of its ``q`` in their name, city,
    topics (as each language names them: "IA", "KI") or website."""
    if selection.empty:
        return list(sources)
    readings = search_readings(selection.q)

    def found(text: str) -> bool:
        known = functools.cache(lambda: frozenset(text.split()))
        return any(all(any(form in text for form in search_forms(word, known))
                       for word in words) for words in readings)

    return [
        source for source in sources
        if facets_match([source], (source.id,), (source.city,), cities=_one(selection.city),
                        kinds=_one(selection.kind), tags=_one(selection.tag))
        and found(fold(" ".join((source.name, source.city, *city_names(source.city),
                                 source.website, *source.tags,
                                 *(topic(tag, lang) for tag in source.tags
                                   for lang in LANGUAGES)))))
    ]


def _one(value: str) -> tuple[str, ...]:
    return (value,) if value else ()


def search_readings(q: str) -> list[list[str]]:
    """The ways the search ``q`` is read, each as :func:`search_words`: as written, and with
    its hyphens between letters left out ("start-up" is also "startup", "meet-up"
    "meetup"); an entry found by any one is found."""
    joined = HYPHEN.sub("", q)
    return [phrases(search_words(q))] + ([phrases(search_words(joined))] if joined != q else [])


def _synonyms() -> dict[str, tuple[str, ...]]:
    names = {slug: {search_fold(name) for name in topic_names(slug)} - {""} for slug in TOPICS}
    return {name: tuple(sorted(f" {other} " if len(other) <= WHOLE_WORD else f" {other}"
                               for other in folded))
            for folded in names.values() if len(folded) > 1 for name in folded}


SYNONYMS = _synonyms()
"""A topic's name (folded) -> the forms a search looks for of each of its names in the three
languages (:func:`aggregator.topics.topic_names`), at a word's start: a German reader's "KI"
found none of the "IA" and "AI" talks of an agenda written in French and English, whose
filters and pages she reads as "KI"; "Cybersicherheit" no "cybersécurité". A name of two
letters is a whole word: "AI" is also French ("j'ai"), which none of the 515 feeds of
../shared/corpus writes, where "AI" comes 26 times."""
LONGEST_NAME = max(name.count(" ") + 1 for name in SYNONYMS)


def phrases(words: list[str]) -> list[str]:
    """``words`` (of :func:`search_words`) with each run of them that names a topic
    (:data:`SYNONYMS`: "kunstliche intelligenz") as one word, looked for as a phrase."""
    merged: list[str] = []
    start = 0
    while start < len(words):
        for size in range(min(LONGEST_NAME, len(words) - start), 1, -1):
            phrase = " ".join(word.strip() for word in words[start:start + size])
            if phrase in SYNONYMS:
                merged.append(phrase)
                start += size
                break
        else:
            merged.append(words[start])
            start += 1
    return merged


def search_forms(word: str, known: Callable[[], Collection[str]]) -> list[str]:
    """What a text may hold to have ``word``: its :func:`spellings`, and when it names a
    topic, the topic's names in every language (:data:`SYNONYMS`)."""
    return spellings(word, known) + list(SYNONYMS.get(word.strip(), ()))


def spellings(word: str, known: Callable[[], Collection[str]]) -> list[str]:
    """``word`` (of :func:`search_words`) and, one of :data:`SPLIT_FROM` letters or more,
    each of its splits in two words both ``known`` ("startup": "start up", as "start-up"
    folds): "startup" found no "start-up", "opensource" no "open source"."""
    if len(word) < SPLIT_FROM:
        return [word]
    return [word] + [f"{word[:k]} {word[k:]}" for k in range(2, len(word) - 1)
                     if word[:k] in known() and word[k:] in known()]


_VOCABULARY: list[tuple[Sequence[str], frozenset[str]]] = []
_VOCABULARY_LOCK = threading.Lock()


def vocabulary(folded: Sequence[str]) -> frozenset[str]:
    """Every word of the ``folded`` texts, kept for the last texts asked (a build's): the
    splits of a search's words are looked up in it, where looking each for in the texts
    took 0.1 s a word at N = 40,000."""
    with _VOCABULARY_LOCK:
        if _VOCABULARY and _VOCABULARY[0][0] is folded:
            return _VOCABULARY[0][1]
    words = frozenset(" ".join(folded).split())
    with _VOCABULARY_LOCK:
        _VOCABULARY[:] = [(folded, words)]
    return words


def search_words(q: str) -> list[str]:
    """The words of the search ``q`` as they are looked for in :func:`fold`'s texts: a short
    one led by a space (a word's start), a one-letter word left out when there are longer
    ones (the elided article of "l'IA", "d'Épinal": its "l" is in every text)."""
    words = search_fold(q).split()
    longer = [word for word in words if len(word) > 1]
    return [f" {word} " if len(word) <= WHOLE_WORD else f" {word}" if len(word) <= SHORT_WORD
            else word for word in longer or words]


def searched_texts(texts: Sequence[str]) -> list[str]:
    """Each text folded by :func:`aggregator.render.search_texts`, one with umlauts followed
    by its fold with them spelled "ae", "oe", "ue" (:func:`aggregator.slug.umlauts_spelled`):
    what a search reads, as :func:`fold` folds a text alone."""
    folded = search_texts(texts)
    german = [i for i, text in enumerate(texts) if has_umlaut(text)]
    for i, spelled in zip(german, search_texts([umlauts_spelled(texts[i]) for i in german])):
        folded[i] += spelled
    return folded


def fold(text: str) -> str:
    """Lower-case ASCII words apart by spaces and led by one, as
    :func:`searched_texts` folds the texts searched (umlauts spelled too)."""
    spelled = f"{search_fold(umlauts_spelled(text))} " if has_umlaut(text) else ""
    return f" {search_fold(text)} {spelled}"
