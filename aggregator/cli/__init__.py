"""The `aggregator` command: a thin layer over the Aggregator facade.

The group callback reads the configuration once and each command is one call on the facade;
every AggregatorError becomes one clear line on stderr and its exit code, never a traceback.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.markup import escape

from .. import __version__, config, instants
from ..config import Settings
from ..errors import AggregatorError
from ..models import SOURCE_KINDS

if TYPE_CHECKING:  # the facade is imported by the first command that needs it: two seconds
    from ..core import Aggregator  # of imports, which `--help` or a refused sources.yaml waited

err_console = Console(stderr=True)
console = Console()


class AppContext:
    """What the group callback prepares: the settings now, the aggregator on first use."""

    def __init__(self, config_path: str | None) -> None:
        self.config_path = config_path
        self._settings: Settings | None = None
        self._aggregator: Aggregator | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = config.load(self.config_path)
        return self._settings

    @property
    def aggregator(self) -> Aggregator:
        if self._aggregator is None:
            settings = self.settings  # a refused file is said before the imports below
            from ..core import make_aggregator

            self._aggregator = make_aggregator(settings)
        return self._aggregator

    def close(self) -> None:
        if self._aggregator is not None:
            self._aggregator.close()


@contextmanager
def errors_to_exit() -> Iterator[None]:
    try:
        yield
    except AggregatorError as error:
        # escaped: a message quoting "[a-z0-9-]" or a YAML caret line lost it to Rich markup
        err_console.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False,
                          soft_wrap=True)
        sys.exit(error.exit_code)


class KindChoice(click.Choice[str]):
    """``--kind``: one of models.SOURCE_KINDS, typed in any of the languages ("Labor",
    "laboratoire", "LAB": lab) as the web's ``?kind=`` reads it (:class:`.selection.Offer`);
    a fixed choice refused what the pages call the kinds. An unknown kind is refused as
    before, listing the kinds."""

    def __init__(self) -> None:
        super().__init__(SOURCE_KINDS)

    def normalize_choice(self, choice: Any, ctx: click.Context | None) -> str:
        from ..selection import Offer  # on use: --help needs none of the search's imports

        return super().normalize_choice(Offer.kind(choice) if isinstance(choice, str)
                                        else choice, ctx)


class Stopping(threading.Event):
    """Set by the first Ctrl-C (or SIGTERM) of a run that stops cleanly; ``signum`` says which."""

    signum = signal.SIGINT


@contextmanager
def stop_on_signal() -> Iterator[Stopping]:
    """The first Ctrl-C or SIGTERM asks the run to stop once the work in flight is done and
    recorded (a digest's SMTP exchange: cut, its subscriber had none that week); a second
    Ctrl-C quits at once."""
    stopping = Stopping()
    if threading.current_thread() is not threading.main_thread():  # signals go to main
        yield stopping
        return

    def asked(signum: int, frame: object) -> None:
        if stopping.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        stopping.signum = signal.Signals(signum)
        stopping.set()
        err_console.print("stopping once the messages in flight are sent (Ctrl-C again quits "
                          "now, which may leave one in doubt)", highlight=False)

    previous = {signum: signal.signal(signum, asked) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stopping
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def utc_minute(value: datetime | None) -> str:
    """A stored time for the operator's tables, as instants.utc_minute says it ("never"
    without one). The machine's own zone, or UTC unlabelled, left an operator in Luxembourg
    unsure whether "03:00" was UTC or local."""
    return instants.utc_minute(value) if value else "never"


def warn_of_admin_token(app: AppContext) -> None:
    """`serve` and `run`: a guessable admin token is said before anything is served."""
    with errors_to_exit():
        warning = config.admin_token_warning(app.settings)
    if warning:
        err_console.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False,
                          soft_wrap=True)


class Interruptible(click.Group):
    """Ctrl-C ends a command with 130 (128 + SIGINT), as shells and `digest send` do: Click's
    "Aborted!" and 1, the code of a failed run, left a script or a timer's unit unable to
    tell "stopped" from "broken"."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            err_console.print("interrupted (Ctrl-C)", highlight=False)
            ctx.exit(128 + signal.SIGINT)


@click.group(cls=Interruptible, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Path of sources.yaml (default: $AGGREGATOR_CONFIG or ./sources.yaml).")
@click.version_option(__version__, prog_name="aggregator")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None) -> None:
    """Merged event calendar and news digest of the region's digital ecosystem."""
    app = AppContext(config_path)
    ctx.obj = app
    ctx.call_on_close(app.close)


pass_app = click.make_pass_decorator(AppContext)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="aggregator")


# Command modules register themselves on `cli`; import them last (they import `cli` from here).
from . import daemon, events, feeds, registrations, subscribers  # noqa: E402,F401
