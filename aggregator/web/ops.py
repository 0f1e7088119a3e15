"""For operators and their monitoring: /healthz and /metrics (Prometheus text format)."""

from __future__ import annotations

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
    body, content_type = aggregator_of(request).metrics_text()
    return Response(body, media_type=content_type, headers={"Cache-Control": "no-store"})
