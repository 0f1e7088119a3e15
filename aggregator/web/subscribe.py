"""The weekly digest sign-up: /subscribe, /confirm, /preferences, /unsubscribe (issue 5 API)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
