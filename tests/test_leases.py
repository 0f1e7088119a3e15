"""Sharing one database between nodes: feed leases, exclusive builds, marks (SQLite and PostgreSQL)."""

from __future__ import annotations

import dataclasses
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from conftest import make_settings, make_source

from aggregator.node_names import INIT_PID_NAMESPACE, host_name, process_gone, this_host
from aggregator.core import make_aggregator
from aggregator.models import FeedOutcome, FeedUpdate
from aggregator.store import open_store

NOW = datetime.now(timezone.utc)
MINUTE = timedelta(minutes=1)


def stored_feed_ids(db_url: str, count: int) -> tuple[Any, list[int]]:
    store = open_store(db_url)
    sources = [make_source(f"s{i}", f"https://example.org/{i}.ics") for i in range(count)]
    store.sync_feeds(sources)
    return store, [state.feed_id for state in store.feed_states(sources)]


def test_nodes_claim_disjoint_feeds_and_an_expired_lease_is_free_again(db_url: str) -> None:
    store, ids = stored_feed_ids(db_url, 10)
    first = store.claim_feeds(ids, "node-a", NOW, MINUTE, 4)
    second = store.claim_feeds(ids, "node-b", NOW, MINUTE, 100)
    assert len(first) == 4 and len(second) == 6 and not set(first) & set(second)
    assert store.claim_feeds(ids, "node-c", NOW, MINUTE, 100) == []
    later = NOW + 2 * MINUTE  # node-a died: its leases expired
    assert store.claim_feeds(ids, "node-c", later, MINUTE, 100) == sorted(first + second)
    store.release_feeds(ids, "node-c")
    assert set(store.feed_lease_owners().values()) == {None}
    store.close()


def test_only_due_and_enabled_feeds_are_claimed(db_url: str) -> None:
    store, ids = stored_feed_ids(db_url, 3)
    sources = [make_source(f"s{i}", f"https://example.org/{i}.ics") for i in range(3)]
    states = store.feed_states(sources)
    outcome = FeedOutcome("s0", "u", "unchanged")
    store.apply_updates([
        FeedUpdate(dataclasses.replace(states[0], next_due=NOW + MINUTE), None, outcome),
        FeedUpdate(dataclasses.replace(states[1], status="disabled"), None, outcome),
    ])
    assert store.claim_feeds(ids, "node-a", NOW, MINUTE, 10) == [ids[2]]
    assert store.claim_feeds(ids, "node-a", NOW + 2 * MINUTE, MINUTE, 10) == [ids[0], ids[2]]
    store.close()


def test_one_build_at_a_time(db_url: str) -> None:
    store = open_store(db_url)
    other = open_store(db_url)
    with store.exclusive("build", "node-a", NOW, MINUTE) as mine:
        assert mine
        with other.exclusive("build", "node-b", NOW, MINUTE) as theirs:
            assert not theirs
    with other.exclusive("build", "node-b", NOW, MINUTE) as theirs:
        assert theirs
    store.close()
    other.close()


def test_named_leases_expire_and_marks_count(db_url: str) -> None:
    store = open_store(db_url)
    assert store.try_lease("digest:2026-W49", "node-a", NOW, MINUTE)
    assert store.try_lease("digest:2026-W49", "node-a", NOW, MINUTE)  # renewing is fine
    assert not store.try_lease("digest:2026-W49", "node-b", NOW, MINUTE)
    assert store.try_lease("digest:2026-W49", "node-b", NOW + 2 * MINUTE, MINUTE)
    assert store.read_mark("data") is None
    store.bump_mark("data")
    store.bump_mark("data")
    assert store.read_mark("data") == 2
    store.set_mark("built:/srv/out", 2)
    assert store.read_mark("built:/srv/out") == 2
    store.close()


