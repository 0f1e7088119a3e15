"""News a feed does not date (RSS makes pubDate optional) reach the lists and the weekly
digest by when the aggregator first saw them, on SQLite and PostgreSQL, through a real
feed server: before, they stood last everywhere and no digest ever held one."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from aggregator.core import Aggregator, make_aggregator
from aggregator.dedup.policy import merge_item
from aggregator.models import NewsItem
from aggregator.render.exports import newest_first, render_news_atom
from aggregator.store import open_store
from conftest import make_settings, make_source, schema_at

TUESDAY = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)  # week 2026-W49
FRIDAY = datetime(2026, 12, 4, 16, 0, tzinfo=timezone.utc)


def undated_rss(*titles: str, dated: str = "") -> bytes:
    items = "".join(f"<item><title>{t}</title><link>https://asso.example.org/{n}</link>"
                    f"<guid>https://asso.example.org/{n}</guid></item>"
                    for n, t in enumerate(titles))
    if dated:
        items += (f"<item><title>{dated}</title><link>https://asso.example.org/dated</link>"
                  "<pubDate>Mon, 23 Nov 2026 09:00:00 +0000</pubDate></item>")
    return ('<?xml version="1.0"?><rss version="2.0"><channel><title>Asso</title>'
            f"<link>https://asso.example.org/</link><description>d</description>{items}"
            "</channel></rss>").encode()


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def one_feed_site(feed_server: Any, tmp_path: Path, db_url: str, path: str, body: bytes,
                  clock: Clock, source_id: str = "asso") -> Aggregator:
    """An aggregator of one organisation whose news feed ``path`` (RSS, or Atom for .atom)
    serves ``body``, on ``clock``."""
    feed_server.set(path, body, "application/atom+xml" if path.endswith(".atom")
                    else "application/rss+xml")
    source = make_source(source_id, feed_server.url(path))
    return make_aggregator(make_settings(tmp_path, (source,), db_url=db_url), clock=clock)


def test_undated_news_is_ordered_and_digested_by_when_it_was_first_seen(
    feed_server: Any, tmp_path: Path, db_url: str
) -> None:
    clock = Clock(TUESDAY)
    app = one_feed_site(feed_server, tmp_path, db_url, "/news.xml", undated_rss(
        "Assemblée générale", "Nouveau bureau", dated="Compte rendu daté"), clock)
    try:
        app.refresh()
        clock.now = FRIDAY  # the feed changes: one article added, the others stay
        feed_server.set("/news.xml", undated_rss("Assemblée générale", "Nouveau bureau",
                                                 "Appel aux bénévoles", dated="Compte rendu daté"),
                        "application/rss+xml")
        app.refresh()
        app.build()

        output = tmp_path / "output"
        items = json.loads((output / "news.json").read_text())["items"]
        listed = [(i["title"], i["published"], i.get("first_seen")) for i in items]
        assert listed[0] == ("Appel aux bénévoles", None, FRIDAY.isoformat())
        assert sorted(listed[1:3]) == [  # not made new by the feed's change (ties: by id)
            ("Assemblée générale", None, TUESDAY.isoformat()),
            ("Nouveau bureau", None, TUESDAY.isoformat())]
        assert listed[3] == ("Compte rendu daté", "2026-11-23T09:00:00+00:00", None)
        atom = (output / "news.atom").read_text()
        assert "<updated>2026-12-01T10:00:00Z</updated>" in atom  # first seen, not the build's
        assert atom.count("<published>") == 1  # an undated entry gets no publication date
        page = (output / "index.html").read_text()
        assert "Appel aux bénévoles" in page and "Assemblée générale" in page

        app.digest_preview("2026-W50")  # the news of 30 November to 6 December
        digest = (output / "digest" / "2026-W50.txt").read_text()
        assert [digest.find(title) > 0 for title in (
            "Appel aux bénévoles", "Assemblée générale", "Nouveau bureau", "Compte rendu")
        ] == [True, True, True, False]
        app.digest_preview("2026-W51")  # seen last week: not news again
        assert "Nouveau bureau" not in (output / "digest" / "2026-W51.txt").read_text()
    finally:
        app.close()


def test_undated_news_first_seen_long_ago_is_pruned(
    feed_server: Any, tmp_path: Path, db_url: str
) -> None:
    """Kept 90 days as dated news is: before, an undated item was never pruned."""
    clock = Clock(TUESDAY - timedelta(days=120))
    app = one_feed_site(feed_server, tmp_path, db_url, "/news.xml",
                        undated_rss("Ancienne annonce"), clock)
    try:
        app.refresh()
        clock.now = TUESDAY
        assert app.housekeeping()["news"] == 1
    finally:
        app.close()


@pytest.mark.empty_database
def test_news_stored_before_first_seen_was_kept_gets_the_upgrade_time(db_url: str) -> None:
    with schema_at(db_url, "0001") as connection:  # the schema before this change
        connection.execute(sa.text(
            "INSERT INTO feeds (id, source_id, declared_url, url, type, status, record_count, "
            "consecutive_failures, warnings) VALUES (1, 'asso', 'https://a.example.org/n', "
            "'https://a.example.org/n', 'auto', 'ok', 2, 0, '[]')"))
        for n, published in ((1, None), (2, datetime(2026, 11, 23, 9, 0))):
            payload = {"guid": f"g{n}", "title": f"Article {n}", "link": "", "summary": "",
                       "author": "", "updated": None,
                       "published": published and published.isoformat() + "@UTC"}
            connection.execute(sa.text(
                "INSERT INTO news_items (id, feed_id, guid, published, payload) "
                "VALUES (:n, 1, :guid, :published, :payload)"),
                {"n": n, "guid": f"g{n}", "published": published, "payload": json.dumps(payload)})
    before = datetime.now(timezone.utc)
    store = open_store(db_url)
    try:
        records = store.current_records([make_source("asso", "https://a.example.org/n")],
                                        before - timedelta(days=30))
        seen = {item.title: item.seen for item in records.items}
        assert seen["Article 2"] is None
        assert seen["Article 1"] is not None and before - timedelta(seconds=1) <= seen["Article 1"]
    finally:
        store.close()


def test_a_merged_article_is_dated_by_a_member_before_first_seen() -> None:
    seen_early = NewsItem(guid="1", title="AG", seen=TUESDAY, source_id="a")
    seen_late = NewsItem(guid="2", title="AG", seen=FRIDAY, source_id="b")
    dated = NewsItem(guid="3", title="AG", published=FRIDAY + timedelta(days=1), source_id="c")
    undated = merge_item("x", [seen_late, seen_early], "")
    assert (undated.published, undated.seen, undated.when) == (None, TUESDAY, TUESDAY)
    relayed = merge_item("y", [seen_early, dated], "")
    assert (relayed.seen, relayed.when) == (None, dated.published)
    never_seen = merge_item("z", [NewsItem(guid="4", title="Old")], "")
    assert newest_first([never_seen, undated, relayed]) == [relayed, undated, never_seen]
    atom = render_news_atom([never_seen], {}, now=FRIDAY, base_url="https://x.example.org")
    assert b"<updated>2026-12-04T16:00:00Z</updated>" in atom  # nothing better than the build


def test_news_dated_in_the_future_is_listed_and_digested_by_when_it_was_first_seen(
    feed_server: Any, tmp_path: Path, db_url: str
) -> None:
    """A placeholder date (2286: 9999999999 as a Unix time) or an events plugin's event day: before,
    such an article headed /news and news.json until then, and no week's digest held it."""
    def feed(*items: tuple[str, str]) -> bytes:
        body = "".join(f"<item><title>{title}</title><guid>https://asso.example.org/{title}</guid>"
                       f"<link>https://asso.example.org/{title}</link><pubDate>{date}</pubDate>"
                       "</item>" for title, date in items)
        return ('<?xml version="1.0"?><rss version="2.0"><channel><title>Asso</title>'
                f"<link>https://asso.example.org/</link><description>d</description>{body}"
                "</channel></rss>").encode()

    far = ("Atelier vélo", "Fri, 20 Nov 2286 17:46:39 +0000")
    clock = Clock(TUESDAY)
    app = one_feed_site(feed_server, tmp_path, db_url, "/news.xml",
                        feed(far, ("Compte rendu", "Mon, 30 Nov 2026 09:00:00 +0000")), clock)
    try:
        app.refresh()
        clock.now = FRIDAY  # the feed changes: the article keeps the day it was first seen
        feed_server.set("/news.xml", feed(("Nouveau", "Fri, 04 Dec 2026 12:00:00 +0000"), far,
                                          ("Compte rendu", "Mon, 30 Nov 2026 09:00:00 +0000")),
                        "application/rss+xml")
        app.refresh()
        [health] = app.feed_health()
        assert ("an entry dated in the future (2286-11-20): dated by the day it was first seen; "
                "a feed dates an article by when it was published") in health.warnings
        app.build()
        output = tmp_path / "output"
        items = json.loads((output / "news.json").read_text())["items"]
        assert [(i["title"], i["published"], i.get("first_seen")) for i in items] == [
            ("Nouveau", "2026-12-04T12:00:00+00:00", None),
            ("Atelier vélo", None, TUESDAY.isoformat()),
            ("Compte rendu", "2026-11-30T09:00:00+00:00", None)]
        app.digest_preview("2026-W50")  # the news of the week it was first seen
        assert "Atelier vélo" in (output / "digest" / "2026-W50.txt").read_text()
    finally:
        app.close()


