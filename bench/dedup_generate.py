"""A seeded generator of realistic regional event feeds with known duplicate clusters.

Issue 3 asks for a labelled benchmark of our own. Each real event (bench/dedup_world.py) is
posted by its organiser and cross-posted by the venue, an umbrella institution or a lab, each
copy changed the way that exporter changes it: its own UID (sometimes the same one), a title
respelt (case, accents, emoji, "[Metz]", "| Org", "(gratuit)", "&"/"et", word order, "#12" /
"n°12" / "12e édition", FR/EN/DE format words, subtitle dropped), the start in another zone,
floating, or 15-30 minutes early (doors), the location as name, address, both, capitals, the
other language or nothing, and the link with tracking, http/www, no slash, a Meetup variant or
the poster's own page. Look-alikes are real events of their own: parallel sessions, one format
in two cities, a series' other weeks and same-day sessions, unrelated events at the same hour.
Density is constant (``per_day`` records a day): doubling the records doubles the span.

    python -m bench.dedup_generate 20000     # summary of the families generated
"""

from __future__ import annotations

import random
import sys
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from aggregator.models import Event, Source
from bench.dedup_world import (
    CITY_NAMES,
    EMOJI,
    FORMATS,
    Truth,
    World,
    make_sources,
    new_truth,
    posters_of,
)

TITLE_FAMILIES = ("case", "accents", "emoji", "city_tag", "brand", "free", "ampersand",
                  "word_order", "series_format", "language", "subtitle_dropped", "punctuation")
TIME_FAMILIES = ("utc", "luxembourg_zone", "windows_zone", "floating", "doors", "end_missing")
PLACE_FAMILIES = ("venue_name", "address_only", "name_address", "upper", "missing", "bilingual")
LINK_FAMILIES = ("tracking", "http_www", "slash", "meetup_variant", "own_page", "no_link")
NUMBER_STYLES = ("#{n}", "n°{n}", "{n}e édition", "No. {n}", "#{n}")


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def title_of(truth: Truth, fmt_word: str, swap: bool, number_style: str, subtitle: bool,
             separator: str, city: str) -> str:
    """The title as one poster writes it."""
    if truth.fmt == "special":
        head = truth.subject
    else:
        head = f"{truth.subject} {fmt_word}" if swap else f"{fmt_word} {truth.subject}"
    if truth.number is not None:
        head += " " + number_style.format(n=truth.number)
    if truth.city_in_title:
        head += f" {city}"
    if subtitle and truth.subtitle:
        head += f"{separator}{truth.subtitle}"
    return head


def decorate(world: World, title: str, truth: Truth, families: list[str], poster: str) -> str:
    rng = world.rng
    if "emoji" in families:
        emoji = rng.choice(EMOJI)
        title = f"{emoji} {title}" if rng.random() < 0.5 else f"{title} {emoji}"
    if "city_tag" in families:
        title = f"[{truth.city}] {title}" if rng.random() < 0.5 else f"{title} – {truth.city}"
    if "brand" in families:
        title = f"{title} | {world.sources[truth.organiser].name}"
    if "free" in families:
        title += rng.choice((" (gratuit)", " (free)", " (Gratuit)"))
    if "ampersand" in families:
        title = title.replace(" & ", " et ") if " & " in title else title.replace(" et ", " & ")
    if "accents" in families:
        title = strip_accents(title)
    if "case" in families:
        title = title.upper() if rng.random() < 0.5 else title.lower()
    return title


def post_title(world: World, truth: Truth, families: list[str], poster: str) -> str:
    rng = world.rng
    spellings = FORMATS.get(truth.fmt, ("",))
    fmt_word = rng.choice(spellings[1:]) if "language" in families and len(spellings) > 1 \
        else spellings[0]
    style = rng.choice(NUMBER_STYLES[1:]) if "series_format" in families else NUMBER_STYLES[0]
    separator = rng.choice((" - ", " — ", " · ")) if "punctuation" in families else " : "
    names = CITY_NAMES.get(truth.city, (truth.city,))
    city = names[-1] if "bilingual" in families else names[0]
    title = title_of(truth, fmt_word, "word_order" in families, style,
                     "subtitle_dropped" not in families, separator, city)
    return decorate(world, title, truth, families, poster)


