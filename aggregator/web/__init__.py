"""The web app: agenda, calendars, open data, sign-up, registration and moderation.

``create_app(aggregator)`` builds one FastAPI application on the Aggregator facade; the web
layer never touches the store or the network itself. Routers by audience: ``public`` and
``api`` (subscribers and partner sites), ``subscribe`` (the weekly digest), ``register`` and
``directory`` (organisers), ``admin`` (the operator), ``ops`` (health and metrics).
Every AggregatorError becomes a page or a JSON answer with a fitting status, never a traceback.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from ..core import Aggregator
from ..errors import AggregatorError, StoreError
from ..redact import masked
from . import (admin, api, crawlers, directory, events, manage, news_page, ops, public, register,
               subscribe)
from .conditional import ANY_ORIGIN, GZIP_MIN_BYTES
from .cors import Preflight
from .fastpath import CalendarFastPath
from .head import HeadAsGet
from .rootpath import PATH_SAFE, RootPath, local
from .security import SecurityHeaders
from .views import render

log = logging.getLogger(__name__)
DATA_SUFFIXES = (".ics", ".json", ".atom")


def create_app(aggregator: Aggregator) -> FastAPI:
    """The ASGI application serving ``aggregator`` (run it with uvicorn)."""
    app = FastAPI(
        title="Agenda numérique Grand Est – Luxembourg",
        description="Merged event calendar and news of the digital ecosystem of Metz, Nancy, "
                    "Thionville, Épinal and Luxembourg.",
        version="1",
        docs_url=None, redoc_url=None, redirect_slashes=False,  # see _without_slash
    )
    app.state.aggregator = aggregator
    app.state.files = api.FileCache()
    app.state.rendered = api.RenderCache()
    app.state.agendas = public.PageCache[tuple[str, str]]()
    app.state.news_pages = public.PageCache[tuple[object, ...]]()
    app.state.limits = register.default_limits()
    app.state.previews = asyncio.Semaphore(register.PREVIEWS_AT_ONCE)
    for router in (api.router, public.router, news_page.router, directory.router, events.router,
                   crawlers.router, register.router, manage.router, subscribe.router, admin.router,
                   ops.router):
        app.include_router(router)
    _handle_errors(app)
    secure = aggregator.settings.base_url.startswith("https://")
    # Innermost: the layers outside it see the path the proxy forwarded (/calendar.ics).
    app.add_middleware(RootPath, root=aggregator.settings.base_path)
    # Pages gzipped per request (the agenda: 119 KB -> ~15 KB). Calendars and exports are left
    # to the file cache, which gzips each file once per build; the fast path stays outside.
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MIN_BYTES, compresslevel=6,
                       exclude_content_types=(*DEFAULT_EXCLUDED_CONTENT_TYPES, "text/calendar",
                                              "application/json", "application/atom+xml"))
    app.add_middleware(CalendarFastPath, files=app.state.files,
                       calendar=aggregator.settings.output_dir / "calendar.ics")
    app.add_middleware(SecurityHeaders, secure=secure,
                       cookie_path=aggregator.settings.base_path + "/")  # wraps the fast path too
    app.add_middleware(Preflight)
    app.add_middleware(HeadAsGet)  # added last: every route and the fast path answer HEAD
    return app


def _wants_data(request: Request) -> bool:
    """Whether an error is answered as JSON, for programs: data's addresses, or a request
    that asks for JSON; a person opening a calendar's address in a browser gets a page."""
    accept = request.headers.get("accept", "")
    if request.url.path.endswith(".ics") and "text/html" in accept:
        return False
    return request.url.path.endswith(DATA_SUFFIXES) or (
        "text/html" not in accept and "application/json" in accept)


def _handle_errors(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        twin = _without_slash(request) if error.status_code == 404 else None
        if twin is not None:
            return RedirectResponse(twin, status_code=308)
        return _error(request, error.status_code, str(error.detail), dict(error.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        names = sorted({str(e["loc"][-1]) for e in error.errors() if e["loc"]})
        return _error(request, 422, problems, {}, names=names)

    @app.exception_handler(AggregatorError)
    async def failed(request: Request, error: AggregatorError) -> Response:
        status = 503 if isinstance(error, StoreError) else 500
        # pages tell readers to try again later: why it failed is for the operator's log,
        # which says /preferences/{token}, not the secret that opens the subscriber's page
        path = request.url.path
        for name in ("token", "key"):  # /manage/{token}, /calendars/mine/{key}.ics ...
            if request.path_params.get(name):
                path = path.replace(request.path_params[name], f"{{{name}}}")
        log.log(logging.WARNING if status == 503 else logging.ERROR, "%s %s answered %d: %s",
                request.method, path, status, masked(str(error)))
        return _error(request, status, str(error), {})


def _without_slash(request: Request) -> str | None:
    """Where ``/news/`` is served (``/news``, its query kept), as a relative address: the
    router's own slash redirect wrote the Host header into its Location, so a forged Host
    (cached by a proxy keyed on the path) sent visitors to another site."""
    path: str = request.scope["path"]
    if path == "/" or not path.endswith("/"):
        return None
    scope = {**request.scope, "path": path.rstrip("/") or "/"}
    if not any(route.matches(scope)[0] != Match.NONE for route in request.app.router.routes):
        return None
    query = request.url.query
    return quote(scope["path"], safe=PATH_SAFE) + (f"?{query}" if query else "")


def _error(request: Request, status: int, detail: str, headers: dict[str, str],
           names: Sequence[str] = ()) -> Response:
    """``detail`` for programs (JSON, English); a page for people in their language, which
    names the query's ``names`` that were refused (FastAPI's own words are for programs)."""
    if _wants_data(request):  # a partner's script reads why its request was refused
        cors = ANY_ORIGIN if request.url.path.endswith(DATA_SUFFIXES) else {}
        return JSONResponse({"detail": detail}, status_code=status, headers=cors | headers)
    keys = {401: "unauthorized_title", 403: "forbidden", 404: "not_found", 405: "bad_request_title",
            422: "bad_request_title", 429: "too_many_title", 500: "unavailable_title",
            503: "unavailable_title"}
    from .i18n_errors import ADMIN_LOGIN, NOT_FOUND, QUOTES, REASONS
    from .views import Page, language

    page = Page(language(request), request.url.path, {})
    heading = page.t(keys[status]) if status in keys else f"Error {status}"
    message = page.t(REASONS[detail]) if detail in REASONS else detail
    if names:
        quote = QUOTES.get(page.lang, QUOTES["en"])
        message = page.t("err_bad_query", names=", ".join(map(quote.format, names)))
    elif status in (500, 503):  # the operator's log has the cause; readers get what to do
        message = page.t("err_unavailable")
    link, link_text = {ADMIN_LOGIN: ("/admin/login", "adm_login"),
                       NOT_FOUND["err_no_calendar"]: ("/calendars", "calendars")}.get(
                           detail, ("/", "agenda"))
    response = render(request, "message.html", status_code=status, heading=heading,
                      message=message, error=True, link=local(request, link),
                      link_text=page.t(link_text))
    response.headers.update(headers)
    return response


__all__ = ["create_app"]
