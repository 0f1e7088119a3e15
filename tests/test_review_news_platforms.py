"""News as real publishing tools write their feeds (Mastodon, Medium, Hugo, YouTube,
WordPress plugins...), from the feed to what the reader sees: defects found in review."""

from __future__ import annotations

import dataclasses
from datetime import UTC
from pathlib import Path

from aggregator.dedup import merge_news
from aggregator.dedup.policy import merge_item
from aggregator.models import Source
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



def test_a_mastodon_post_of_a_picture_alone_shows_it() -> None:
    """A post of a picture and no words: with no title and no text, /news titled it by its
    address ("https://mastodon.social/@loria/1136…") and showed nothing. It is titled by
    its picture's description and shows the picture."""
    body = (DATA / "mastodon_account.xml").read_bytes().replace(
        "&lt;p&gt;Félicitations à l’équipe MULTISPEECH pour le prix de la meilleure thèse ! 🎉 "
        "&lt;a href=\"https://mastodon.social/tags/recherche\" class=\"mention hashtag\" "
        "rel=\"tag\"&gt;#&lt;span&gt;recherche&lt;/span&gt;&lt;/a&gt;&lt;/p&gt;".encode(), b"")
    pictured, _ = shown(body)
    assert pictured["title"] == "Photo de groupe de l'équipe devant le bâtiment"
    assert pictured["summary"] == (
        '<img src="https://files.mastodon.social/media_attachments/files/113/original/photo.jpg"'
        ' alt="Photo de groupe de l\'équipe devant le bâtiment">')

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


def test_a_medium_article_relayed_by_the_incubator_is_one_article_at_its_own_address() -> None:
    """Medium's feeds link each story with "?source=rss-<id>------2", a tag of where the
    click came from: the incubator's relay, under the story's title and address with its
    own words, stayed a second article, and the reader's click on the original carried
    Medium's tag."""
    sources = {key: Source(id=key, name=name, kind=kind, city="Metz", country="FR")
               for key, name, kind in (("startup", "Startup Metz", "startup"),
                                       ("incubator", "Incubateur Lorrain", "incubator"))}
    story = parse_body((DATA / "medium_profile.xml").read_bytes(), "auto",
                       "https://medium.com/@startupmetz/feed").items
    relay = parse_body(
        b'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        b"<title>Incubateur Lorrain</title><link>https://incubateur-lorrain.fr</link><item>"
        b"<title>Nous levons 2 millions d\xe2\x80\x99euros</title>"
        b"<link>https://medium.com/@startupmetz/nous-levons-2-millions-deuros-5e4d3c2b1a09</link>"
        b"<pubDate>Thu, 03 Dec 2026 14:00:00 +0100</pubDate><description>Bravo \xc3\xa0 "
        b"Startup Metz, accompagn\xc3\xa9e par l'incubateur, pour sa lev\xc3\xa9e de fonds."
        b"</description></item></channel></rss>", "auto", "https://incubateur-lorrain.fr/feed/").items
    items = [dataclasses.replace(item, source_id="startup") for item in story] + [
        dataclasses.replace(item, source_id="incubator") for item in relay]
    [merged] = merge_news(items, sources).items
    [row] = news_rows([merged], sources, UTC, "fr")
    assert row["sources"] == "Startup Metz, Incubateur Lorrain"
    assert row["link"] == "https://medium.com/@startupmetz/nous-levons-2-millions-deuros-5e4d3c2b1a09"


def test_a_picture_a_site_loads_late_is_shown_and_none_is_an_empty_frame() -> None:
    """Squarespace writes its articles' pictures as the page loads them, late: an <img> with
    the address in data-src, no src, and a copy for browsers without JavaScript in
    <noscript> (which the sanitiser drops with its content). /news showed an empty frame
    with the alt text and no picture; so did a WordPress lazy-loading plugin's (a data: URI
    in src, the picture in data-lazy-src). The picture now loads from its address; an
    <img> left with nothing to load leaves its words (alt), not an empty frame."""
    [row] = shown((DATA / "squarespace_blog.xml").read_bytes(),
                  "https://www.studio-kirchberg.lu/journal?format=rss")
    assert ('<img src="https://images.squarespace-cdn.com/content/v1/5f1a2b3c/1701620000000-ABC/'
            'espace.jpg" alt="L’espace de coworking">') in row["summary"]
    assert row["summary"].count("<img") == 1 and "data-" not in row["summary"]
    body = rss_item('<p>Stand</p><img src="data:image/svg+xml,%3Csvg%20xmlns=%22http://www.w3.'
                    'org/2000/svg%22%3E%3C/svg%3E" data-lazy-src="/wp-content/uploads/stand.jpg" '
                    'alt="Le stand" width="800" height="600"><img src="javascript:alert(1)" '
                    'alt="Rien" width="300" height="200">')
    [row] = shown(body)
    assert row["summary"] == ('<p>Stand</p><img src="https://lab.example.org/wp-content/uploads/'
                              'stand.jpg" alt="Le stand" height="600" width="800">Rien')


