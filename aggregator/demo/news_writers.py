"""One small writer per news feed format: RSS 2.0 (WordPress), Atom 1.0 (static site), JSON Feed.

Why: the demo's news feeds must look like what organisers' sites really serve, so the parser
meets WordPress's namespaces and CDATA, an Atom feed whose links are relative to ``xml:base``,
and a JSON Feed 1.1. Input: :class:`NewsDoc`; output: bytes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape

from .catalog import NewsShape


@dataclass(frozen=True, slots=True)
class Article:
    """One item of one feed."""

    guid: str
    title: str
    link: str
    """Absolute, or relative to the feed's home when the feed says ``relative_links``."""
    published: datetime
    author: str
    html: str
    categories: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NewsDoc:
    """One organisation's news feed."""

    title: str
    home: str
    feed_url: str
    language: str
    description: str
    articles: tuple[Article, ...]
    relative_links: bool = False


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _rss_item(article: Article) -> str:
    categories = "".join(f"\n\t\t<category>{_cdata(c)}</category>" for c in article.categories)
    return (
        f"\t<item>\n\t\t<title>{escape(article.title, quote=False)}</title>\n"
        f"\t\t<link>{escape(article.link)}</link>\n"
        f"\t\t<dc:creator>{_cdata(article.author)}</dc:creator>\n"
        f"\t\t<pubDate>{format_datetime(article.published.astimezone(UTC))}</pubDate>"
        f"{categories}\n"
        f'\t\t<guid isPermaLink="false">{escape(article.guid)}</guid>\n'
        f"\t\t<description>{_cdata(article.html)}</description>\n"
        f"\t\t<content:encoded>{_cdata(article.html)}</content:encoded>\n\t</item>\n"
    )


def write_rss(doc: NewsDoc) -> bytes:
    """RSS 2.0 as WordPress 6 serves ``/feed/``: namespaces, CDATA, ``?p=`` GUIDs."""
    built = max(a.published for a in doc.articles).astimezone(UTC)
    head = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"\n'
        '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
        '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
        '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '\txmlns:atom="http://www.w3.org/2005/Atom"\n'
        '\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/"\n'
        '\txmlns:slash="http://purl.org/rss/1.0/modules/slash/"\n\t>\n\n<channel>\n'
        f"\t<title>{escape(doc.title, quote=False)}</title>\n"
        f'\t<atom:link href="{escape(doc.feed_url)}" rel="self" type="application/rss+xml" />\n'
        f"\t<link>{escape(doc.home)}</link>\n"
        f"\t<description>{escape(doc.description, quote=False)}</description>\n"
        f"\t<lastBuildDate>{format_datetime(built)}</lastBuildDate>\n"
        f"\t<language>{doc.language}-{doc.language.upper()}</language>\n"
        "\t<sy:updatePeriod>\n\thourly\t</sy:updatePeriod>\n"
        "\t<sy:updateFrequency>\n\t1\t</sy:updateFrequency>\n"
        "\t<generator>https://wordpress.org/?v=6.5.3</generator>\n"
    )
    items = "".join(_rss_item(a) for a in doc.articles)
    return (head + items + "\t</channel>\n</rss>\n").encode("utf-8")


def _atom_entry(article: Article) -> str:
    stamp = article.published.isoformat()
    categories = "".join(f'\n    <category term="{escape(c)}"/>' for c in article.categories)
    return (
        f"  <entry>\n    <title>{escape(article.title, quote=False)}</title>\n"
        f'    <link rel="alternate" type="text/html" href="{escape(article.link)}"/>\n'
        f"    <id>{escape(article.guid)}</id>\n"
        f"    <published>{stamp}</published>\n    <updated>{stamp}</updated>\n"
        f"    <author><name>{escape(article.author)}</name></author>{categories}\n"
        f'    <content type="html">{escape(article.html, quote=False)}</content>\n  </entry>\n'
    )


def write_atom(doc: NewsDoc) -> bytes:
    """Atom 1.0 from a static site generator; with ``relative_links`` the entry links and the
    hrefs inside content are relative, to be resolved against the feed's ``xml:base``."""
    updated = max(a.published for a in doc.articles).isoformat()
    home = "/" if doc.relative_links else escape(doc.home)
    base = f' xml:base="{escape(doc.home)}"' if doc.relative_links else ""
    head = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom"{base} xml:lang="{doc.language}">\n'
        f"  <title>{escape(doc.title, quote=False)}</title>\n"
        f"  <subtitle>{escape(doc.description, quote=False)}</subtitle>\n"
        f'  <link rel="self" type="application/atom+xml" href="{escape(doc.feed_url)}"/>\n'
        f'  <link rel="alternate" type="text/html" href="{home}"/>\n'
        f'  <generator uri="https://www.getzola.org/">Zola</generator>\n'
        f"  <updated>{updated}</updated>\n  <id>{escape(doc.home)}</id>\n"
    )
    entries = "".join(_atom_entry(a) for a in doc.articles)
    return (head + entries + "</feed>\n").encode("utf-8")


def write_jsonfeed(doc: NewsDoc) -> bytes:
    """JSON Feed 1.1, as a small site's plugin writes it."""
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": doc.title,
        "home_page_url": doc.home,
        "feed_url": doc.feed_url,
        "description": doc.description,
        "language": doc.language,
        "items": [
            {
                "id": a.guid, "url": a.link, "title": a.title, "content_html": a.html,
                "date_published": a.published.isoformat(), "authors": [{"name": a.author}],
                "tags": list(a.categories),
            }
            for a in doc.articles
        ],
    }
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


WRITERS: dict[NewsShape, Callable[[NewsDoc], bytes]] = {
    "rss": write_rss, "atom": write_atom, "jsonfeed": write_jsonfeed,
}

CONTENT_TYPES: dict[NewsShape, str] = {
    "rss": "application/rss+xml; charset=UTF-8",
    "atom": "application/atom+xml; charset=utf-8",
    "jsonfeed": "application/feed+json; charset=utf-8",
}


def write_news(shape: NewsShape, doc: NewsDoc) -> bytes:
    """The bytes of ``doc`` in ``shape``."""
    return WRITERS[shape](doc)
