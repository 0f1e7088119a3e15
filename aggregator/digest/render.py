"""PURE: a week's selection in one language -> subject, HTML part and text part.

The HTML is a table layout with its CSS inlined by css-inline (Gmail and Outlook drop or
mangle <style> blocks; the one media query stays in <style> for the clients that honour it,
making the time column stack on phones). Nothing from a feed reaches the output unescaped:
Jinja2 autoescapes the HTML, every title is one line, and only http(s) links are kept.

Personal links carry :data:`TOKEN` instead of the subscriber's secret, so one rendering per
(language, filters) serves every subscriber who shares them; ``personalise`` swaps it in.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from urllib.parse import quote, urlencode

import css_inline
import jinja2
from babel.dates import format_date

from ..models import MergedItem, Source
from ..parse.text import is_web_url, plain_text
from ..render.agenda import Occurrence
from ..slug import slugify
from ..topics import filter_word
from ..render.text import (clip, first_of_month, one_line, other_language, place_of,
                           source_names)
from ..render.spans import span_text
from ..render.times import local_day
from .labels import DATE_PATTERNS, day_label, labels, plural, time_label
from .select import DigestContent

TOKEN = f"SUBSCRIBER-TOKEN-{secrets.token_hex(8)}"
"""Stands for the subscriber's token in personal links until ``personalise``. Its random
part is the process's own: a placeholder anyone could write was a hole, as feed text (an
event's link, an article's) that held it became a link to the feed's site carrying every
subscriber's secret, which opens their preferences and unsubscribes them."""
CALENDAR = f"SUBSCRIBER-CALENDAR-{secrets.token_hex(8)}"
"""Stands for the subscriber's :func:`calendar_key` until ``personalise`` (random too)."""


def calendar_key(token: str) -> str:
    """The secret of a subscriber's own calendar address, derived one way from its token:
    that address is handed to Google or Apple and may leak, and must not open the
    preferences or unsubscribe links the token opens."""
    return hashlib.sha256(f"calendar:{token}".encode()).hexdigest()[:32]
SUMMARY_CHARS = 200
MAX_SUBJECT_CITIES = 3


@dataclass(frozen=True, slots=True, weakref_slot=True)  # message.py keeps its parts by it
class RenderedDigest:
    subject: str
    html: str
    text: str

    def personalise(self, token: str) -> RenderedDigest:
        """The same digest with this subscriber's links (tokens are URL-safe base64)."""
        html, text = self.html, self.text
        for placeholder, value in links(token).items():
            html, text = html.replace(placeholder, value), text.replace(placeholder, value)
        return RenderedDigest(self.subject, html, text)


def links(token: str) -> dict[str, str]:
    """What each placeholder of a rendered digest stands for, for this subscriber, in the
    order they are put in."""
    return {TOKEN: token, CALENDAR: calendar_key(token)}


