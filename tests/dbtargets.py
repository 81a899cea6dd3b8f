"""Run the behaviour suites on both databases: SQLite files and a real PostgreSQL server.

Loaded from ``tests/conftest.py`` as a plugin. Tests in :data:`BOTH` have two
variants, ``[sqlite]`` and ``[postgresql]``, through the autouse ``db_backend``
fixture; a test that opens the SQLite file itself (its own parameters name
``db_path`` or ``isolated_env``) stays SQLite-only. ``tests/test_plans.py``
has ``[postgresql]`` variants of its own (the SQLAlchemy reader on a copy of
the demo in the server); they carry the ``postgresql_variant`` marker too.

Which variants a pass runs is chosen with ``--db-targets`` (else the
environment variable ``ICRM_TEST_TARGETS``, else ``sqlite``):

- ``sqlite`` (the default, ``python -m pytest -q``): every test except the
  ``[postgresql]`` variants.
- ``postgresql``: only what needs the server: the ``[postgresql]`` variants
  and the tests about PostgreSQL itself (below).
- ``both``: every test (the two passes above in one).

The node ids are the same in every pass (every variant is collected, then
those a pass leaves out are deselected), so ``--collect-only -q`` of the two
passes can be compared with one of ``both``.

Tests about PostgreSQL itself (they use the ``pg_server`` fixture: connection
errors, ``db check`` and ``db copy`` on a server, two first runs at once, the
team-database docs with non-superuser logins, identity from database logins)
run in every pass: they are the only tests of those features and take about
half a minute, and in the default pass they also check the lowest allowed
psycopg (the lowest-versions pass of ``.ci/run``) against a real server. CI
runs ``sqlite`` and then ``postgresql``; together they run every test.

The server comes from ``ICRM_TEST_PG`` (an admin URL such as
``postgresql://postgres@127.0.0.1:5432/postgres``; ``.ci/postgres.sh`` exports
it), else that address. Without a server the selected PostgreSQL tests skip
with the reason; under ``CI=true`` they fail instead.

Each test run works in databases of its own (unique names, dropped at the
end). Resetting between tests is fast: one database per run, emptied with
``TRUNCATE ... RESTART IDENTITY`` and, for tests that use the ``org``
fixture, refilled from a copy of the org tables kept in a side schema
(``org apply`` runs once per run, at the frozen time, as on SQLite).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

BOTH = {
    "tests.test_requests_lifecycle",
    "tests.test_meeting_agenda",
    "tests.test_meeting_cli",
    "tests.test_meeting_remind_ics",
    "tests.test_feedback_complaints",
    "tests.test_feedback_give",
    "tests.test_feedback_summary",
    "tests.test_feedback_survey",
    "tests.test_escalation_cli",
    "tests.test_escalation_ladder",
    "tests.test_escalation_sweep",
    "tests.test_report_weekly",
    "tests.test_report_errors",
    "tests.test_reliability_concurrency",
    "tests.test_reliability_badinput",
    "tests.test_request_list_terminal",
    "tests.test_request_edit",
    "tests.test_meeting_edit",
    "tests.test_inbox",
    "tests.test_notify",
    "tests.test_calendar_requests",
    "tests.test_calendar_report",
}
SQLITE_ONLY_ARGS = {"db_path", "isolated_env"}
TARGETS = ("sqlite", "postgresql", "both")
TARGETS_ENV = "ICRM_TEST_TARGETS"
VARIANT = "postgresql_variant"  # the marker of a [postgresql] variant
DEFAULT_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
SEED = "icrm_seed"


def admin_url() -> str:
    return os.environ.get("ICRM_TEST_PG") or DEFAULT_ADMIN


def with_database(url: str, name: str) -> str:
    base = url.rsplit("/", 1)[0]
    return f"{base}/{name}"


def _unavailable() -> str | None:
    """Why PostgreSQL cases cannot run here, or None."""
    try:
        import psycopg
    except ImportError:
        return 'psycopg is not installed (pip install "icrm[postgres]")'
    try:
        psycopg.connect(admin_url(), connect_timeout=3).close()
    except psycopg.Error as exc:
        return f"no PostgreSQL server at {admin_url()}: {str(exc).splitlines()[0]}"
    return None


@dataclass
class PgServer:
    """The test server: creates uniquely named databases and drops them at the end of the run."""

    admin: str
    tag: str = field(default_factory=lambda: f"icrm_t{os.getpid()}_{uuid.uuid4().hex[:8]}")
    made: list[str] = field(default_factory=list)

    def execute(self, sql: str, database: str | None = None) -> list[tuple[Any, ...]]:
        import psycopg

        url = self.admin if database is None else with_database(self.admin, database)
        with psycopg.connect(url, autocommit=True) as conn, conn.cursor() as cur:
            cur.execute(sql.encode())
            return list(cur.fetchall()) if cur.description else []

    def create(self, label: str) -> str:
        """A new, empty database; returns its URL."""
        name = f"{self.tag}_{label}"
        self.execute(f'CREATE DATABASE "{name}"')
        self.made.append(name)
        return with_database(self.admin, name)

    def drop_all(self) -> None:
        for name in self.made:
            self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.made.clear()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    reason = _unavailable()
    if reason is not None:
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail(f"CI=true but PostgreSQL is unavailable: {reason}")
        pytest.skip(reason)
    server = PgServer(admin_url())
    yield server
    server.drop_all()


@dataclass
class SharedPg:
    """The run's behaviour database: its URL, its tables, and whether the org seed is saved."""

    server: PgServer
    url: str
    name: str
    tables: list[str]
    serial: list[str]

    def reset(self, *, with_org: bool) -> None:
        statements = [f"TRUNCATE {', '.join(self.tables)} RESTART IDENTITY CASCADE"]
        if with_org:
            seeded = {row[0] for row in self.server.execute(_SEEDED, self.name)}
            statements += [f"INSERT INTO {t} SELECT * FROM {SEED}.{t}" for t in self.tables if t in seeded]
            statements += [
                f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {t}), 0) + 1, false)"
                for t in self.serial
            ]
        self.server.execute("; ".join(statements), self.name)


