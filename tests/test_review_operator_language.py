"""The operator's emails in the operator's language (AGGREGATOR_OPERATOR_LANGUAGE).

A Luxembourg operator whose team reads German or English got every email about
registrations in French: a registration to decide, the reminder of one left undecided, a
withdrawal, what a published organisation changed. Real SMTP (aiosmtpd), SQLite and
PostgreSQL; the setting read from the environment as the command line reads it."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from aggregator.cli import cli
from aggregator.config import build_settings
from aggregator.registration_retention import REMINDER_AFTER
from digest_site import Clock, cli_environment
from mailsink import Sink, smtp_server  # noqa: F401  (fixture)
from test_review_regret import OPERATOR, organisers, register


def operator_language(value: str) -> str:
    """The setting as the environment gives it."""
    return build_settings((), None, {"AGGREGATOR_OPERATOR_LANGUAGE": value}).operator_language


def test_the_operator_reads_every_email_in_the_language_set(
    tmp_path: Path, db_url: str, smtp_server: Sink  # noqa: F811
) -> None:
    """AGGREGATOR_OPERATOR_LANGUAGE=de: the new registration, its reminder (the day in German
    words), and the changes a published organisation made (the fields named in German)."""
    clock = Clock(datetime(2026, 12, 7, 10, 0, tzinfo=timezone.utc))
    with organisers(tmp_path, db_url, smtp_server.port, clock) as app:
        app.settings = replace(app.settings, operator_language=operator_language("DE"))
        registration = register(app)
        pending = smtp_server.to(OPERATOR)[-1]
        assert str(pending["Subject"]) == "Anmeldung zu entscheiden: Fablab Épinal"
        assert "möchte veröffentlicht werden" in pending.get_content()

        clock.now += REMINDER_AFTER + timedelta(hours=1)
        assert app.housekeeping()["undecided_registrations_reminded"] == 1
        reminder = smtp_server.to(OPERATOR)[-1]
        assert str(reminder["Subject"]).startswith("Anmeldung wartet noch")
        assert "bis zum 7. März 2027 wird sie gelöscht" in reminder.get_content()

        app.approve_registration(registration.id)
        source = registration.source
        app.update_registration(
            registration.token, name="Fablab des Vosges", kind=source.kind, city=source.city,
            website=source.website, contact=source.contact, feeds=source.feeds,
            country=source.country, language=source.language)
        changed = smtp_server.to(OPERATOR)[-1]
        assert str(changed["Subject"]).startswith("Veröffentlichte Organisation")
        assert "Name: Fablab Épinal → Fablab des Vosges" in changed.get_content()
        assert all("Inscription" not in str(m["Subject"]) and "Organisation publiée"
                   not in str(m["Subject"]) for m in smtp_server.to(OPERATOR))


@pytest.mark.parametrize("given, used", [(None, "fr"), ("", "fr"), (" en ", "en"),
                                         ("de", "de")])
def test_the_operator_language_defaults_to_french(given: str | None, used: str) -> None:
    environment = {} if given is None else {"AGGREGATOR_OPERATOR_LANGUAGE": given}
    assert build_settings((), None, environment).operator_language == used


def test_a_language_nobody_wrote_the_emails_in_is_refused_at_start(
    tmp_path: Path, db_url: str, smtp_server: Sink  # noqa: F811
) -> None:
    """"english" or "lb" would have sent the emails in a language nobody chose: the command
    stops at once, exit 2, naming the variable and what it takes."""
    environment = cli_environment(tmp_path, db_url, smtp_server.port)
    result = CliRunner().invoke(cli, ["sources", "list"],
                                env={**environment, "AGGREGATOR_OPERATOR_LANGUAGE": "english"})
    assert result.exit_code == 2
    assert "AGGREGATOR_OPERATOR_LANGUAGE='english'" in result.output
    assert "fr, en, de" in result.output