def test_a_dead_nodes_feeds_are_refreshed_once_its_lease_expires(
    feed_server: Any, tmp_path: Path, db_url: str
) -> None:
    feed_server.set("/a.ics", b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "text/calendar")
    source = make_source("lab", feed_server.url("/a.ics"))
    settings = make_settings(tmp_path, (source,), db_url)
    aggregator = make_aggregator(settings)
    aggregator.store.sync_feeds((source,))
    [feed_id] = [s.feed_id for s in aggregator.store.feed_states((source,))]
    # A node claims the feed with a 1-second lease, then dies before fetching it.
    assert aggregator.store.claim_feeds([feed_id], "dead-node", aggregator.clock(),
                                            timedelta(seconds=1), 10) == [feed_id]
    assert aggregator.refresh_round("alive").outcomes == ()
    assert feed_server.hits["/a.ics"] == 0
    time.sleep(1.1)
    round_ = aggregator.refresh_round("alive")
    assert [o.result for o in round_.outcomes] == ["updated"]
    assert feed_server.hits["/a.ics"] == 1
    assert aggregator.refresh_round("alive").outcomes == ()  # fetched: due again in an hour
    assert aggregator.store.feed_lease_owners() == {feed_id: None}
    aggregator.close()


CALENDAR = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


def test_a_refresh_by_hand_skips_the_feeds_a_daemon_is_fetching_and_says_who(
    feed_server: Any, tmp_path: Path, db_url: str
) -> None:
    for name in ("a", "b"):
        feed_server.set(f"/{name}.ics", CALENDAR, "text/calendar")
    sources = (make_source("lab", feed_server.url("/a.ics")),
               make_source("fablab", feed_server.url("/b.ics")))
    aggregator = make_aggregator(make_settings(tmp_path, sources, db_url))
    aggregator.store.sync_feeds(sources)
    busy, free = (s.feed_id for s in aggregator.store.feed_states(sources))
    assert aggregator.store.claim_feeds([busy], "web-1:42", aggregator.clock(), MINUTE) == [busy]
    outcomes = aggregator.refresh()
    assert [(o.source_id, o.result) for o in outcomes] == [("lab", "skipped"), ("fablab", "updated")]
    assert "web-1:42 is fetching this feed right now" in (outcomes[0].error or "")
    assert feed_server.hits["/a.ics"] == 0 and feed_server.hits["/b.ics"] == 1
    assert aggregator.store.feed_states(sources)[0].status == "pending"  # untouched
    # The refresh gave its own lease back; the daemon's is still there.
    assert aggregator.store.feed_lease_owners() == {busy: "web-1:42", free: None}
    aggregator.close()


def test_a_daemon_round_leaves_alone_a_feed_a_refresh_by_hand_is_fetching(
    feed_server: Any, tmp_path: Path, db_url: str
) -> None:
    feed_server.set("/a.ics", CALENDAR, "text/calendar")
    feed_server.delay("/a.ics", 1.0)
    source = make_source("lab", feed_server.url("/a.ics"))
    aggregator = make_aggregator(make_settings(tmp_path, (source,), db_url))
    by_hand = threading.Thread(target=aggregator.refresh)
    by_hand.start()
    deadline = time.monotonic() + 10
    while feed_server.hits.get("/a.ics", 0) == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert feed_server.hits["/a.ics"] == 1  # the refresh by hand is waiting for the answer
    assert aggregator.refresh_round("daemon-node").outcomes == ()
    by_hand.join(10)
    assert feed_server.hits["/a.ics"] == 1
    assert set(aggregator.store.feed_lease_owners().values()) == {None}
    assert aggregator.store.feed_states((source,))[0].status == "ok"
    aggregator.close()


