"""Header lists with quality values (RFC 9110 §12.4.2): Accept-Language, Accept-Encoding."""

from __future__ import annotations


def weighted(header: str) -> list[tuple[str, float]]:
    """``"fr-CH, fr;q=0.9, *;q=0"`` as ``[("fr-CH", 1.0), ("fr", 0.9), ("*", 0.0)]``, in order;
    an unreadable weight counts as 0 (refused), an empty item is skipped."""
    found = []
    for part in header.split(","):
        token, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        if token.strip():
            found.append((token.strip(), weight))
    return found
