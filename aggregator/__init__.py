"""The aggregator: one merged calendar and news digest for a region's digital ecosystem."""

from __future__ import annotations

from .errors import AggregatorError

__version__ = "0.1.0"
USER_AGENT = f"aggregator/{__version__} (+https://github.com/totem-grand-est/aggregator)"

__all__ = ["AggregatorError", "USER_AGENT", "__version__"]
