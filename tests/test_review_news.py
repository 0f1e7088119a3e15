"""A news item from the feed to the reader: defects found in review, each with its test."""

from __future__ import annotations

import json
from datetime import UTC
from pathlib import Path

from aggregator.dedup.policy import merge_item
from aggregator.parse import parse_body
from aggregator.render.pages import news_rows

URL = "https://lab.example.org/feed/"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def rss(items: str, channel_link: str = "https://lab.example.org/") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Lab</title>'
            f"<link>{channel_link}</link>{items}</channel></rss>").encode()


def test_an_opaque_guid_is_no_link() -> None:
    """RSS 2.0 reads a <guid> as a permalink unless isPermaLink="false"; hand-made and CMS
    feeds write ids ("12345") without it, and the item linked to https://lab.example.org/12345,
    a page that does not exist. An address in the guid (absolute or from the site's root)
    stays the link; a real <link> wins over either."""
    body = rss("<item><title>Numéro</title><guid>12345</guid></item>"
               "<item><title>Chemin</title><guid>/2026/12/portes-ouvertes</guid></item>"
               "<item><title>Adresse</title><guid>https://lab.example.org/?p=9</guid></item>"
               "<item><title>Lien</title><guid>67</guid><link>https://lab.example.org/a</link></item>")
    opaque, path, address, linked = parse_body(body, "rss", URL).items
    assert (opaque.link, opaque.guid) == ("", "12345")
    assert path.link == "https://lab.example.org/2026/12/portes-ouvertes"
    assert address.link == "https://lab.example.org/?p=9"
    assert linked.link == "https://lab.example.org/a"


def test_json_feed_titles_read_their_character_references() -> None:
    """WordPress's JSON Feed writes titles HTML-escaped (pxlnv.com, in the corpus): /news,
    news.json and the digest showed "Releasing &#8216;Jokes&#8217;". Markup stays text."""
    feed = parse_body((CORPUS / "feeds" / "rsparser__pxlnv.json").read_bytes(), "auto",
                      "https://pxlnv.com/feed/json/")
    assert "FCC Says Releasing ‘Jokes’ It Wrote About Ajit Pai Colluding With Verizon Would " \
           "‘Harm’ Agency" in [item.title for item in feed.items]
    assert not [item.title for item in feed.items if "&#" in item.title]
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "R&amp;D &lt;Lab&gt;",
                       "items": [{"id": "1", "title": "AT&T &amp; R&D: <b>?a=1&para=2</b> &#x2019;"}]})
    feed = parse_body(body.encode(), "auto", URL)
    assert feed.title == "R&D <Lab>"
    assert feed.items[0].title == "AT&T & R&D: <b>?a=1&para=2</b> ’"


def test_an_untitled_json_feed_post_is_titled_by_whole_words() -> None:
    """JSON Feed lets a post have no title (micro.blog's notes have none): its title was its
    text's first 80 characters, cut inside a word with nothing to say so ("…rendez-vous la sem"),
    where an untitled RSS item's stops at a word, with "…"."""
    text = ("Merci à toutes et à tous pour cette belle soirée au LORIA : rendez-vous la semaine "
            "suivant pour la conférence sur l'IA frugale.")
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": [
        {"id": "1", "url": "https://lab.example.org/n/1", "content_text": text}]})
    [item] = parse_body(body.encode(), "auto", URL).items
    assert item.title == "Merci à toutes et à tous pour cette belle soirée au LORIA : rendez-vous la…"


def test_links_in_summaries_on_the_pages_stay_nofollow() -> None:
    """The parsers give a summary's links rel="noopener nofollow" (strangers' feeds must not
    lend them our pages' standing); the pages cleaned summaries again with nh3's default
    policy, which wrote "noopener noreferrer" instead: /news and the agenda page followed
    every link of every feed's articles (and dropped <time datetime>)."""
    body = rss("<item><title>Levée</title><link>https://lab.example.org/a</link><description>"
               "<![CDATA[<p>Voir <a href=\"https://casino.example.com/\">ici</a>, "
               "<time datetime=\"2026-12-01\">1er décembre</time></p>]]></description></item>")
    [parsed] = parse_body(body, "rss", URL).items
    assert 'rel="noopener nofollow"' in parsed.summary
    [row] = news_rows([merge_item("a", [parsed], parsed.link)], {}, UTC, "fr")
    assert row["summary"] == parsed.summary
    assert 'rel="noopener nofollow"' in row["summary"] and 'datetime="2026-12-01"' in row["summary"]


def test_a_spelled_out_date_with_no_zone_is_in_the_feeds_zone() -> None:
    """A German or French site's date with no zone ("Montag, 01. Dezember 2026 23:30") was
    read in UTC (email.utils.parsedate_tz gives a zoneless date the offset 0), not in the
    feed's zone as every other zoneless date: the article of 23:30 in Luxembourg was of the
    next day (00:30), and the news was ordered an hour off."""
    body = rss("<item><title>Abend</title><link>https://lab.example.org/a</link>"
               "<pubDate>Montag, 01. Dezember 2026 23:30</pubDate></item>"
               "<item><title>Soir</title><link>https://lab.example.org/b</link>"
               "<pubDate>lun., 01 déc. 2026 23:30:00</pubDate></item>")
    for zone, hour in (("Europe/Luxembourg", 22), ("America/Montreal", 4)):
        german, french = parse_body(body, "rss", URL, default_tz=zone).items
        assert german.published == french.published
        assert german.published is not None and german.published.hour == hour, zone
