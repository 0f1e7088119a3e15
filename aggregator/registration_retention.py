"""How long what an organisation's contact gave is kept, and housekeeping's share of it.

A registration holds a person's address (its contact) and a private link. Declined, it is
deleted LEDGER_RETENTION after the decision (``Store.prune``). Withdrawn, the contact may
come back by its link, as an unsubscribed reader may without confirming again: its address,
link and all it gave are erased WITHDRAWN_RETENTION after the withdrawal, its id kept, so
that its events still leave the outputs as withdrawn (not CANCELLED) and no other organisation
takes its page's and calendars' addresses; registering anew then starts a new registration.
Left undecided, the operator is reminded once REMINDER_AFTER it became pending (it was
received, or came back), and UNDECIDED_RETENTION after, it is deleted and its contact told,
in its language (one that had come back is withdrawn again, and erased). listmonk and Gancio
keep such rows until someone deletes them; a site that asks nothing of organisers beyond an
address should not keep it beyond what it serves (GDPR art. 5(1)(e)), and says so on the form.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from .cluster import LEDGER_RETENTION
from .config import Settings
from .contacts import Registration
from .redact import masked
from .render.text import long_day
from .store import Store

WITHDRAWN_RETENTION = LEDGER_RETENTION
"""A withdrawn registration's link to come back works this long; then its contact is erased."""
UNDECIDED_RETENTION = timedelta(days=90)
"""A registration nobody decided is deleted this long after it became pending."""
REMINDER_AFTER = timedelta(days=60)
"""The operator is reminded of a registration still undecided this long after."""
log = logging.getLogger("aggregator.registrations")


def pending_since(registration: Registration) -> datetime:
    """When a pending registration became so: received, or come back after a withdrawal (no
    other decision leads back to pending)."""
    return registration.decided_at or registration.created_at


def kept_until(registration: Registration) -> datetime | None:
    """When housekeeping deletes or erases what its contact gave; None while published
    (kept as long as the organisation is listed), or once erased already."""
    if not registration.source.contact:
        return None
    if registration.status == "pending":
        return pending_since(registration) + UNDECIDED_RETENTION
    if registration.decided_at is None or registration.status == "approved":
        return None
    return registration.decided_at + (WITHDRAWN_RETENTION if registration.status == "withdrawn"
                                      else LEDGER_RETENTION)


class RetentionMixin:
    """Methods of Aggregator behind housekeeping's registrations."""

    settings: Settings
    store: Store
    clock: Callable[[], datetime]

    # provided by RegistrationsMixin
    def _tell_operator(self, registration: Registration, what: str, **extra: object) -> None:
        raise NotImplementedError

    def _notify(self, registration: Registration, what: str) -> str | None:
        raise NotImplementedError

    def _sources_changed(self, published: bool = True) -> None:
        raise NotImplementedError

    def registrations_housekeeping(self, now: datetime) -> dict[str, int]:
        """Erase the registrations withdrawn long ago, remind the operator of those left
        undecided, delete those undecided too long (their contacts told); counts. Each step
        happens once across the nodes sharing the database."""
        erased = self.store.erase_withdrawn(now - WITHDRAWN_RETENTION, now)
        reminded = expired = 0
        for registration in self.store.registrations("pending"):
            since = pending_since(registration)
            if since < now - UNDECIDED_RETENTION:
                expired += self._expire(registration, now)
            elif since <= now - REMINDER_AFTER and self.store.claim_reminder(registration.id,
                                                                             now):
                reminded += 1
                self._remind(registration, since + UNDECIDED_RETENTION)
        if erased or expired:
            self._sources_changed(published=False)
        return {"withdrawn_registrations_erased": erased,
                "undecided_registrations_reminded": reminded,
                "undecided_registrations_expired": expired}

    def _remind(self, registration: Registration, until: datetime) -> None:
        """The operator's reminder, by email when AGGREGATOR_OPERATOR_EMAIL is set, and in
        the log (an operator without it reads that). The email names the day as /admin and
        the contact's emails do, in the site's time zone and in words ("8 mars 2027"): a
        day of UTC ("2027-03-07") announced one received late in the evening a day early."""
        zone = ZoneInfo(self.settings.timezone)
        log.warning("registration %d (%s) has awaited a decision since %s: decide it on "
                    "/admin, or it is deleted on %s and its contact told", registration.id,
                    registration.source.id,
                    pending_since(registration).astimezone(zone).strftime("%Y-%m-%d"),
                    until.astimezone(zone).strftime("%Y-%m-%d"))
        self._tell_operator(registration, "reminder",
                            days=(until - pending_since(registration)).days,
                            until=long_day(until, zone, self.settings.operator_language))

    def _expire(self, registration: Registration, now: datetime) -> int:
        """Delete (or withdraw and erase) one registration left undecided, then tell its
        contact, from what was read before: its address is no longer kept."""
        if not self.store.expire_pending(registration, now - UNDECIDED_RETENTION, now):
            return 0
        problem = self._notify(registration, "expired")
        if problem:
            log.warning("could not tell the contact of registration %d that it expired "
                        "undecided: %s", registration.id, masked(problem))
        return 1
