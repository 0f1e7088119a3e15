"""An article that leaves its feed (which lists its latest ten) stays in the news until the
news window ends, and an article its feed republishes under a new GUID stays the same
article: on SQLite and PostgreSQL, through a real feed server."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from aggregator.models import NewsItem
from aggregator.news_copies import StoredArticle, renew
from aggregator.parse import parse_body
from aggregator.reasons import reason_in
from sites import rss_date, rss_feed
from test_news_undated import Clock, one_feed_site

NOW = datetime(2026, 12, 4, 16, 0, tzinfo=timezone.utc)


def rss(*articles: tuple[str, str, str]) -> bytes:
    """(guid, title, days ago) → an RSS feed of those articles, each at its own link."""
    items = "".join(
        f"<item><title>{title}</title><link>https://lab.example.org/{title.split()[-1]}</link>"
        f"<guid isPermaLink=\"false\">{guid}</guid>"
        f"<pubDate>{rss_date(NOW - timedelta(days=int(ago)))}"
        "</pubDate></item>" for guid, title, ago in articles)
    return rss_feed(items, "Lab", "https://lab.example.org/")


def news(output: Path) -> dict[str, str]:
    """Title → merged id of every article in news.json."""
    return {item["title"]: item["id"]
            for item in json.loads((output / "news.json").read_text())["items"]}


@contextmanager
def lab_site(feed_server: Any, tmp_path: Path, db_url: str, first: bytes
             ) -> Iterator[Callable[[bytes], dict[str, str]]]:
    """A site of one lab whose feed serves ``first``; yields ``publish(copy)``: the lab's feed
    serves ``copy``, the site refreshes and builds, news.json's title → id comes back (the
    first copy's with an empty one: ``publish(b"")``)."""
    app = one_feed_site(feed_server, tmp_path, db_url, "/news.xml", first, Clock(NOW))

    def publish(copy: bytes) -> dict[str, str]:
        if copy:
            feed_server.set("/news.xml", copy, "application/rss+xml")
        app.refresh()
        app.build()
        return news(tmp_path / "output")

    try:
        yield publish
    finally:
        app.close()


def test_an_article_that_leaves_its_feed_stays_in_the_news(
    feed_server: Any, tmp_path: Path, db_url: str
) -> None:
    """It vanished from news.json, /news and the digest at the next refresh: with a feed of
    the last ten articles, a busy organisation's week was gone in days; a feed that came back
    empty once took every article of its organisation with it."""
    with lab_site(feed_server, tmp_path, db_url, rss(
            ("a", "Article alpha", "3"), ("b", "Article beta", "2"))) as publish:
        first = publish(b"")
        second = publish(rss(("c", "Article gamma", "0"), ("b", "Article beta", "2")))
        assert set(second) == {"Article alpha", "Article beta", "Article gamma"}
        assert {title: second[title] for title in first} == first
        empty = publish(rss())  # a CMS's empty copy
        assert set(empty) == {"Article alpha", "Article beta", "Article gamma"}


def test_an_article_republished_under_a_new_guid_is_the_same_article(
    feed_server: Any, tmp_path: Path, db_url: str
) -> None:
    """A CMS that numbers the GUIDs of each copy afresh made every article new: a new id
    (news.atom's entry id, so feed readers showed it twice), listed twice once kept."""
    with lab_site(feed_server, tmp_path, db_url, rss(
            ("copy1-a", "Article alpha", "3"), ("copy1-b", "Article beta", "2"))) as publish:
        first = publish(b"")
        assert publish(rss(("copy2-a", "Article alpha", "3"),
                           ("copy2-b", "Article beta", "2"))) == first


def test_a_feed_that_dates_every_article_anew_keeps_their_first_dates(
    feed_server: Any, tmp_path: Path, db_url: str
) -> None:
    """A home-made feed writing its build time as every item's pubDate made its whole archive
    news again at each refresh: dated this week, every article was in this week's digest,
    again the next week. One article the feed moves later alone is republished."""
    articles = [("a", "Article alpha", "9"), ("b", "Article beta", "8"),
                ("c", "Article gamma", "6")]
    with lab_site(feed_server, tmp_path, db_url, rss(*articles)) as publish:
        publish(b"")
        first = published(tmp_path / "output")
        publish(rss(*[(guid, title, "0") for guid, title, _ in articles]))
        assert published(tmp_path / "output") == first
        publish(rss(("a", "Article alpha", "9"), ("b", "Article beta", "8"),
                    ("c", "Article gamma", "1")))  # republished: the feed's word
        assert published(tmp_path / "output") == {
            **first, "Article gamma": (NOW - timedelta(days=1)).isoformat()}


