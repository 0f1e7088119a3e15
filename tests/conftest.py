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


def _require_postgres() -> None:
    if not _postgres_available():
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required in CI but {PG_ADMIN_URL} is unreachable")
        pytest.skip("PostgreSQL not reachable (set CI=true to make this a failure)")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    _require_postgres()
    with _postgres_database() as url:
        yield url


@contextmanager
def _postgres_database(template: str | None = None) -> Iterator[str]:
    """A new PostgreSQL database (a copy of ``template`` if given), dropped afterwards."""
    name = f"aggregator_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    copy = f' TEMPLATE "{template}"' if template else ""
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"{copy}'))
    url = sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def migrated_postgres() -> Iterator[str]:
    """The name of a PostgreSQL database migrated to the code's heads, for this worker's tests
    to copy (CREATE DATABASE ... TEMPLATE): a migration from nothing costs 0.4 s a test."""
    from aggregator.store import open_store

    _require_postgres()
    with _postgres_database() as url:
        open_store(url).close()
        yield sa.engine.make_url(url).database or ""


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Run a test on SQLite and on PostgreSQL, on a database already migrated to the code's
    heads (the store opening it finds nothing to do), or an empty one for the tests marked
    ``empty_database`` (those of migrations themselves)."""
    empty = request.node.get_closest_marker("empty_database") is not None
    if request.param == "sqlite":
        path = tmp_path / "aggregator.db"
        if not empty:
            migrated_sqlite(path)
        yield f"sqlite:///{path}"
        return
    if empty:
        yield str(request.getfixturevalue("postgres_url"))
        return
    _require_postgres()
    with _postgres_database(request.getfixturevalue("migrated_postgres")) as url:
        yield url


_SQLITE_TEMPLATE: list[Path] = []


def migrated_sqlite(path: Path) -> Path:
    """A copy at ``path`` (unless a file is there) of an SQLite database migrated to the
    code's heads, made once per process: migrating from nothing costs 0.3 s a test."""
    import atexit
    import shutil
    import tempfile

    from aggregator.store import open_store

    if not _SQLITE_TEMPLATE:
        where = Path(tempfile.mkdtemp(prefix="aggregator-template-"))
        atexit.register(shutil.rmtree, where, ignore_errors=True)
        open_store(f"sqlite:///{where / 'aggregator.db'}").close()
        assert [p.name for p in where.iterdir()] == ["aggregator.db"]  # no -wal left behind
        _SQLITE_TEMPLATE.append(where / "aggregator.db")
    if not path.exists() and path.parent.is_dir():
        shutil.copyfile(_SQLITE_TEMPLATE[0], path)
    return path


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
        db_url=db_url or f"sqlite:///{migrated_sqlite(tmp_path / 'aggregator.db')}",
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
    # an already migrated database (db_url without the empty_database mark) would take the
    # old rows into the new schema, and no migration would be tested
    assert not sa.inspect(engine).get_table_names(), "schema_at needs an empty database"
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