def rss_item(content: str) -> bytes:
    """An RSS feed of one item whose content:encoded is ``content``."""
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Lab</title>'
            "<link>https://lab.example.org/</link><item><title>Salon</title>"
            "<link>https://lab.example.org/salon/</link><pubDate>Thu, 03 Dec 2026 10:00:00 +0000"
            f"</pubDate><content:encoded><![CDATA[{content}]]></content:encoded></item>"
            "</channel></rss>").encode()


def test_a_youtube_videos_description_keeps_its_lines() -> None:
    """A YouTube channel's feed describes each video in <media:group>'s <media:description>,
    plain text (Media RSS's default type): read as HTML, its lines ran into one on /news
    and in the digest ("…du 1er décembre. Intervenant : Jean Dupont (LORIA) https://…")."""
    [row] = shown((DATA / "youtube_channel.xml").read_bytes(),
                  "https://www.youtube.com/feeds/videos.xml?channel_id=UCabc")
    assert row["title"] == "Conférence : l'IA et l'énergie"
    assert row["summary"] == ("Enregistrement de la conférence du 1er décembre.<br>Intervenant : "
                              "Jean Dupont (LORIA)<br>https://www.inria.fr/fr/centre-inria-"
                              "universite-lorraine")


def test_the_universitys_relay_under_its_own_headline_with_the_labs_text_is_one_article() -> None:
    """The university relays the lab's news under its own headline, the lab's text word for
    word. Each side's summary was compared without its own title's words: "bourse" and
    "chercheuse" left out of one, "obtient" and "IA" of the other, the same text agreed at
    78 % and the article was listed twice, by the lab and by the university."""
    sources = {key: Source(id=key, name=name, kind=kind, city="Nancy", country="FR")
               for key, name, kind in (("loria", "LORIA", "lab"),
                                       ("ul", "Université de Lorraine", "institution"))}
    text = ("<p>Marie Curie, chercheuse au LORIA, obtient une bourse ERC Starting Grant de "
            "1,5 M€ pour ses travaux sur l'IA frugale.</p>")
    lab = parse_body(rss_item(text).replace(b"<title>Salon</title>", "<title>Le LORIA obtient "
                     "un financement ERC pour l'IA frugale</title>".encode()), "auto", URL).items
    relay = parse_body(
        rss_item(text).replace(b"<title>Salon</title>", b"<title>Une bourse ERC pour une "
                               b"chercheuse du LORIA</title>").replace(
            b"https://lab.example.org/salon/", b"https://www.univ-lorraine.fr/fr/actualites/"
            b"bourse-erc").replace(b"10:00:00", b"15:30:00"), "auto",
        "https://www.univ-lorraine.fr/fr/rss.xml").items
    items = [dataclasses.replace(item, source_id="loria") for item in lab] + [
        dataclasses.replace(item, source_id="ul") for item in relay]
    [merged] = merge_news(items, sources).items
    [row] = news_rows([merged], sources, UTC, "fr")
    assert row["title"] == "Le LORIA obtient un financement ERC pour l'IA frugale"
    assert row["sources"] == "LORIA, Université de Lorraine"