_SEEDED = f"SELECT table_name FROM information_schema.tables WHERE table_schema = '{SEED}'"


@pytest.fixture(scope="session")
def shared_pg(pg_server: PgServer, tmp_path_factory: pytest.TempPathFactory) -> SharedPg:
    """One database for the run's behaviour tests, with the example org saved in a side schema."""
    import time_machine
    from typer.testing import CliRunner

    from icrm_cli.cli.app import app
    from icrm_cli.storage.copy import icrm_tables, serial_id
    from tests.conftest import EXAMPLE_ORG, FROZEN_AT

    url = pg_server.create("behaviour")
    name = url.rsplit("/", 1)[1]
    # The server's login is the admin (wang.qiang), who acts for whoever a test names with --as /
    # ICRM_USER: the rules then apply to that person, as on SQLite (events record ``by``).
    login = str(pg_server.execute("SELECT current_user")[0][0])
    org_text = EXAMPLE_ORG.read_text(encoding="utf-8").replace(
        "{id: wang.qiang, name: 王强,", f"{{id: wang.qiang, login: {login}, name: 王强,"
    )
    org_file = tmp_path_factory.mktemp("pg_org") / "org.yaml"
    org_file.write_text(org_text, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch, time_machine.travel(FROZEN_AT, tick=False):
        patch.setenv("ICRM_DB", url)
        patch.setenv("ICRM_USER", "zhang.wei")
        done = CliRunner().invoke(app, ["org", "apply", str(org_file)])
        assert done.exit_code == 0, done.output
    tables = [table.name for table in icrm_tables()]
    serial = [table.name for table in icrm_tables() if serial_id(table)]
    copies = [
        f"CREATE TABLE {SEED}.{t} AS SELECT * FROM {t}"
        for t in tables
        if pg_server.execute(f"SELECT EXISTS (SELECT 1 FROM {t})", name)[0][0]
    ]
    pg_server.execute(f"CREATE SCHEMA {SEED}; " + "; ".join(copies), name)
    return SharedPg(pg_server, url, name, tables, serial)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{VARIANT}: the [postgresql] variant of a test (tests/dbtargets.py)")
    selected_targets(config)  # a bad $ICRM_TEST_TARGETS is a usage error before collection


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db-targets",
        choices=TARGETS,
        default=None,
        help=f"which database variants to run: sqlite (default; all but the [postgresql] variants), "
        f"postgresql (only the tests that need the server) or both; default from ${TARGETS_ENV}",
    )


def selected_targets(config: pytest.Config) -> str:
    """``--db-targets``, else ``$ICRM_TEST_TARGETS``, else ``sqlite``."""
    chosen = config.getoption("db_targets") or os.environ.get(TARGETS_ENV) or "sqlite"
    if chosen not in TARGETS:
        raise pytest.UsageError(f"{TARGETS_ENV}={chosen!r}: expected one of {', '.join(TARGETS)}")
    return str(chosen)


def runs_in(targets: str, item: pytest.Item) -> bool:
    """Whether a pass of ``targets`` runs ``item`` (see the module docstring)."""
    variant = item.get_closest_marker(VARIANT) is not None
    if targets == "sqlite":
        return not variant
    if targets == "postgresql":  # a [postgresql] variant, or a test about PostgreSQL itself
        return variant or "pg_server" in getattr(item, "fixturenames", ())
    return True


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect what the chosen targets leave out; the node ids stay those of ``both``."""
    targets = selected_targets(config)
    deselected = [item for item in items if not runs_in(targets, item)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if runs_in(targets, item)]


def pytest_report_header(config: pytest.Config) -> str:
    return f"icrm database targets: {selected_targets(config)} (--db-targets, ${TARGETS_ENV})"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_backend" not in metafunc.fixturenames:
        return
    if metafunc.module.__name__ not in BOTH:
        return
    own = set(
        metafunc.definition.function.__code__.co_varnames[: metafunc.definition.function.__code__.co_argcount]
    )
    backends = ["sqlite"] if own & SQLITE_ONLY_ARGS else ["sqlite", "postgresql"]
    metafunc.parametrize("db_backend", [target_param(backend) for backend in backends], indirect=True)


def target_param(backend: str) -> Any:
    """``backend`` as a parameter value; the ``postgresql`` one carries the variant marker."""
    if backend == "postgresql":
        return pytest.param(backend, marks=getattr(pytest.mark, VARIANT))
    return backend


@pytest.fixture(autouse=True)
def db_backend(request: pytest.FixtureRequest, isolated_env: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """``sqlite`` (ICRM_DB is the test's own file) or ``postgresql`` (the run's reset database)."""
    backend = str(getattr(request, "param", "sqlite"))
    if backend == "postgresql":
        shared: SharedPg = request.getfixturevalue("shared_pg")
        shared.reset(with_org="org" in request.fixturenames)
        monkeypatch.setenv("ICRM_DB", shared.url)
    return backend