def test_leases_of_a_process_of_this_host_that_is_gone_are_given_back_at_once(
    tmp_path: Path, db_url: str
) -> None:
    """A killed process cannot give its leases back; when its name says it ran here and the
    pid is gone, the next round takes its feeds and the build lease without waiting for
    AGGREGATOR_LEASE. Live processes and other hosts keep theirs, and so does a process of
    another PID namespace of this host (a container sharing its network and name)."""
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    host = this_host()
    sources = tuple(make_source(f"s{i}", f"https://example.org/{i}.ics") for i in range(5))
    aggregator = make_aggregator(make_settings(tmp_path, sources, db_url))
    store = aggregator.store
    store.sync_feeds(sources)
    ids = [state.feed_id for state in store.feed_states(sources)]
    owners = [f"{host}:{gone}/refresh-1a2b", f"{host}:{gone}", f"{host}:{os.getpid()}",
              f"elsewhere:{gone}", f"{socket.gethostname()}#4026532999:{gone}"]
    for feed_id, owner in zip(ids, owners, strict=True):
        assert store.claim_feeds([feed_id], owner, NOW, MINUTE) == [feed_id]
    assert store.try_lease("build", f"{host}:{gone}", NOW, MINUTE)
    aggregator.free_leases_of_dead_processes()
    assert store.feed_lease_owners() == {ids[0]: None, ids[1]: None, ids[2]: owners[2],
                                         ids[3]: owners[3], ids[4]: owners[4]}
    assert store.try_lease("build", "node-b", NOW, MINUTE)  # the dead builder's lease is gone
    aggregator.close()


def test_a_build_asked_for_by_hand_waits_for_another_nodes_build_then_marks_the_output_built(
    tmp_path: Path, db_url: str
) -> None:
    """`aggregator build` or an admin's action while a daemon builds: two builds at once would
    each save the publication against the same last one, so the second waits its turn."""
    from aggregator.errors import PublishError
    from conftest import build_lock_held

    aggregator = make_aggregator(make_settings(tmp_path, (), db_url))
    with build_lock_held(db_url) as release:
        threading.Timer(0.6, release.set).start()
        started = time.monotonic()
        report = aggregator.build_by_hand()
        assert time.monotonic() - started >= 0.5  # it waited for node b
    assert (aggregator.settings.output_dir / "calendar.ics").is_file() and report.events == 0
    assert not aggregator.build_needed()  # so the daemon does not build it again for nothing
    assert b"aggregator_build_duration_seconds_count 1.0" in aggregator.metrics_text()[0]

    # A build that never ends (a node hung mid-build): after AGGREGATOR_LEASE, a clear error.
    impatient = make_aggregator(make_settings(tmp_path, (), db_url))
    impatient.settings = dataclasses.replace(impatient.settings, daemon=dataclasses.replace(
        impatient.settings.daemon, lease=timedelta(seconds=0.5)))
    with build_lock_held(db_url), pytest.raises(PublishError, match="AGGREGATOR_LEASE"):
        impatient.build_by_hand()
    for closing in (aggregator, impatient):
        closing.close()


def test_a_source_switched_off_approved_or_changed_makes_the_daemon_build_again(
    tmp_path: Path, db_url: str
) -> None:
    """Such a change stores no record, so no refresh says the data moved on: a source the
    operator switched off kept its events published until some other feed changed."""
    from aggregator.config import SmtpSettings
    from aggregator.models import FeedRef

    settings = make_settings(tmp_path, (make_source("a", "https://a.example.org/e.ics"),),
                             db_url, smtp=SmtpSettings(port=1))  # no mail server: told, not raised
    aggregator = make_aggregator(settings)
    aggregator.build_by_hand()
    assert not aggregator.build_needed()
    aggregator.set_source_disabled("a", True)
    assert aggregator.build_needed()
    aggregator.build_by_hand()
    registration, _ = aggregator.register_source(
        name="Asso B", kind="association", city="Nancy", website="", contact="b@example.org",
        feeds=[FeedRef("https://b.example.org/e.ics")])
    assert not aggregator.build_needed()  # pending: nothing published changes
    aggregator.approve_registration(registration.id)
    assert aggregator.build_needed()
    aggregator.build_by_hand()
    aggregator.update_registration(
        registration.token, name="Asso B", kind="association", city="Toul", website="",
        contact="b@example.org", feeds=[FeedRef("https://b.example.org/e.ics")], country="FR",
        language="fr")
    assert aggregator.build_needed()  # its city shows in every output
    aggregator.close()


