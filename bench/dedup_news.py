"""A seeded generator of regional news feeds with known relays and look-alike articles.

Relays (issue 3): another feed republishes an article with its own GUID, the link with
utm/fbclid parameters, http/https, www, no trailing slash or a #fragment, or its own page; a title
with "[Relais]", "À lire :" or "– Org" added, accents stripped or capitals changed; a day or two
later. Look-alikes: recurring columns ("Revue de presse de la semaine") every week, two sources'
columns of the same name on the same day, and job offers with one title at two startups.

    python -m bench.dedup_news 5000
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from aggregator.models import NewsItem, Source
from bench.dedup_generate import strip_accents
from bench.dedup_world import SUBJECTS, make_sources

TOPICS = ("lance un programme d'accélération", "ouvre ses portes", "recrute", "lève des fonds",
          "remporte un prix", "s'installe à Metz", "publie son rapport annuel", "change de nom",
          "signe un partenariat", "inaugure un nouveau laboratoire", "organise un hackathon")
COLUMNS = ("Revue de presse de la semaine", "La newsletter du mois", "Les offres de la semaine",
           "Agenda de la semaine")
SENTENCES = ("Retour sur une année riche en projets.", "Les inscriptions sont ouvertes.",
             "Un nouvel élan pour l'écosystème.", "Plus de cent participants attendus.",
             "Les lauréats ont été annoncés jeudi.", "Un partenariat de trois ans.",
             "Le programme complet est en ligne.", "Une première dans la Grande Région.")


@dataclass
class NewsBench:
    items: list[NewsItem]
    truth: dict[str, str]
    kinds: dict[str, str]
    sources: dict[str, Source]


def relay_title(rng: random.Random, title: str, org: str) -> str:
    title = rng.choice(("[Relais] {}", "À lire : {}", "{} – " + org, "{}", "{}", "A lire : {}")
                       ).format(title)
    if rng.random() < 0.3:
        title = strip_accents(title)
    if rng.random() < 0.15:
        title = title.upper()
    return title


def relay_link(rng: random.Random, link: str, relay: str, n: int) -> str:
    roll = rng.random()
    if roll < 0.35:
        return f"https://{relay}.example.org/relais/{n}"
    if roll < 0.55:
        return link + rng.choice(("?utm_source=rss&utm_medium=feed", "?fbclid=IwAR2",
                                  "#comments", "?utm_campaign=relay"))
    if roll < 0.75:
        return link.replace("https://", "http://www.").rstrip("/")
    return link


def summary(rng: random.Random, subject: str) -> str:
    return f"<p>{subject}. " + " ".join(rng.sample(SENTENCES, 3)) + "</p>"


def generate_news(count: int, seed: int = 7, per_day: int = 15) -> NewsBench:
    """About ``count`` items over ``count / per_day`` days, with labels."""
    rng = random.Random(seed)
    sources = make_sources()
    ids = sorted(sources)
    bench = NewsBench([], {}, {}, sources)
    span, n = max(1, count // per_day), 0
    start = datetime(2024, 1, 1, 8, tzinfo=UTC)
    while len(bench.items) < count:
        n += 1
        day = start + timedelta(days=rng.randrange(span), minutes=rng.randrange(600))
        org = rng.choice(ids)
        kind = rng.choices(("article", "column", "job"), (0.8, 0.12, 0.08))[0]
        if kind == "article":
            title = f"{sources[org].name} {rng.choice(TOPICS)} ({rng.choice(SUBJECTS)})"
        elif kind == "column":
            title = rng.choice(COLUMNS)
            day = day.replace(hour=9, minute=0)
        else:
            title = f"Offre d'emploi : développeur {rng.choice(SUBJECTS[:12])} (H/F)"
        ident = f"a{n}"
        link = f"https://{org}.example.org/actualites/{n}-{ident}/"
        text = summary(rng, f"{title} {n}")
        add(bench, NewsItem(guid=f"https://{org}.example.org/?p={n}", title=title, link=link,
                            published=day, summary=text, source_id=org,
                            feed_url=f"https://{org}.example.org/feed"), ident, kind)
        if kind != "article":
            continue
        for relay in rng.sample([i for i in ids if i != org], rng.choice((0, 1, 1, 2, 3))):
            n += 1
            copy = text if rng.random() < 0.8 else text[:60] + "…</p>"
            add(bench, NewsItem(
                guid=rng.choice((f"tag:{relay}.example.org,2024:{n}", f"{n}")),
                title=relay_title(rng, title, sources[org].name),
                link=relay_link(rng, link, relay, n),
                published=day + timedelta(hours=rng.randrange(0, 48)), summary=copy,
                source_id=relay, feed_url=f"https://{relay}.example.org/feed"), ident, "relay")
    return bench


def add(bench: NewsBench, item: NewsItem, ident: str, kind: str) -> None:
    bench.items.append(item)
    bench.truth[f"{item.source_id}:{item.guid}"] = ident
    bench.kinds[ident] = kind if kind != "relay" else bench.kinds.get(ident, "article")


if __name__ == "__main__":
    made = generate_news(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
    print(f"{len(made.items)} items, {len(set(made.truth.values()))} real articles")
