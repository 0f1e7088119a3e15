"""What the pages say of a city filter that names a district or a place, not a city
(:func:`aggregator.districts.district`): ``?city=Belval``, ``?city=Kirchberg``,
``?city=Gasperich`` list the events at its known venues and those whose place names it,
and the page says so, with a link to its whole city; a word that names neither a city nor
any event's place (a typo, street words: "rue de") says that, where the agenda listed
nothing without a word; the sign-up forms refuse to follow it (:func:`unknown_city`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import Request

from ..core import Published, Selection
from ..districts import District, district, names_no_place
from . import i18n
from .i18n_districts import of_city
from .rootpath import local
from .views import address, aggregator_of, language


def named_district(request: Request, selection: Selection) -> District | None:
    """The district or place ``selection``'s city names, None for a city: of the region's
    table, or an organisation's (Schifflange, which the table does not know, stays a city)."""
    near = district(selection.city)
    if near is None or (not near.known and selection.city in {
            source.city for source in aggregator_of(request).current_sources()}):
        return None
    return near


def district_city(request: Request, published: Published, selection: Selection) -> str:
    """The city of the district ``selection``'s city names, as the filters offer it: the
    region's table's (Kirchberg: Luxembourg), else the one most of its events are in
    (Gasperich: Luxembourg); "" for none (a typo, a city)."""
    from .public import offered  # public imports this module

    near = named_district(request, selection)
    if near is None:
        return ""
    if near.known:
        return offered(request, published, Selection(city=near.city)).city
    found = aggregator_of(request).district_events(published, selection.city)
    return found.cities[0] if found and found.cities else ""


def listed_district(request: Request, published: Published | None, selection: Selection
                    ) -> bool:
    """Whether the filters offer ``selection``'s city as a district: one the region's table
    knows, or a place some event names (not a typo: the form shows "All", as before)."""
    near = named_district(request, selection) if published is not None else None
    if near is None or published is None:
        return False
    found = aggregator_of(request).district_events(published, selection.city)
    return near.known or bool(found and found.count)


def district_choice(request: Request, published: Published | None, city: str
                    ) -> tuple[str, str, str] | None:
    """What the sign-up and preferences forms offer for a followed ``city`` that names a
    district or a place the filters list (:func:`listed_district`): (its name as followed,
    the city it is in as the filters offer it or "", its checkbox's words in the reader's
    language: "Kirchberg (a district of Luxembourg)", "Gasperich (a place in Luxembourg)");
    None for a city or a typo ("Kirchbrg")."""
    selection = Selection(city=city)
    near = named_district(request, selection)
    if near is None or not listed_district(request, published, selection):
        return None
    assert published is not None  # listed_district says so
    home = district_city(request, published, selection)
    if not home:
        return near.name, "", near.name
    return near.name, home, i18n.translate(
        language(request), "district_choice" if near.known else "place_choice",
        place=near.name, city=home, of_city=of_city(home))


def district_note(request: Request, published: Published, selection: Selection, *,
                  news: bool = False) -> dict[str, Any]:
    """What the agenda (or ``news``, /news) of a district (``?city=Belval``) says: the city
    it is in, the venues and places it lists the events of (whose organisations' news it
    lists), a link to the same selection in the whole city; of a word that names no city
    nor any event's place, that it does not."""
    near = named_district(request, selection)
    if near is None:
        return no_place_note(request, published, selection, news=news)
    lang = language(request)
    found = aggregator_of(request).district_events(published, selection.city)
    city = district_city(request, published, selection)
    if not near.known and not (found and found.count):
        return no_place_note(request, published, selection, news=news)
    if news:
        note = i18n.translate(lang, "district_news", place=near.name)
    elif near.known:
        note = i18n.translate(lang, "district_note" if near.venues else "district_named",
                              city=city, venues=", ".join(near.venues), place=near.name)
    else:
        note = i18n.translate(lang, "place_note", place=near.name,
                              cities=", ".join(found.cities[:3] if found else ()))
    return {"district_note": note,
            "district_link": i18n.translate(lang, "district_city", city=city) if city else "",
            "district_href": address(local(request, "/news" if news else "/"),
                                     selection.filters() | {"city": city}) if city else ""}


def no_place_note(request: Request, published: Published, selection: Selection, *,
                  news: bool = False) -> dict[str, str]:
    """What a page filtered by a city that names nothing (:func:`unknown_city`: "Kirchbrg",
    "rue de") says: that no city and no event's place is named so, with a link to the whole
    agenda (or the news), its other filters kept; nothing for any other city."""
    if not unknown_city(request, published, selection.city):
        return {"district_note": "", "district_href": "", "district_link": ""}
    near = district(selection.city)
    lang = language(request)
    return {"district_note": i18n.translate(lang, "no_place", place=near.name if near else
                                            " ".join(selection.city.split())),
            "district_link": i18n.translate(lang, "more"),
            "district_href": address(local(request, "/news" if news else "/"),
                                     replace(selection, city="").filters())}


def unknown_city(request: Request, published: Published, city: str) -> bool:
    """Whether the city filter ``city`` names nothing: no city the filters offer (an
    organisation's or an event's, in any of the region's languages:
    :func:`.public.offered`), none of the region's table (Thionville, before its first
    event), no district or place they list (:func:`listed_district`): a typo ("Kirchbrg"),
    street words ("rue de": :func:`.districts.names_no_place`). The pages' one reading:
    their notice says so, the sign-up and preferences forms refuse to follow it."""
    from .public import agenda_cities, offered  # public imports this module

    if not city.strip():
        return False
    selection = offered(request, published, Selection(city=city))
    if named_district(request, selection) is not None:
        return not listed_district(request, published, selection)
    return names_no_place(selection.city) and selection.city not in agenda_cities(
        published, aggregator_of(request).current_sources())


def calendar_district(request: Request, slug: str) -> bool:
    """Whether calendars/<slug>.ics, no file of the build, is the calendar of a district:
    one the region's table knows (Kirchberg) or a place some event names (Gasperich). A
    typo's is still 404."""
    return listed_district(request, aggregator_of(request).published(), Selection(city=slug))
