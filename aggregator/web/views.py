"""How the web app renders a page: the agenda's Jinja2 environment, its look, the language.

Why reuse ``render.pages``: the agenda served at / must look like output/index.html and be
escaped by the same autoescaping environment. Our templates are an overlay of that environment
(same settings, our loader first), and the stylesheet is index.html's own ``<style>`` plus the
few rules forms need, served as /static/site.css so the CSP can forbid inline styles.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import urlencode

import jinja2
from markupsafe import Markup, escape
from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from ..cluster import LEDGER_RETENTION, PENDING_RETENTION
from ..registration_retention import UNDECIDED_RETENTION, WITHDRAWN_RETENTION
from ..config import Settings
from ..core import Aggregator
from ..models import SOURCE_KINDS
from ..reasons import reason_in
from ..render import DEFAULT_TITLE, pages
from . import i18n
from .rootpath import local
from .security import CSRF_FIELD, HONEYPOT_FIELD, csrf_token

STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """render.pages' environment with our templates first (autoescape, StrictUndefined)."""
    base = pages.environment()
    loader = jinja2.ChoiceLoader([jinja2.PackageLoader("aggregator.web", "templates"),
                                  base.loader])  # type: ignore[list-item]
    env = base.overlay(loader=loader)
    env.filters = dict(env.filters)
    env.filters["href"] = safe_href
    env.filters["code_spans"] = code_spans
    return env


def code_spans(text: object) -> Markup:
    """OpenAPI descriptions are CommonMark: show their `code` spans as code, escape the rest.
    (Route docstrings use single backticks for that reason, unlike the rest of the code.)"""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(str(text or "")))))


def safe_href(url: object) -> str:
    """A link target from a feed or a form: http(s), webcal, mailto or a local path only, so a
    ``javascript:`` URL can never reach an href (autoescaping alone does not stop that)."""
    text = str(url or "").strip()
    if re.match(r"^(https?://|webcal://|mailto:)", text, re.IGNORECASE) or (
            text.startswith("/") and not text.startswith("//")):
        return text
    return "#"


@functools.lru_cache(maxsize=1)
def stylesheet() -> bytes:
    """index.html's stylesheet followed by web/static/forms.css."""
    env = pages.environment()
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, "index.html")
    match = STYLE.search(source)
    agenda = match.group(1).strip() if match else ""
    forms = resources.files("aggregator.web").joinpath("static/forms.css").read_text("utf-8")
    return f"{agenda}\n{forms}".encode()


@dataclass(frozen=True, slots=True)
class Page:
    """What every template needs besides its own values."""

    lang: str
    path: str
    query: Mapping[str, str]

    def t(self, key: str, **values: object) -> str:
        return i18n.translate(self.lang, key, **values)

    def count(self, key: str, n: int) -> str:
        """``n`` with the plural form of ``key`` its language uses ("1 warning", "0 Warnungen")."""
        return i18n.count(self.lang, key, n)

    def reason(self, text: str | None) -> str:
        """A feed's stored error or warning (English) in the page's language."""
        return reason_in(text or "", self.lang)

    def lang_links(self) -> list[tuple[str, str, str]]:
        """(code, name, href) of the switcher: this page with ?lang= each language. The
        path as asked may start with ``//`` (a 404 for ``//evil.example/``), which a
        browser reads as another site's address: one slash keeps it on ours."""
        path = "/" + self.path.lstrip("/")
        links = []
        for code in i18n.LANGUAGES:
            query = {k: v for k, v in self.query.items() if k != "lang"} | {"lang": code}
            links.append((code, i18n.NAMES[code], f"{path}?{urlencode(query)}"))
        return links


def personal_data(data: object, filename: str) -> Response:
    """What is kept about a subscriber or an organisation's contact, as a JSON file to save
    (GDPR articles 15 and 20): never cached on the way, offered as a download."""
    return Response(json.dumps(data, ensure_ascii=False, indent=2) + "\n",
                    media_type="application/json", headers={
                        "Cache-Control": "no-store",
                        "Content-Disposition": f'attachment; filename="{filename}"'})


def aggregator_of(request: Request) -> Aggregator:
    """The Aggregator the app was created with (``create_app`` puts it in the app state)."""
    aggregator: Aggregator = request.app.state.aggregator
    return aggregator


def language(request: Request) -> str:
    """The page's language; a subscriber's own pages (``request.state.language``, set once
    its token is known) speak the language it chose before the cookie's or the browser's:
    its digest's links open in a webmail or on a shared computer. ``?lang=`` still wins."""
    chosen = getattr(request.state, "language", None)
    return i18n.negotiate(request.query_params.get("lang"),
                          chosen if chosen in i18n.LANGUAGES else request.cookies.get(i18n.COOKIE),
                          request.headers.get("accept-language"))


def address(url: str, query: Mapping[str, str]) -> str:
    """``url`` with ``query`` as its query string, none when it is empty."""
    return f"{url}?{urlencode(query)}" if query else url


RETENTION_DAYS = {"pending": PENDING_RETENTION.days, "kept": LEDGER_RETENTION.days,
                  "undecided": UNDECIDED_RETENTION.days, "withdrawn": WITHDRAWN_RETENTION.days}
"""What the privacy notices say of how long an address is kept: housekeeping's own figures."""


def privacy_text(lang: str, notice: str, settings: Settings) -> str:
    """The privacy notice ``_privacy.html`` shows, as plain text with its addresses: what a
    sign-up keeps as the words its visitor agreed to (GDPR art. 7(1))."""
    said = [i18n.translate(lang, notice, **RETENTION_DAYS)]
    if settings.operator_email:
        said.append(f"{i18n.translate(lang, 'privacy_contact')} {settings.operator_email}.")
    if settings.privacy_url:
        said.append(f"{i18n.translate(lang, 'privacy_policy')}: {settings.privacy_url}")
    return " ".join(said)


def render(
    request: Request, template: str, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """A page in the visitor's language, with a CSRF token for its forms; ``root`` starts its
    links (the base URL's path, see :mod:`.rootpath`)."""
    lang = language(request)
    page = Page(lang, request.url.path, dict(request.query_params))
    aggregator = aggregator_of(request)
    issued = getattr(request.state, "new_csrf", "")
    body = environment().get_template(template).render(
        page=page, t=page.t, lang=lang, site_title=DEFAULT_TITLE, root=local(request, ""),
        base_url=aggregator.settings.base_url, csrf_field=CSRF_FIELD,
        operator_email=aggregator.settings.operator_email or "",
        privacy_url=aggregator.settings.privacy_url or "", retention=RETENTION_DAYS,
        csrf_token=csrf_token(request), honeypot_field=HONEYPOT_FIELD, **context,
    )
    response = HTMLResponse(body, status_code=status_code)
    response.headers["Vary"] = "Accept-Language, Cookie"
    response.headers["Cache-Control"] = "no-store" if "csrf" in body else "no-cache"
    if "csrf" not in body and not issued:  # no form, no token: a shared cache may keep the
        request.state.new_csrf = ""  # page, and handed one visitor's CSRF cookie to everyone
    if request.query_params.get("lang") in i18n.LANGUAGES:
        response.set_cookie(i18n.COOKIE, lang, max_age=365 * 86400, samesite="lax",
                            path=local(request, "/"))
    return response


def kinds(page: Page) -> list[tuple[str, str]]:
    """(value, label) of every kind of organisation, in the contract's order."""
    return [(kind, page.t(f"kind_{kind}")) for kind in SOURCE_KINDS]