def post_time(world: World, truth: Truth, families: list[str]) -> dict[str, object]:
    if truth.all_day:
        day = truth.start.date()
        return {"start": day, "end": day + timedelta(days=1), "all_day": True, "timezone": None}
    start = truth.start
    if "doors" in families:
        start -= timedelta(minutes=world.rng.choice((15, 30)))
    zone = "Europe/Paris"
    for family, name in (("utc", "UTC"), ("luxembourg_zone", "Europe/Luxembourg"),
                         ("windows_zone", "Europe/Berlin")):
        if family in families:
            zone = name
    start = start.astimezone(ZoneInfo(zone))
    end: datetime | None = start + timedelta(hours=2)
    if "floating" in families:
        assert end is not None
        start, end = start.replace(tzinfo=None), end.replace(tzinfo=None)
    if "end_missing" in families:
        end = None
    return {"start": start, "end": end, "all_day": False, "timezone": zone}


def post_location(world: World, truth: Truth, families: list[str]) -> str:
    v = truth.venue
    names = CITY_NAMES.get(truth.city, (v.city,))
    city = names[-1] if "bilingual" in families else v.city
    if "missing" in families:
        return ""
    if "venue_name" in families:
        return v.name
    address = f"{v.address}, {v.postcode} {city}".replace("avenue", world.rng.choice(
        ("avenue", "av."))).replace("boulevard", world.rng.choice(("boulevard", "bd")))
    if "address_only" in families:
        return address
    text = f"{v.name}, {address}" if "name_address" in families or "upper" in families \
        else f"{v.name}, {city}"
    return text.upper() if "upper" in families else text


def post_url(world: World, truth: Truth, families: list[str], poster: str) -> str:
    url, rng = truth.url, world.rng
    if "no_link" in families:
        return ""
    if "own_page" in families:
        return f"https://{poster}.example.org/agenda/{truth.ident}-{poster}"
    if "tracking" in families:
        url += rng.choice(("?utm_source=newsletter&utm_medium=email", "?fbclid=IwAR0x9",
                           "?utm_campaign=agenda&mc_cid=42"))
    if "http_www" in families:
        url = url.replace("https://www.", "http://").replace("https://", "http://www.")
    if "slash" in families:
        url = url.rstrip("/") + rng.choice(("", "#inscription"))
    if "meetup_variant" in families and "meetup.com" in url:
        head, _, tail = url.partition("meetup.com/")
        url = f"{head}meetup.com/fr-FR/{tail.lower()}"
    return url


def uid_for(world: World, truth: Truth, poster: str) -> str:
    style = world.rng.randrange(3)
    n = world.next_id()
    if style == 0:
        return f"{n:08x}{truth.ident}@google.com"
    if style == 1:
        return f"event_{n}_{truth.ident}@{poster}.example.org"
    return f"{n}-{truth.ident}-{poster}"


def choose_families(rng: random.Random, organiser: bool) -> list[str]:
    """Variation families of one copy: one or two title changes, a zone or offset, a location
    and a link spelling. The organiser's own copy is the reference and stays plain."""
    if organiser:
        return ["organiser"]
    families = rng.sample(TITLE_FAMILIES, rng.choice((1, 1, 2, 2, 3)))
    families.append(rng.choice(TIME_FAMILIES + ("tzid",) * 2))
    families.append(rng.choice(PLACE_FAMILIES))
    families.append(rng.choice(LINK_FAMILIES))
    if rng.random() < 0.1:
        families.append("same_uid")
    return families


