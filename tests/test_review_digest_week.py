"""`digest send --week` of a week far from today.

A typo (2025-W49 for 2026-W49) sent that old week's digest to every confirmed subscriber, at
once and for good: the ledger then holds it, nothing can take it back. The daemon sends the
current week (Monday 07:00, or when it comes back within the week); a run stopped by the relay
is finished by hand with `--week` of that week, possibly the next Monday. So this week and the
week before go ahead; any other is refused unless `--any-week` says it is meant. Real SMTP
(aiosmtpd), SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from aggregator.cli import cli
from aggregator.digest import week_of
from aggregator.digests import DigestError
from digest_site import Clock, cli_environment, close_apps, digest_app  # noqa: F401
from mailsink import Sink, smtp_server  # noqa: F401
from test_digest_send import digests

PARIS = ZoneInfo("Europe/Paris")


def test_a_far_week_is_refused_and_the_message_says_how_to_go_ahead(
    smtp_server: Sink, tmp_path: Path, db_url: str
) -> None:
    app = digest_app(tmp_path, db_url, smtp_server.port)  # Monday 7 December 2026: 2026-W50
    app.add_subscriber("ana@example.org", confirmed=True)

    with pytest.raises(DigestError) as refused:
        app.send_digest("2025-W50")  # a year off: the typo
    told = str(refused.value)
    assert "2025-W50" in told and "this week is 2026-W50" in told and "--any-week" in told
    assert refused.value.exit_code == 2
    assert digests(smtp_server) == [] and app.digest_ledger("2025-W50") == []

    # looking is always allowed: the dry run and the archive copy of any week
    planned = app.send_digest("2025-W50", dry_run=True).planned
    assert [plan.email for plan in planned] == ["ana@example.org"]
    assert [path.name for path in app.digest_preview("2025-W50")] == ["2025-W50.html",
                                                                     "2025-W50.txt"]
    # the operator who means it says so
    assert app.send_digest("2025-W50", any_week=True).sent == ("ana@example.org",)
    assert [m["To"] for m in digests(smtp_server)] == ["ana@example.org"]


@pytest.mark.parametrize(("week", "allowed"), [
    ("2026-W50", True), ("2026-W49", True),  # this week; last week's run finished late
    ("2026-W51", False), ("2026-W48", False), ("2026-W05", False), ("2027-W50", False)])
def test_this_week_and_the_week_before_go_ahead_other_weeks_do_not(
    smtp_server: Sink, tmp_path: Path, week: str, allowed: bool
) -> None:
    # Sunday 23:30 in UTC is already Monday 00:30 in Paris, the agenda's zone: 2026-W50
    clock = Clock(datetime(2026, 12, 6, 23, 30, tzinfo=UTC))
    app = digest_app(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", smtp_server.port, clock)
    app.add_subscriber("ana@example.org", confirmed=True)
    if allowed:
        assert app.send_digest(week).sent == ("ana@example.org",)
        assert app.send_digest(week, retries_only=True).sent == ()
    else:
        for retries_only in (False, True):  # a retry of an old week is a send too
            with pytest.raises(DigestError, match=f"{week}.*this week is 2026-W50"):
                app.send_digest(week, retries_only=retries_only)
        assert digests(smtp_server) == []


def test_the_cli_refuses_a_far_week_with_exit_2_and_sends_it_with_any_week(
    smtp_server: Sink, tmp_path: Path, db_url: str
) -> None:
    """The CLI reads the real clock: the weeks are reckoned from today."""
    app = digest_app(tmp_path, db_url, smtp_server.port)
    app.add_subscriber("ana@example.org", confirmed=True)
    app.close()
    env = cli_environment(tmp_path, db_url, smtp_server.port)
    now = datetime.now(UTC)
    this, far = week_of(now, PARIS), week_of(now - timedelta(weeks=52), PARIS)
    runner = CliRunner()

    refused = runner.invoke(cli, ["digest", "send", "--week", far], env=env)
    assert refused.exit_code == 2, refused.output
    assert far in refused.output and f"this week is {this}" in refused.output
    assert "--any-week" in refused.output and "Traceback" not in refused.output
    assert digests(smtp_server) == []

    dry = runner.invoke(cli, ["digest", "send", "--week", far, "--dry-run"], env=env)
    assert dry.exit_code == 0 and f"{far}: would send 1" in dry.output, dry.output
    sent = runner.invoke(cli, ["digest", "send", "--week", far, "--any-week"], env=env)
    assert sent.exit_code == 0 and f"{far}: sent 1" in sent.output, sent.output
    current = runner.invoke(cli, ["digest", "send", "--week", this], env=env)
    assert current.exit_code == 0 and f"{this}: sent 1" in current.output, current.output
    assert len(digests(smtp_server)) == 2
    helped = runner.invoke(cli, ["digest", "send", "--help"], env=env)
    assert "--any-week" in helped.output and "this week or the week before" in helped.output