def published(output: Path) -> dict[str, str]:
    """Title → publication date (UTC, ISO) of every article in news.json."""
    return {item["title"]: datetime.fromisoformat(item["published"]).astimezone(
                timezone.utc).isoformat()
            for item in json.loads((output / "news.json").read_text())["items"]}


def item(guid: str, link: str) -> NewsItem:
    return NewsItem(guid=guid, title=guid, link=link, published=NOW)


def test_a_link_shared_by_several_articles_identifies_none() -> None:
    """Feeds whose every item links to the home page: a new article there would have taken
    an old one's GUID, and with it its first-seen day (not news any more)."""
    stored = [StoredArticle(1, "old-1", "https://asso.example.org/"),
              StoredArticle(2, "old-2", "https://asso.example.org/"),
              StoredArticle(3, "old-3", "https://asso.example.org/three")]
    renewal = renew([item("new", "https://asso.example.org/"),
                     item("again", "https://asso.example.org/three"),
                     item("old-2", "https://asso.example.org/")], stored)
    assert [i.guid for i in renewal.items] == ["new", "old-3", "old-2"]
    assert sorted(renewal.replaced) == [2, 3]  # old-1 stays as it was
    # a link whose stored article's GUID is still in the copy names another article
    assert renew([item("x", "https://a.org/1"), item("y", "https://a.org/2")],
                 [StoredArticle(1, "x", "https://a.org/2")]).items[1].guid == "y"


def test_a_news_feed_moved_to_a_new_address_keeps_its_articles(
    feed_server: Any, tmp_path: Path, db_url: str
) -> None:
    """The organisation's new website serves the same articles at a new feed address, which
    the operator puts in sources.yaml: they must stay the same articles (ids, first dates),
    not come back as news in feed readers and the digest."""
    articles = rss(("a", "Article alpha", "3"), ("b", "Article beta", "2"))
    old = one_feed_site(feed_server, tmp_path, db_url, "/news.xml", articles, Clock(NOW))
    try:
        old.refresh()
        old.build()
    finally:
        old.close()
    before, dates = news(tmp_path / "output"), published(tmp_path / "output")
    moved = one_feed_site(feed_server, tmp_path, db_url, "/blog/feed/", articles,
                          Clock(NOW + timedelta(days=1)))
    try:
        moved.refresh()
        moved.build()
    finally:
        moved.close()
    assert news(tmp_path / "output") == before
    assert published(tmp_path / "output") == dates


def bare(*articles: tuple[str, str]) -> bytes:
    """(title, text) → a hand-made RSS feed whose items have neither link nor guid, dated
    the day before NOW."""
    day = rss_date(NOW - timedelta(days=1))
    items = "".join(f"<item><title>{title}</title><description>{text}</description>"
                    f"<pubDate>{day}</pubDate></item>" for title, text in articles)
    return rss_feed(items, "Asso", "https://asso.example.org/")


def test_an_article_without_link_or_guid_corrected_by_its_author_is_still_one_article(
    feed_server: Any, tmp_path: Path, db_url: str
) -> None:
    """A hand-made feed gives its items neither link nor guid: each is known by a hash of its
    title and text. A typo corrected changed the hash, and the article that left the feed
    (kept, as articles that age out are) stayed beside its corrected copy: /news, news.json
    and the digest listed "Le mot du président" twice, the typo and the correction."""
    with lab_site(feed_server, tmp_path, db_url, bare(
            ("Le mot du président", "Bonne annéee à toutes et à tous !"),
            ("Compte rendu", "Trente membres présents."))) as publish:
        first = publish(b"")
        publish(bare(("Le mot du président", "Bonne année à toutes et à tous !"),
                     ("Compte rendu", "Trente membres présents.")))
        items = json.loads((tmp_path / "output" / "news.json").read_text())["items"]
        assert sorted((i["title"], i["summary"], i["id"]) for i in items) == [
            ("Compte rendu", "Trente membres présents.", first["Compte rendu"]),
            ("Le mot du président", "Bonne année à toutes et à tous !",
             first["Le mot du président"])]


def weekly(*days_ago: int) -> bytes:
    """A hand-made feed repeating one notice, word for word, each week (no link, no guid)."""
    items = "".join(
        "<item><title>Permanence du mardi</title><description>Le fablab est ouvert de 18 h à "
        "21 h.</description><pubDate>"
        f"{rss_date(NOW - timedelta(days=ago))}</pubDate></item>"
        for ago in days_ago)
    return rss_feed(items, "Fablab", "https://fablab.example.org/")