def post(world: World, truth: Truth, poster: str, families: list[str],
         organiser_uid: str = "") -> Event:
    """One feed record of ``truth`` as ``poster`` writes it; labels recorded in ``world``."""
    uid = organiser_uid if "same_uid" in families and organiser_uid else uid_for(world, truth,
                                                                                    poster)
    event = Event(uid=uid, title=post_title(world, truth, families, poster),
                  location=post_location(world, truth, families),
                  url=post_url(world, truth, families, poster), source_id=poster,
                  feed_url=f"https://{poster}.example.org/agenda.ics", rrule=truth.rrule,
                  description=f"{truth.subject} {truth.subtitle}".strip()
                  if poster == truth.organiser else "",
                  sequence=world.rng.choice((0, 0, 0, 1, 2)),
                  **post_time(world, truth, families))  # type: ignore[arg-type]
    key = f"{poster}:{uid}"
    world.events.append(event)
    world.truth[key] = truth.ident
    world.family[key] = "+".join(families)
    return event


def publish(world: World, truth: Truth) -> None:
    """The organiser's record, then the cross-posters' copies: of a series, half of them
    date by date, as WordPress agendas and Meetup write one (family ``dates``), and a
    quarter as the series from a later date (family ``later``)."""
    original = post(world, truth, truth.organiser, choose_families(world.rng, True))
    for poster in posters_of(world, truth):
        families = choose_families(world.rng, False)
        draw = world.rng.random()
        if truth.rrule and isinstance(original.start, datetime) and draw < 0.5:
            post_dates(world, truth, poster, [f for f in families if f != "same_uid"])
        elif truth.rrule and isinstance(original.start, datetime) and draw < 0.75:
            post_later(world, truth, poster, [f for f in families if f != "same_uid"])
        else:
            post(world, truth, poster, families, original.uid)
    if truth.rrule and world.rng.random() < 0.5 and isinstance(original.start, datetime):
        week = original.start + timedelta(days=7)
        world.events.append(replace(original, start=week + timedelta(minutes=30),
                                    recurrence_id=week))


def post_later(world: World, truth: Truth, poster: str, families: list[str]) -> None:
    """``truth``'s series as an exporter that starts it at its next date writes it: its
    rule from one to three weeks after its first date, with the dates left (its COUNT
    less the weeks skipped)."""
    record = post(world, truth, poster, [*families, "later"])
    skipped = world.rng.randint(1, 3)
    weeks = timedelta(weeks=skipped)
    rule = ";".join(f"COUNT={int(part[6:]) - skipped}" if part.startswith("COUNT=") else part
                    for part in (record.rrule or "").split(";"))
    world.events[-1] = replace(record, start=record.start + weeks, rrule=rule or None,
                               end=record.end and record.end + weeks)


def post_dates(world: World, truth: Truth, poster: str, families: list[str]) -> None:
    """Each date of ``truth``'s weekly series (COUNT=8) as a VEVENT of its own."""
    first = post(world, truth, poster, [*families, "dates"])
    world.events[-1] = first = replace(first, rrule=None)
    for week in range(1, 8):
        key = f"{poster}:{first.uid}-{week}"
        world.events.append(replace(first, uid=key.split(":", 1)[1],
                                    start=first.start + timedelta(weeks=week),
                                    end=first.end and first.end + timedelta(weeks=week)))
        world.truth[key] = truth.ident
        world.family[key] = world.family[f"{poster}:{first.uid}"]


SAME_FORMAT = ("Startup Weekend", "Café numérique", "Hackathon Climat", "Journée de l'IA",
               "Nuit du Code", "Apéro Data", "Forum de l'emploi tech")


def parallel_sessions(world: World, day: date) -> list[Truth]:
    """Look-alike: 2-3 sessions, same venue, hour, format and organiser, other subjects."""
    first = new_truth(world, day, all_day=False)
    return [first] + [new_truth(world, day, city=first.city, venue=first.venue, fmt=first.fmt,
                                organiser=first.organiser, start=first.start, all_day=False,
                                subtitle=first.subtitle, number=None,
                                subject=world.fresh_subject(day))
                      for _ in range(world.rng.choice((1, 2)))]


