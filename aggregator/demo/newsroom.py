"""Turn the demo's stories and events into dated news articles per organisation, plus ground truth.

Why: a news feed is more than press releases: organisers announce their events and post recaps.
Deriving those from the agenda keeps news and calendar consistent, and relayed stories (same
article, another GUID, tracking parameters on the link) give news deduplication its test cases.
Dates are days before ``today``; nothing is ever published on or after ``today``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .agenda import Agenda, slugify
from .catalog import ORGANISATIONS, ORGANISATIONS_BY_ID, Organisation
from .happenings import Happening
from .ical_text import digest
from .news_writers import Article
from .stories import STORIES, Story

OLDEST_DAYS = 27
"""News reaches about four weeks back."""
MAX_ITEMS = 20
NOTICE_DAYS = 21
"""Events are announced three weeks ahead."""
RELATIVE_LINKS = frozenset({"nancy-py"})
"""Feeds whose links are relative to xml:base (a static site generator's Atom feed)."""

WORDS = {
    "fr": ("Inscriptions ouvertes : {}", "Retour sur : {}", "Annulé : {}",
           "Programme et inscription", "Merci aux participants ! Photos et supports en ligne.",
           "Relayé depuis"),
    "en": ("Registration open: {}", "Recap: {}", "Cancelled: {}", "Programme and registration",
           "Thanks to everyone who came! Slides and photos are online.", "Shared from"),
    "de": ("Anmeldung offen: {}", "Rückblick: {}", "Abgesagt: {}", "Programm und Anmeldung",
           "Danke an alle! Folien und Fotos sind online.", "Geteilt von"),
}


@dataclass(frozen=True, slots=True)
class DemoArticle:
    """Ground truth: one real-world article and every feed item that carries it."""

    key: str
    title: str
    postings: tuple[tuple[str, str], ...]
    """(source id, GUID) of every item; more than one for a relayed article."""


def published_at(day: date, seed: str) -> datetime:
    """A working-hours publication time, stable for ``seed``."""
    number = int(digest(seed)[:6], 16)
    return datetime.combine(day, time(8 + number % 9, number % 60), ZoneInfo("Europe/Paris"))


def address(org: Organisation, slug: str, published: datetime) -> tuple[str, str]:
    """(GUID, absolute link) in the style of the organisation's publishing tool."""
    if org.news == "atom":
        link = f"https://{org.domain}/blog/{slug}/"
        return f"tag:{org.domain},{published:%Y-%m-%d}:/blog/{slug}/", link
    if org.news == "jsonfeed":
        link = f"https://{org.domain}/actualites/{slug}"
        return link, link
    post_id = 100 + int(digest(f"{org.id}/{slug}")[:5], 16) % 9000
    link = f"https://{org.domain}/{published:%Y/%m/%d}/{slug}/"
    return f"https://{org.domain}/?p={post_id}", link


def article(org: Organisation, title: str, html: str, published: datetime, author: str,
            link: str = "", event: bool = False) -> Article:
    """One item; links of RELATIVE_LINKS feeds lose their scheme and host."""
    guid, own_link = address(org, slugify(title), published)
    link = link or own_link
    if org.id in RELATIVE_LINKS:
        link = link.removeprefix(f"https://{org.domain}")
    category = ("Agenda" if org.language == "fr" else "Events") if event else (
        "Actualités" if org.language == "fr" else "News")
    return Article(guid, title, link, published, author, html, (category,))


def story_articles(story: Story, today: date) -> list[tuple[str, Article]]:
    """The original and every relay: other GUID, link with utm parameters, a day later."""
    org = ORGANISATIONS_BY_ID[story.source_id]
    published = published_at(today - timedelta(days=story.days_ago), story.key)
    original = article(org, story.title, story.html, published, story.author)
    _, absolute = address(org, slugify(story.title), published)
    found = [(org.id, original)]
    for relay_id in story.relays:
        relay = ORGANISATIONS_BY_ID[relay_id]
        when = published_at(today - timedelta(days=story.days_ago - 1), f"{story.key}/{relay_id}")
        link = f"{absolute}?utm_source={relay_id}&utm_medium=rss&utm_campaign=relais"
        intro = f'<p>{WORDS[relay.language][5]} <a href="{link}">{org.name}</a> :</p>'
        found.append((relay_id, article(relay, story.title, intro + story.html, when,
                                        relay.name, link)))
    return found


def event_articles(happening: Happening, day: date, today: date) -> list[Article]:
    """An announcement three weeks before (or a cancellation notice) and a recap two days after."""
    org = ORGANISATIONS_BY_ID[happening.postings[0].source_id]
    announce, recap, cancelled, more, thanks, _ = WORDS[org.language]
    oldest, found = today - timedelta(days=OLDEST_DAYS), []
    notice = day - timedelta(days=NOTICE_DAYS)
    if oldest <= notice < today:
        title = (cancelled if happening.status == "CANCELLED" else announce).format(happening.title)
        html = f'<p>{happening.summary}</p><p><a href="{happening.url}">{more}</a></p>'
        found.append(article(org, title, html.replace("\n", "<br>"),
                             published_at(notice, happening.key), org.name, event=True))
    after = day + timedelta(days=2)
    if oldest <= after < today and happening.status != "CANCELLED":
        html = f"<p><strong>{happening.title}</strong></p><p>{thanks}</p>"
        found.append(article(org, recap.format(happening.title), html,
                             published_at(after, happening.key + "/recap"), org.name, event=True))
    return found


def build_news(today: date, agenda: Agenda) -> tuple[dict[str, tuple[Article, ...]],
                                                      tuple[DemoArticle, ...]]:
    """Every news feed's items (newest first, at most 20) and the ground truth of articles."""
    items: dict[str, list[Article]] = {org.id: [] for org in ORGANISATIONS if org.news}
    truth = []
    for story in STORIES:
        pairs = story_articles(story, today)
        for source_id, item in pairs:
            items[source_id].append(item)
        truth.append(DemoArticle(story.key, story.title, tuple((s, a.guid) for s, a in pairs)))
    for happening, day in agenda.happenings:
        source_id = happening.postings[0].source_id
        if source_id in items and not happening.rrule:
            for item in event_articles(happening, day, today):
                items[source_id].append(item)
                truth.append(DemoArticle(f"{happening.key}:{item.published.date()}", item.title,
                                         ((source_id, item.guid),)))
    kept = {k: tuple(sorted(v, key=lambda a: a.published, reverse=True)[:MAX_ITEMS])
            for k, v in items.items()}
    guids = {(k, a.guid) for k, v in kept.items() for a in v}
    shown = [replace(t, postings=tuple(p for p in t.postings if p in guids)) for t in truth]
    return kept, tuple(t for t in shown if t.postings)
