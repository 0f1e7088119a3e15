"""Generate N realistic sources (an .ics of ~40 events and an RSS/Atom feed of ~25 items each).

Used by the pipeline benchmark: bodies in the shapes real exporters write (Google UTC with
X-WR-TIMEZONE, Outlook with a Windows zone, WordPress with TZID), seeded so runs compare.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

CITIES = ["Metz", "Nancy", "Thionville", "Épinal", "Luxembourg"]
KINDS = ["startup", "lab", "association", "venue", "institution", "company"]
TOPICS = ["IA générative", "Rust embarqué", "Cybersécurité", "Open data", "DevOps", "Product design",
          "Levée de fonds", "Web3", "Green IT", "Python", "Kubernetes", "Data science"]
FORMATS = ["Meetup", "Atelier", "Conférence", "Afterwork", "Hackathon", "Table ronde"]
OUTLOOK_TZ = (
    "BEGIN:VTIMEZONE\r\nTZID:Romance Standard Time\r\nBEGIN:STANDARD\r\nDTSTART:16010101T030000\r\n"
    "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nRRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10\r\n"
    "END:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:+0100\r\n"
    "TZOFFSETTO:+0200\r\nRRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3\r\nEND:DAYLIGHT\r\n"
    "END:VTIMEZONE\r\n"
)


@dataclass(frozen=True)
class GeneratedSource:
    id: str
    city: str
    kind: str
    ics: bytes
    news: bytes
    news_type: str


def _event_lines(rng: random.Random, source_id: str, index: int, today: date, shape: int) -> str:
    day = today + timedelta(days=rng.randint(-20, 60))
    hour = rng.choice([9, 12, 14, 18, 19])
    topic, fmt = rng.choice(TOPICS), rng.choice(FORMATS)
    title = f"{fmt} {topic} #{rng.randint(1, 60)}"
    start = datetime(day.year, day.month, day.day, hour, rng.choice([0, 30]))
    end = start + timedelta(hours=2)
    if shape == 0:  # Google: UTC values
        s = (start - timedelta(hours=1)).strftime("%Y%m%dT%H%M%SZ")
        e = (end - timedelta(hours=1)).strftime("%Y%m%dT%H%M%SZ")
        when = f"DTSTART:{s}\r\nDTEND:{e}\r\n"
    elif shape == 1:  # Outlook: Windows zone name
        when = (f"DTSTART;TZID=Romance Standard Time:{start:%Y%m%dT%H%M%S}\r\n"
                f"DTEND;TZID=Romance Standard Time:{end:%Y%m%dT%H%M%S}\r\n")
    else:  # WordPress The Events Calendar: IANA TZID
        when = (f"DTSTART;TZID=Europe/Paris:{start:%Y%m%dT%H%M%S}\r\n"
                f"DTEND;TZID=Europe/Paris:{end:%Y%m%dT%H%M%S}\r\n")
    description = f"{title} organisé par {source_id}. Entrée libre\\, inscription conseillée."
    return (
        f"BEGIN:VEVENT\r\nUID:{source_id}-{index}@bench.example.org\r\nDTSTAMP:20261101T000000Z\r\n"
        f"{when}SUMMARY:{title}\r\nDESCRIPTION:{description}\r\n"
        f"LOCATION:Salle {rng.randint(1, 9)}\\, {rng.choice(CITIES)}\r\n"
        f"URL:https://{source_id}.example.org/events/{index}\r\nEND:VEVENT\r\n"
    )


def _ics(rng: random.Random, source_id: str, today: date, events: int) -> bytes:
    shape = rng.randint(0, 2)
    header = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//feedgen//FR\r\n"
    if shape == 0:
        header += "X-WR-TIMEZONE:Europe/Paris\r\n"
    if shape == 1:
        header += OUTLOOK_TZ
    body = "".join(_event_lines(rng, source_id, i, today, shape) for i in range(events))
    return (header + body + "END:VCALENDAR\r\n").encode()


def _news(rng: random.Random, source_id: str, today: date, items: int) -> tuple[bytes, str]:
    now = datetime(today.year, today.month, today.day, 12, tzinfo=timezone.utc)
    entries = []
    for i in range(items):
        when = now - timedelta(hours=rng.randint(1, 24 * 28))
        title = f"{rng.choice(TOPICS)} : retour sur notre {rng.choice(FORMATS).lower()} n°{i}"
        link = f"https://{source_id}.example.org/actus/{i}"
        entries.append((title, link, when))
    if rng.random() < 0.5:
        body = "".join(
            f"<item><title>{t}</title><link>{link}</link><guid>{link}</guid>"
            f"<pubDate>{w:%a, %d %b %Y %H:%M:%S +0000}</pubDate>"
            f"<description>&lt;p&gt;{t}. &lt;a href=\"{link}\"&gt;Lire la suite&lt;/a&gt;&lt;/p&gt;</description></item>"
            for t, link, w in entries
        )
        return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{source_id}</title>'
                f"<link>https://{source_id}.example.org/</link><description>Actus</description>{body}"
                "</channel></rss>").encode(), "application/rss+xml"
    body = "".join(
        f"<entry><title>{t}</title><link href=\"{link}\"/><id>{link}</id>"
        f"<updated>{w:%Y-%m-%dT%H:%M:%SZ}</updated><summary type=\"html\">&lt;p&gt;{t}&lt;/p&gt;</summary></entry>"
        for t, link, w in entries
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{source_id}</title><id>https://{source_id}.example.org/</id>"
            f"<updated>{now:%Y-%m-%dT%H:%M:%SZ}</updated>{body}</feed>").encode(), "application/atom+xml"


def generate(n: int, today: date, *, events: int = 40, items: int = 25, seed: int = 7) -> list[GeneratedSource]:
    """N sources, deterministic for a given seed and date."""
    rng = random.Random(seed)
    sources = []
    for index in range(n):
        source_id = f"org-{index:05d}"
        news, news_type = _news(rng, source_id, today, items)
        sources.append(GeneratedSource(
            id=source_id, city=rng.choice(CITIES), kind=rng.choice(KINDS),
            ics=_ics(rng, source_id, today, events), news=news, news_type=news_type,
        ))
    return sources


CHURN_EVERY = 20
"""One source in 20 changes between two rounds of the daemon benchmark (5 %)."""


def churned(source: GeneratedSource, round_number: int) -> GeneratedSource:
    """``source`` as its organiser edits it between two refreshes: three event titles edited,
    one event withdrawn, one added, one news item published. The bodies keep their shapes."""
    text = source.ics.decode()
    head, *events = text.removesuffix("END:VCALENDAR\r\n").split("BEGIN:VEVENT\r\n")
    for index in range(3):
        events[index] = events[index].replace("SUMMARY:", "SUMMARY:[Mis à jour] ", 1)
    added = re.sub(r"UID:[^\r]*", f"UID:{source.id}-new-{round_number}@bench.example.org",
                   events[4], count=1).replace("SUMMARY:", "SUMMARY:Nouveau : ", 1)
    events = events[:3] + events[4:] + [added]
    ics = head + "".join("BEGIN:VEVENT\r\n" + event for event in events) + "END:VCALENDAR\r\n"
    news = source.news.decode()
    link = f"https://{source.id}.example.org/actus/new-{round_number}"
    now = datetime.now(timezone.utc)
    if source.news_type == "application/rss+xml":
        item = (f"<item><title>Nouveau round {round_number}</title><link>{link}</link>"
                f"<guid>{link}</guid><pubDate>{now:%a, %d %b %Y %H:%M:%S +0000}</pubDate>"
                "<description>Nouveau</description></item>")
        news = news.replace("</description>", "</description>" + item, 1)
    else:
        entry = (f'<entry><title>Nouveau round {round_number}</title><link href="{link}"/>'
                 f"<id>{link}</id><updated>{now:%Y-%m-%dT%H:%M:%SZ}"
                 "</updated><summary>Nouveau</summary></entry>")
        news = news.replace("</updated>", "</updated>" + entry, 1)
    return GeneratedSource(id=source.id, city=source.city, kind=source.kind, ics=ics.encode(),
                           news=news.encode(), news_type=source.news_type)
