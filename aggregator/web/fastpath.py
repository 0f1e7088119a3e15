"""``GET /calendar.ics`` answered before routing: the one URL every subscribed calendar app
polls, again and again, for the same bytes.

Through FastAPI each answer cost its routing, the validation of five empty filters and four
middleware layers, about as much again as sending 500 KB (py-spy on bench/web.py). This ASGI
layer answers the plain URL (no query) from the FileCache with the same rules as the route
(:func:`conditional.answer`: ETag, 304, gzip) while the file on disk is the one cached;
anything else (filters, a file just rebuilt or not built yet) goes on to the route. It sits
inside SecurityHeaders, so the answers carry the same headers.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

from starlette.types import ASGIApp

from .api import FileCache
from .conditional import CALENDAR, answer


class CalendarFastPath:
    """ASGI middleware serving the cached merged calendar without going through the router."""

    def __init__(self, app: ASGIApp, files: FileCache, calendar: Path) -> None:
        self.app = app
        self.files = files
        self.calendar = calendar

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if (scope["type"] != "http" or scope["path"] != "/calendar.ics"
                or scope.get("query_string") or scope["method"] not in ("GET", "HEAD")):
            await self.app(scope, receive, send)
            return
        found = self.files.current(self.calendar)
        if found is None:  # not built yet, or rebuilt since: the route reads it, in a thread
            await self.app(scope, receive, send)
            return
        asked = {name.decode("latin-1"): value.decode("latin-1")
                 for name, value in scope.get("headers", [])}
        status, headers, body = answer(asked, found.body, CALENDAR, found.modified,
                                       etag=found.etag, compressed=found.compressed)
        raw = [(name.lower().encode("latin-1"), value.encode("latin-1"))
               for name, value in headers.items()]
        if status == 200:
            raw.append((b"content-length", str(len(body)).encode("latin-1")))
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body",
                    "body": b"" if scope["method"] == "HEAD" else body})
