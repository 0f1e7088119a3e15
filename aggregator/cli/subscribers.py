"""`aggregator subscribers add|list|remove` and `aggregator digest preview|send` (issue 5)."""

from __future__ import annotations

import json

import click
from rich.markup import escape
from rich.table import Table

from ..errors import AggregatorError
from ..models import LANGUAGES, MergedEvent
from . import (AppContext, KindChoice, cli, console, err_console, errors_to_exit, pass_app,
               stop_on_signal)


@cli.group()
def subscribers() -> None:
    """People who get the weekly digest by email."""


@subscribers.command("add")
@click.argument("email")
@click.option("--lang", "language", type=click.Choice(LANGUAGES), default="fr", show_default=True)
@click.option("--city", "cities", multiple=True, help="Only events in this city (repeatable).")
@click.option("--kind", "kinds", multiple=True, type=KindChoice(),
              help="Only what organisations of this kind post, named in any language "
              "(repeatable).")
@click.option("--tag", "tags", multiple=True, help="Only what sources with this tag post.")
@click.option("--confirmed", is_flag=True,
              help="The address already consented (an imported list): no confirmation email.")
@pass_app
def subscribers_add(app: AppContext, email: str, language: str, cities: tuple[str, ...],
                    kinds: tuple[str, ...], tags: tuple[str, ...], confirmed: bool) -> None:
    """Subscribe EMAIL; it gets a confirmation link unless --confirmed."""
    from ..subscribers import unmatched_filters

    with errors_to_exit():
        subscriber, problem = app.aggregator.add_subscriber(
            email, language=language, cities=cities, kinds=kinds, tags=tags, confirmed=confirmed)
    console.print(f"{subscriber.email}: {subscriber.status}", highlight=False)
    if not confirmed and subscriber.status != "pending":  # the web form's rule: nothing changes
        err_console.print(f"[yellow]warning:[/] {subscriber.email} was {subscriber.status} "
                          "already: its language and filters are unchanged (add --confirmed to "
                          "replace them with these)", highlight=False, soft_wrap=True)
    def events() -> tuple[MergedEvent, ...]:  # asked only for a city no organisation is in
        try:
            return app.aggregator.published().shown
        except AggregatorError:
            return ()  # nothing built yet: a district is followed where the table knows it

    for unmatched in unmatched_filters(subscriber, app.aggregator.current_sources(), events):
        err_console.print(f"[yellow]warning:[/] {escape(unmatched)}", highlight=False,
                          soft_wrap=True)
    if problem:
        err_console.print(f"[yellow]warning:[/] confirmation email: {escape(problem)}",
                          highlight=False, soft_wrap=True)
    elif subscriber.status == "pending":
        console.print("a confirmation link was emailed", highlight=False)


@subscribers.command("list")
@pass_app
def subscribers_list(app: AppContext) -> None:
    """Every subscriber with language, filters and state."""
    with errors_to_exit():
        found = app.aggregator.subscribers()
    table = Table("email", "lang", "status", "cities", "kinds", "tags", "bounces")
    for s in found:
        table.add_row(s.email, s.language, s.status, escape(", ".join(s.cities)) or "all",
                      ", ".join(s.kinds) or "all", ", ".join(s.tags) or "all", str(s.hard_bounces))
    console.print(table)
    console.print(f"{len(found)} subscribers, "
                  f"{sum(s.status == 'confirmed' for s in found)} confirmed", highlight=False)


@subscribers.command("show")
@click.argument("email")
@pass_app
def subscribers_show(app: AppContext, email: str) -> None:
    """All that is kept about EMAIL, as JSON: its own data download, with the privacy notice
    it agreed to and when (what proves its consent), for a request or a complaint."""
    with errors_to_exit():
        data = app.aggregator.subscriber_data(email=email)
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@subscribers.command("remove")
@click.argument("email")
@pass_app
def subscribers_remove(app: AppContext, email: str) -> None:
    """Forget EMAIL entirely (its preferences and its delivery history)."""
    with errors_to_exit():
        app.aggregator.remove_subscriber(email)
    console.print(f"removed {email.strip().lower()}", highlight=False)


@cli.group()
def digest() -> None:
    """The weekly email digest."""


@digest.command("preview")
@click.option("--week", help="ISO week like 2026-W49 (default: this week).")
@pass_app
def digest_preview(app: AppContext, week: str | None) -> None:
    """Write output/digest/YYYY-Www.html and .txt (the public copy) and print their paths."""
    with errors_to_exit():
        paths = app.aggregator.digest_preview(week)
    for path in paths:
        click.echo(str(path))


@digest.command("send")
@click.option("--week", help="ISO week like 2026-W49 (default: this week).")
@click.option("--dry-run", is_flag=True, help="Show who would get what; send nothing.")
@click.option("--per-minute", type=click.IntRange(min=0), default=0,
              help="At most this many messages a minute (0: no limit).")
@click.option("--retries-only", is_flag=True, help="Only retry this week's deferred deliveries.")
@click.option("--connections", type=click.IntRange(1, 32), default=1, show_default=True,
              help="SMTP sessions at once; a killed run may leave this many messages in doubt.")
@click.option("--any-week", is_flag=True,
              help="Send --week even if it is not this week or the week before.")
@pass_app
def digest_send(app: AppContext, week: str | None, dry_run: bool, per_minute: int,
                retries_only: bool, connections: int, any_week: bool) -> None:
    """Send the week's digest to confirmed subscribers, at most once per subscriber and week.

    --week takes this week or the week before (a late run); another week is refused as a
    likely typo unless --any-week. --dry-run shows any week.
    """
    with errors_to_exit(), stop_on_signal() as stopping:
        report = app.aggregator.send_digest(week, dry_run=dry_run, per_minute=per_minute,
                                            retries_only=retries_only, connections=connections,
                                            stop=stopping.is_set, any_week=any_week)
    if report.warning:
        click.echo(f"warning: {report.warning}", err=True)
    if dry_run:
        for plan in report.planned:
            click.echo(f"{plan.email}\t{plan.language}\t{plan.events} events\t{plan.news} news"
                       f"\t{plan.subject}")
        click.echo(f"{report.week}: would send {len(report.planned)}, "
                   f"{report.skipped} already handled")
        return
    click.echo(f"{report.week}: sent {len(report.sent)}, to retry {len(report.retry)}, "
               f"failed {len(report.failed)}, suspended {len(report.suspended)}, "
               f"skipped {report.skipped} (already sent, or to retry later)")
    for email, why in report.refusals:
        click.echo(f"failed: {email}: {why}", err=True)
    if report.stopped:  # the relay refused our settings, or is down: one thing to fix
        click.echo(f"stopped: {report.stopped}", err=True)
    for problem in report.problems[1 if report.stopped else 0:]:  # once per reason
        click.echo(f"not sent: {problem}", err=True)
    if report.stopped:
        raise SystemExit(1)
    if report.interrupted:
        click.echo("interrupted: the messages in flight were sent and recorded; the others go "
                   "with the next `digest send`", err=True)
        raise SystemExit(128 + stopping.signum)
    if report.retry and report.sent:  # a cron job alone never sent them: say what does
        click.echo(f"{len(report.retry)} to retry after a temporary refusal: they go with a "
                   "`digest send` run from 30 minutes on (the daemon, `aggregator run`, "
                   "retries hourly)", err=True)
    if report.problems and not report.sent:  # nothing got through: the mail setup is wrong
        click.echo("no digest could be sent: check the SMTP settings (AGGREGATOR_SMTP_*); "
                   "those to retry go with a `digest send` run from 30 minutes on", err=True)
        raise SystemExit(1)
