"""The operator's reminder of a registration left undecided (REMINDER_AFTER), against what
the operator's page and the contact's emails say of the same registration. Real SMTP
(aiosmtpd), real HTTP (uvicorn on loopback), SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx

from aggregator.registration_retention import REMINDER_AFTER
from digest_site import Clock
from mailsink import Sink, smtp_server  # noqa: F401  (fixture)
from test_review_regret import OPERATOR, organisers, register
from webapp import ADMIN_TOKEN, running


def test_the_operators_reminder_names_the_deletion_day_as_the_admin_page_does(
    tmp_path: Path, db_url: str, smtp_server: Sink  # noqa: F811
) -> None:
    """The reminder wrote the day a registration nobody decides is deleted as "2027-03-07",
    a day of UTC, in a French sentence ("d’ici le 2027-03-07"), where /admin and the
    contact's emails name it in the site's time zone and in words ("8 mars 2027"): one
    received late in the evening was announced a day early. The operator's emails are in
    French (no setting names the operator's language: the admin pages' default, as the
    new-registration, withdrawal and change emails); the reminder now names the day as
    the French /admin page does."""
    clock = Clock(datetime(2026, 12, 7, 23, 30, tzinfo=timezone.utc))  # the 8th in Paris
    with organisers(tmp_path, db_url, smtp_server.port, clock, admin_token=ADMIN_TOKEN) as app:
        register(app)
        clock.now += REMINDER_AFTER + timedelta(hours=1)
        assert app.housekeeping()["undecided_registrations_reminded"] == 1
        with running(app) as url:
            page = httpx.get(f"{url}/admin", params={"lang": "fr"}, timeout=30,
                             headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}).text
    found = re.search(r"supprimée le (\d+ \w+ \d{4})", page)
    assert found is not None, page
    day = found.group(1)
    assert day == "8 mars 2027"
    reminder = smtp_server.to(OPERATOR)[-1]
    assert str(reminder["Subject"]).startswith("Inscription toujours en attente")
    body = reminder.get_content()
    assert f"d’ici le {day}," in body, body
    assert "2027-03-0" not in body
