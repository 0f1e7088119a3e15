"""Sending the weekly digest: preview, dry run, and a send that is at most once per week.

Why the content comes from the last build (``published()``: events.json and news.json) and
not from the store: the digest must say what the calendar says — the same merged UIDs (its
add-to-calendar links point at them), the same cancellations, including events that vanished
from every feed — and the build has already paid for deduplication; merging 12,000 events
again for each digest run would cost seconds and could disagree with calendar.ics.

At most once per subscriber and ISO week, across crashes and several nodes: each subscriber's
(subscriber, week) ledger row is claimed (unique constraint, one winner) right before the
message goes to SMTP, and its outcome is recorded right after, one message at a time. A run
killed midway leaves the others unclaimed: the next run sends them, and never those already
served. A claim left ``sending`` by a dead run is closed as failed, not resent: whether the
server took that one message is unknown, and a duplicate is the worse error.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from ipaddress import ip_address
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from .node_names import default_node
from .config import Settings
from .digest import (
    DigestContent, Filters, RenderedDigest, digest_message, far_week, follows, parse_week,
    render_digest, select_digest, week_occurrences, week_of,
)
from .errors import AggregatorError, PublishError
from .mailer import Delivery, iter_send
from .models import Source
from .contacts import OutgoingMail, Subscriber
from .publish import write_outputs
from .published import Published
from .render import DEFAULT_TITLE, render_calendar
from .render.text import one_line
from .selection import Offer
from .store import Store

MY_SELECTION = {"fr": "ma sélection", "en": "my selection", "de": "meine Auswahl"}
"""A personal calendar's name after the site's (never the address: calendar apps show it)."""
DEFAULT_PER_MINUTE = 0
"""No pause between messages by default (a relay on localhost takes 10,000 in seconds);
`digest send --per-minute N` paces them for providers that throttle bulk senders."""
DEFAULT_CONNECTIONS = 1
"""One SMTP session: a killed run leaves at most one message in doubt (issue 5's "exactly
once after a restart"); `digest send --connections N` trades that for speed."""
RETRY_DELAY = timedelta(minutes=30)
"""A 4xx is retried 30 min later, then 60, 90...: greylisting relays accept a retry after
5-15 minutes (RFC 6647 §2.1) and a full mailbox needs hours."""
MAX_ATTEMPTS = 6
STALE_CLAIM = timedelta(minutes=15)
"""A claim older than this while still ``sending`` belongs to a dead run (one message takes
at most the mailer's 30 s timeout per SMTP step)."""
ARCHIVE_LANGUAGE = "fr"
"""The archive copy's language (digest/YYYY-Www.html and .txt, the archive's Atom feed); the
other languages' copies are digest/YYYY-Www.<lang>.html."""
ARCHIVE_OTHERS = ("en", "de")


class DigestError(AggregatorError):
    """A digest command was given something unusable (a week that does not exist), or a
    week to send that is far from today (:func:`.digest.select.far_week`)."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class PlannedDigest:
    """One line of `digest send --dry-run`: who would get what."""

    email: str
    language: str
    subject: str
    events: int
    news: int


@dataclass(frozen=True, slots=True)
class DigestReport:
    """What a `digest send` did; ``skipped`` were already served or claimed elsewhere."""

    week: str
    sent: tuple[str, ...] = ()
    retry: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()
    suspended: tuple[str, ...] = ()
    skipped: int = 0
    planned: tuple[PlannedDigest, ...] = ()
    problems: tuple[str, ...] = field(default=())
    refusals: tuple[tuple[str, str], ...] = ()
    """(address, the server's answer) of each failed one: "failed: x" beside a list of
    reasons did not say which address met which."""
    warning: str = ""
    """Why the digest's links will not serve its readers (see :func:`link_warning`)."""
    interrupted: bool = False
    """The run was asked to stop (the daemon stopping) before it had claimed everyone: the
    messages in flight were finished and recorded; the others are for the next run."""
    stopped: str = ""
    """Why the run stopped before the end: the relay refused our settings (sender, login),
    which would fail every message, or could not be reached; says what to do. The CLI exits 1
    on it."""


@dataclass
class _DigestRun:
    """One `digest send` run's claims and what became of them."""

    week: str
    node: str
    retries_only: bool
    claimed: dict[str, tuple[Subscriber, int]] = field(default_factory=dict)
    skipped: int = 0
    refused: list[Delivery] = field(default_factory=list)
    """The relay refused our settings, or is down: claim no more."""
    interrupted: bool = False
    outcome: dict[str, list[str]] = field(default_factory=lambda: {
        "sent": [], "retry": [], "failed": [], "suspended": []})
    reasons: Counter[str] = field(default_factory=Counter)
    refusals: list[tuple[str, str]] = field(default_factory=list)


class DigestsMixin:
    """Methods of Aggregator behind `digest preview` / `digest send` and the daemon's job."""

    settings: Settings
    store: Store
    clock: Callable[[], datetime]

    def published(self) -> Published:
        raise NotImplementedError  # provided by PublishedMixin

    def digest_week(self, week: str | None = None) -> str:
        """The ISO week asked for, checked, or the current one in the settings' time zone.

        Raises:
            DigestError: not a week like 2026-W49.
        """
        if week is None:
            return week_of(self.clock(), ZoneInfo(self.settings.timezone))
        try:
            parse_week(week)
        except ValueError as error:
            raise DigestError(f"digest: {error}") from None
        return week.strip().upper()

    def digest_preview(self, week: str | None = None) -> list[Path]:
        """Write the public archive copy (unfiltered, no personal data) of a week's digest to
        output/digest/YYYY-Www.html and .txt, and in the other languages subscribers read
        (YYYY-Www.en.html, .de.html: an English or German visitor of the archive read French);
        returns the paths of the archive copy (html, txt), as the contract's CLI prints them."""
        week = self.digest_week(week)
        self._require_build()
        rendered = self._render(week, Filters(), ARCHIVE_LANGUAGE, personal=False)
        files = {f"digest/{week}.html": rendered.html.encode("utf-8"),
                 f"digest/{week}.txt": rendered.text.encode("utf-8")}
        for language in ARCHIVE_OTHERS:
            other = self._render(week, Filters(), language, personal=False)
            files[f"digest/{week}.{language}.html"] = other.html.encode("utf-8")
        written = write_outputs(self.settings.output_dir, files)
        return [path for path in written if path.name in (f"{week}.html", f"{week}.txt")]

    def send_digest(
        self, week: str | None = None, *, dry_run: bool = False,
        per_minute: int = DEFAULT_PER_MINUTE, retries_only: bool = False,
        connections: int = DEFAULT_CONNECTIONS, stop: Callable[[], bool] | None = None,
        any_week: bool = False,
    ) -> DigestReport:
        """Send the week's digest to every confirmed subscriber not yet served this week,
        then any due retry. Safe to call again and from several nodes at once. One who
        unsubscribes or erases the address while it runs is skipped: each claim checks the
        subscriber is still there and confirmed.

        ``dry_run`` sends and records nothing: it lists who would get what. ``retries_only``
        (an hourly job) sends only due retries of that week, never a first digest.
        ``connections`` > 1 sends over that many SMTP sessions at once (a relay that accepts
        them gets through 10,000 digests faster); a run killed then leaves up to that many
        messages whose fate is unknown, which are not sent again. ``stop``, asked before each
        claim: once it says so (the daemon stopping), the run claims nobody more and ends when
        the messages in flight are sent and recorded (``interrupted``), rather than be killed
        in the middle of one, whose subscriber then never got that week's digest.

        Raises:
            DigestError: ``week`` is neither this week nor the one before, and not
                ``any_week`` (the daemon's, which it reckons itself) nor ``dry_run``.
        """
        week = self.digest_week(week)
        if not (dry_run or any_week) and (far := far_week(week, self.clock(),
                                                          ZoneInfo(self.settings.timezone))):
            raise DigestError(far)
        self._require_build()
        subscribers = self.store.subscribers("confirmed")
        warning = link_warning(self.settings.base_url)
        if dry_run:
            return replace(self._plan(week, subscribers, retries_only), warning=warning)
        self.store.abandon_stale_claims(week, self.clock() - STALE_CLAIM)
        run = _DigestRun(week, self.settings.daemon.node or default_node(), retries_only)
        handled = self.store.handled_deliveries(week, self.clock())
        claims = self._claims(run, subscribers, handled, stop)
        for delivery in iter_send(self.settings, claims, per_minute=per_minute,
                                  connections=connections):
            self._settle(run, delivery)
        problems = tuple(f"{reason} ({count} digest{'s' if count > 1 else ''})"
                         for reason, count in run.reasons.most_common())
        stopped = self._stopped(week, run.node, run.refused, retries_only) if run.refused else ""
        return DigestReport(week=week, skipped=run.skipped, problems=(stopped, *problems)
                            if stopped else problems, stopped=stopped,
                            refusals=tuple(run.refusals), warning=warning,
                            interrupted=run.interrupted,
                            **{k: tuple(v) for k, v in run.outcome.items()})  # type: ignore[arg-type]

    def _claims(self, run: _DigestRun, subscribers: list[Subscriber], handled: set[int],
                stop: Callable[[], bool] | None) -> Iterator[OutgoingMail]:
        """Each subscriber's message, claimed right before it goes to SMTP; none once the
        relay refused our settings or the daemon asked to stop."""
        for subscriber in subscribers:
            if run.refused:
                return
            if stop is not None and stop():
                run.interrupted = True
                return
            attempt = 0 if subscriber.id in handled else self.store.claim_delivery(
                subscriber.id, run.week, self.clock(), run.node, new=not run.retries_only)
            if not attempt:
                run.skipped += 1
                continue
            run.claimed[subscriber.email] = (subscriber, attempt)
            yield self._message(run.week, subscriber)

    def _settle(self, run: _DigestRun, delivery: Delivery) -> None:
        """Record what became of one claimed message."""
        subscriber, attempt = run.claimed.pop(delivery.recipient)
        if delivery.our_setup or delivery.relay_down:  # nobody's bounce nor attempt: the
            # message never left, and goes again once the setting is fixed or the relay is back
            self.store.release_delivery(subscriber.id, run.week, self.clock(), delivery.reason)
            run.refused.append(delivery)
            run.outcome["retry"].append(subscriber.email)
            return
        for state in self._record(run.week, subscriber, attempt, delivery):
            run.outcome[state].append(subscriber.email)
            if state == "failed":
                run.refusals.append((subscriber.email, delivery.reason or delivery.outcome))
        if not delivery.sent:
            run.reasons[delivery.reason or delivery.outcome] += 1

    def _stopped(self, week: str, node: str, refused: list[Delivery], retries_only: bool) -> str:
        """Leave the week's unsent digests to retry once the operator fixed the setting the
        relay refused, or the relay is back, and say so; a retries-only run starts no one's
        week."""
        why = refused[0].reason
        if not retries_only:
            self.store.defer_unclaimed(week, self.clock(), node, why)
        # every retry of the week, not only this run's: a rerun said "1 digest kept" of 3
        kept = sum(1 for delivery in self.store.deliveries(week) if delivery.state == "retry")
        stopped = (f"{why}; the run stopped, {kept} digest{'s' if kept > 1 else ''} of {week} "
                   "kept to retry, none counted as failed or bounced")
        if refused[0].relay_down:
            return (f"{stopped}: the daemon (`aggregator run`) tries again every hour until the "
                    f"week ends, or run `aggregator digest send --week {week}` once the relay "
                    "answers (check AGGREGATOR_SMTP_HOST and AGGREGATOR_SMTP_PORT if it never does)")
        return (f"{stopped}: once it is fixed, run `aggregator digest send --week {week}` (or "
                "let the daemon's hourly retry)")

    def _require_build(self) -> None:
        """Refuse to send or preview before any build: the digest is the last build's events
        and news, and an empty one (sent by a cron job run before the first build) counted
        as each subscriber's digest of the week, so the real one could not follow.

        Raises:
            PublishError: no build in the output directory.
        """
        if self.published().generated_at is None:
            raise PublishError(
                f"nothing built yet in {self.settings.output_dir}: run `aggregator build` "
                "first (the digest holds the last build's events and news)")

    def event_calendar(self, uid: str) -> bytes | None:
        """A one-event calendar.ics for a digest's "add to my calendar" link; None if the
        last build does not hold that UID."""
        published = self.published()
        found = published.event(uid)
        if found is None:
            return None
        return render_calendar(
            [found], name=one_line(found.title), now=published.generated_at or self.clock(),
            base_url=self.settings.base_url, timezone=self.settings.timezone,
            sources=self._sources(), subscription=False)

    def digest_ledger(self, week: str | None = None) -> list[object]:
        """The ledger of a week (who got it, who is to be retried, who failed and why)."""
        return list(self.store.deliveries(self.digest_week(week)))

    def _record(self, week: str, subscriber: Subscriber, attempt: int,
                delivery: Delivery) -> list[str]:
        now = self.clock()
        if delivery.sent:
            self.store.finish_delivery(
                subscriber.id, week, "sent", now, message_id=delivery.message_id,
                reset_bounces=bool(subscriber.hard_bounces or subscriber.last_error))
            return ["sent"]
        if delivery.outcome == "transient" and attempt < MAX_ATTEMPTS:
            self.store.finish_delivery(subscriber.id, week, "retry", now, error=delivery.reason,
                                       next_attempt=now + RETRY_DELAY * attempt)
            return ["retry"]
        suspended = self.store.finish_delivery(
            subscriber.id, week, "failed", now, error=delivery.reason,
            hard_bounce=delivery.outcome == "permanent" and delivery.bounce)
        return ["failed", "suspended"] if suspended else ["failed"]

    def _plan(self, week: str, subscribers: list[Subscriber], retries_only: bool) -> DigestReport:
        """Who the same run would send to now: not those it would skip (handled, a retry not
        yet due) and, for ``retries_only``, none without a due retry (it never starts a week:
        the dry run of the hourly retry job listed every subscriber before Monday's run)."""
        handled = self.store.handled_deliveries(week, self.clock())
        retries = {d.subscriber_id for d in self.store.deliveries(week) if d.state == "retry"}
        planned = []
        for subscriber in subscribers:
            if subscriber.id in handled or (retries_only and subscriber.id not in retries):
                continue
            content = self._content(week, self._filters(subscriber))
            rendered = self._render(week, self._filters(subscriber), subscriber.language)
            planned.append(PlannedDigest(
                email=subscriber.email, language=subscriber.language, subject=rendered.subject,
                events=content.total, news=sum(len(items) for _, items in content.news)))
        return DigestReport(week=week, planned=tuple(planned),
                            skipped=len(subscribers) - len(planned))

    def _message(self, week: str, subscriber: Subscriber) -> OutgoingMail:
        rendered = self._render(week, self._filters(subscriber), subscriber.language)
        return digest_message(
            rendered, to=subscriber.email, token=subscriber.token,
            mail_from=self.settings.smtp.mail_from, base_url=self.settings.base_url,
            week=week, now=self.clock(), language=subscriber.language)

    def _content(self, week: str, filters: Filters) -> DigestContent:
        published = self.published()
        key = (published.version, week, filters.key())
        cache = _cache(self, "_digest_contents")
        if key not in cache:
            zone = ZoneInfo(self.settings.timezone)
            every_key = (published.version, week, "occurrences")
            if every_key not in cache:
                cache[every_key] = week_occurrences(week, published.shown, zone)
            cache[key] = select_digest(
                week, published.shown, published.items, self._sources(), zone, filters,
                occurrences=cache[every_key])  # type: ignore[arg-type]
        return cache[key]  # type: ignore[return-value]

    def _render(self, week: str, filters: Filters, language: str,
                personal: bool = True) -> RenderedDigest:
        """One rendering per (build, week, filters, language): subscribers who share them
        share it, and only their token differs (10,000 digests render in ~N groups)."""
        published = self.published()
        key = (published.version, week, filters.key(), language, personal)
        cache = _cache(self, "_digest_renders")
        if key not in cache:
            cache[key] = render_digest(
                self._content(week, filters), language=language,
                base_url=self.settings.base_url, zone=ZoneInfo(self.settings.timezone),
                sources=self._sources(), personal=personal)
        return cache[key]  # type: ignore[return-value]

    def followed_calendar(self, published: Published, subscriber: Subscriber) -> bytes:
        """The personal calendar of ``subscriber``: every published event its digest follows
        (cities, kinds, topics, organisations), as calendar.ics renders them and dated like
        the build, so that equal data gives equal bytes (and the same ETag)."""
        sources, filters = self._sources(), self._filters(subscriber)
        events = [event for event in published.events if follows(event, sources, filters)]
        name = f"{DEFAULT_TITLE} – {MY_SELECTION.get(subscriber.language, MY_SELECTION['fr'])}"
        return render_calendar(events, name=name, now=published.generated_at or self.clock(),
                               base_url=self.settings.base_url, timezone=self.settings.timezone,
                               sources=sources)

    def _filters(self, subscriber: Subscriber) -> Filters:
        """What ``subscriber`` follows, its cities and topics read as the build offers them
        (:class:`.selection.Offer`), at each send: rows `subscribers add` stored as typed
        before it read them so ("Luxemburg", "ki") got an empty digest every week, and
        the right spelling is the organisations' of the day (sources.yaml is in no
        database a migration could read)."""
        by_organisations, by_events = self._offers()
        return Filters(cities=tuple(by_organisations.named_city(c) or by_events.city(c)
                                    for c in subscriber.cities),
                       kinds=subscriber.kinds,
                       tags=tuple(by_organisations.tag(t) for t in subscriber.tags),
                       sources=subscriber.sources)

    def _offers(self) -> tuple[Offer, Offer]:
        """The organisations' cities and topics, then the events' cities (a city only events
        are in, as the agenda offers it), once per build and configuration: 3 ms at 300
        organisations, paid per subscriber otherwise."""
        published = self.published()
        cache = _cache(self, "_digest_contents")
        found = cache.get((published.version, "offers"))
        if not (isinstance(found, tuple) and found[0] is self.settings):
            sources = self._sources().values()
            cities = {source.city for source in sources}
            found = cache[(published.version, "offers")] = (self.settings, (
                Offer.of(cities, {tag for source in sources for tag in source.tags}),
                Offer.of({e.city for e in published.shown if e.city} - cities, ())))
        return found[1]  # type: ignore[no-any-return]

    def _sources(self) -> dict[str, Source]:
        return self.source_map()  # type: ignore[attr-defined,no-any-return]


def link_warning(base_url: str) -> str:
    """Why the links of a digest sent with ``base_url`` would not serve its readers: the
    default loopback address (AGGREGATOR_BASE_URL forgotten: no reader could unsubscribe),
    or plain http (Gmail and Yahoo offer one-click unsubscribe only for https); or ""."""
    parts = urlsplit(base_url)
    host = (parts.hostname or "").lower()
    try:
        local = ip_address(host).is_loopback or ip_address(host).is_private
    except ValueError:
        local = host == "localhost" or host.endswith((".localhost", ".local"))
    if local:
        return (f"AGGREGATOR_BASE_URL is {base_url}: every link of the digest, its unsubscribe "
                "link too, leads to this machine, not to its readers' web; set it to the web "
                "app's public https address")
    if parts.scheme != "https":
        return (f"AGGREGATOR_BASE_URL is {base_url}: mail providers (Gmail, Yahoo) offer "
                "their one-click unsubscribe only for an https address; set it to the "
                "public https one")
    return ""


def _cache(owner: object, name: str) -> dict[object, object]:
    """A per-Aggregator memo, emptied when it grows past a few hundred renderings."""
    cache: dict[object, object] | None = owner.__dict__.get(name)
    if cache is None or len(cache) > 500:
        cache = {}
        setattr(owner, name, cache)
    return cache