def test_news_dated_in_the_future_stays_dated_by_when_it_was_first_seen_once_that_day_comes(
    feed_server: Any, tmp_path: Path, db_url: str
) -> None:
    """An events plugin's announcement dated by its event's day (Wednesday 9 December), first
    seen the week before: when that day has passed and the feed changes, the article is not
    news again in the next week's digest."""
    def feed(*titles: str) -> bytes:
        body = "".join(f"<item><title>{title}</title><guid>https://asso.example.org/{title}</guid>"
                       f"<pubDate>{date}</pubDate></item>" for title, date in (
                           ("Atelier vélo", "Wed, 09 Dec 2026 18:00:00 +0100"),
                           *((t, "Thu, 10 Dec 2026 09:00:00 +0100") for t in titles)))
        return ('<?xml version="1.0"?><rss version="2.0"><channel><title>Asso</title>'
                f"<link>https://asso.example.org/</link><description>d</description>{body}"
                "</channel></rss>").encode()

    clock = Clock(TUESDAY)
    app = one_feed_site(feed_server, tmp_path, db_url, "/news.xml", feed(), clock)
    try:
        app.refresh()
        clock.now = datetime(2026, 12, 10, 12, 0, tzinfo=timezone.utc)
        feed_server.set("/news.xml", feed("Nouveau bureau"), "application/rss+xml")
        app.refresh()
        [health] = app.feed_health()
        assert health.warnings == ()  # nothing is in the future any more
        app.build()
        output = tmp_path / "output"
        items = json.loads((output / "news.json").read_text())["items"]
        assert [(i["title"], i["published"], i.get("first_seen")) for i in items] == [
            ("Nouveau bureau", "2026-12-10T08:00:00+00:00", None),
            ("Atelier vélo", None, TUESDAY.isoformat())]
        app.digest_preview("2026-W50")  # the week it was first seen
        assert "Atelier vélo" in (output / "digest" / "2026-W50.txt").read_text()
        app.digest_preview("2026-W51")  # the week of its date: not news again
        week_after = (output / "digest" / "2026-W51.txt").read_text()
        assert "Nouveau bureau" in week_after and "Atelier vélo" not in week_after
    finally:
        app.close()


