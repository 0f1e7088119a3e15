"""Relayed articles are merged; recurring columns and look-alike titles are not."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from aggregator.dedup import merge_news
from aggregator.dedup.news import profile_items
from aggregator.models import NewsItem, Source

SOURCES = {
    "lorntech": Source(id="lorntech", name="Lor'N'Tech", kind="association", city="Nancy",
                       country="FR"),
    "grandest": Source(id="grandest", name="Grand Est Numérique", kind="institution",
                       city="Metz", country="FR"),
    "totem": Source(id="totem", name="Totem", kind="venue", city="Metz", country="FR"),
}
WHEN = datetime(2025, 3, 7, 9, tzinfo=UTC)
SUMMARY = "<p>Le bilan 2024 : quarante rencontres, trois mille participants, un nouveau local.</p>"


def item(source: str, guid: str, title: str, link: str, days: int = 0,
         summary: str = SUMMARY) -> NewsItem:
    return NewsItem(guid=guid, title=title, link=link, published=WHEN + timedelta(days=days),
                    summary=summary, source_id=source)


ORIGINAL = item("lorntech", "https://lorntech.fr/?p=12", "Bilan de l'année écoulée",
                "https://lorntech.fr/bilan-2024/")


def test_relay_with_tracking_link_and_decorated_title_is_one_item() -> None:
    relay = item("grandest", "tag:grandest,2025:881", "[Relais] Bilan de l'annee ecoulee",
                 "http://www.lorntech.fr/bilan-2024?utm_source=rss#comments", days=1)
    result = merge_news([ORIGINAL, relay], SOURCES)
    (merged,) = result.items
    assert merged.title == "Bilan de l'année écoulée"
    assert merged.published == WHEN
    assert merged.link == "https://lorntech.fr/bilan-2024/"


def test_relay_on_its_own_page_is_one_item() -> None:
    relay = item("totem", "881", "À lire : Bilan de l'année écoulée – Lor'N'Tech",
                 "https://totem.fr/relais/881", days=2)
    assert len(merge_news([ORIGINAL, relay], SOURCES).items) == 1


def test_an_undated_relay_meets_its_original_where_it_was_first_seen() -> None:
    """A relay in a feed that dates nothing (NewsItem.seen): matched as a dated relay would
    be when it was first seen within days of the original, not when seen months later."""
    relay = NewsItem(guid="881", title="À lire : Bilan de l'année écoulée – Lor'N'Tech",
                     link="https://totem.fr/relais/881", summary=SUMMARY, source_id="totem",
                     seen=WHEN + timedelta(days=1, hours=3))
    (merged,) = merge_news([ORIGINAL, relay], SOURCES).items
    assert merged.published == WHEN and len(merged.members) == 2
    later = dataclasses.replace(relay, seen=WHEN + timedelta(days=60))
    assert len(merge_news([ORIGINAL, later], SOURCES).items) == 2


def test_weekly_column_is_a_new_article_every_week() -> None:
    weeks = [item("grandest", f"g{n}", "Revue de presse de la semaine",
                  f"https://grandest.fr/revue-{n}", days=7 * n,
                  summary=f"<p>Semaine {n} : sujet{n} annonce{n} projet{n} levée{n}.</p>")
             for n in range(3)]
    assert len(merge_news(weeks, SOURCES).items) == 3


def test_two_columns_of_one_name_the_same_day_are_two_articles() -> None:
    a = item("grandest", "g1", "Revue de presse de la semaine", "https://grandest.fr/revue-1",
             summary="<p>Cybersécurité, levée de fonds à Metz, nouveau fablab.</p>")
    b = item("lorntech", "l1", "Revue de presse de la semaine", "https://lorntech.fr/revue-1",
             summary="<p>Python 3.14, hackathon climat, portrait d'une fondatrice.</p>")
    assert len(merge_news([a, b], SOURCES).items) == 2


def test_news_ids_are_stable_across_builds() -> None:
    first = merge_news([ORIGINAL], SOURCES)
    relay = item("grandest", "tag:grandest,2025:881", "[Relais] Bilan de l'année écoulée",
                 "https://lorntech.fr/bilan-2024/?fbclid=x", days=1)
    second = merge_news([ORIGINAL, relay], SOURCES, previous=first.assignment)
    assert second.items[0].id == first.items[0].id


def test_articles_share_the_words_their_summaries_repeat() -> None:
    """A build keeps every article's summary words: one string object per word, not one per
    article (memory of a build, issue 8)."""
    other = item("grandest", "gen-1", "Un autre sujet", "https://grandest.fr/autre/",
                 summary="<p>Trois mille participants et quarante rencontres, le bilan est là.</p>")
    first, second = profile_items([ORIGINAL, other], SOURCES)
    shared = set(first.summary) & set(second.summary)
    assert {"trois", "mille", "participants", "quarante"} <= shared
    by_word = {w: w for w in first.summary}
    assert all(by_word[w] is w for w in second.summary if w in by_word)
