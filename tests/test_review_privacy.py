"""Personal data as a European operator answering to the GDPR sees it: what the forms say when
they collect an address (article 13), how long addresses are kept once they serve nothing
(article 5(1)(e)), and what a subscriber can read of what is kept about it (article 15).

Real HTTP (uvicorn on loopback), real SMTP (aiosmtpd), SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from aggregator.models import FeedRef, Source
from digest_site import Clock, close_apps, digest_app  # noqa: F401
from mailsink import Sink, smtp_server  # noqa: F401


def test_hard_bounced_addresses_and_declined_registrations_are_not_kept_forever(
    tmp_path: Path, db_url: str, smtp_server: Sink
) -> None:
    clock = Clock()
    app = digest_app(tmp_path, db_url, smtp_server.port, clock=clock)
    store, then = app.store, clock.now
    for name in ("bounced", "recent", "reader"):  # suspended 420 and 20 days ago; confirmed
        who = store.insert_subscriber(f"{name}@example.org", "fr", [], [], [], "confirmed",
                                      (name * 8)[:32], then - timedelta(days=900))
        assert store.claim_delivery(
            who.id, "2024-W40", then - timedelta(days=20 if name == "recent" else 420), "n")
        if name != "reader":
            store.update_subscriber(who.id, status="suspended")
    for name in ("declined", "waiting"):
        store.add_registration(Source(
            id=name, name=name.title(), kind="association", city="Metz", country="FR",
            contact=f"{name}@asso.example.org",
            feeds=(FeedRef(f"https://{name}.example.org/a.ics"),)), then - timedelta(days=500))
    [declined] = [r for r in app.registrations() if r.source.id == "declined"]
    clock.now = then - timedelta(days=450)
    app.reject_registration(declined.id, "not an organisation of the region")
    clock.now = then

    app.housekeeping()

    assert sorted(s.email for s in store.subscribers()) == [
        "reader@example.org", "recent@example.org"]
    assert [r.source.contact for r in app.registrations()] == ["waiting@asso.example.org"]