def test_an_atom_entry_dated_only_by_its_last_edit_is_not_news_again_when_edited(
    feed_server: Any, tmp_path: Path, db_url: str
) -> None:
    """Atom requires <updated>, not <published>: an entry dated by its last edit alone moved to
    the head of the news and into the week's digest each time its author mended a typo."""
    def atom(edited: str) -> bytes:
        return ('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Lab</title>'
                f"<id>urn:lab</id><updated>{edited}</updated>"
                "<entry><title>Soutenance de thèse</title><id>urn:lab:these</id>"
                f'<link href="https://lab.example.org/these"/><updated>{edited}</updated></entry>'
                "<entry><title>Séminaire</title><id>urn:lab:seminaire</id>"
                '<link href="https://lab.example.org/seminaire"/>'
                "<published>2026-11-30T09:00:00Z</published>"
                f"<updated>{edited}</updated></entry></feed>").encode()

    clock = Clock(TUESDAY)
    app = one_feed_site(feed_server, tmp_path, db_url, "/news.atom",
                        atom("2026-12-01T09:00:00Z"), clock, source_id="lab")
    try:
        app.refresh()
        clock.now = datetime(2026, 12, 8, 12, 0, tzinfo=timezone.utc)
        feed_server.set("/news.atom", atom("2026-12-08T11:00:00Z"), "application/atom+xml")
        app.refresh()
        app.build()
        output = tmp_path / "output"
        items = json.loads((output / "news.json").read_text())["items"]
        assert [(i["title"], i["published"]) for i in items] == [
            ("Soutenance de thèse", "2026-12-01T09:00:00+00:00"),  # as first seen
            ("Séminaire", "2026-11-30T09:00:00+00:00")]
        assert "<updated>2026-12-08T11:00:00Z</updated>" in (output / "news.atom").read_text()
        app.digest_preview("2026-W51")  # the week of the edit
        assert "Soutenance" not in (output / "digest" / "2026-W51.txt").read_text()
    finally:
        app.close()
