"""Names of the filtered calendars (``calendars/<slug>.ics``) and the events each one holds.

The contract names a filtered calendar by the plain slug of a city, a source kind or a source
tag. Two rules make those names stable for subscribers:

* **Every value of every configured source gets a calendar**, plus every city that merged
  events carry, even when it currently holds no event: a calendar URL that a client
  subscribed to must not start answering 404 because a feed had a quiet week.
* **Values that share a slug share a calendar** (the union of what each selects). City
  "Metz" and tag "metz" both give ``calendars/metz.ics`` holding the events in Metz *and*
  the events tagged metz; kind "lab" and tag "lab" likewise. A subscriber to "metz" wants
  both, the rule needs no prefix that the contract does not name, and it is deterministic
  (the result depends on the set of values, not on their order).

Selection: a city calendar holds the events whose ``MergedEvent.city`` has that slug; a kind
or tag calendar holds the events where ANY member's source has that kind or tag.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..models import MergedEvent, Source
from ..slug import FOLD_PAIRS, NOT_ASCII_NOR_ACCENT, french_have, slugify, spelled_out
from ..topics import one_spelling

FACETS = ("kind", "city", "tag")
"""What a filtered calendar's values can be, in the order a page groups them."""
_SPACE_BUT_ALNUM_AND_NEWLINE = bytes(
    c if chr(c).isascii() and (chr(c) in "\n" or chr(c).isdigit() or chr(c).islower()) else 32
    for c in range(256))


def search_texts(texts: Sequence[str]) -> list[str]:
    """Each text folded as :func:`aggregator.slug.search_fold` folds it, its words apart by
    spaces, led and followed by one: what a search's words are looked for in (a short word
    at a word's start: after a space; a two-letter one between spaces), ignoring case and
    accents.

    Folded all at once, not text by text: the agenda's search reads every published event
    (40,000 descriptions), and each step's one pass over their joined text costs a tenth of
    a call per text. Newlines in a text are spaces already, so they can part the texts.
    """
    if not texts:
        return []
    joined = "\n".join(text.replace("\n", " ") for text in texts).lower()
    joined = spelled_out(f"\n{joined}")[1:]  # "C++", ".NET" as words (".NET" starting one)
    for letter, ascii_letters in FOLD_PAIRS:  # str.translate with a dict is 10x slower
        if letter in joined:
            joined = joined.replace(letter, ascii_letters)
    decomposed = NOT_ASCII_NOR_ACCENT.sub(" ", unicodedata.normalize("NFKD", joined))
    ascii_bytes = decomposed.replace("\n", " \n ").encode("ascii", "ignore")
    return french_have((b" " + ascii_bytes + b" ").translate(
        _SPACE_BUT_ALNUM_AND_NEWLINE).decode("ascii")).split("\n")


@dataclass(frozen=True, slots=True)
class FilteredCalendar:
    """One ``calendars/<slug>.ics``: the values it stands for and the events it holds."""

    slug: str
    named: tuple[tuple[str, str], ...]
    """Each value behind the slug with what it is, sorted (``(("city", "Metz"), ("tag",
    "metz"))``): a kind or a topic is named in words, a city as written (``calendar_label``)."""
    events: tuple[MergedEvent, ...]

    @property
    def labels(self) -> tuple[str, ...]:
        """The display values behind the slug, sorted (``("Metz",)``, ``("Metz", "metz")``)."""
        return tuple(sorted({value for _, value in self.named}))

    @property
    def facets(self) -> tuple[str, ...]:
        """What those values are, in :data:`FACETS` order (``("city", "tag")`` above)."""
        return tuple(f for f in FACETS if f in {facet for facet, _ in self.named})

    @property
    def path(self) -> str:
        return f"calendars/{self.slug}.ics"


def filtered_calendars(
    events: Sequence[MergedEvent], sources: Mapping[str, Source]
) -> list[FilteredCalendar]:
    """Every filtered calendar, sorted by slug, each with its events in input order."""
    named = _labels_by_slug(events, sources.values())
    selected: dict[str, list[MergedEvent]] = {slug: [] for slug in named}
    for event in events:
        for slug in event_slugs(event, sources):
            selected[slug].append(event)
    return [
        FilteredCalendar(slug, tuple(sorted(named[slug])), tuple(selected[slug]))
        for slug in sorted(named)
    ]


def city_calendars(
    events: Sequence[MergedEvent], sources: Mapping[str, Source]
) -> list[tuple[str, str]]:
    """(city, path) of every city calendar, sorted by slug, for links on the page."""
    cities = [event.city for event in events] + [source.city for source in sources.values()]
    found: dict[str, str] = {}
    for city in cities:
        slug = slugify(city)
        if slug:
            found.setdefault(slug, city.strip())
    return [(found[slug], f"calendars/{slug}.ics") for slug in sorted(found)]


def event_slugs(event: MergedEvent, sources: Mapping[str, Source]) -> set[str]:
    """The slugs of every filtered calendar this event belongs to."""
    values = [event.city]
    for source_id in event.source_ids:
        source = sources.get(source_id)
        if source is not None:
            values.append(source.kind)
            values.extend(source.tags)
    return {slug for slug in map(slugify, values) if slug}


def _labels_by_slug(
    events: Iterable[MergedEvent], sources: Iterable[Source]
) -> dict[str, set[tuple[str, str]]]:
    """Each slug's display values, each with what it is (city, kind, tag)."""
    values = [("city", event.city) for event in events]
    tags: list[str] = []
    for source in sources:
        values.extend([("city", source.city), ("kind", source.kind)])
        tags.extend(source.tags)
    values.extend(("tag", tag) for tag in one_spelling(tags))  # one name for a topic's spellings
    named: dict[str, set[tuple[str, str]]] = {}
    for facet, value in values:
        slug = slugify(value)
        if slug:
            named.setdefault(slug, set()).add((facet, value.strip()))
    return named
