"""Benchmark a district as the city filter: `python bench/districts.py [N]` (default 40,000).

N published events at the places of the conformance corpus (../shared/corpus: 1,375 real
LOCATION lines, a sixth with accents), or the region's usual venues without it, each in one of
six cities; times :func:`aggregator.selection.select` of an uncached selection for a city
(Metz: no place is read) and for districts and places (Kirchberg, Gasperich, Cloche d'Or,
Technopôle: their place words; Belval, Esch-Belval: their known venues too), the best of three
runs in CPU time (a shared machine's load doubled the wall-clock figures). Prints JSON: µs an
event and the events kept, for each filter; Metz's is the cost without the place reading.
Nothing of it runs at build time.
"""

from __future__ import annotations

import json
import random
import re
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from aggregator.models import Event, MergedEvent, Source
from aggregator.selection import Selection, select

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
CITIES = ("Metz", "Nancy", "Luxembourg", "Esch-sur-Alzette", "Thionville", "Épinal")
FALLBACK = ("TCRM-Blida, 7 avenue de Blida, 57000 Metz", "Technoport, Esch-sur-Alzette",
            "Médiathèque Jean-Macé, Metz-Borny", "European Convention Center, Kirchberg",
            "Le Quai Alpha, 2 rue du Port, Épinal", "En ligne (Zoom)", "")
FILTERS = ("Metz", "Kirchberg", "Gasperich", "Cloche d'Or", "Technopôle", "Belval",
           "Esch-Belval")


def places() -> list[str]:
    """The LOCATION lines of the corpus's calendars, unfolded and unescaped."""
    found: list[str] = []
    for path in sorted(CORPUS.glob("**/*.ics")):
        text = re.sub(r"\r?\n[ \t]", "", path.read_text(encoding="utf-8", errors="replace"))
        found += [m.replace("\\,", ",") for m in re.findall(r"^LOCATION[^:]*:(.*)$", text, re.M)]
    return found or list(FALLBACK)


def events(count: int) -> list[MergedEvent]:
    random.seed(8)
    pool = places()
    start = datetime(2026, 12, 8, 18, 30, tzinfo=ZoneInfo("Europe/Paris"))
    made = []
    for n in range(count):
        member = Event(uid=f"e{n}", source_id="org", feed_url="https://org.example/f.ics",
                       title="Meetup", start=start)
        made.append(MergedEvent(
            uid=f"e{n}", title="Meetup", start=start, end=None, all_day=False,
            timezone="Europe/Paris", location=random.choice(pool), url="", description="",
            status="CONFIRMED", categories=(), rrule=None, rdates=(), exdates=(), sequence=0,
            last_modified=None, city=CITIES[n % len(CITIES)], members=(member,)))
    return made


def main(count: int) -> dict[str, object]:
    chosen = events(count)
    sources = {"org": Source("org", "Org", "association", "Metz", "FR")}
    figures: dict[str, object] = {"events": count, "places": len(places())}
    for typed in FILTERS:
        best, kept = float("inf"), 0
        for _ in range(3):
            began = time.process_time()
            kept = len(select(chosen, Selection(city=typed), sources,
                              city_of=lambda event: event.city, texts=list,
                              place_of=lambda event: event.location))
            best = min(best, time.process_time() - began)
        figures[typed] = {"us_an_event": round(best / count * 1e6, 2), "kept": kept}
    return figures


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 40_000), indent=1,
                     ensure_ascii=False))
