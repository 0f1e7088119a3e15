"""/healthz and /metrics over real HTTP, as a monitoring system polls them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
from conftest import make_settings, make_source
from webapp import running

from aggregator.core import make_aggregator

CALENDAR = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a@lab\r\nSUMMARY:Talk\r\n"
            b"DTSTART:20300101T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")


def test_healthz_says_when_nothing_is_built_and_metrics_count_feeds_fetches_builds(
    feed_server: Any, tmp_path: Path
) -> None:
    feed_server.set("/a.ics", CALENDAR, "text/calendar")
    feed_server.fail("/b.ics", 500)
    feed_server.delay("/b.ics", 0.4)  # a failure that took time: it was counted as none
    sources = (make_source("lab", feed_server.url("/a.ics")),
               make_source("broken", feed_server.url("/b.ics")),
               make_source("later", feed_server.url("/c.ics")))
    aggregator = make_aggregator(make_settings(tmp_path, sources))
    try:
        with running(aggregator) as url:
            before = httpx.get(url + "/healthz", timeout=10)
            assert before.status_code == 503
            assert before.json() == {"status": "not built yet", "database": "ok",
                                     "last_build_age_seconds": None}
            aggregator.store.sync_feeds(sources)
            later = aggregator.store.feed_states(sources)[2].feed_id
            aggregator.store.claim_feeds([later], "elsewhere", aggregator.clock(),
                                             aggregator.settings.daemon.lease, 1)
            aggregator.refresh_round("node")
            assert aggregator.build_once("node") == "built"
            after = httpx.get(url + "/healthz", timeout=10)
            assert after.status_code == 200 and after.json()["status"] == "ok"
            assert 0 <= after.json()["last_build_age_seconds"] < 60
            metrics = httpx.get(url + "/metrics", timeout=10)
            assert metrics.headers["content-type"].startswith("text/plain")
            text = metrics.text
            for line in ('aggregator_feeds{status="ok"} 1.0', 'aggregator_feeds{status="error"} 1.0',
                         'aggregator_feeds{status="pending"} 1.0',
                         'aggregator_fetch_duration_seconds_count{result="updated"} 1.0',
                         'aggregator_fetch_duration_seconds_count{result="error"} 1.0',
                         "aggregator_build_duration_seconds_count 1.0"):
                assert line in text, line
            assert "# TYPE aggregator_digest_sends" in text
            [spent] = re.findall(r'aggregator_fetch_duration_seconds_sum\{result="error"\} (\S+)',
                                 text)
            assert float(spent) >= 0.4
    finally:
        aggregator.close()


def test_metrics_ask_for_their_token_when_one_is_set(tmp_path: Path) -> None:
    """Counters and feed states are the operator's: with AGGREGATOR_METRICS_TOKEN set, a
    scraper sends it as a bearer token (Prometheus' `authorization` setting)."""
    from aggregator.config import build_settings

    settings = build_settings((), None, {"AGGREGATOR_METRICS_TOKEN": "s3cret-scrape"},
                              db_url=f"sqlite:///{tmp_path / 'a.db'}", output_dir=tmp_path / "out")
    aggregator = make_aggregator(settings)
    try:
        with running(aggregator) as url:
            refused = httpx.get(url + "/metrics", timeout=10)
            assert refused.status_code == 401
            assert refused.headers["www-authenticate"].startswith("Bearer")
            wrong = httpx.get(url + "/metrics", headers={"Authorization": "Bearer guess"},
                              timeout=10)
            assert wrong.status_code == 401 and "aggregator_" not in wrong.text
            scraped = httpx.get(url + "/metrics", timeout=10,
                                headers={"Authorization": "Bearer s3cret-scrape"})
            assert scraped.status_code == 200
            assert "# TYPE aggregator_build_duration_seconds" in scraped.text
            assert httpx.get(url + "/healthz", timeout=10).status_code == 503  # still open
    finally:
        aggregator.close()