def test_a_toot_announcing_the_labs_article_is_that_article() -> None:
    """A lab registers its blog's feed and its Mastodon account's, where each article is
    announced by a post repeating its title and linking to it. The post's own link is the
    post, its text the title and the link: it shared neither link nor summary with the
    article, and /news listed each article twice, once titled "… frugale 🎉…". A text
    that links to an article's own page under its title is that article."""
    sources = {"loria": Source(id="loria", name="LORIA", kind="lab", city="Nancy", country="FR")}
    blog = rss_item("<p>Marie Curie, chercheuse au LORIA, obtient une bourse ERC Starting Grant "
                    "de 1,5 M€ pour ses travaux sur l'IA frugale.</p>").replace(
        b"<title>Salon</title>", "<title>Le LORIA obtient un financement ERC pour l’IA frugale"
        "</title>".encode()).replace(b"https://lab.example.org/salon/",
                                     b"https://www.loria.fr/fr/erc-ia-frugale/")
    toot = (DATA / "mastodon_account.xml").read_bytes().replace(
        "Félicitations à l’équipe MULTISPEECH pour le prix de la meilleure thèse ! 🎉".encode(),
        "Le LORIA obtient un financement ERC pour l’IA frugale 🎉&lt;/p&gt;&lt;p&gt;&lt;a "
        "href=\"https://www.loria.fr/fr/erc-ia-frugale/\" target=\"_blank\" rel=\"nofollow "
        "noopener noreferrer\" translate=\"no\"&gt;&lt;span class=\"invisible\"&gt;https://www."
        "&lt;/span&gt;&lt;span class=\"ellipsis\"&gt;loria.fr/fr/erc-ia-frugale/&lt;/span&gt;"
        "&lt;/a&gt;".encode()).replace(b"09:12:44", b"10:12:44")
    items = [dataclasses.replace(item, source_id="loria")
             for body, url in ((blog, "https://www.loria.fr/fr/feed/"),
                               (toot, "https://mastodon.social/@loria.rss"))
             for item in parse_body(body, "auto", url).items]
    rows = news_rows(merge_news(items, sources).items, sources, UTC, "fr")
    assert [row["title"] for row in rows] == [
        "Séminaire demain à 14h : « L’IA frugale » par @jdupont",
        "Le LORIA obtient un financement ERC pour l’IA frugale"]
    assert rows[1]["link"] == "https://www.loria.fr/fr/erc-ia-frugale/"



def test_an_article_linking_to_anothers_of_the_same_title_is_still_its_own() -> None:
    """The association's own report of the hackathon links to the lab's, of the same title:
    two reports, not a post announcing the other (whose text opens with its title)."""
    sources = {key: Source(id=key, name=name, kind=kind, city="Nancy", country="FR")
               for key, name, kind in (("loria", "LORIA", "lab"),
                                       ("asso", "L'Asso du Code", "association"))}
    lab = rss_item("<p>Douze équipes, quarante-huit heures et trois prix remis par le jury de "
                   "chercheurs du laboratoire.</p>").replace(
        b"<title>Salon</title>", b"<title>Retour sur le hackathon</title>")
    asso = rss_item("<p>Quel week-end ! Nos membres ont codé jour et nuit ; merci aux "
                    "bénévoles. Voir aussi <a href=\"https://lab.example.org/salon/\">le compte "
                    "rendu du LORIA</a>.</p>").replace(
        b"<title>Salon</title>", b"<title>Retour sur le hackathon</title>").replace(
        b"<link>https://lab.example.org/salon/</link>", b"<link>https://asso.example.org/hack/</link>")
    items = [dataclasses.replace(item, source_id=key)
             for key, body, url in (("loria", lab, URL), ("asso", asso, "https://asso.example.org/feed/"))
             for item in parse_body(body, "auto", url).items]
    assert len(merge_news(items, sources).items) == 2

def test_a_wordpress_excerpts_words_for_screen_readers_are_not_shown() -> None:
    """A WordPress site whose feed gives excerpts (Reading: "Excerpt") ends each with its
    theme's "Continue reading" link, which carries the title for screen readers, hidden on
    the site by the class screen-reader-text (Twenty Seventeen to Twenty Twenty-One). The
    class went with the sanitiser, and /news and the digest showed the title again at the
    end of every summary: "… un porte-clés… Lire la suite Retour sur l’atelier"."""
    body = rss_item("").replace(b"<content:encoded><![CDATA[]]></content:encoded>", (
        "<description><![CDATA[Samedi dernier, douze participants ont découvert l&#8217;"
        "impression 3D avec nos bénévoles&hellip; <a href=\"https://lab.example.org/salon/\" "
        "class=\"more-link\">Lire la suite<span class=\"screen-reader-text\"> « Retour sur "
        "l&#8217;atelier impression&nbsp;3D »</span></a>]]></description>").encode())
    [row] = shown(body)
    assert row["summary"] == ("Samedi dernier, douze participants ont découvert l’impression 3D"
                              " avec nos bénévoles… <a href=\"https://lab.example.org/salon/\" "
                              "rel=\"noopener nofollow\">Lire la suite</a>")


def test_a_pictures_address_relative_to_its_article_loads_from_the_article() -> None:
    """Hugo keeps a post's pictures beside it (a page bundle) and writes them relative to the
    post's page ("images/podium.jpg"), as the browser reads them there: resolved against the
    site's address (the channel's <link>), /news showed a broken picture and its links led
    to pages that do not exist. A Hugo feed's item text without xml:base is read from its
    page; an address from the site's root is the same either way."""
    [row] = shown((DATA / "hugo_page_bundles.xml").read_bytes(), "https://lelab.example.org/index.xml")
    post = "https://lelab.example.org/posts/hackathon-2026/"
    assert f'src="{post}images/podium.jpg"' in row["summary"]
    assert f'href="{post}classement.pdf"' in row["summary"]
    assert 'href="https://lelab.example.org/posts/hackathon-2025/"' in row["summary"]
    assert 'href="https://lelab.example.org/equipes/"' in row["summary"]


