"""What a selection keeps (aggregator.selection): pure, on plain models."""

from __future__ import annotations

from datetime import UTC, datetime

from aggregator.models import MergedItem, NewsItem, Source
from aggregator.render import search_texts
from aggregator.selection import Selection, item_text, select

SOURCES = {
    "lab": Source(id="lab", name="Le Lab", kind="lab", city="Nancy", country="FR", tags=("ai",)),
    "venue": Source(id="venue", name="La Venue", kind="venue", city="Metz", country="FR"),
}


def item(title: str, summary: str, *posted_by: str) -> MergedItem:
    when = datetime(2026, 12, 1, tzinfo=UTC)
    return MergedItem(id=title, title=title, link="", published=when, summary=summary, members=tuple(
        NewsItem(guid=title, title=title, link="", published=when, summary=summary,
                 source_id=source, feed_url=f"https://{source}.example/feed") for source in posted_by))


ITEMS = (item("Appel à projets", "<p>Le <b>FEDER</b> finance l&#8217;IA</p>", "lab"),
         item("Portes ouvertes", "<p>Visite &amp; café</p>", "venue"),
         item("Relayé", "<p>Par les deux</p>", "lab", "venue"))


def titles(**filters: str) -> list[str]:
    chosen = select(ITEMS, Selection(**filters), SOURCES, city_of=lambda _: None,
                    texts=lambda: search_texts([item_text(i) for i in ITEMS]))
    return [i.title for i in chosen]


def test_a_news_item_is_in_the_cities_kinds_and_tags_of_the_organisations_that_posted_it() -> None:
    assert titles(city="Metz") == ["Portes ouvertes", "Relayé"]
    assert titles(city="nancy", kind="lab", tag="ai") == ["Appel à projets", "Relayé"]
    assert titles(city="Metz", kind="lab") == ["Relayé"]  # posted by both
    assert titles(source="venue", city="Nancy") == ["Relayé"]


def test_a_search_reads_a_summarys_text_not_its_markup() -> None:
    assert item_text(ITEMS[0]) == "Appel à projets  Le  FEDER  finance l’IA "
    assert titles(q="feder l’ia") == ["Appel à projets"]
    assert titles(q="visite cafe") == ["Portes ouvertes"]
    assert titles(q="amp") == []  # "&amp;" is markup
    assert titles(q="la venue deux") == ["Relayé"]  # an organiser's name and the text
