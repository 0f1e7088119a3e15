"""`aggregator sources register|disable|enable` and `aggregator registrations ...`.

The web form is one door; an organiser at a terminal, or an operator on a server with no
browser at hand, goes through the same one from the command line: the registration is stored
PENDING with its contact emailed, and the operator lists, approves or declines it, or
switches a source off and on, exactly as on /admin (the same facade methods).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence

import click
from rich.markup import escape
from rich.table import Table

from ..models import FEED_TYPES, LANGUAGES, FeedRef
from ..contacts import Registration
from . import (AppContext, KindChoice, cli, console, err_console, errors_to_exit, pass_app,
               utc_minute)
from .feeds import sources

STATUSES = ("pending", "approved", "rejected", "withdrawn")


@sources.command("register")
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@click.option("--name", required=True, help="The organisation's name.")
@click.option("--kind", required=True, type=KindChoice(),
              help="The kind of organisation, named in any language.")
@click.option("--city", required=True)
@click.option("--contact", required=True, help="Email address of whoever looks after the feeds.")
@click.option("--country", default="FR", show_default=True, help="ISO 3166 alpha-2 code.")
@click.option("--language", default="fr", show_default=True, type=click.Choice(LANGUAGES))
@click.option("--website", default="")
@click.option("--tag", "tags", multiple=True, help="A topic (repeat for several).")
@click.option("--type", "feed_type", default="auto", show_default=True,
              type=click.Choice(FEED_TYPES), help="Format of every URL given.")
@pass_app
def sources_register(app: AppContext, urls: Sequence[str], name: str, kind: str, city: str,
                     contact: str, country: str, language: str, website: str,
                     tags: Sequence[str], feed_type: str) -> None:
    """Register an organisation's feeds for the operator to approve, as the web form does
    (check each URL first with `aggregator sources check URL`)."""
    with errors_to_exit():
        registration, problem = app.aggregator.register_source(
            name=name, kind=kind, city=city, website=website, contact=contact,
            feeds=[FeedRef(url, feed_type) for url in urls],  # type: ignore[arg-type]
            country=country, language=language, tags=tags)
    source = registration.source
    if registration.status == "pending":
        click.echo(f"registered {source.name!r} as {source.id} (#{registration.id}): "
                   "pending until the operator approves it")
    else:  # the same contact and feeds registered before: kept once
        click.echo(f"{source.name!r} is already registered with these feeds as {source.id} "
                   f"(#{registration.id}), {registration.status}: nothing recorded"
                   + ("; its contact can ask to come back from its private link"
                      if registration.status == "withdrawn" else ""))
    click.echo(f"private link to change it: {app.settings.base_url}/manage/{registration.token}")
    _shared(app, registration.id)
    if problem:
        err_console.print(f"warning: the contact was not emailed: {escape(problem)}",
                          highlight=False)


@sources.command("disable")
@click.argument("source_id")
@pass_app
def sources_disable(app: AppContext, source_id: str) -> None:
    """Switch a source off: no fetch; its events leave the outputs (published CANCELLED
    until their date, so that subscribed calendars drop them)."""
    _switch(app, source_id, disabled=True)


@sources.command("enable")
@click.argument("source_id")
@pass_app
def sources_enable(app: AppContext, source_id: str) -> None:
    """Switch a source back on."""
    _switch(app, source_id, disabled=False)


def _switch(app: AppContext, source_id: str, *, disabled: bool) -> None:
    from ..registrations import RegistrationError

    with errors_to_exit():
        try:
            app.aggregator.set_source_disabled(source_id, disabled)
        except RegistrationError as error:
            raise click.BadParameter(error.reason, param_hint="SOURCE_ID") from None
    click.echo(f"{source_id}: {'disabled' if disabled else 'enabled'} from the next refresh "
               "and build")


@cli.group()
def registrations() -> None:
    """Organisations registered through the web form or `sources register`."""


@registrations.command("list")
@click.option("--status", type=click.Choice(STATUSES), help="Only those in this state.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable list.")
@pass_app
def registrations_list(app: AppContext, status: str | None, as_json: bool) -> None:
    """Every registration, oldest first, with its state."""
    with errors_to_exit():
        found = app.aggregator.registrations(status)
    if as_json:
        click.echo(json.dumps([_as_json(r) for r in found], indent=2, ensure_ascii=False))
        return
    table = Table(title="Registrations")
    for column in ("#", "source", "name", "kind", "city", "contact", "feeds", "status", "since"):
        table.add_column(column, overflow="fold")
    for r in found:
        table.add_row(  # escaped: the public form's "[/x]" as a name was a traceback here
            str(r.id), r.source.id, escape(r.source.name), r.source.kind, escape(r.source.city),
            escape(r.source.contact), escape("\n".join(f.url for f in r.source.feeds)),
            r.status, utc_minute(r.decided_at or r.created_at))
    console.print(table)


def _as_json(registration: Registration) -> dict[str, object]:
    """``kept_until``: when housekeeping deletes or erases it (None: kept while listed)."""
    from ..registration_retention import kept_until  # on use: --help needs not the store

    source, until = registration.source, kept_until(registration)
    return {"id": registration.id, "source": source.id, "name": source.name,
            "kind": source.kind, "city": source.city, "country": source.country,
            "language": source.language, "website": source.website,
            "contact": source.contact, "tags": list(source.tags),
            "feeds": [{"url": f.url, "type": f.type} for f in source.feeds],
            "status": registration.status, "created_at": registration.created_at.isoformat(),
            "decided_at": registration.decided_at.isoformat() if registration.decided_at else None,
            "note": registration.note, "kept_until": until.isoformat() if until else None}


@registrations.command("approve")
@click.argument("ids", nargs=-1, required=True, type=int, metavar="ID...")
@pass_app
def registrations_approve(app: AppContext, ids: Sequence[int]) -> None:
    """Publish these registrations from the next refresh on (their contacts are emailed).
    Every ID is handled and reported, one refused or unknown included; the exit code is
    then that of the worst (2: no such registration, 1: refused, e.g. withdrawn)."""
    failed = [_decide(app, registration_id, "approved") for registration_id in ids]
    if any(failed):
        sys.exit(max(failed))


@registrations.command("reject")
@click.argument("registration_id", type=int, metavar="ID")
@click.option("--note", default="", help="The reason, told to the contact.")
@pass_app
def registrations_reject(app: AppContext, registration_id: int, note: str) -> None:
    """Decline a pending registration (kept for the record; its contact is emailed). An
    approved one is switched off instead (`aggregator sources disable SOURCE_ID`)."""
    failed = _decide(app, registration_id, "rejected", note)
    if failed:
        sys.exit(failed)


def _decide(app: AppContext, registration_id: int, what: str, note: str = "") -> int:
    """Take one decision and say what came of it; returns its exit code (0: done, or in
    that state already)."""
    from ..registrations import AlreadyDecided, DecisionRefused, RegistrationError

    with errors_to_exit():  # a database or configuration problem stops every ID alike
        try:
            if what == "approved":
                problem = app.aggregator.approve_registration(registration_id)
            else:
                problem = app.aggregator.reject_registration(registration_id, note)
        except AlreadyDecided as already:
            click.echo(already.message)
            return 0
        except DecisionRefused as refused:
            _error(refused.message)
            return refused.exit_code
        except RegistrationError as error:
            _error(f"#{registration_id}: {error.reason} (`aggregator registrations list` "
                   "shows them); nothing done")
            return error.exit_code
    click.echo(f"#{registration_id}: {what}")  # as `registrations list` says
    if what == "approved":
        _shared(app, registration_id)
    if problem:
        err_console.print(f"warning: the contact was not emailed: {escape(problem)}",
                          highlight=False)
    return 0


def _shared(app: AppContext, registration_id: int) -> None:
    """Warn of each feed another organisation gives already (as /admin flags it): approved,
    its events would be listed by both."""
    for url, names in app.aggregator.shared_feeds(registration_id).items():
        err_console.print(f"warning: {escape(url)} is also the feed of: {escape(names)}",
                          highlight=False, soft_wrap=True)


def _error(message: str) -> None:
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
