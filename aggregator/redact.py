"""What the operator's logs may say of a person: its address masked (a***@example.org), never
whole; the subscriber's or registration's id beside it is what finds the row.

Logs are copied where neither housekeeping's retention nor a subscriber's erasure reaches
(log stores, tickets, backups), so an address written there outlives its deletion (GDPR art.
5(1)(c) and (e)); the domain stays, which says enough to tell one provider's refusals apart.
A relay's reply quotes the recipient ("550 5.1.1 <ana@example.org>: unknown"), so whole texts
are masked, not only the fields that hold an address.
"""

from __future__ import annotations

import re

ADDRESS = re.compile(r"[\w.!#$%&'*+=?^`{|}~-]+@(?P<domain>[\w-]+(?:\.[\w-]+)+)")


def masked(text: str) -> str:
    """``text`` with each email address in it reduced to its first character and domain."""
    return ADDRESS.sub(lambda found: f"{found.group()[0]}***@{found.group('domain')}", text)
