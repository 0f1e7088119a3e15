"""Request safety: CSRF tokens, per-IP rate limits, the honeypot, headers, admin sessions.

Why each:
* CSRF: every form carries the value of a random ``csrf`` cookie (double submit); a POST whose
  field and cookie differ is refused, so another site cannot make a visitor's browser act.
  The one exception is RFC 8058 one-click unsubscription, which mail clients POST blindly.
* Rate limits: /register fetches strangers' URLs and /subscribe sends email; both are capped
  per client IP (an IPv6 client's /64) in a sliding window (per process: the daemon serves
  from one process).
* Honeypot: a field hidden from people; bots fill every field, so a filled one means a bot.
* Headers: a strict CSP (no inline script, styles from our own stylesheet), nosniff, a
  referrer policy, HSTS behind https://, and no framing except for /embed, which exists to be
  framed.
* Admin: ``AGGREGATOR_ADMIN_TOKEN`` as a bearer token, or typed once into a login form that
  sets a cookie signed (HMAC) with the token itself, so changing the token logs everyone out;
  the cookie carries a session id, which "Log out" lists in the database as ended, so that a
  copy of the cookie stops working on every node too.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import HTTPException, Request

CSRF_COOKIE = "csrf"
CSRF_FIELD = "csrf_token"
HONEYPOT_FIELD = "nickname"
ADMIN_COOKIE = "admin_session"
ADMIN_SESSION = 8 * 3600
"""Seconds an admin login lasts: a working day."""

CSP = (
    "default-src 'none'; img-src 'self' https: http: data:; style-src 'self'; "
    "script-src 'self'; form-action 'self'; base-uri 'none'; connect-src 'self'"
)
EMAIL_COPY_CSP = (
    "default-src 'none'; img-src 'self' https: http: data:; style-src 'unsafe-inline'; "
    "form-action 'none'; base-uri 'none'; frame-ancestors 'none'"
)
"""An archived digest is an email: its styles are inline attributes (mail clients drop style
sheets), which CSP's ``style-src 'self'`` would block. It runs no script and posts nothing."""
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
FRAMEABLE = ("/embed",)
HSTS = "max-age=31536000"
"""A year: behind https://, a visitor on a café's network was otherwise held on plain http://
by whoever runs it (an old link, an address typed without its scheme)."""


class RateLimiter:
    """At most ``limit`` hits per client in ``window`` seconds (sliding window, in memory)."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.window = window
        self.clock = clock
        self.hits: dict[str, deque[float]] = {}
        self.lock = threading.Lock()

    def allow(self, client: str) -> bool:
        now = self.clock()
        with self.lock:
            if len(self.hits) > 10_000:  # forget idle clients so memory stays bounded
                self.hits = {k: v for k, v in self.hits.items() if v and v[-1] > now - self.window}
            recent = self.hits.setdefault(client, deque())
            while recent and recent[0] <= now - self.window:
                recent.popleft()
            if len(recent) >= self.limit:
                return False
            recent.append(now)
            return True

    def refund(self, client: str) -> None:
        """Give back the hit :meth:`allow` just counted: the attempt came to nothing (a form
        refused for a typo sends no email and stores nothing)."""
        with self.lock:
            recent = self.hits.get(client)
            if recent:
                recent.pop()

    def wait(self, client: str) -> float:
        """Seconds until ``client`` may try again (0 when it may now)."""
        now = self.clock()
        with self.lock:
            recent = self.hits.get(client)
            if not recent or len(recent) < self.limit:
                return 0.0
            return max(0.0, recent[0] + self.window - now)


def client_ip(request: Request) -> str:
    """Whose budget a request spends: its address, or for IPv6 its /64, the network a home or
    a server is handed whole (2^64 addresses to take in turn, each a budget of its own)."""
    host = request.client.host if request.client else "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:  # a dual-stack socket's IPv4 visitor
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return host


def csrf_token(request: Request) -> str:
    """The visitor's CSRF token (the cookie's value, or a new one the response will set)."""
    existing = request.cookies.get(CSRF_COOKIE, "")
    if len(existing) >= 32:
        return existing
    token: str = getattr(request.state, "new_csrf", "") or secrets.token_urlsafe(32)
    request.state.new_csrf = token
    return token


def check_csrf(request: Request, submitted: str | None) -> None:
    """Raises HTTPException 403 when the form's token is not the cookie's."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not submitted or not hmac.compare_digest(cookie, submitted):
        raise HTTPException(status_code=403, detail="forbidden")


def new_admin_session() -> str:
    """A random session id for a login (URL-safe, without the cookie's "." separator)."""
    return secrets.token_urlsafe(18)


def sign_admin(token: str, expires: int, session: str) -> str:
    """The admin cookie: its expiry, its session id (what "Log out" revokes) and their MAC."""
    mac = hmac.new(token.encode(), f"admin|{expires}|{session}".encode(),
                   hashlib.sha256).hexdigest()
    return f"{expires}.{session}.{mac}"


def admin_session(token: str, value: str, now: float) -> tuple[str, int] | None:
    """The session id and expiry of an admin cookie signed with ``token`` and not expired;
    None otherwise. Whether it was logged out is the caller's question (the database)."""
    expires, _, rest = value.partition(".")
    session, _, mac = rest.partition(".")
    if not expires.isdecimal() or int(expires) < now or not session or not mac:
        return None
    if not hmac.compare_digest(sign_admin(token, int(expires), session).encode(), value.encode()):
        return None
    return session, int(expires)


def bearer_given(request: Request) -> bool:
    """Whether the request carries a bearer token, right or wrong: a script's (a browser
    behind a proxy's basic auth sends ``Authorization: Basic``)."""
    scheme = request.headers.get("authorization", "").partition(" ")[0]
    return scheme.lower() == "bearer"


def bearer_valid(token: str, request: Request) -> bool:
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


ASGIApp = Callable[[MutableMapping[str, Any], Callable[[], Awaitable[Any]],
                    Callable[[MutableMapping[str, Any]], Awaitable[None]]], Awaitable[None]]


class SecurityHeaders:
    """ASGI middleware: the security headers on every HTTP answer, and the new CSRF cookie."""

    def __init__(self, app: ASGIApp, secure: bool, cookie_path: str = "/") -> None:
        self.app = app
        self.secure = secure
        self.cookie_path = cookie_path

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        frameable = any(path == p or path.startswith(p + "/") for p in FRAMEABLE)

        async def with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = dict(HEADERS)
                extra["Content-Security-Policy"] = CSP + (
                    "; frame-ancestors *" if frameable else "; frame-ancestors 'none'")
                if not frameable:
                    extra["X-Frame-Options"] = "DENY"
                if self.secure:  # served over https: browsers keep to it (not other subdomains)
                    extra["Strict-Transport-Security"] = HSTS
                headers += [(k.lower().encode(), v.encode()) for k, v in extra.items()
                            if k.lower().encode() not in present]
                token = scope.get("state", {}).get("new_csrf")
                if token:
                    flags = f"; Path={self.cookie_path}; HttpOnly; SameSite=Lax" + (
                        "; Secure" if self.secure else "")
                    headers.append((b"set-cookie", f"{CSRF_COOKIE}={token}{flags}".encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
