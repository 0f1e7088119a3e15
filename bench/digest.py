"""Benchmark the weekly digest: `python bench/digest.py [N]` (default 10,000 subscribers).

Builds a published site of 40 sources in 5 cities (400 events over the coming weeks, a tenth
of them weekly series, 120 news items), signs up N confirmed subscribers (fr/en/de, a third
following everything, the others one or two cities, some a kind), starts a local SMTP sink
(aiosmtpd on loopback in its own process, counting messages without keeping them), and times
``Aggregator.send_digest``: selection, rendering, message building, the ledger's claim and
outcome rows (two SQLite transactions per message) and SMTP, once over one connection (the
default) and once over four (`digest send --connections 4`), each for its own week and each
followed by a second run of that week, which must send nothing. Prints JSON; the target is
< 60 s.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from aggregator.config import build_settings  # noqa: E402
from aggregator.core import make_aggregator  # noqa: E402
from aggregator.models import FeedRef, Source  # noqa: E402
from aggregator.store.subscriber_tables import subscribers  # noqa: E402
from mailsink import free_port  # noqa: E402

SINK = """
import asyncio, sys
from aiosmtpd.smtp import SMTP

class Counter:
    count = 0
    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"

async def main(port):
    handler = Counter()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler, hostname="sink"), "127.0.0.1",
                                      port, reuse_port=True)
    print("ready", flush=True)
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()
    print(handler.count, flush=True)

asyncio.run(main(int(sys.argv[1])))
"""
SINK_PROCESSES = 4
"""aiosmtpd parses DATA line by line in Python (~7.5 MB/s, 13 ms for the largest digest), so
the sink runs as several processes sharing the port (SO_REUSEPORT), as an MTA's workers do."""


def start_sink(port: int) -> list[subprocess.Popen[str]]:
    """The SMTP sink in its own processes, as a real relay would be: it must not share the
    sender's interpreter lock."""
    processes = []
    for _ in range(SINK_PROCESSES):
        process = subprocess.Popen([sys.executable, "-c", SINK, str(port)],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        processes.append(process)
    return processes


def stop_sink(processes: list[subprocess.Popen[str]]) -> int:
    return sum(int(p.communicate("")[0].strip().splitlines()[-1]) for p in processes)

MONDAY = datetime.fromisoformat("2026-12-07T00:00:00+01:00")
CITIES = ("Metz", "Nancy", "Thionville", "Épinal", "Luxembourg")
KINDS = ("startup", "lab", "association", "venue", "institution", "company")


def site(output: Path, rng: random.Random) -> tuple[Source, ...]:
    sources = tuple(
        Source(id=f"org-{n}", name=f"Organisation {n}", kind=KINDS[n % len(KINDS)],
               city=CITIES[n % len(CITIES)], country="FR", tags=(("ai",) if n % 3 == 0 else ()),
               feeds=(FeedRef(f"https://org-{n}.example.org/events.ics"),))
        for n in range(40))
    events = []
    for n in range(400):
        source = sources[n % len(sources)]
        start = MONDAY + timedelta(days=rng.randrange(-7, 28), hours=rng.choice((9, 12, 18)),
                                   minutes=rng.choice((0, 30)))
        events.append({
            "uid": f"e{n}", "title": f"Rencontre numérique n°{n} <{source.city}>",
            "start": start.isoformat(), "end": (start + timedelta(hours=2)).isoformat(),
            "all_day": False, "timezone": "Europe/Paris", "location": f"Salle {n % 17}",
            "city": source.city, "url": f"https://example.org/e{n}", "description": "",
            "status": "CANCELLED" if n % 29 == 0 else "CONFIRMED", "categories": [],
            "rrule": "FREQ=WEEKLY;COUNT=8" if n % 10 == 0 else None,
            "sources": [{"source": source.id, "feed": source.feeds[0].url, "uid": f"e{n}",
                         "url": f"https://example.org/e{n}"}]})
    news = [{"id": f"n{n}", "title": f"Actualité {n}", "link": f"https://example.org/n{n}",
             "published": (MONDAY - timedelta(hours=rng.randrange(1, 160))).isoformat(),
             "summary": "<p>Un résumé de quelques phrases, avec <b>du gras</b>.</p>" * 3,
             "sources": [{"source": sources[n % 40].id, "feed": "https://x.example.org/f",
                          "guid": f"n{n}", "link": f"https://example.org/n{n}"}]}
            for n in range(120)]
    output.mkdir(parents=True, exist_ok=True)
    stamp = MONDAY.isoformat()
    (output / "events.json").write_text(json.dumps({"generated_at": stamp, "events": events}))
    (output / "news.json").write_text(json.dumps({"generated_at": stamp, "items": news}))
    return sources


def subscriber_rows(count: int, rng: random.Random) -> list[dict[str, object]]:
    rows = []
    for n in range(count):
        roll = rng.random()
        cities = [] if roll < 0.33 else rng.sample(CITIES, 1 if roll < 0.8 else 2)
        kinds = [rng.choice(KINDS)] if rng.random() < 0.1 else []
        rows.append({"email": f"reader{n}@example.org", "language": rng.choice(("fr", "en", "de")),
                     "cities": json.dumps(cities), "kinds": json.dumps(kinds), "tags": "[]",
                     "status": "confirmed", "token": f"token-{n:08d}-{rng.getrandbits(64):016x}",
                     "created_at": MONDAY, "confirmed_at": MONDAY, "hard_bounces": 0})
    return rows


def main(count: int) -> dict[str, object]:
    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        sources = site(tmp / "output", rng)
        port = free_port()
        sink = start_sink(port)
        settings = build_settings(sources, None, {}, db_url=f"sqlite:///{tmp / 'bench.db'}",
                                  output_dir=tmp / "output", base_url="https://agenda.example.org")
        settings = replace(settings, smtp=replace(settings.smtp, host="127.0.0.1", port=port))
        app = make_aggregator(settings, clock=lambda: MONDAY + timedelta(hours=7))
        with app.store.engine.begin() as connection:
            connection.execute(subscribers.insert(), subscriber_rows(count, rng))
        runs = []
        try:
            for week, connections in (("2026-W50", 1), ("2026-W51", 4)):
                started = time.perf_counter()
                # any_week: the clock stays on W50's Monday, and W51 is sent as its own week
                report = app.send_digest(week, connections=connections, any_week=True)
                elapsed = time.perf_counter() - started
                again_started = time.perf_counter()
                again = app.send_digest(week, connections=connections, any_week=True)
                runs.append({
                    "week": week, "connections": connections, "sent": len(report.sent),
                    "seconds": round(elapsed, 2), "per_second": round(len(report.sent) / elapsed),
                    "second_run_sent": len(again.sent),
                    "second_run_seconds": round(time.perf_counter() - again_started, 2)})
        finally:
            received = stop_sink(sink)
            app.close()
    return {"subscribers": count, "sink_processes": SINK_PROCESSES, "runs": runs,
            "received_by_sink": received, "target_seconds": 60}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000), indent=2))
