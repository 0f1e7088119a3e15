"""Time the web app's pages at scale: `python bench/pages.py N [--admin]`.

Each page once as the first visitor after a build finds it (nothing cached but the published
view, loaded beforehand as the web server's own thread does) and once more (cached for the
build, or for the minute for the agenda). Needs the database and output `bench/profile.py N
--step build` leaves in `bench/.profile-N/`. In process (Starlette's TestClient): the time of
our handlers, not of uvicorn or the network. ``--admin`` adds the operator's pages.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import warnings
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from profile import _sources  # noqa: E402

from aggregator.config import build_settings  # noqa: E402
from aggregator.core import make_aggregator  # noqa: E402
from aggregator.digest.render import calendar_key  # noqa: E402
from aggregator.web import create_app  # noqa: E402

TOKEN = "bench-admin-token"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int)
    parser.add_argument("--admin", action="store_true")
    args = parser.parse_args()
    workdir = Path(__file__).parent / f".profile-{args.n}"
    if not (workdir / "bench.db").exists():
        sys.exit(f"run `python bench/profile.py {args.n} --step build --no-profile` first")
    sources = _sources(args.n, (workdir / "base_url").read_text())
    settings = build_settings(sources, None, {"AGGREGATOR_ADMIN_TOKEN": TOKEN},
                              db_url=f"sqlite:///{workdir}/bench.db",
                              output_dir=workdir / "output", allow_private_networks=True)
    aggregator = make_aggregator(settings)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    client = TestClient(create_app(aggregator))
    started = time.perf_counter()
    published = aggregator.published()
    print(f"published view: {len(published.events)} events, {len(published.items)} news "
          f"items, loaded in {time.perf_counter() - started:.2f} s")
    city, source = sources[0].city, sources[5].id
    paths = ["/", f"/?city={city}", "/?q=python", f"/?source={source}", "/embed",
             f"/sources/{source}", "/sources", "/sitemap.xml", f"/calendar.ics?city={city}",
             "/calendar.ics?q=python", "/events.json?q=python", f"/news.atom?city={city}",
             "/events.atom", f"/events.atom?city={city}",
             f"/?from={(date.today() - timedelta(days=7)).isoformat()}", "/news",
             "/news?page=100", f"/news?city={city}", "/news?q=python",
             f"/events.json?from={date.today().isoformat()}"
             f"&to={(date.today() + timedelta(days=6)).isoformat()}"]
    follower = aggregator.store.subscriber(email="bench-follower@example.org") or \
        aggregator.add_subscriber("bench-follower@example.org", confirmed=True,
                                  cities=[city])[0]
    paths.append(f"/calendars/mine/{calendar_key(follower.token)}.ics")  # a city's follower
    found = re.search(r'href="[^"]*(/events/[0-9a-f]+%40aggregator)"',
                      (workdir / "output" / "index.html").read_text(encoding="utf-8"))
    paths += [found.group(1), found.group(1) + ".ics"] if found else []
    if args.admin:
        uid = published.events[len(published.events) // 2].uid
        paths += ["/admin", "/admin/events", f"/admin/events/explain?uid={uid}"]
    headers = {"Authorization": f"Bearer {TOKEN}"}
    print(f"{'page':58} {'status':>6} {'bytes':>10} {'first':>9} {'again':>9}")
    for path in paths:
        times = []
        for _ in range(2):
            started = time.perf_counter()
            answer = client.get(path, headers=headers)
            times.append(time.perf_counter() - started)
        print(f"{path[:58]:58} {answer.status_code:>6} {len(answer.content):>10,} "
              f"{times[0] * 1000:>7.1f}ms {times[1] * 1000:>7.1f}ms")


if __name__ == "__main__":
    main()
