"""Commands about feeds and outputs: refresh, build, serve, demo, sources list/check."""

from __future__ import annotations

import json
import os
import sys

import click
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from typing import TYPE_CHECKING

from .. import config
from ..config import Settings
from ..errors import AggregatorError, ConfigError, FeedError
from ..memo import not_kept
from ..models import FeedOutcome, ParsedFeed
from . import (AppContext, cli, console, err_console, errors_to_exit, pass_app, utc_minute,
               warn_of_admin_token)

if TYPE_CHECKING:
    from ..core import FeedHealth

@cli.command()
@click.option("--source", "source_id", help="Only this source's feeds.")
@click.option("--force", is_flag=True, help="Ignore ETag/Last-Modified and parse everything again.")
@pass_app
def refresh(app: AppContext, source_id: str | None, force: bool) -> None:
    """Fetch every feed once and store what changed (exit 0 even if some feeds fail)."""
    with errors_to_exit():
        aggregator = app.aggregator
        with Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), console=err_console, transient=True,
        ) as bar:
            task = bar.add_task("refreshing feeds", total=None)

            def advance(step: str, done: int, total: int) -> None:
                bar.update(task, description=step, completed=done, total=total)

            outcomes = aggregator.refresh(source_id, force=force, progress=advance)
        _print_outcomes(outcomes)


def _print_outcomes(outcomes: list[FeedOutcome]) -> None:
    table = Table(title="Refresh", show_lines=False)
    for column in ("source", "feed", "result", "records", "reason"):
        table.add_column(column, overflow="fold")
    styles = {"updated": "green", "unchanged": "dim", "not_modified": "dim", "flagged": "yellow",
              "skipped": "yellow", "error": "red"}
    for outcome in outcomes:
        style = styles.get(outcome.result, "")
        table.add_row(  # escaped: a reason quoting a feed's "[/x]" was a traceback (MarkupError)
            escape(outcome.source_id), escape(outcome.url), f"[{style}]{outcome.result}[/]",
            str(outcome.records), escape(outcome.error or ""))
    console.print(table)
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.result] = counts.get(outcome.result, 0) + 1
    summary = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in sorted(counts.items()))
    console.print(f"{len(outcomes)} feeds: {summary or 'none'}")


@cli.command()
@pass_app
def build(app: AppContext) -> None:
    """Deduplicate and write every output file into the output directory."""
    with errors_to_exit(), not_kept():  # the process exits after this build
        report = app.aggregator.build_by_hand(lambda most: err_console.print(
            f"another build is in progress; waiting for it to end (at most "
            f"{most.total_seconds() / 60:g} min)…"))
    console.print(
        f"built {report.events} events and {report.items} news items from {report.records} "
        f"records in {report.elapsed:.2f} s → {app.settings.output_dir}/"
    )


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@pass_app
def serve(app: AppContext, host: str, port: int) -> None:
    """The web server alone: agenda, calendars, open data, registration, admin."""
    from ..web.server import serve_forever

    warn_of_admin_token(app)
    with errors_to_exit():
        serve_forever(app.aggregator, host, port,
                      lambda url: console.print(f"serving {url}/ (Ctrl-C stops)"))


@cli.command()
@click.option("--once", is_flag=True, help="Stop after the build and print where the files are.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port of the web app.")
@pass_app
def demo(app: AppContext, once: bool, port: int) -> None:
    """Serve the bundled demo feeds on loopback, refresh, build, then serve the result."""
    from ..demo.run import run_demo

    with errors_to_exit():
        run_demo(once=once, port=port, console=console)


@cli.group()
def sources() -> None:
    """Sources: their feeds' health, checking a feed, registering one, switching one off."""


@sources.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable list.")
@pass_app
def sources_list(app: AppContext, as_json: bool) -> None:
    """Every source and feed with its health."""
    with errors_to_exit():
        health = app.aggregator.feed_health()
    if as_json:
        click.echo(json.dumps([h.as_json() for h in health], indent=2, ensure_ascii=False))
        return
    _print_health(health)


def _print_health(health: list[FeedHealth]) -> None:
    table = Table(title="Feeds")
    for column in ("source", "feed", "type", "status", "items", "last success", "problem"):
        table.add_column(column, overflow="fold")
    colours = {"ok": "green", "error": "red", "pending": "yellow", "disabled": "dim"}
    for h in health:
        problem = h.last_error or h.flagged or (_count(len(h.warnings), "warning") if h.warnings else "")
        if h.consecutive_failures > 1:
            problem += f" ({h.consecutive_failures} failures in a row)"
        table.add_row(  # escaped: a URL or a reason quoting "[…]" is text, not Rich markup
            escape(h.source), escape(h.url), h.type, f"[{colours.get(h.status, '')}]{h.status}[/]",
            str(h.items), utc_minute(h.last_success), escape(problem),
        )
    console.print(table)


def _count(n: int, noun: str) -> str:
    """"1 warning", "2 warnings" (the CLI speaks English)."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


@sources.command("check")
@click.argument("url")
@click.option("--type", "declared_type", default="auto", show_default=True,
              type=click.Choice(["auto", "ical", "rss", "atom", "jsonfeed", "jsonld"]))
@pass_app
def sources_check(app: AppContext, url: str, declared_type: str) -> None:
    """Fetch and parse one feed and print what it holds (exit 1 if unusable)."""
    from ..core import check_feed

    try:
        settings = _check_settings(app.config_path)
        parsed = check_feed(settings, url, declared_type)
    except FeedError as error:
        click.echo(f"invalid: {error.reason}", err=True)
        sys.exit(1)
    except AggregatorError as error:
        click.echo(f"invalid: {error}", err=True)
        sys.exit(1)
    _print_parsed(url, parsed)


def _check_settings(config_path: str | None) -> Settings:
    """sources.yaml's settings, or the defaults (and the environment's) while the file is
    invalid: an operator checks a new feed before adding it, often with the file half
    edited, and was told "invalid: sources.yaml is invalid" as if the feed were.

    Raises:
        ConfigError: the environment itself is invalid.
    """
    try:
        return config.load(config_path, require_file=False)
    except ConfigError as error:
        click.echo(f"warning: {error}: the feed is checked with the default settings", err=True)
        return config.build_settings((), None, os.environ)


def _print_parsed(url: str, parsed: ParsedFeed) -> None:
    click.echo(f"valid {parsed.format} feed: {url}")
    if parsed.title:
        click.echo(f"title: {parsed.title}")
    click.echo(f"{_count(len(parsed.events), 'event')}, "
               f"{_count(len(parsed.items), 'news item')}, "
               f"{_count(len(parsed.warnings), 'warning')}")
    for event in sorted(parsed.events, key=lambda e: str(e.start))[:5]:
        repeats = f"  (repeats: {event.rrule})" if event.rrule else ""
        click.echo(f"  event {event.start}  {event.title}{repeats}")
    for item in parsed.items[:5]:
        click.echo(f"  item  {item.published or ''}  {item.title}")
    for warning in parsed.warnings[:10]:
        click.echo(f"  warning: {warning}")
