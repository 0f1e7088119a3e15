"""The value types of the dedup API: operator overrides in, merge results and pair scores out.

They live apart from the algorithms so that ``cluster``, ``similar`` and the facade in
``__init__`` can share them without import cycles, and so the store and CLI import plain data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import MergedEvent, MergedItem, Overrides

__all__ = ["EventMerge", "NewsMerge", "Overrides", "PairScore"]


@dataclass(frozen=True, slots=True)
class EventMerge:
    """Merged events sorted by (start instant, uid) and the key -> merged UID map to persist."""

    events: tuple[MergedEvent, ...]
    assignment: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class NewsMerge:
    """Merged articles, newest first, and the key ``source_id:guid`` -> merged id map to persist."""

    items: tuple[MergedItem, ...]
    assignment: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PairScore:
    """Why two records were merged or kept apart (``aggregator events explain UID``)."""

    a: str
    b: str
    score: float
    """0..1 similarity; 1.0 for an identity match (same UID or same canonical URL)."""
    decision: str
    """``merged`` or ``apart`` (the scorer's verdict), ``split`` / ``forced`` for overrides."""
    reasons: tuple[str, ...] = ()
