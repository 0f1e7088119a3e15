"""Admin sessions that "Log out" ended, refused by every node sharing the database.

Why stored: the admin cookie is signed (HMAC with the token), not stored, so dropping it from
the browser left any copy of it (a shared machine's cookie store, a proxy log) valid for the
rest of its hours. Its session id is listed until the cookie would have expired anyway.
"""

from __future__ import annotations

from datetime import datetime, timezone

from .store import Store


class SessionsMixin:
    """Methods of Aggregator behind /admin/logout and the admin's cookie check."""

    store: Store

    def end_admin_session(self, session_id: str, expires: int) -> None:
        """Refuse the session ``session_id`` (its cookie valid until the Unix time
        ``expires``) from now on. Expiry is wall-clock time, as the cookie's, not
        ``self.clock``."""
        self.store.end_admin_session(session_id, datetime.fromtimestamp(expires, timezone.utc),
                                     datetime.now(timezone.utc))

    def admin_session_ended(self, session_id: str) -> bool:
        """Whether "Log out" ended this session, on any node."""
        return self.store.admin_session_ended(session_id)
