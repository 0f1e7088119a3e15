"""`aggregator events explain|merge|split|hide` and `news hide`: the operator's hand on
deduplication and on single events and articles."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from . import AppContext, cli, console, errors_to_exit, pass_app

if TYPE_CHECKING:
    from ..curation import Hidden


@cli.group()
def events() -> None:
    """Why events were merged, and the operator's merge, split and hide overrides."""


@events.command("explain")
@click.argument("uid")
@pass_app
def events_explain(app: AppContext, uid: str) -> None:
    """Show the scored pairs around a merged event (UID, SOURCE_ID:UID or a feed's UID)."""
    with errors_to_exit():
        pairs = app.aggregator.explain_event(uid)
    if not pairs:
        click.echo(f"no record of {uid!r} was compared with another (nothing near it)")
        return
    # Plain lines, not a table: record keys are long and operators grep this output.
    for pair in pairs:
        reasons = "; ".join(pair.reasons) or "-"
        click.echo(f"{pair.decision:8} {pair.score:4.2f}  {pair.a}  ~  {pair.b}  ({reasons})")


@events.command("merge")
@click.argument("uids", nargs=-1, required=True)
@pass_app
def events_merge(app: AppContext, uids: tuple[str, ...]) -> None:
    """Fuse the named merged events (UIDs from calendar.ics) into one, in every later build."""
    with errors_to_exit():
        keys = app.aggregator.merge_events_override(uids)
    click.echo(f"merged {len(keys)} records: {', '.join(keys)}; run `aggregator build`")


@events.command("split")
@click.argument("uid")
@click.argument("record")
@pass_app
def events_split(app: AppContext, uid: str, record: str) -> None:
    """Pull RECORD (SOURCE_ID:SOURCE_UID) out of the merged event UID, in every later build."""
    with errors_to_exit():
        app.aggregator.split_event_override(uid, record)
    click.echo(f"split {record} out of {uid}; run `aggregator build`")


@events.command("hide")
@click.argument("uid")
@pass_app
def events_hide(app: AppContext, uid: str) -> None:
    """Leave a merged event (UID) or one record (SOURCE_ID:UID) out of every later build, even
    when its feeds post it again: an internal meeting, a spam event."""
    with errors_to_exit():
        keys = app.aggregator.hide_event(uid)
    click.echo(f"hidden: {', '.join(keys)}; out of the outputs from the next build "
               "(`aggregator events hidden` lists it, `events unhide` undoes it)")


@events.command("hidden")
@pass_app
def events_hidden(app: AppContext) -> None:
    """The events the operator hid, with the number that `events unhide` takes."""
    with errors_to_exit():
        _print_hidden(app.aggregator.hidden_events(), "event")


def _print_hidden(found: list[Hidden], what: str) -> None:
    if not found:
        click.echo(f"no hidden {what}")
    for hidden in found:
        title = hidden.title or "(no longer in its feeds)"
        click.echo(f"#{hidden.id}  {hidden.when.isoformat(timespec='minutes')}  {title}  "
                   f"[{', '.join(hidden.keys)}]")


@events.command("unhide")
@click.argument("hidden_id", type=int, metavar="ID")
@pass_app
def events_unhide(app: AppContext, hidden_id: int) -> None:
    """Publish again the records of hidden event #ID (from `aggregator events hidden`)."""
    with errors_to_exit():
        app.aggregator.unhide_event(hidden_id)
    console.print(f"#{hidden_id} shown again from the next build")


@cli.group()
def news() -> None:
    """The operator's hold on single articles (the feed's others stay)."""


@news.command("hide")
@click.argument("ident", metavar="ID")
@pass_app
def news_hide(app: AppContext, ident: str) -> None:
    """Leave an article (its id in news.json, or SOURCE_ID:GUID) out of every later build,
    even when its feeds post it again: a sponsored post, spam in a sound feed."""
    with errors_to_exit():
        keys = app.aggregator.hide_news(ident)
    click.echo(f"hidden: {', '.join(keys)}; out of the outputs from the next build "
               "(`aggregator news hidden` lists it, `news unhide` undoes it)")


@news.command("hidden")
@pass_app
def news_hidden(app: AppContext) -> None:
    """The articles the operator hid, with the number that `news unhide` takes."""
    with errors_to_exit():
        _print_hidden(app.aggregator.hidden_news(), "article")


@news.command("unhide")
@click.argument("hidden_id", type=int, metavar="ID")
@pass_app
def news_unhide(app: AppContext, hidden_id: int) -> None:
    """Publish again hidden article #ID (from `aggregator news hidden`)."""
    with errors_to_exit():
        app.aggregator.unhide_news(hidden_id)
    console.print(f"#{hidden_id} shown again from the next build")
