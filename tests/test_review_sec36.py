"""Security review of the day's changes (proxy, district filter, registration retention):
what an unauthenticated visitor can make the server do, and what housekeeping may delete.
Real HTTP (uvicorn, the loopback feed server), real SQLite and PostgreSQL."""

from __future__ import annotations

import random
import re
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from aggregator.core import make_aggregator
from aggregator.models import FeedRef, Source
from aggregator.registration_retention import UNDECIDED_RETENTION, WITHDRAWN_RETENTION
from aggregator.store.registration_tables import registrations
from conftest import make_settings
from digest_site import Clock
from mailsink import Sink, smtp_server  # noqa: F401  (fixture)
from sites import SOON
from test_review_regret import CONTACT, organisers, register
from webapp import running

SHARED_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
CITIES = ("Metz", "Nancy", "Luxembourg", "Esch-sur-Alzette", "Thionville", "Épinal")
EVENTS = 10_000


def corpus_places() -> list[str]:
    """The LOCATION lines of the conformance corpus's calendars: the region's real places."""
    found: list[str] = []
    for path in sorted(SHARED_CORPUS.glob("**/*.ics")):
        text = re.sub(r"\r?\n[ \t]", "", path.read_text(encoding="utf-8", errors="replace"))
        found += re.findall(r"^LOCATION[^:]*:(.*)$", text, re.M)
    return found


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """A built site of EVENTS events at the corpus's places, in six cities, and its web app."""
    from aggregator.demo.server import FeedServer

    places = corpus_places()
    assert len(places) > 500, "the conformance corpus (../shared/corpus) is missing"
    random.seed(36)
    tmp_path = tmp_path_factory.mktemp("big")
    with FeedServer({}) as server:
        sources = []
        for f in range(len(CITIES)):
            lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//sec36//EN"]
            for n in range(EVENTS // len(CITIES)):
                start = SOON + timedelta(days=n % 200, hours=n % 9)
                lines += ["BEGIN:VEVENT", f"UID:e{f}-{n}@sec36", f"SUMMARY:Meetup {n}",
                          f"DTSTART:{start.strftime('%Y%m%dT%H%M%SZ')}",
                          "DTSTAMP:20260101T000000Z", f"LOCATION:{random.choice(places)}",
                          "END:VEVENT"]
            server.set(f"/f{f}.ics", "\r\n".join([*lines, "END:VCALENDAR", ""]).encode(),
                       "text/calendar")
            sources.append(Source(id=f"org{f}", name=f"Org {f}", kind="association",
                                  city=CITIES[f], country="FR",
                                  feeds=(FeedRef(f"{server.base_url}/f{f}.ics"),)))
        aggregator = make_aggregator(make_settings(tmp_path, tuple(sources)))
        aggregator.refresh(force=True)
        aggregator.build()
        with running(aggregator) as url, httpx.Client(base_url=url, timeout=120) as client:
            client.get("/").raise_for_status()
            yield client
        aggregator.close()


def cpu_of(client: httpx.Client, paths: list[str]) -> float:
    """The server's CPU time (it runs in this process) for these requests, each asked once."""
    began = time.process_time()
    for path in paths:
        assert client.get(path).status_code in (200, 404), path
    return time.process_time() - began


def test_a_made_up_place_costs_no_more_than_any_other_unknown_filter(
        big_site: httpx.Client) -> None:
    """Any word as ?city= (or /calendars/WORD.ics) is read as a place every event's location
    may name, and a visitor may send a new one at each request, uncached. One of short words
    found in most locations ("n", "r e") cost 0.7 to 0.9 s a request at 50,000 events, four
    times what an unknown kind or a search costs (0.2 s): each event's place was folded anew
    at each scan, three scans a page. It must cost about what those do."""
    for warm in ("/?kind=warm", "/?city=warm", "/calendars/warm.ics"):
        big_site.get(warm)
    words = ["n", "e", "r+e", "t+n", "s", "a+n", "o+e", "i"]
    places = cpu_of(big_site, [f"/?city={w}" for w in words]
                    + [f"/calendars/{w.replace('+', '-')}.ics" for w in words])
    others = cpu_of(big_site, [f"/?kind=zz{n}" for n in range(len(words))]
                    + [f"/calendar.ics?kind=zz{n}" for n in range(len(words))])
    assert places < 2 * others, (places, others)


# --- housekeeping of registrations, as another node decides one --------------------------------
def _decided_elsewhere(db_url: str, registration_id: int, status: str, decided_at: Any,
                       housekeeping: Any) -> dict[str, int]:
    """Run ``housekeeping`` while another node's decision of this registration (its UPDATE,
    as Store.decide_registration writes it) is under way; that decision commits once
    housekeeping waits for it. Its counts."""
    import threading

    other = sa.create_engine(db_url)
    counts: dict[str, int] = {}
    try:
        with other.connect() as deciding:
            deciding.execute(registrations.update().where(
                registrations.c.id == registration_id).values(
                    status=status, decided_at=decided_at, note="", reminded_at=None))
            worker = threading.Thread(target=lambda: counts.update(housekeeping()))
            worker.start()
            waited = time.monotonic() + 20
            while time.monotonic() < waited and worker.is_alive() and not _waits_for_a_lock(other):
                time.sleep(0.05)
            deciding.commit()
            worker.join(30)
        assert not worker.is_alive()
    finally:
        other.dispose()
    return counts


def _waits_for_a_lock(engine: sa.Engine) -> bool:
    with engine.connect() as watching:
        return bool(watching.execute(sa.text(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database()")).scalar())


@pytest.mark.postgres
def test_a_registration_approved_as_housekeeping_expires_it_keeps_its_feeds(
        tmp_path: Path, postgres_url: str, smtp_server: Sink  # noqa: F811
) -> None:
    """A registration left undecided for 90 days is deleted by housekeeping; the operator
    approving it at that moment on another node (or in /admin while the daemon's
    housekeeping runs) must win whole or lose whole. Its feeds were deleted first, by
    a condition read before the approval, then the registration itself by one read again:
    the organisation was approved, its contact told, and it had no feed to publish."""
    clock = Clock()
    with organisers(tmp_path, postgres_url, smtp_server.port, clock) as app:
        registration = register(app)
        clock.now += UNDECIDED_RETENTION + timedelta(days=1)
        counts = _decided_elsewhere(postgres_url, registration.id, "approved", clock.now,
                                    lambda: app.registrations_housekeeping(clock.now))
        [kept] = app.registrations()
        assert kept.status == "approved"
        assert [feed.url for feed in kept.source.feeds] == ["https://fablab.example.org/a.ics"]
        assert kept.source.contact == CONTACT
        assert counts["undecided_registrations_expired"] == 0


@pytest.mark.postgres
def test_an_organisation_coming_back_as_housekeeping_erases_it_keeps_its_contact(
        tmp_path: Path, postgres_url: str, smtp_server: Sink  # noqa: F811
) -> None:
    """400 days after a withdrawal housekeeping erases what its contact gave; the contact
    asking to come back by its link at that moment (its registration pending again) must
    keep its address, link and feeds, or be told the link no longer works."""
    clock = Clock()
    with organisers(tmp_path, postgres_url, smtp_server.port, clock) as app:
        registration = register(app)
        app.withdraw_registration(registration.token)
        clock.now += WITHDRAWN_RETENTION + timedelta(days=1)
        counts = _decided_elsewhere(postgres_url, registration.id, "pending", clock.now,
                                    lambda: app.registrations_housekeeping(clock.now))
        [kept] = app.registrations()
        assert kept.status == "pending"
        assert (kept.source.contact, kept.token) == (CONTACT, registration.token)
        assert [feed.url for feed in kept.source.feeds] == ["https://fablab.example.org/a.ics"]
        assert counts["withdrawn_registrations_erased"] == 0
