"""Nightly housekeeping deletes what no build or digest will use again, sign-ups nobody
confirmed within 30 days and addresses unsubscribed for longer than the ledger keeps, on both
databases."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from conftest import make_settings, make_source
from sites import ics, rss_date, rss_feed

from aggregator.core import make_aggregator

NOW = datetime.now(timezone.utc).replace(microsecond=0)


def rss_dated(*ages_in_days: int) -> bytes:
    items = "".join(
        f"<item><title>Article {age}</title><link>https://news.example.org/{age}</link>"
        f"<pubDate>{rss_date(NOW - timedelta(days=age))}</pubDate>"
        "</item>" for age in ages_in_days)
    return rss_feed(items, "N", "https://news.example.org/")


def test_housekeeping_prunes_old_records_leases_and_ledger_rows(
    feed_server: Any, tmp_path: Path, db_url: str
) -> None:
    feed_server.set("/old.ics", ics("old@lab", "Atelier passé", NOW - timedelta(days=60)),
                    "text/calendar")
    feed_server.set("/new.ics", ics("new@lab", "Atelier à venir", NOW + timedelta(days=3)),
                    "text/calendar")
    feed_server.set("/news.xml", rss_dated(2, 120), "application/rss+xml")
    source = make_source("lab", *(feed_server.url(p) for p in ("/old.ics", "/new.ics", "/news.xml")))
    aggregator = make_aggregator(make_settings(tmp_path, (source,), db_url=db_url))
    aggregator.refresh()
    store = aggregator.store
    assert store.try_lease("stale-job", "node-a", NOW - timedelta(days=2), timedelta(hours=1))
    assert store.try_lease("live-job", "node-a", NOW, timedelta(hours=1))
    reader = store.insert_subscriber("ana@example.org", "fr", [], [], [], "confirmed", "t" * 32,
                                     NOW - timedelta(days=500))
    assert store.claim_delivery(reader.id, "2025-W30", NOW - timedelta(days=401), "node-a") == 1
    assert store.claim_delivery(reader.id, "2026-W47", NOW - timedelta(days=10), "node-a") == 1
    for n, age in enumerate((40, 5, 45)):  # sign-ups never confirmed, 40, 5 and 45 days old
        store.insert_subscriber(f"pending{n}@example.org", "fr", [], [], [], "pending",
                                f"p{n}" * 16, NOW - timedelta(days=age))
    aggregator.add_subscriber("pending2@example.org")  # asked again today: 30 more days
    # unsubscribed: long ago (its last digest 420 days old), lately, and long ago but never sent
    for name, sent_days_ago in (("gone", 420), ("lately", 20), ("never", None)):
        former = store.insert_subscriber(f"{name}@example.org", "fr", [], [], [], "confirmed",
                                         (name * 8)[:32], NOW - timedelta(days=800))
        if sent_days_ago is not None:
            store.claim_delivery(former.id, "2024-W40", NOW - timedelta(days=sent_days_ago), "n")
        aggregator.unsubscribe(former.token)

    counts = aggregator.housekeeping()

    registrations = {"withdrawn_registrations_erased": 0, "undecided_registrations_reminded": 0,
                     "undecided_registrations_expired": 0}
    assert counts == {"events": 1, "news": 1, "leases": 1, "digest_deliveries": 2,
                      "pending_subscribers": 1, "unsubscribed_subscribers": 2,
                      "suspended_subscribers": 0, "declined_registrations": 0, **registrations}
    assert aggregator.housekeeping() == {"events": 0, "news": 0, "leases": 0,
                                         "digest_deliveries": 0, "pending_subscribers": 0,
                                         "unsubscribed_subscribers": 0,
                                         "suspended_subscribers": 0,
                                         "declined_registrations": 0, **registrations}
    assert sorted(s.email for s in store.subscribers()) == [
        "ana@example.org", "lately@example.org", "pending1@example.org", "pending2@example.org"]
    assert not store.try_lease("live-job", "node-b", NOW, timedelta(hours=1))  # still held
    assert [d.week for d in store.deliveries("2026-W47")] == ["2026-W47"]
    report = aggregator.build()
    assert (report.events, report.items) == (1, 1)
    aggregator.close()
