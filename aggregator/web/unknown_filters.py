"""What the pages say of a kind, topic or organisation filter that names nothing
(``/?tag=zzz``, ``?kind=zzz``, ``?source=nobody``: an old or mistyped link), as they say it
of a city (:func:`.districts.no_place_note`): which filter names nothing, in the reader's
language, with a link to the same page without it. They listed nothing, saying only that
no upcoming event matched, as they do for an organisation with nothing planned.

One reading of "names nothing" for the pages and the sign-up forms: the filters as
:func:`.public.offered` reads them (a kind or a topic in any of the three languages, "KI"
for an organisation's "IA"), a topic the site knows that no organisation gives yet
(:data:`.topics.TOPICS`), an organisation among :meth:`current_sources`, whether it has
events planned or not. The machine addresses (calendar.ics, events.json, the feeds) answer
such a filter as any other: 200, nothing in it (docs/web.md)."""

from __future__ import annotations

from dataclasses import replace

from fastapi import Request

from ..core import Published, Selection
from ..selection import named_kind
from ..topics import TOPICS, offered_topics
from . import i18n
from .districts import unknown_city
from .rootpath import local
from .views import address, aggregator_of, language

FACETS = ("kind", "tag", "source")
"""The filters this module reads, in a page's order; the city's is :mod:`.districts`'."""


def unknown_kind(kind: str) -> bool:
    """Whether the kind filter ``kind`` names no kind of organisation in any language
    (:func:`.selection.named_kind`: "Labor", "labo" name one)."""
    return bool(kind.strip()) and named_kind(kind) is None


def unknown_topic(request: Request, tag: str) -> bool:
    """Whether the topic filter ``tag`` names no topic the filters offer (as
    :func:`.public.offered` reads it: "KI" names an organisation's "IA") nor one the site
    knows in any language ("Robotik", that no organisation gives yet). The sign-up and
    preferences forms refuse to follow such a topic."""
    from .public import offered  # public imports this module

    if not tag.strip():
        return False
    found = offered(request, None, Selection(tag=tag)).tag
    return found not in offered_topics(aggregator_of(request).current_sources()) \
        and found not in TOPICS


def unknown_source(request: Request, source: str) -> bool:
    """Whether the organisation filter ``source`` is the id of no organisation of the site
    (one with nothing planned is one)."""
    return bool(source.strip()) and source not in {
        s.id for s in aggregator_of(request).current_sources()}


def unknown_facets(request: Request, selection: Selection) -> list[str]:
    """The filters of ``selection`` (read as offered) but its city that name nothing."""
    return [facet for facet, unknown in (
        ("kind", unknown_kind(selection.kind)), ("tag", unknown_topic(request, selection.tag)),
        ("source", unknown_source(request, selection.source))) if unknown]


def unknown_notes(request: Request, selection: Selection, path: str, *,
                  embedded: bool = False, published: Published | None = None
                  ) -> list[tuple[str, str, str]]:
    """(what the page says, its link's words, where it goes) for each filter of
    ``selection`` that names nothing: "No topic is named “zzz”: choose one from the list.",
    "Without this filter", the page at ``path`` with its other filters. ``embedded``
    (/embed, framed on another site): the agenda, in the list's language, in a new tab.
    With ``published``, the city too (:func:`.districts.unknown_city`), for a page that
    has no note of its own about it (the directory)."""
    lang = language(request)
    notes = []
    facets = unknown_facets(request, selection)
    if published is not None and unknown_city(request, published, selection.city):
        facets.insert(0, "city")
    for facet in facets:
        without = replace(selection, **{facet: ""}).filters()
        href = (address(f"{aggregator_of(request).settings.base_url}/", without | {"lang": lang})
                if embedded else address(local(request, path), without))
        typed = " ".join(getattr(selection, facet).split())
        said = (i18n.translate(lang, "no_place", place=typed) if facet == "city"
                else i18n.translate(lang, f"unknown_{facet}", value=typed))
        notes.append((said,
                      i18n.translate(lang, "without_filter"), href))
    return notes