def test_a_container_names_its_host_with_its_pid_namespace() -> None:
    """Containers run with the host's network share its host name, not its pids."""
    assert host_name("vm", INIT_PID_NAMESPACE) == "vm"
    assert host_name("vm", None) == "vm"
    assert host_name("vm", 4026532999) == "vm#4026532999"
    assert process_gone("vm#4026532999:999999", "vm") is False
    assert this_host().startswith(socket.gethostname())


def test_two_machines_of_one_name_never_take_each_others_leases() -> None:
    """VMs cloned from one image may all be called "debian": a lease of the other one's live
    process names no process here, and must not look gone."""
    assert host_name("debian", INIT_PID_NAMESPACE, "3f2a9c1e") == "debian@3f2a9c1e"
    assert host_name("debian", 4026532999, "3f2a9c1e") == "debian@3f2a9c1e#4026532999"
    assert process_gone("debian@0badcafe:999999", "debian@3f2a9c1e") is False
    boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()[:8]
    assert this_host().startswith(f"{socket.gethostname()}@{boot}")
    assert process_gone(f"{socket.gethostname()}:999999", this_host()) is False  # older name


def test_a_ticks_rounds_fetch_every_due_feed_once_in_batches_from_one_plan(
    feed_server: Any, tmp_path: Path, db_url: str
) -> None:
    """The daemon's tick reads the feeds' keys once (a plan) and claims batch after batch
    from them: every due feed is fetched exactly once, a feed disabled after the plan was
    made is not, and the rounds stop when none is left."""
    import sqlalchemy as sa

    from aggregator.store.tables import feeds

    sources = []
    for i in range(7):
        feed_server.set(f"/{i}.ics", CALENDAR, "text/calendar")
        sources.append(make_source(f"s{i}", feed_server.url(f"/{i}.ics")))
    settings = make_settings(tmp_path, tuple(sources), db_url)
    settings = dataclasses.replace(settings, daemon=dataclasses.replace(settings.daemon, batch=3))
    aggregator = make_aggregator(settings)
    plan = aggregator.round_plan()
    assert len(plan.candidates) == 7
    with aggregator.store.engine.begin() as connection:
        connection.execute(feeds.update().where(feeds.c.source_id == "s6")
                           .values(status="disabled"))
    sizes = []
    while outcomes := aggregator.refresh_round("node", plan=plan).outcomes:
        sizes.append(len(outcomes))
    assert sizes == [3, 3]
    assert [feed_server.hits[f"/{i}.ics"] for i in range(7)] == [1, 1, 1, 1, 1, 1, 0]
    aggregator.close()


def test_a_ticks_rounds_keep_one_connection_alive_between_them(
    feed_server: Any, tmp_path: Path
) -> None:
    """The rounds of a tick share one event loop and HTTP session (``tick_wire``): three
    rounds of three feeds from one host go over one connection, where each round opened its
    own before (issue 8: the tick cost more than one refresh of the same feeds)."""
    from aggregator.fetch import FetchLimits

    sources = []
    for i in range(9):
        feed_server.set(f"/{i}.ics", CALENDAR, "text/calendar")
        sources.append(make_source(f"s{i}", feed_server.url(f"/{i}.ics")))
    settings = make_settings(tmp_path, tuple(sources))
    settings = dataclasses.replace(settings, daemon=dataclasses.replace(settings.daemon, batch=3))
    aggregator = make_aggregator(settings, limits=FetchLimits(per_host=1))
    opened = feed_server.connections_opened
    sizes = []
    with aggregator.tick_wire() as wire:
        plan = aggregator.round_plan()
        while outcomes := aggregator.refresh_round("node", plan=plan, wire=wire).outcomes:
            sizes.append(len(outcomes))
            assert all(o.result == "updated" for o in outcomes)
    assert sizes == [3, 3, 3]
    assert feed_server.connections_opened - opened == 1
    aggregator.close()
