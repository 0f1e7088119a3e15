"""The web app behind a reverse proxy that serves it under a path.

With ``AGGREGATOR_BASE_URL=https://example.org/agenda`` the proxy strips /agenda and forwards
/news to the app, whose routes stay at /. Links must still say /agenda/news. This layer does
what uvicorn's ``--root-path`` does (ASGI's ``root_path``, included in ``path``), so that
Starlette routes as before while ``request.url``, its own slash redirects and the OpenAPI
``servers`` carry the prefix; the app's links take it from :func:`local`.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any
from urllib.parse import quote, unquote

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp

PATH_SAFE = "/!$&'()*+,;=:@~"
"""What a URL's path keeps unescaped (RFC 3986 pchar)."""


class RootPath:
    """ASGI middleware: the app is mounted at ``root`` ("/agenda", as in a URL; "" changes
    nothing). ASGI's paths are decoded, its raw_path is not."""

    def __init__(self, app: ASGIApp, root: str) -> None:
        self.app = app
        self.root = unquote(root)
        self.raw_root = quote(self.root, safe=PATH_SAFE).encode()

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        # Left alone when the server was told already (uvicorn --root-path): no double prefix.
        if scope["type"] != "http" or not self.root or scope.get("root_path") == self.root:
            await self.app(scope, receive, send)
            return
        mounted = {**scope, "root_path": self.root, "path": self.root + scope["path"]}
        if "raw_path" in scope and scope["raw_path"] is not None:
            mounted["raw_path"] = self.raw_root + scope["raw_path"]
        await self.app(mounted, receive, send)


def local(connection: HTTPConnection, path: str) -> str:
    """``path`` ("/news") as a browser must ask for it: under the app's root ("/agenda/news")."""
    root: str = connection.scope.get("root_path", "")
    return quote(root, safe=PATH_SAFE) + path


__all__ = ["RootPath", "local"]
