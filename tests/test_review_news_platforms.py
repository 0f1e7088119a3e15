"""News as real publishing tools write their feeds (Mastodon, Medium, Hugo, YouTube,
WordPress plugins...), from the feed to what the reader sees: defects found in review."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

from aggregator.dedup.policy import merge_item
from aggregator.parse import parse_body
from aggregator.render.pages import news_rows

DATA = Path(__file__).resolve().parent / "data"
URL = "https://lab.example.org/feed/"


def shown(body: bytes, url: str = URL) -> list[dict[str, str]]:
    """Each item of a feed body as /news shows it (title, link, summary)."""
    items = parse_body(body, "auto", url).items
    return news_rows([merge_item(item.guid, [item], item.link) for item in items], {}, UTC, "fr")


def test_a_mastodon_post_with_a_picture_is_not_its_pictures_description() -> None:
    """Mastodon's account RSS (no titles) gives each attached picture as a <media:content>
    whose <media:description> is its alt text: feedparser took that for the post's content,
    and /news showed "Photo de groupe de l'équipe devant le bâtiment" as the post's title
    and whole text, the congratulations lost."""
    posted, plain = shown((DATA / "mastodon_account.xml").read_bytes())
    assert posted["title"].startswith("Félicitations à l’équipe MULTISPEECH pour le prix")
    assert "Félicitations à l’équipe MULTISPEECH" in posted["summary"]
    assert "Photo de groupe" not in posted["title"] + posted["summary"]
    assert plain["title"] == "Séminaire demain à 14h : « L’IA frugale » par @jdupont"


def test_an_untitled_wordpress_com_post_is_not_titled_by_its_authors_login() -> None:
    """WordPress.com attaches each post's author gravatar as <media:content> titled with the
    author's login: an item without <title> (an aside, as some themes' feeds give it) was
    titled "fablabepinal", not by its first words."""
    body = ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
            'xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Fablab</title>'
            "<link>https://fablabepinal.wordpress.com</link><item>"
            "<link>https://fablabepinal.wordpress.com/2026/12/04/412/</link>"
            "<pubDate>Fri, 04 Dec 2026 10:31:12 +0000</pubDate>"
            "<description><![CDATA[Le fablab est fermé samedi pour inventaire.]]></description>"
            '<media:content url="https://2.gravatar.com/avatar/0a1b?s=96&amp;d=identicon" '
            'medium="image"><media:title type="html">fablabepinal</media:title></media:content>'
            "</item></channel></rss>").encode()
    [aside] = shown(body)
    assert aside["title"] == "Le fablab est fermé samedi pour inventaire."
