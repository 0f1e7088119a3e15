"""HEAD answered everywhere GET is, as RFC 9110 asks: the same status and header fields,
no body.

FastAPI routes only the methods a route declares, so every page, feed and export answered
405 to the link checkers, uptime monitors and feed readers that probe with HEAD (only the
calendars declared it). The request goes through as GET and its body is dropped on the way
out; its Content-Length stays the GET's, as a HEAD's should.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from starlette.types import ASGIApp


class HeadAsGet:
    """ASGI middleware: a HEAD request is served as GET, without the body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headless(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headless)
