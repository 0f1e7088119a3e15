"""An edited sources.yaml taken by the running daemon: at its next tick, or at once on SIGHUP.

Operators add a source by editing sources.yaml; a daemon that read it only at start kept
serving and fetching the old list until someone restarted it (and SIGHUP, which
`systemctl reload` sends, killed it). Only the sources (with the venues and the past days
kept) are taken while running; a change to anything else is logged as waiting for a restart.
An edit that is not valid is refused with its message and the daemon goes on as it was.
"""

from __future__ import annotations

import logging
from pathlib import Path

from .. import config
from ..core import Aggregator
from ..errors import ConfigError

log = logging.getLogger("aggregator.daemon")
Signature = tuple[int, int, int]


class ConfigWatch:
    """Rereads the daemon's sources.yaml when it changed on disk, or when asked (SIGHUP)."""

    def __init__(self, aggregator: Aggregator) -> None:
        self.aggregator = aggregator
        self.path: Path | None = aggregator.settings.config_path
        self.seen = self._signature()
        self.asked = False
        """Set by SIGHUP: reread even if the file looks the same (edited within its mtime's
        granularity, or mounted from a ConfigMap that keeps it)."""

    def _signature(self) -> Signature | None:
        if self.path is None:
            return None
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size, stat.st_ino

    def check(self) -> bool:
        """Reread the file if it changed or was asked to; whether the sources changed."""
        if self.path is None:
            return False
        signature, asked = self._signature(), self.asked
        self.asked = False
        if signature == self.seen and not asked:
            return False
        self.seen = signature
        try:
            fresh = config.load(self.path)
        except ConfigError as error:
            log.error("config=%s refused, the daemon goes on with the sources it had: %s",
                      self.path, error)
            return False
        current = self.aggregator.settings
        settings, waiting = config.reloaded(current, fresh)
        if waiting:
            log.warning("config=%s changed %s: applied at the next restart", self.path,
                        ", ".join(waiting))
        if settings == current:
            log.info("config=%s reread: no change to the sources", self.path)
            return False
        before = {source.id for source in current.sources}
        after = {source.id for source in settings.sources}
        self.aggregator.use_sources_of(settings)
        log.info("config=%s reloaded sources=%d added=%s removed=%s", self.path, len(after),
                 ",".join(sorted(after - before)) or "-", ",".join(sorted(before - after)) or "-")
        return True
