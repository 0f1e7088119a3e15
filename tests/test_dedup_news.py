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


def test_a_social_bridges_retweet_is_a_relay() -> None:
    """IFTTT-style bridges post "RT @org: title #tags" into a venue's news feed."""
    for prefix in ("RT @lorntech: ", "RT @lorntech@mastodon.social : "):
        relay = item("totem", "881", f"{prefix}Bilan de l'année écoulée #bilan #asso",
                     "https://totem.fr/relais/881", days=1, summary="")
        (merged,) = merge_news([ORIGINAL, relay], SOURCES).items
        assert merged.title == "Bilan de l'année écoulée"


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


def test_two_incubators_calls_of_one_title_stay_two_articles() -> None:
    """Each "Appel à projets 2026" has its own summary; a third incubator's has none. It
    matched both by title, and the three were one article under the first incubator, with
    another's summary: the others' calls were lost to their followers."""
    sources = {**SOURCES, "puzzle": Source(id="puzzle", name="Puzzle", kind="venue",
                                           city="Thionville", country="FR")}
    first = item("lorntech", "a1", "Appel à projets 2026", "https://lorntech.fr/appel",
                 summary="<p>Les start-up du numérique lorrain peuvent candidater avant mars "
                         "pour un accompagnement de six mois.</p>")
    second = item("grandest", "b1", "Appel à projets 2026", "https://grandest.fr/appel",
                  summary="<p>La région finance des projets de recherche en cybersécurité, "
                          "dossiers avant le 15 janvier.</p>")
    third = item("puzzle", "c1", "Appel à projets 2026", "https://puzzle.fr/appel", summary="")
    assert len(merge_news([first, second, third], sources).items) == 3
    assert len(merge_news([first, third], sources).items) == 2  # two words: not enough alone
    relay = item("puzzle", "c2", "Le LORIA obtient un financement ERC",
                 "https://puzzle.fr/relais", summary="")
    original = item("lorntech", "a2", "Le LORIA obtient un financement ERC",
                    "https://loria.fr/erc")
    assert len(merge_news([original, relay], sources).items) == 1  # a title that says enough


def test_a_relay_never_joins_two_articles_its_summaries_tell_apart() -> None:
    """Titles long enough to match alone, and one relay without a summary between two
    originals whose summaries differ: one of them joins it, never both."""
    title = "Retour sur la journée régionale de la cybersécurité"
    first = item("lorntech", "a1", title, "https://lorntech.fr/retour",
                 summary="<p>Quarante participants à Nancy ont suivi les ateliers de la "
                         "matinée sur les rançongiciels.</p>")
    second = item("grandest", "b1", title, "https://grandest.fr/retour",
                  summary="<p>La région a signé trois conventions avec les écoles d'ingénieurs "
                          "lors de la plénière.</p>")
    relay = item("totem", "c1", title, "https://totem.fr/retour", summary="")
    sizes = sorted(len(m.members) for m in merge_news([first, second, relay], SOURCES).items)
    assert sizes == [1, 2]


def test_the_merged_summary_is_the_one_that_says_the_most() -> None:
    """The relay's summary, cut with "Read more" and a link to its own page, was longer in
    characters (markup counted) than the original's whole text: readers lost the time and
    the room."""
    whole = "<p>Soutenance de thèse de Marie Curie le 10 décembre à 14 h en salle A008.</p>"
    cut = ('<p>Soutenance de thèse de Marie Curie le 10 décembre… <a href="https://totem.fr/'
           'relais/2025/03/soutenance-de-these-de-marie-curie?utm_source=rss&amp;utm_medium='
           'feed&amp;utm_campaign=relais">Read more</a></p>')
    original = item("lorntech", "a1", "Soutenance de thèse de Marie Curie",
                    "https://lorntech.fr/these", summary=whole)
    relay = item("totem", "t1", "[Relais] Soutenance de thèse de Marie Curie",
                 "https://lorntech.fr/these", days=1, summary=cut)
    (merged,) = merge_news([relay, original], SOURCES).items
    assert merged.summary == whole


def test_a_link_every_item_of_a_feed_shares_is_no_evidence() -> None:
    """A feed that links each item to one page (not named like a listing): that link joined
    a relay of one article to another of the feed, the next day and without a summary."""
    page = "https://lorntech.fr/index.php?id=3"
    first = item("lorntech", "l1", "Bilan de l'année écoulée", page)
    second = item("lorntech", "l2", "Nouveau local au centre-ville", page, days=2, summary="")
    relay = item("grandest", "g1", "[Relais] Bilan de l'année écoulée", page, days=1)
    merged = merge_news([second, relay, first], SOURCES).items
    assert sorted(sorted(m.source_id for m in one.members) for one in merged) == [
        ["grandest", "lorntech"], ["lorntech"]]
    assert {one.title for one in merged if len(one.members) == 2} == {first.title}


def test_two_feeds_articles_linking_to_a_news_listing_are_two() -> None:
    """Each feed links its item to a listing page once ("/actualites/"): not an article's
    own page, so without summaries to compare the two stay apart."""
    listing = "https://lorntech.fr/actualites/"
    first = item("lorntech", "l1", "Bilan de l'année écoulée", listing, summary="")
    other = item("grandest", "g1", "La région ouvre un appel à projets", listing, summary="")
    assert len(merge_news([first, other], SOURCES).items) == 2


def test_a_relay_on_the_articles_own_page_under_another_headline_is_one_item() -> None:
    """The shared link of an article's own page still joins a relay that rewrote the title,
    with no summary or with the original's; only another summary tells two articles."""
    relay = item("grandest", "g1", "Lor'N'Tech dresse son bilan", "https://lorntech.fr/bilan-2024",
                 days=1, summary="")
    assert len(merge_news([ORIGINAL, relay], SOURCES).items) == 1
    copied = dataclasses.replace(relay, summary=SUMMARY)
    assert len(merge_news([ORIGINAL, copied], SOURCES).items) == 1


def test_a_summary_every_item_of_a_feed_opens_with_is_no_evidence() -> None:
    """Two sites of one web agency open every item with its boilerplate: their different
    articles are not relays of each other for having one summary."""
    blurb = ("<p>Retrouvez toutes les actualités de l'écosystème numérique lorrain, les "
             "événements, les appels à projets et les offres d'emploi de la région.</p>")
    first = item("lorntech", "l1", "Bilan de l'année écoulée", "https://lorntech.fr/b",
                 summary=blurb)
    second = item("lorntech", "l2", "Nouveau local au centre-ville", "https://lorntech.fr/l",
                  summary=blurb)
    other = item("grandest", "g1", "La région ouvre un appel à projets", "https://grandest.fr/a",
                 summary=blurb)
    assert len(merge_news([first, second, other], SOURCES).items) == 3
