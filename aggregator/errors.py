"""The one exception tree of the aggregator.

Every error we raise derives from :class:`AggregatorError`, so entry points (CLI, web, scheduler)
catch one class and never show a traceback. Each class knows its process exit code.

::

    AggregatorError                 exit 1; str() = "what failed: where: why"
    ├── ConfigError                 exit 2; names source id, field, problem
    ├── FeedError(url)              per feed; stored on the feed as a one-line reason
    │   ├── FetchError              timeout, too large, HTTP status, too many redirects
    │   │   └── BlockedAddressError scheme or address refused
    │   │       └── PrivateAddressError private/loopback address refused
    │   └── ParseError              not iCalendar/RSS/Atom/JSON Feed, or no usable record
    ├── StoreError                  database unreachable or migration needed
    ├── PublishError                an output file could not be written (previous one kept)
    ├── CurationError               an operator's merge/split names nothing we hold
    └── MailError                   SMTP refused or unreachable

A bad VEVENT or entry inside a good feed is a warning counted on the feed, not an error.
"""

from __future__ import annotations


class AggregatorError(Exception):
    """Root of every error the aggregator raises on purpose."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        """The message, then the cause's when the message does not quote it already (its
        first line: a database driver's next ones only say the same again, and where to read
        about it, in a 700-character log line every minute of an outage)."""
        cause = self.__cause__
        lines = str(cause).strip().splitlines() if cause is not None else []
        if lines and lines[0].strip() not in self.message:
            return f"{self.message} ({type(cause).__name__}: {one_line(str(cause))})"
        return self.message

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle by state, not by constructor arguments: parse errors come back from the
        refresh's worker processes, and an error that cannot be unpickled breaks the whole pool."""
        return (_restore, (type(self), self.args, self.__dict__))


def _restore(kind: type[AggregatorError], args: tuple[object, ...], state: dict[str, object]) -> AggregatorError:
    error = Exception.__new__(kind)
    error.args = args
    error.__dict__.update(state)
    return error


class ConfigError(AggregatorError):
    """sources.yaml or the environment is invalid; the message names source, field and problem."""

    exit_code = 2


class FeedError(AggregatorError):
    """Something went wrong with one feed; never stops the other feeds."""

    elapsed = 0.0
    """Seconds the failed fetch took (set by the fetcher): /metrics counted a 30 s timeout
    as nothing."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class FetchError(FeedError):
    """The feed could not be downloaded (network, HTTP status, size, redirects, timeout)."""

    def __init__(
        self, url: str, reason: str, status_code: int | None = None, *,
        retry_after: str | None = None,
    ) -> None:
        super().__init__(url, reason)
        self.status_code = status_code
        self.retry_after = retry_after
        """The Retry-After header of a 429/503: the next fetch waits at least that long."""


class BlockedAddressError(FetchError):
    """The URL is not one we fetch: a scheme other than http(s), or a non-public address."""


class PrivateAddressError(BlockedAddressError):
    """The URL points at a loopback/private/reserved address and that is not allowed. Its
    reason names the address, for the operator; the public register form says less."""


class ParseError(FeedError):
    """The body is not a calendar or feed we can read, or holds no usable record."""


class StoreError(AggregatorError):
    """The database cannot be reached or needs a migration."""


class IdTakenError(StoreError):
    """Another writer took the id first (two registrations of one name at the same moment):
    the caller looks again and chooses another."""


class PublishError(AggregatorError):
    """An output file could not be written (the previous version is still in place), or
    what needs one was asked for before any build."""


class CurationError(AggregatorError):
    """An operator's merge/split names no event or record we hold.

    ``reason`` is the message without ``command``, the command line's pointer (``see
    `aggregator events hidden```), and ``kind`` says which case it is ("not-hidden",
    "not-a-record"), so that the admin pages word it for a browser, not a shell."""

    def __init__(self, reason: str, command: str = "", *, kind: str = "") -> None:
        super().__init__(f"{reason} (see `{command}`)" if command else reason)
        self.reason = reason
        self.command = command
        self.kind = kind


class MailError(AggregatorError):
    """The SMTP server refused or could not be reached; ``our_setup``: it refused our
    settings (login, TLS), which no retry mends until the operator changes them."""

    def __init__(self, message: str, *, our_setup: bool = False) -> None:
        super().__init__(message)
        self.our_setup = our_setup


def one_line(text: str, limit: int = 300) -> str:
    """Collapse whitespace so a reason fits on one line of a table or log."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
