"""CORS preflight for the open data: a partner site's script may send its own headers.

A browser asks leave (``OPTIONS`` with ``Access-Control-Request-Method``) before a script's
request that sends headers of its own, such as ``If-None-Match`` to revalidate events.json
with the ETag it kept: the routes declare GET only, so the preflight answered 405 and the
browser refused the request. The open data (``.ics``, ``.json``, ``.atom``) is granted, with
no credentials (``*``); a subscriber's own calendar and the pages are not.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from starlette.types import ASGIApp

from .conditional import ANY_ORIGIN

OPEN_DATA = (".ics", ".json", ".atom")
PRIVATE = "/calendars/mine/"
MAX_AGE = 86400
"""Seconds a browser may keep the leave (Chromium caps it at two hours)."""


def open_data(path: str) -> bool:
    """Whether ``path`` is open data any site's scripts may read."""
    return path.endswith(OPEN_DATA) and PRIVATE not in path


class Preflight:
    """ASGI middleware: a CORS preflight for the open data is answered 204 here."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        headers = dict(scope.get("headers") or ()) if scope["type"] == "http" else {}
        if scope["type"] != "http" or scope["method"] != "OPTIONS" \
                or b"access-control-request-method" not in headers \
                or not open_data(scope["path"]):
            await self.app(scope, receive, send)
            return
        granted = {
            **ANY_ORIGIN, "Access-Control-Allow-Methods": "GET, HEAD",
            "Access-Control-Allow-Headers": headers.get(
                b"access-control-request-headers", b"").decode("latin-1"),
            "Access-Control-Max-Age": str(MAX_AGE),
        }
        await send({"type": "http.response.start", "status": 204, "headers": [
            (name.lower().encode(), value.encode("latin-1")) for name, value in granted.items()
            if value]})
        await send({"type": "http.response.body", "body": b""})
