"""Shared fixtures: real loopback HTTP, real SQLite and PostgreSQL databases, settings.

Nothing we own is mocked: feeds come from a real HTTP server on 127.0.0.1 (any free port),
the store is a real SQLite file, and PostgreSQL (127.0.0.1:5432, trust auth) is used for the
tests marked ``postgres``; with CI=true those must run, never skip.
"""

from __future__ import annotations

import os
import sys
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from aggregator.config import Settings, build_settings
from sites import site  # noqa: F401  (fixture shared by the end-to-end tests)
from aggregator.models import FeedRef, Source

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
for _variable in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
    # the developer's own way out stays out of the tests (they never leave this machine, and
    # a feed on a test name would be asked of that proxy): test_review_proxy sets its own
    os.environ.pop(_variable, None)
    os.environ.pop(_variable.upper(), None)
PG_ADMIN_URL = os.environ.get(
    "AGGREGATOR_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def pytest_configure(config: pytest.Config) -> None:
    """With PYTHONDONTWRITEBYTECODE set, each `python -m aggregator ...` the tests start (about
    a hundred) compiled the whole package from source again, 0.5 s before doing anything:
    compile it once here, before the workers start; Python checks each file's date as usual."""
    if sys.flags.dont_write_bytecode and not hasattr(config, "workerinput"):
        import compileall

        compileall.compile_dir(REPO / "aggregator", quiet=1)


@pytest.fixture
def feed_server() -> Iterator[Any]:
    """A real HTTP server on 127.0.0.1 with ETag/Last-Modified; tests add files to it."""
    from aggregator.demo.server import FeedServer

    with FeedServer({}) as server:
        yield server


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'aggregator.db'}"


def _postgres_available() -> bool:
    try:
        engine = sa.create_engine(PG_ADMIN_URL)
        with engine.connect():
            pass
        engine.dispose()
        return True
    except sa.exc.SQLAlchemyError:
        return False


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    if not _postgres_available():
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required in CI but {PG_ADMIN_URL} is unreachable")
        pytest.skip("PostgreSQL not reachable (set CI=true to make this a failure)")
    name = f"aggregator_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Run a test on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'aggregator.db'}"
    return str(request.getfixturevalue("postgres_url"))


def make_source(source_id: str, *urls: str, **fields: object) -> Source:
    """A Source with sensible defaults for tests."""
    values: dict[str, object] = {
        "name": source_id.replace("-", " ").title(), "kind": "association", "city": "Metz",
        "country": "FR",
    }
    values.update(fields)
    return Source(id=source_id, feeds=tuple(FeedRef(url) for url in urls), **values)  # type: ignore[arg-type]


def make_settings(tmp_path: Path, sources: tuple[Source, ...], db_url: str | None = None,
                  **overrides: object) -> Settings:
    return build_settings(
        sources, None, {},
        db_url=db_url or f"sqlite:///{tmp_path / 'aggregator.db'}",
        output_dir=tmp_path / "output", allow_private_networks=True, **overrides,
    )


def command_line_environment(tmp_path: Path, sources: tuple[Source, ...], db_url: str,
                             smtp_port: int) -> dict[str, str]:
    """The environment of the command line run on a test site: a sources.yaml of
    ``sources`` in ``tmp_path``, the site's database and output, the SMTP server on
    ``smtp_port``; callers add what their site sets besides."""
    import yaml

    config = tmp_path / "sources.yaml"
    config.write_text(yaml.safe_dump({"sources": [
        {"id": s.id, "name": s.name, "kind": s.kind, "city": s.city, "country": s.country,
         "tags": list(s.tags), "feeds": [{"url": f.url} for f in s.feeds]} for s in sources]}))
    return {"AGGREGATOR_CONFIG": str(config), "AGGREGATOR_DB": db_url,
            "AGGREGATOR_OUTPUT": str(tmp_path / "output"), "AGGREGATOR_SMTP_HOST": "127.0.0.1",
            "AGGREGATOR_SMTP_PORT": str(smtp_port)}


@contextmanager
def schema_at(db_url: str, revision: str) -> Iterator[sa.Connection]:
    """A database migrated only up to ``revision`` (the schema before a change), for the rows
    an older version stored; the store's next opening migrates them the rest of the way."""
    from alembic import command
    from alembic.config import Config

    import aggregator.store as store_package

    engine = sa.create_engine(db_url)
    config = Config()
    config.set_main_option("script_location",
                           str(Path(store_package.__file__).parent / "migrations"))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            yield connection
    finally:
        engine.dispose()


@contextmanager
def build_lock_held(db_url: str, owner: str = "node-b") -> Iterator[threading.Event]:
    """Another node building: it holds the cluster's build lock, on a connection of its own,
    until the yielded event is set (or the block ends)."""
    from aggregator.store import open_store

    store = open_store(db_url)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with store.exclusive("build", owner, datetime.now(timezone.utc),
                             timedelta(minutes=1)) as mine:
            if mine:
                held.set()
                release.wait(30)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert held.wait(10), f"{owner} could not take the build lock"
        yield release
    finally:
        release.set()
        thread.join(30)
        store.close()
