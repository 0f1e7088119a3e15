"""What operators watch: Prometheus metrics for /metrics and the checks behind /healthz.

Why prometheus_client rather than formatting the text by hand: the exposition format has
escaping, histogram bucket and ``_total`` rules that the library already gets right. Each
Aggregator keeps its own registry (a test may run several), filled by the daemon's jobs;
gauges that describe the database (feeds by status) are computed when scraped.
"""

from __future__ import annotations

from collections.abc import Mapping

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client import generate_latest

FEED_STATUSES = ("ok", "error", "pending", "disabled")
CONTENT_TYPE = CONTENT_TYPE_LATEST


class Metrics:
    """The aggregator's collectors, on a registry of their own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.fetches = Histogram(
            "aggregator_fetch_duration_seconds", "Time to fetch one feed, by refresh result.",
            ["result"], registry=self.registry,
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
        )
        self.builds = Histogram(
            "aggregator_build_duration_seconds", "Time of one build (deduplicate and publish).",
            registry=self.registry, buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
        )
        self.last_build = Gauge(
            "aggregator_last_build_timestamp_seconds",
            "When the outputs this node serves were last built (by it or a node sharing them).",
            registry=self.registry,
        )
        self.last_build_at = 0.0
        self.digests = Counter(
            "aggregator_digest_sends", "Weekly digest emails, by outcome (sent, retry, failed).",
            ["outcome"], registry=self.registry,
        )
        self.health_emails = Counter(
            "aggregator_health_emails", "Feed health emails to contacts, by notice.",
            ["notice"], registry=self.registry,
        )
        self.feeds = Gauge(
            "aggregator_feeds", "Configured feeds by status.", ["status"], registry=self.registry,
        )
        self.database_up = Gauge(
            "aggregator_database_up", "1 when the database answered this scrape, 0 when not.",
            registry=self.registry,
        )

    def built(self, at: float) -> None:
        """A build of this node finished at ``at`` (seconds since the epoch)."""
        self.last_build_at = max(self.last_build_at, at)
        self.last_build.set(self.last_build_at)

    def render(self, feeds_by_status: Mapping[str, int] | None,
               built_at: float | None = None) -> bytes:
        """The Prometheus text exposition, with the feed gauges set to the given counts (None:
        the database did not answer, the feeds are left out) and the last build's time to
        ``built_at`` (the outputs'), if later than this node's."""
        if built_at is not None:
            self.built(built_at)
        self.database_up.set(0 if feeds_by_status is None else 1)
        self.feeds.clear()
        for status in FEED_STATUSES:
            if feeds_by_status is not None:
                self.feeds.labels(status).set(feeds_by_status.get(status, 0))
        return generate_latest(self.registry)
