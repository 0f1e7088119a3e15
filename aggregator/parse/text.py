"""Text hygiene shared by every parser: the nh3 sanitising policy, HTML to plain text, clean strings.

Feeds hand us three kinds of text: HTML we will embed in our pages (news summaries), HTML that
must become plain text (iCalendar DESCRIPTION from exporters that put markup there, titles with
entities) and plain text with control characters or odd Unicode forms. One policy here means the
agenda page, news.json and the digest all show the same thing, whichever parser read it.
"""

from __future__ import annotations

import html as html_module
import json
import re
import unicodedata
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any, Literal
from urllib.parse import unquote, urljoin, urlsplit

import nh3

from .nesting import flattened

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "cite", "code", "dd", "del", "div", "dl", "dt",
        "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
        "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong",
        "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
    }
)  # fmt: skip
"""Basic formatting, links, images, lists and tables; no forms, frames, media or styling."""

LATE_SOURCES = ("data-src", "data-lazy-src", "data-original", "data-image")
"""Where a page that loads its pictures late keeps their address (Squarespace's data-src and
data-image, with no src; lazy-loading plugins' data-lazy-src or data-original, with a
placeholder in src): read as the src when there is none (see :func:`_loaded_image`)."""

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height", *LATE_SOURCES},
    "abbr": {"title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "time": {"datetime"},
}
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
IMAGE_SCHEMES = ("http://", "https://")
WEB_SCHEMES = ("http", "https")
REMOVED_WITH_CONTENT = frozenset({"script", "style", "template", "iframe", "object", "noscript"})

BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
        "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
        "nav", "ol", "p", "pre", "section", "table", "tr", "ul",
    }
)  # fmt: skip
INVISIBLE_TAGS = frozenset({"script", "style", "head", "title", "template", "noscript"})
HTML_HINT = re.compile(
    r"<(?:/?(?:p|br|div|a|b|i|u|em|strong|span|ul|ol|li|h[1-6]|table|tr|td|img|font"
    r"|script|style|iframe|object|embed|svg|form|input|button|textarea|link|meta|noscript)\b[^>]*>)"
    r"|</[a-z][a-z0-9]*\s*>"  # any element closed: <blockquote>, <pre>, <code>...
    r"|&(?:amp|lt|gt|quot|nbsp|#\d+|#x[0-9a-f]+);",
    re.IGNORECASE,
)
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\ufeff]")
SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
BLANK_LINES = re.compile(r"\n{3,}")
OTHER_SPACES = re.compile(r"[^\S \n]")
"""White space other than a plain space or a line break (tabs, carriage returns, no-break
and typographic spaces...): what :func:`clean_text` replaces or strips."""


def image_source_filter(base_url: str) -> Callable[[str, str, str], str | None]:
    """Keep an image only when it loads over http(s), resolving a relative src against ``base_url``.

    nh3 runs attribute filters before its own relative-URL rewriting, so we resolve here.
    """

    def keep(element: str, attribute: str, value: str) -> str | None:
        if element != "img" or (attribute != "src" and attribute not in LATE_SOURCES):
            return value
        resolved = absolute_link(value, base_url)
        return resolved if resolved.lower().startswith(IMAGE_SCHEMES) else None

    return keep


def sanitize_html(html: str, base_url: str = "") -> str:
    """Return ``html`` safe to embed in our pages.

    Keeps basic formatting, links (given ``rel="noopener nofollow"``) and http(s) images; drops
    scripts, styles, event handlers, forms and frames. Relative URLs are resolved against
    ``base_url`` when it is an absolute http(s) URL and removed otherwise, since they would point
    at our own site once the text is merged.
    """
    html = flattened(html)  # nh3's time grows with the square of the nesting
    if any(name in html for name in SCREEN_READER_CLASSES):
        html = _FOR_SCREEN_READERS.sub("", html)
    if "<iframe" in html or "<IFRAME" in html:
        html = _FRAME.sub(_frame_link, html)
    relative: Literal["deny"] | tuple[Literal["rewrite_with_base"], str] = "deny"
    if is_web_url(base_url):
        relative = ("rewrite_with_base", base_url)
    try:
        cleaned = nh3.clean(
            html,
            tags=set(ALLOWED_TAGS),
            clean_content_tags=set(REMOVED_WITH_CONTENT),
            attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
            attribute_filter=image_source_filter(base_url),
            link_rel="noopener nofollow",
            url_schemes=set(LINK_SCHEMES),
            url_relative=relative,
        )
    except ValueError:  # an unusable base URL: refuse relative URLs instead
        cleaned = nh3.clean(html, tags=set(ALLOWED_TAGS), url_relative="deny")
    return _IMAGE.sub(_loaded_image, cleaned).strip() if "<img" in cleaned else cleaned.strip()