def test_a_video_a_wordpress_post_embeds_is_a_link_to_it() -> None:
    """WordPress writes a video embedded in a post (YouTube, Vimeo, PeerTube) as the player's
    <iframe> in its feed. Frames leave summaries with their content, and /news showed
    "Revivez la conférence :" followed by nothing. The video is now a link to its page,
    named by the frame's title (other frames still go)."""
    body = rss_item(
        '<p>Revivez la conférence :</p><figure class="wp-block-embed is-type-video '
        'is-provider-youtube wp-block-embed-youtube wp-embed-aspect-16-9 wp-has-aspect-ratio">'
        '<div class="wp-block-embed__wrapper"><iframe loading="lazy" title="L&#8217;IA et '
        'l&#8217;énergie &#8211; Jean Dupont" width="640" height="360" src="https://www.youtube.'
        'com/embed/dQw4w9WgXcQ?feature=oembed" frameborder="0" allow="accelerometer; autoplay" '
        'referrerpolicy="strict-origin-when-cross-origin" allowfullscreen></iframe></div>'
        '</figure><p><iframe src="https://player.vimeo.com/video/76979871?h=8272103f6e" '
        'width="640" height="360"></iframe></p><iframe src="javascript:alert(1)"></iframe>'
        '<iframe src="https://ads.example.com/banner"></iframe>')
    [row] = shown(body)
    assert row["summary"] == (
        "<p>Revivez la conférence :</p><figure><div><a href=\"https://www.youtube.com/watch?v="
        "dQw4w9WgXcQ\" rel=\"noopener nofollow\">L’IA et l’énergie – Jean Dupont</a></div>"
        "</figure><p><a href=\"https://vimeo.com/76979871\" rel=\"noopener nofollow\">"
        "https://vimeo.com/76979871</a></p>")


def test_a_relay_spelling_the_articles_accented_address_otherwise_is_the_same_article() -> None:
    """Hugo keeps a title's accents in the post's address and writes it percent-encoded in
    its feed ("/posts/%C3%A9t%C3%A9-num%C3%A9rique/"), WordPress with lower-case digits; a
    relay gives it as the browser shows it ("/posts/été-numérique/"). Three spellings of one
    address were three: the university's relay under the lab's title stayed a second
    article."""
    sources = {key: Source(id=key, name=name, kind=kind, city="Nancy", country="FR")
               for key, name, kind in (("lab", "Le Lab", "lab"),
                                       ("ul", "Université de Lorraine", "institution"))}
    spellings = ("https://lelab.example.org/posts/%C3%A9t%C3%A9-num%C3%A9rique/",
                 "https://lelab.example.org/posts/été-numérique/",
                 "https://lelab.example.org/posts/%c3%a9t%c3%a9-num%c3%a9rique")
    items = [dataclasses.replace(item, source_id=key, feed_url=f"https://{key}.example.org/feed")
             for key, link, text in (
                 ("lab", spellings[0], "<p>Programme de l’été numérique : ateliers de robotique, "
                                       "stages de programmation et visites des plateformes.</p>"),
                 ("ul", spellings[1], "<p>Nos voisins organisent cet été des stages gratuits pour "
                                      "les lycéens de la métropole, inscriptions ouvertes.</p>"),
                 ("ul", spellings[2], "<p>À lire sur le site du Lab.</p>"))
             for item in parse_body(rss_item(text).replace(
                 b"<title>Salon</title>", "<title>L’été numérique du Lab</title>".encode()).replace(
                 b"https://lab.example.org/salon/", link.encode()), "auto", URL).items]
    merged = merge_news(items[:2], sources).items
    assert [row["sources"] for row in news_rows(merged, sources, UTC, "fr")] == [
        "Le Lab, Université de Lorraine"]
    assert len(merge_news([items[0], items[2]], sources).items) == 1


def test_a_text_of_many_unclosed_tags_is_read_in_time() -> None:
    """The mending of frames and of words for screen readers reads each tag once: a hostile
    (or broken) text of tens of thousands of unclosed frames or spans costs milliseconds,
    not the minutes a search for each one's end took."""
    import time
    for text in ("<iframe>" * 20_000, '<iframe src="https://www.youtube.com/embed/x" ' * 10_000,
                 "sr-only <span " * 20_000, 'sr-only <span class="a" ' * 20_000):
        began = time.perf_counter()
        parse_body(rss_item(text), "auto", URL)
        assert time.perf_counter() - began < 3, text[:30]