def two_cities(world: World, day: date) -> list[Truth]:
    """Look-alike: the same format in two cities, same day and hour."""
    cities = world.rng.sample(sorted(CITY_NAMES), 2)
    name = world.fresh_subject(day, SAME_FORMAT)
    first = new_truth(world, day, city=cities[0], fmt="special", subject=name, subtitle="",
                      number=None, city_in_title=True, all_day=False)
    return [first, new_truth(world, day, city=cities[1], fmt="special", subject=name, subtitle="",
                             number=None, city_in_title=True, all_day=False, start=first.start)]


def series(world: World, day: date) -> list[Truth]:
    """Look-alike: the same title on following weeks (numbered or not)."""
    first = new_truth(world, day)
    weeks = [k for k in (1, 2) if (day + timedelta(days=7 * k), first.subject) not in world.used]
    return [first] + [new_truth(world, day + timedelta(days=7 * k), **{
        name: getattr(first, name) for name in ("city", "venue", "fmt", "subject", "subtitle",
                                                "organiser", "all_day")},
        number=None if first.number is None else first.number + k,
        start=first.start + timedelta(days=7 * k)) for k in weeks]


def same_day_sessions(world: World, day: date) -> list[Truth]:
    """Look-alike: one workshop given in the morning and again in the afternoon."""
    first = new_truth(world, day, all_day=False, number=None)
    return [first, new_truth(world, day, **{name: getattr(first, name) for name in (
        "city", "venue", "fmt", "subject", "subtitle", "organiser", "number")}, all_day=False,
        start=first.start + timedelta(hours=world.rng.choice((3, 4, 5))))]


def same_hour_city(world: World, day: date) -> list[Truth]:
    """Look-alike: unrelated events in the same city at the same hour."""
    first = new_truth(world, day, all_day=False)
    return [first, new_truth(world, day, city=first.city, start=first.start, all_day=False)]


def weekly_rrule(world: World, day: date) -> list[Truth]:
    """A weekly RRULE series: one event, whatever its occurrences."""
    return [new_truth(world, day, rrule="FREQ=WEEKLY;COUNT=8", all_day=False, number=None)]


FAMILIES = ((0.60, lambda w, d: [new_truth(w, d)]), (0.08, parallel_sessions), (0.07, two_cities),
            (0.08, series), (0.06, same_day_sessions), (0.07, same_hour_city),
            (0.04, weekly_rrule))


@dataclass
class Bench:
    """Generated records and their labels."""

    events: list[Event]
    truth: dict[str, str]
    """record key -> real event id."""
    family: dict[str, str]
    """record key -> variation families of that copy, joined by "+"."""
    kinds: dict[str, str]
    """real event id -> the maker that made it (ordinary or a look-alike family)."""
    sources: dict[str, Source]


def generate_events(count: int, seed: int = 7, per_day: int = 40) -> Bench:
    """About ``count`` records over ``count / per_day`` days, with labels."""
    world = World(rng=random.Random(seed), sources=make_sources())
    span = max(1, count // per_day)
    first_day = date(2024, 1, 1)
    weights = [w for w, _ in FAMILIES]
    makers = [m for _, m in FAMILIES]
    kinds: dict[str, str] = {}
    while len(world.events) < count:
        day = first_day + timedelta(days=world.rng.randrange(span))
        maker = world.rng.choices(makers, weights)[0]
        for truth in maker(world, day):
            kinds[truth.ident] = getattr(maker, "__name__", "ordinary").replace("<lambda>",
                                                                               "ordinary")
            publish(world, truth)
    return Bench(world.events, world.truth, world.family, kinds, world.sources)


def main(argv: list[str]) -> None:
    count = int(argv[1]) if len(argv) > 1 else 20000
    bench = generate_events(count)
    print(f"{len(bench.events)} records, {len(set(bench.truth.values()))} real events")
    counts: dict[str, int] = {}
    for families in bench.family.values():
        for name in families.split("+"):
            counts[name] = counts.get(name, 0) + 1
    for name, n in sorted(counts.items()):
        print(f"  {name:18} {n}")


if __name__ == "__main__":
    main(sys.argv)