SCREEN_READER_CLASSES = ("screen-reader-text", "sr-only", "visually-hidden")
"""Classes that hide words from the eye, for screen readers (WordPress's, Bootstrap's): a
theme's "Continue reading<span class="screen-reader-text"> “Title”</span>". The sanitiser
drops classes, and the words showed: every excerpt ended with its title again."""
_FOR_SCREEN_READERS = re.compile(
    r"<(span|div)\b[^<>]{0,200}?\bclass\s*=\s*[\"'][^\"'<>]{0,200}?\b(?:"
    + "|".join(SCREEN_READER_CLASSES)
    + r")\b[^\"'<>]{0,200}[\"'][^<>]{0,200}>[^<]{0,500}</\1\s*>", re.IGNORECASE)
"""Bounded, so that a hostile text of many unclosed tags costs no more than a few passes."""
_FRAME = re.compile(r"<iframe\b([^<>]*)>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""\b(src|title)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
VIDEO_PLAYERS = (
    (re.compile(r"^https?://(?:www\.)?youtube(?:-nocookie)?\.com/embed/([\w-]+)"),
     "https://www.youtube.com/watch?v={}"),
    (re.compile(r"^https?://player\.vimeo\.com/video/(\d+)"), "https://vimeo.com/{}"),
    (re.compile(r"^https?://(?:www\.)?dailymotion\.com/embed/video/(\w+)"),
     "https://www.dailymotion.com/video/{}"),
    (re.compile(r"^(https?://[^/?#]+)/videos/embed/([\w-]+)"), "{}/w/{}"),  # PeerTube
)
"""The video players a post embeds (WordPress writes YouTube's, Vimeo's, Dailymotion's,
PeerTube's <iframe>), and the address of the video's page each stands for."""


def _frame_link(frame: re.Match[str]) -> str:
    """A video player's frame (:data:`VIDEO_PLAYERS`) as a link to the video's page, named by
    the frame's title: frames leave summaries with their content, and a post's "Revivez la
    conférence :" was followed by nothing. Any other frame goes, as before: the link is
    followed by an empty frame, which the sanitiser takes away with what the player held
    up to its end tag (not looked for here: a text of many frames would cost a scan each)."""
    found = {name.lower(): html_module.unescape(double or single)
             for name, double, single in _ATTRIBUTE.findall(frame.group(1))}
    address = found.get("src", "").strip()
    address = "https:" + address if address.startswith("//") else address
    video = next((page.format(*match.groups()) for player, page in VIDEO_PLAYERS
                  if (match := player.match(address))), "")
    if not video:
        return frame.group(0)
    address = video
    label = clean_line(found.get("title", "")) or address
    return (f'<a href="{html_module.escape(address)}">'
            f"{html_module.escape(label, quote=False)}</a><iframe>")


_IMAGE = re.compile(r"<img\b[^>]*>")
_PIXEL_SIZE = re.compile(r'\b(?:width|height)="\s*[01](?:\.0*)?\s*(?:px)?\s*"', re.I)
TRACKERS = ("medium.com/_/stat", "feeds.feedburner.com/~r/", "feeds.feedblitz.com/~/i/",
            "/wp-content/plugins/jetpack/", "pixel.wp.com/", "stats.wp.com/")
"""Where publishing platforms' tracking images load from (Medium's, FeedBurner's, Jetpack's)."""


_LATE_SOURCE = re.compile(r'\s(data-[a-z-]+)="([^"]*)"')
_SOURCE = re.compile(r'\ssrc="')
_ALT = re.compile(r'\salt="([^"]*)"')


def _loaded_image(image: re.Match[str]) -> str:
    """The image as it loads: its src, else the first address a late loader keeps
    (:data:`LATE_SOURCES`), which the filter resolved. An image left with nothing to load
    (its src a placeholder's data: URI, a javascript: one) showed as an empty frame of its
    width and height: it is now its alt text alone, as a browser shows a missing picture.
    A tracker goes (:func:`_without_tracker`). One without alt text is marked decorative
    (``alt=""``): screen readers read a picture without one as its address ("IMG_4032.jpg"),
    and 531 of the shared corpus' 1,844 pictures have none. nh3 has written the tag, so its
    attributes are ``name="value"``, values escaped."""
    tag = image.group(0)
    if "data-" in tag:
        late = dict(_LATE_SOURCE.findall(tag))
        tag = _LATE_SOURCE.sub("", tag)
        found = next((late[name] for name in LATE_SOURCES if late.get(name)), "")
        if found and _SOURCE.search(tag) is None:
            tag = tag.replace("<img", f'<img src="{found}"', 1)
    if _SOURCE.search(tag) is None:
        alt = _ALT.search(tag)
        return alt.group(1) if alt else ""
    kept = _without_tracker(tag)
    return kept if not kept or _ALT.search(kept) else kept.replace("<img", '<img alt=""', 1)


def _without_tracker(tag: str) -> str:
    """An image of 1×1 (or 0) pixel, or one from a platform's statistics: a tracker that
    reported each visitor of our pages to the platform (the pages' CSP lets https images
    load)."""
    if _PIXEL_SIZE.search(tag) or any(tracker in tag for tracker in TRACKERS):
        return ""
    return tag


def _mail_address(href: str) -> str:
    """The address of a ``mailto:`` link, without the subject or body it pre-fills."""
    return unquote(href[7:].partition("?")[0])


class TextExtractor(HTMLParser):
    """Collects the visible text of an HTML fragment, one line per block element; with
    ``links``, each link's address after its words ("Inscription ici (https://…)")."""

    def __init__(self, links: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden_depth = 0
        self.links = links
        self.link: tuple[str, int] | None = None
        """The open link's address, and where its words start in ``parts``."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a" and self.links:
            href = clean_line(dict(attrs).get("href") or "")
            address = _mail_address(href) if href.lower().startswith("mailto:") else href
            usable = is_web_url(href) or (address != href and "@" in address)
            self.link = (address, len(self.parts)) if usable else None
        if tag in INVISIBLE_TAGS:
            self.hidden_depth += 1
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.link is not None:
            address, start = self.link
            words = "".join(self.parts[start:])
            if address.rstrip("/") not in words:  # not "https://x.org" (https://x.org)
                self.parts.append(f" ({address})" if words.strip() else address)
            self.link = None
        if tag in INVISIBLE_TAGS:
            self.hidden_depth = max(0, self.hidden_depth - 1)
        elif tag in BLOCK_TAGS and tag != "li":
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.hidden_depth:
            self.parts.append(data.replace("\n", " "))


def html_to_text(html: str, links: bool = False) -> str:
    """Return the visible text of ``html``: block elements become line breaks, entities decoded;
    with ``links``, each web or mail link's address after its words (an event's description:
    calendar apps show it as text, and "Inscription ici" without its address said nothing).

    Scripts and styles are dropped; whitespace is collapsed as :func:`clean_text` does. Never
    raises: Python's HTML parser is lenient with broken markup.
    """
    extractor = TextExtractor(links)
    extractor.feed(html)
    extractor.close()
    return clean_text("".join(extractor.parts))


def looks_like_html(text: str) -> bool:
    """Whether ``text`` carries HTML tags or entities (exporters put HTML in DESCRIPTION)."""
    return HTML_HINT.search(text) is not None


def clean_text(text: str) -> str:
    """Return ``text`` in NFC without control characters, spaces collapsed, blank lines limited.

    Line breaks are kept (descriptions have paragraphs), at most one blank line in a row.
    A text already so (nearly every title, place and summary a feed gives) is returned as
    it is after three checks: cleaning each took 6 µs, 44,000 times per 100 sources (a
    tenth of a refresh's own parsing work, issue 8).
    """
    if _already_clean(text):
        return text
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = CONTROL_CHARS.sub("", text.replace("\t", " "))
    lines = (SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _already_clean(text: str) -> bool:
    """What :func:`clean_text` would give back unchanged (substring and one-class searches:
    an alternation regex tried at every position was slower than cleaning)."""
    return (text == text.strip() and "  " not in text and " \n" not in text
            and "\n " not in text and "\n\n\n" not in text
            and OTHER_SPACES.search(text) is None and CONTROL_CHARS.search(text) is None
            and unicodedata.is_normalized("NFC", text))


LONE_SURROGATE = re.compile("[\ud800-\udfff]")
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
"""A ``\\ud800``-``\\udfff`` escape: the only way a JSON text read from UTF-8 holds a surrogate."""


def load_json_text(text: str, **options: Any) -> Any:
    """``json.loads(text)`` with every lone surrogate in its strings (``"Caf\\ud800"``: json
    takes it, UTF-8 cannot encode it, and storing it failed the whole refresh) replaced by
    U+FFFD, as feedparser does for RSS. A pair is one character by then, so any surrogate left
    is lone. Raises what json.loads raises."""
    document = json.loads(text, **options)
    if SURROGATE_ESCAPE.search(text) is None:  # nearly every document: nothing to walk
        return document
    if isinstance(document, str):
        return LONE_SURROGATE.sub("\ufffd", document)
    pending: list[Any] = [document]
    while pending:  # by hand, not recursive: json reads deeper than Python recurses
        node = pending.pop()
        pairs = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        if isinstance(node, dict):
            node.clear()
        for key, value in pairs:
            if isinstance(value, str):
                value = LONE_SURROGATE.sub("\ufffd", value)
            elif isinstance(value, (dict, list)):
                pending.append(value)
            node[LONE_SURROGATE.sub("\ufffd", key) if isinstance(key, str) else key] = value
    return document


XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""C0 controls XML 1.0 forbids (all but tab and line breaks); PostgreSQL refuses NUL."""


def clean_identifier(text: str) -> str:
    """A guid, UID or link without the control characters XML and PostgreSQL refuse: a NUL
    kept in one (``<guid>g&#0;1</guid>``, a JSON ``"id"``) made PostgreSQL refuse the whole
    batch of feeds. Nothing else changes: spaces and case are part of an identifier."""
    return XML_ILLEGAL.sub("", text) if XML_ILLEGAL.search(text) else text


def first_line(text: str, limit: int = 80) -> str:
    """The first line of ``text`` that holds more than white space, on one line and cut at
    ``limit``; "" when there is none. What a warning quotes of text it ignored (a PHP notice
    before a feed): enough for the organiser to recognise it."""
    for line in text.splitlines():
        flat = " ".join(line.split())
        if flat:
            return flat if len(flat) <= limit else flat[: limit - 1] + "…"
    return ""


def clean_line(text: str) -> str:
    """Return ``text`` cleaned and on one line: for titles, names and locations."""
    return " ".join(clean_text(text).split())


def plain_text(text: str, links: bool = False) -> str:
    """Return plain text from a value that may be plain or HTML (titles, descriptions; with
    ``links``, as :func:`html_to_text`)."""
    return html_to_text(text, links) if looks_like_html(text) else clean_text(text)


BLOCK_TAG_OR_BREAK = re.compile(
    r"(<\s*/?\s*(?:" + "|".join(sorted(BLOCK_TAGS)) + r")\b[^>]*>[ \t]*\n?|<[^>]*>)|\n",
    re.IGNORECASE)
"""A block element's tag with the line break after it, another tag (line breaks inside it
included), or any other line break."""


def text_with_breaks(text: str, links: bool = False) -> str:
    """:func:`plain_text` of a value whose line breaks are its author's (an iCalendar TEXT
    writes each as ``\\n``): in HTML they are spaces, so one entity ("&#8217;", "&amp;"), a
    bold word or a link ran a programme of several lines into one, and Google's Meet block,
    plain lines after its HTML, too. A line break right after a block element's tag is the
    HTML's own layout (WordPress writes ``<br />`` and a line break) and stays a space."""
    if "\n" in text and looks_like_html(text):
        text = BLOCK_TAG_OR_BREAK.sub(lambda found: found.group(1) or "<br>", text)
    return plain_text(text, links)


_HOST_END = re.compile(r"[/?#]")
_UNUSUAL_HOST = re.compile(r"[\[\]\t\r\n]")
"""A host urlsplit treats specially (an IPv6 literal, which it may refuse; characters it
strips): such a URL is judged by urlsplit itself."""


def is_web_url(link: str) -> bool:
    """Whether ``link`` is an absolute http(s) URL with a host, as urlsplit reads it.

    A link that starts with ``http://`` or ``https://`` has its host read up to the first
    ``/``, ``?`` or ``#``, as urlsplit would, without urlsplit's cost: such links are nearly
    all of them, and merging events judged each member's (a quarter of merge_event, issue 8).
    Others, and hosts with brackets, tabs or newlines, go through urlsplit."""
    if link[:8].lower().startswith(("http://", "https://")):
        host = _HOST_END.split(link[link.index("//") + 2:], maxsplit=1)[0]
        if _UNUSUAL_HOST.search(host) is None:
            return bool(host)
    try:
        parts = urlsplit(link)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False
    return parts.scheme in WEB_SCHEMES and bool(parts.netloc)


def absolute_link(link: str, base: str) -> str:
    """Resolve ``link`` against ``base``; drop anything that is not http(s) (javascript:, data:)."""
    link = clean_identifier(link).strip()
    if not link:
        return ""
    try:
        resolved = urljoin(base, link) if is_web_url(base) else link
    except ValueError:
        return ""
    return resolved if is_web_url(resolved) else ""
