"""Bring a database's schema to the code's: Alembic, run on the connection the Store opens.

Each feature (subscribers, registrations, leases...) owns a branch of migrations from 0001;
every head is applied. A database a newer version migrated is refused, never misread.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..errors import StoreError


def migrate(connection: Connection, shown_url: str) -> None:
    """Bring the schema to the code's heads, in one transaction that a second process
    starting at the same moment waits for; nothing when it is there already.

    Raises:
        StoreError: the database was migrated by a newer version of the code.
    """
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    script = ScriptDirectory.from_config(config)
    current = _revisions(connection)
    known = {revision.revision for revision in script.walk_revisions()}
    if current - known:
        raise StoreError(
            f"cannot open the database {shown_url}: a newer version of aggregator migrated "
            f"it (revision {', '.join(sorted(current - known))}, which this version does not "
            "know); run that version or a later one, or restore the backup taken before the "
            "upgrade: this version would misread what the newer one stores")
    if current == set(script.get_heads()):
        connection.rollback()
        return
    try:
        _upgrade(connection, config)
        connection.commit()
    finally:
        connection.rollback()  # nothing left after a commit; a failed migration undone whole
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")  # off while it migrated


def _revisions(connection: Connection) -> set[str]:
    from alembic.migration import MigrationContext

    return set(MigrationContext.configure(connection).get_current_heads())


def _upgrade(connection: Connection, config: Any) -> None:
    from alembic import command

    config.attributes["connection"] = connection
    if connection.dialect.name == "postgresql":
        # Nodes starting together must not migrate together (issue 4): the first one holds
        # this transaction-scoped lock, the others wait and then find nothing left to do
        # (as long as it takes: no LOCK_TIMEOUT here, a big migration may take minutes).
        connection.execute(sa.text("SET LOCAL lock_timeout = 0"))
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(4242000005)"))
    else:
        # A table rebuilt by a batch migration is dropped and copied back: with foreign
        # keys on, the drop deleted every row pointing at it (each registration's feeds,
        # at 0006). And the whole migration is one write transaction, taken before reading
        # where the schema stands: a second process starting at the same moment waits for
        # the first (busy timeout), then finds nothing left to do, where it failed on
        # "table feeds already exists".
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    # "heads": each feature (subscribers, registrations, leases...) may own a branch of
    # migrations starting from 0001; all of them are applied.
    command.upgrade(config, "heads")
