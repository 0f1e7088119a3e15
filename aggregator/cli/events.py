"""`aggregator events explain|merge|split`: the operator's view into deduplication."""

from __future__ import annotations

import click

from . import AppContext, cli, console, errors_to_exit, pass_app


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
        console.print(f"no record of {uid!r} was compared with another (nothing near it)")
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
    console.print(f"merged {len(keys)} records: {', '.join(keys)}; run `aggregator build`")


@events.command("split")
@click.argument("uid")
@click.argument("record")
@pass_app
def events_split(app: AppContext, uid: str, record: str) -> None:
    """Pull RECORD (SOURCE_ID:SOURCE_UID) out of the merged event UID, in every later build."""
    with errors_to_exit():
        app.aggregator.split_event_override(uid, record)
    console.print(f"split {record} out of {uid}; run `aggregator build`")


@events.command("hide")
@click.argument("uid")
@pass_app
def events_hide(app: AppContext, uid: str) -> None:
    """Leave a merged event (UID) or one record (SOURCE_ID:UID) out of every later build, even
    when its feeds post it again: an internal meeting, a spam event."""
    with errors_to_exit():
        keys = app.aggregator.hide_event(uid)
    console.print(f"hidden: {', '.join(keys)}; out of the outputs from the next build "
                  "(`aggregator events hidden` lists it, `events unhide` undoes it)")


@events.command("hidden")
@pass_app
def events_hidden(app: AppContext) -> None:
    """The events the operator hid, with the number that `events unhide` takes."""
    with errors_to_exit():
        found = app.aggregator.hidden_events()
    if not found:
        click.echo("no hidden event")
    for hidden_id, keys, when in found:
        click.echo(f"#{hidden_id}  {when.isoformat(timespec='minutes')}  {', '.join(keys)}")


@events.command("unhide")
@click.argument("hidden_id", type=int, metavar="ID")
@pass_app
def events_unhide(app: AppContext, hidden_id: int) -> None:
    """Publish again the records of hidden event #ID (from `aggregator events hidden`)."""
    with errors_to_exit():
        app.aggregator.unhide_event(hidden_id)
    console.print(f"#{hidden_id} shown again from the next build")
