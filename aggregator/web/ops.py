"""For operators and their monitoring: /healthz and /metrics (Prometheus text format)."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from .views import aggregator_of

router = APIRouter(include_in_schema=False)


@router.get("/healthz")
def healthz(request: Request) -> Response:
    """200 when the database answers and a build is published; 503 otherwise, with why."""
    report = aggregator_of(request).health_report()
    return JSONResponse(report, status_code=200 if report["status"] == "ok" else 503,
                        headers={"Cache-Control": "no-store"})


@router.get("/metrics")
def metrics(request: Request) -> Response:
    """The node's counters for Prometheus; behind ``AGGREGATOR_METRICS_TOKEN`` when set."""
    aggregator = aggregator_of(request)
    expected = aggregator.settings.metrics_token
    if expected is not None:
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {expected}".encode()):
            return Response("send Authorization: Bearer <AGGREGATOR_METRICS_TOKEN>\n",
                            status_code=401, media_type="text/plain; charset=utf-8",
                            headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    body, content_type = aggregator.metrics_text()
    return Response(body, media_type=content_type, headers={"Cache-Control": "no-store"})