@functools.lru_cache(maxsize=1)
def _environments() -> tuple[jinja2.Environment, jinja2.Environment, css_inline.CSSInliner]:
    loader = jinja2.PackageLoader("aggregator.digest", "templates")
    html = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)
    text = jinja2.Environment(loader=loader, autoescape=False, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    return html, text, css_inline.CSSInliner(keep_style_tags=True, load_remote_stylesheets=False)


def render_digest(
    content: DigestContent, *, language: str, base_url: str, zone: tzinfo,
    sources: Mapping[str, Source], personal: bool = True,
) -> RenderedDigest:
    """The digest in ``language``; ``personal`` adds the preferences and unsubscribe links
    (the public archive copy has a subscribe link instead and no personal data)."""
    t = labels(language)
    end = content.start + timedelta(days=13)
    context = {
        "lang": language, "t": t, "personal": personal,
        "subject": subject_line(content, language),
        "intro": t["intro"].format(start=_short(content.start, language),
                                   end=_short(end, language)),
        "selection": _selection(content, language, sources) if personal else "",
        "days": [{"label": day_label(day, language),
                  "events": [_event(o, sources, zone, language, base_url, day)
                             for o in occurrences]}
                 for day, occurrences in content.days],
        "news": [{"name": name or "—", "entries": [_item(i, sources, zone, language) for i in items]}
                 for name, items in content.news],
        "links": _links(base_url, content, personal, language),
        "more": plural(language, "more_n", content.more) if content.more else "",
        "news_more": (plural(language, "news_more_n", content.news_more)
                      if content.news_more else ""),
    }
    html_env, text_env, inliner = _environments()
    html = inliner.inline(html_env.get_template("digest.html").render(context))
    text = text_env.get_template("digest.txt").render(context)
    return RenderedDigest(context["subject"], html, text)  # type: ignore[arg-type]


def subject_line(content: DigestContent, language: str) -> str:
    """What is inside, in one line: "12 événements cette semaine à Metz, Nancy…"."""
    t = labels(language)
    news = sum(len(items) for _, items in content.news) + content.news_more  # all the week's
    count, when = content.counted, t["this_week" if content.week_count else "next_two"]
    if not count:
        head = t["nothing"]
    else:
        head = f"{plural(language, 'events_n', count)} {when}"
        if content.cities:
            shown = ", ".join(content.cities[:MAX_SUBJECT_CITIES])
            more = "…" if len(content.cities) > MAX_SUBJECT_CITIES else ""
            head += f" {t['in']} {shown}{more}"
    if news:
        head += f" · {plural(language, 'news_n', news)}"
    return one_line(head)[:200]


def _event(
    occurrence: Occurrence, sources: Mapping[str, Source], zone: tzinfo, language: str,
    base_url: str, day: date,
) -> dict[str, object]:
    t = labels(language)
    names = source_names(occurrence.event.members, sources)
    return {
        "when": _times(occurrence, zone, language, day, t["all_day"]),
        "title": one_line(occurrence.title), "url": _web(occurrence.url),
        "place": place_of(occurrence.location, occurrence.event.city),
        "organiser": names[0] if names else "", "also": ", ".join(names[1:]),
        "cancelled": occurrence.cancelled,
        "page": f"{base_url}/events/{quote(occurrence.event.uid, safe='')}?lang={language}",
        "add": f"{base_url}/events/{quote(occurrence.event.uid, safe='')}.ics",
        "lang": other_language(occurrence.event.members, sources, language),
    }


def _times(occurrence: Occurrence, zone: tzinfo, language: str, day: date, all_day: str) -> str:
    """"18 h 30 – 20 h", and until when what lasts several days runs, as the pages say it
    (render/spans.py) in the digest's own time style: "18 h – dim. 3 janv., 21 h"."""
    return span_text(occurrence, zone, language, day, all_day,
                     time_of=lambda value: time_label(value, zone, language), joined="{1}, {0}")


def _item(item: MergedItem, sources: Mapping[str, Source], zone: tzinfo, language: str
          ) -> dict[str, str]:
    """An article as the digest lists it, dated by its day in the site's zone (as the web
    pages: ``render.pages.news_rows``)."""
    summary = clip(plain_text(item.summary), SUMMARY_CHARS)
    when = None if item.published is None else local_day(item.published, zone)
    return {"title": one_line(item.title) or item.link, "link": _web(item.link),
            "date": first_of_month(format_date(when, date_pattern(language), locale=language), language)
            if when else "",
            "summary": summary, "lang": other_language(item.members, sources, language)}


def _links(base_url: str, content: DigestContent, personal: bool, language: str
           ) -> dict[str, str]:
    """The digest's links; a subscriber's "add to my calendar" is its own calendar (what it
    follows), the archive copy's the whole calendar or its one city's. The pages it links to
    open in the digest's language (``?lang=``): a German digest read on a computer that
    speaks French opened the agenda, the news and each event's page in French."""
    rest = base_url.partition("://")[2]
    calendar = "calendar.ics"
    query = _selection_query(content)
    if len(content.filters.cities) == 1:
        calendar = f"calendars/{slugify(content.filters.cities[0])}.ics"
    if personal:
        calendar = f"calendars/mine/{CALENDAR}.ics"
    shown = "?" + urlencode(query | {"lang": language})
    return {
        "webcal": f"webcal://{rest}/{calendar}" if rest else f"{base_url}/{calendar}",
        "agenda": f"{base_url}/{shown}",
        "news": f"{base_url}/news{shown}",
        "unsubscribe": f"{base_url}/unsubscribe/{TOKEN}",
        "preferences": f"{base_url}/preferences/{TOKEN}",
        "subscribe": f"{base_url}/subscribe?lang={language}",
    }


def _selection_query(content: DigestContent) -> dict[str, str]:
    """The agenda's and news page's filters for what the subscriber follows: each of its
    cities, kinds, topics or organisations that is one value (the pages filter by one of
    each; two cities are both in the unfiltered agenda). Only the city was kept, and one who
    followed an organisation clicked "… and 3 more events" into the whole region's agenda."""
    f = content.filters
    chosen = {"city": f.cities, "kind": f.kinds, "tag": f.tags, "source": f.sources}
    return {name: values[0] for name, values in chosen.items() if len(values) == 1}


def _selection(content: DigestContent, language: str, sources: Mapping[str, Source]) -> str:
    """What the subscriber follows, as the sign-up form names it: kinds and topics in words
    ("Veranstaltungsort, KI", not "venue, ai"), organisations by name (one who followed
    only organisations read "alles", everything)."""
    f = content.filters
    chosen = [*f.cities, *(filter_word("kind", k, language) for k in f.kinds),
              *(filter_word("tag", t, language) for t in f.tags),
              *(sources[s].name if s in sources else s for s in f.sources)]
    return ", ".join(one_line(c) for c in chosen) if chosen else labels(language)["everything"]


def _short(moment: datetime, language: str) -> str:
    return first_of_month(format_date(moment.date(), date_pattern(language), locale=language), language)


def date_pattern(language: str) -> str:
    return DATE_PATTERNS.get(language, DATE_PATTERNS["fr"])


def _web(link: str) -> str:
    return link if is_web_url(link) else ""