def test_a_notice_repeated_word_for_word_each_week_is_listed_once_a_week(
    feed_server: Any, tmp_path: Path, db_url: str
) -> None:
    """A hand-made feed posts the same notice each week, no link, no guid: its items share
    one hash of title and text. Each new copy of the feed kept one earlier copy's row beside
    its own, and /news listed last week's notice twice, then three times…"""
    with lab_site(feed_server, tmp_path, db_url, weekly(10, 3)) as publish:
        publish(b"")
        publish(weekly(10, 3, 0))
        publish(weekly(17, 10, 3, 0))
        assert sorted(published_all(tmp_path / "output")) == [
            (NOW - timedelta(days=ago)).isoformat() for ago in (17, 10, 3, 0)]


def published_all(output: Path) -> list[str]:
    """The publication date (UTC, ISO) of every article in news.json."""
    return [datetime.fromisoformat(item["published"]).astimezone(timezone.utc).isoformat()
            for item in json.loads((output / "news.json").read_text())["items"]]


def home_linked(*articles: tuple[str, int]) -> bytes:
    """(title, days ago) → an RSS feed whose items all link to the home page, with no guid."""
    items = "".join(
        f"<item><title>{title}</title><link>https://asso.example.org/</link><description>"
        f"{title} : les détails sur le site.</description><pubDate>"
        f"{rss_date(NOW - timedelta(days=ago))}</pubDate></item>"
        for title, ago in articles)
    return rss_feed(items, "Asso", "https://asso.example.org/")


def test_articles_all_linked_to_the_home_page_without_guid_are_each_listed_once(
    feed_server: Any, tmp_path: Path, db_url: str
) -> None:
    """A feed whose items all link to the home page and have no guid gives each the home
    page for id. Each new copy replaced one stored row of that id and left the others beside
    the copy's: after three copies /news listed "Atelier Python" three times."""
    with lab_site(feed_server, tmp_path, db_url, home_linked(
            ("Atelier Python", 3), ("Repair café", 2))) as publish:
        publish(b"")
        publish(home_linked(("Atelier Python", 3), ("Repair café", 2), ("Assemblée", 1)))
        publish(home_linked(("Atelier Python", 3), ("Repair café", 2), ("Assemblée", 1),
                            ("Nouveau bureau", 0)))
        items = json.loads((tmp_path / "output" / "news.json").read_text())["items"]
        assert sorted(item["title"] for item in items) == [
            "Assemblée", "Atelier Python", "Nouveau bureau", "Repair café"]


def test_rows_left_under_an_id_articles_shared_go_with_the_copy_that_tells_them_apart() -> None:
    """A database holds the rows left at each copy while a home-linked feed's articles shared
    one id (three rows of "Atelier Python" and "Repair café"): the first copy read with their
    ids told apart replaces them all, or each article stayed listed three times until the
    news window ended. Other rows stay."""
    from aggregator.parse.item_ids import distinct_ids
    from aggregator.models import ParsedFeed
    home = "https://asso.example.org/"
    stored = [StoredArticle(row, home, home) for row in (1, 2, 3)] + [
        StoredArticle(4, "https://asso.example.org/?p=4", "https://asso.example.org/?p=4")]
    copy = distinct_ids(ParsedFeed(format="rss", items=(
        NewsItem(guid=home, title="Atelier Python", link=home, published=NOW),
        NewsItem(guid=home, title="Repair café", link=home, published=NOW)))).items
    assert all(item.guid.startswith(home + "#") for item in copy)
    assert sorted(renew(copy, stored).replaced) == [1, 2, 3]


def test_items_sharing_the_id_their_feed_gives_are_told_to_their_organiser() -> None:
    """A site template writing one <guid> for every item (its home page, a constant): readers
    take them for one article and so does the store, whose copies then pile up. The id is
    the feed's own (news.json's guid), so it stays; its organiser is told, in a line that
    says which id and what to do (fr/de)."""
    items = "".join(
        f"<item><title>{title}</title><link>https://asso.example.org/{slug}</link>"
        "<guid isPermaLink=\"false\">asso-actu</guid>"
        f"<pubDate>{rss_date(NOW - timedelta(days=n))}"
        "</pubDate></item>"
        for n, (title, slug) in enumerate((("Atelier", "atelier"), ("Forum", "forum"),
                                           ("Bilan", "bilan"))))
    body = rss_feed(items, "Asso", "https://asso.example.org/")
    parsed = parse_body(body, "rss", "https://asso.example.org/feed/")
    assert [item.guid for item in parsed.items] == ["asso-actu"] * 3
    note = ("3 items share the id the feed gives them ('asso-actu'): feed readers take them "
            "for one article; give each item its own guid")
    assert note in parsed.warnings
    assert reason_in(note, "fr") == (
        "3 éléments partagent l'identifiant que le flux leur donne ('asso-actu') : les "
        "lecteurs de flux les prennent pour un seul article ; donnez à chaque élément son "
        "propre guid")
