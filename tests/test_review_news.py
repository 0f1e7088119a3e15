"""A news item from the feed to the reader: defects found in review, each with its test."""

from __future__ import annotations

from aggregator.parse import parse_body

URL = "https://lab.example.org/feed/"


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
