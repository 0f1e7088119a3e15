"""The web app on a small built site: fixtures shared by the web tests (API, pages, browser).

The app runs under uvicorn on a loopback port and is spoken to over real HTTP with httpx."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import httpx

from aggregator.core import Aggregator, make_aggregator
from aggregator.models import FeedRef, Source
from aggregator.web.server import WebServer
from conftest import make_settings
from sites import SOON, ics, rss

ADMIN_TOKEN = "s3cret-admin-token-for-tests"


def sources(base: str) -> tuple[Source, ...]:
    return (
        Source(id="lab", name="Le Lab", kind="lab", city="Nancy", country="FR", tags=("ai",),
               feeds=(FeedRef(f"{base}/lab.ics"), FeedRef(f"{base}/news.xml"))),
        Source(id="venue", name="La Venue", kind="venue", city="Metz", country="FR",
               feeds=(FeedRef(f"{base}/venue.ics", "ical"),)),
        Source(id="assoc", name="L'Asso", kind="association", city="Nancy", country="FR",
               tags=("startup",), contact="contact@asso.example.org",
               feeds=(FeedRef(f"{base}/assoc.ics"),)),
    )


def publish_feeds(server: Any) -> None:
    server.set("/lab.ics", ics("talk-1@lab", "Rencontre IA", SOON,
                               "https://lab.example.org/talk-1"), "text/calendar")
    server.set("/venue.ics", ics("blida-99@venue", "Rencontre IA", SOON,
                                 "https://lab.example.org/talk-1/?utm_source=x"), "text/calendar")
    apero = ics("meetup-7@assoc", "Apéro <b>start-up</b>", SOON + timedelta(days=1))
    server.set("/assoc.ics", apero.replace(b"TCRM-Blida\\, 7 avenue de Blida\\, 57000 Metz",
                                           b"Grand Nancy Innovation\\, 54000 Nancy"),
               "text/calendar")
    server.set("/news.xml", rss("Appel à projets", "Nouveau labo"), "application/rss+xml")
    # A new organisation's feed, ready for the registration form (which reads what it is sent).
    server.set("/new.ics", ics("n1@new", "Atelier Arduino", SOON + timedelta(days=4)),
               "text/calendar")
    server.set("/other.ics", ics("o1@other", "Atelier Python", SOON + timedelta(days=5)),
               "text/calendar")


@dataclass
class Web:
    aggregator: Aggregator
    client: httpx.Client
    url: str
    feeds: Any
    tmp_path: Path


@pytest.fixture
def web(feed_server: Any, tmp_path: Path) -> Iterator[Web]:
    """A refreshed and built three-source site and a client of its web app."""
    with site(feed_server, tmp_path) as served:
        yield served


@contextmanager
def site(feed_server: Any, tmp_path: Path, *args: Any, **settings: Any) -> Iterator[Web]:
    """:func:`web`'s site, with other settings (``make_settings``' database URL, SMTP...)."""
    publish_feeds(feed_server)
    aggregator = make_aggregator(make_settings(tmp_path, sources(feed_server.base_url), *args,
                                               admin_token=ADMIN_TOKEN, **settings))
    with serving(aggregator, feed_server, tmp_path) as served:
        yield served


@contextmanager
def serving(aggregator: Aggregator, feed_server: Any, tmp_path: Path) -> Iterator[Web]:
    """``aggregator`` refreshed, built and its web app running, with a client; closed after."""
    aggregator.refresh(force=True)
    aggregator.build()
    try:
        with running(aggregator) as url, httpx.Client(base_url=url, timeout=30) as client:
            yield Web(aggregator, client, url, feed_server, tmp_path)
    finally:
        aggregator.close()


@contextmanager
def running(aggregator: Aggregator) -> Iterator[str]:
    """The web app under uvicorn on a free loopback port, as `aggregator serve` runs it."""
    server = WebServer(aggregator, "127.0.0.1", 0)
    ready = threading.Event()
    thread = threading.Thread(target=server.serve, args=(ready.set,), daemon=True)
    thread.start()
    assert ready.wait(10), "the web server did not start"
    try:
        yield server.url
    finally:
        server.stop()
        thread.join(15)
