"""Shared test setup: headless Qt before any Qt import, real SQLite files in temp folders."""

from __future__ import annotations

import os
import shutil

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LANG", "C.UTF-8")

from collections.abc import Callable, Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, Generic, TypeVar  # noqa: E402

import keyring  # noqa: E402
import pytest  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402
from keyring.backends.fail import Keyring as FailKeyring  # noqa: E402

from clinic_desktop.audit_keys import ENV_KEY_DIR  # noqa: E402
from clinic_desktop.clock import FixedClock  # noqa: E402
from clinic_desktop.context import Actor, Context  # noqa: E402
from clinic_desktop.i18n import current_language, set_language  # noqa: E402
from clinic_desktop.paths import DataDir  # noqa: E402
from clinic_desktop.services.auth import setup_clinic  # noqa: E402
from clinic_desktop.storage.database import Database, open_database  # noqa: E402
from clinic_desktop.storage.sqlite_files import forget_keys  # noqa: E402
from tests import pg  # noqa: E402

ADMIN_PASSWORD = "s3cret-pass"
T = TypeVar("T")

# CI runs the same examples every time (a property failure reproduces, never flickers);
# HYPOTHESIS_PROFILE=thorough searches ten times harder when hunting for edge cases.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None)
hypothesis_settings.register_profile("thorough", max_examples=1000, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# No OS keyring, as on the clinic PCs we test for. Set before anything asks: keyring picks its
# default lazily among every backend class defined so far, and a test module's in-memory
# backend would otherwise become the default for the whole worker.
keyring.set_keyring(FailKeyring())



@pytest.fixture(autouse=True)
def _audit_keys_in_a_temp_folder(tmp_path_factory: pytest.TempPathFactory,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Audit keys go to a folder of the test's own (never the developer's config folder)."""
    monkeypatch.setenv(ENV_KEY_DIR, str(tmp_path_factory.mktemp("audit-keys")))


@pytest.fixture(autouse=True)
def _no_database_keys_from_earlier_tests() -> Iterator[None]:
    """Each test starts as a fresh process would: holding no database key."""
    forget_keys()
    yield
    forget_keys()


@pytest.fixture(autouse=True)
def _chinese_messages() -> Iterator[None]:
    """Core messages are asserted in Chinese (the source language) unless a test switches."""
    set_language("zh_CN")
    yield
    set_language("zh_CN")


# Every test runs on this instant (Tuesday 2026-11-24, 10:00 in Shanghai), never on today:
# CI runs the suite a year ahead as well to keep it that way.
FIXED_NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


@pytest.fixture
def fixed_clock() -> FixedClock:
    return FixedClock(FIXED_NOW)


@pytest.fixture
def data_dir(tmp_path: Path) -> DataDir:
    return DataDir(tmp_path / "clinic")


@dataclass(frozen=True)
class _Template:
    root: Path
    key_dir: Path
    actor: Actor | None


class ClinicTemplates:
    """Migrated (and optionally set-up) clinics built once per test worker and copied into
    each test's own folder: migrating and hashing the first password cost ~0.8 s a test,
    a copy ~5 ms. The copy is a real file the test owns; only the start is shared."""

    def __init__(self, base: Path) -> None:
        self._base = base
        self._built: dict[str | None, _Template] = {}

    def copy_into(self, data_dir: DataDir, clinic_name: str | None) -> Actor | None:
        """Put a fresh copy of the template into ``data_dir`` (and its audit key into this
        test's key folder); the administrator set up in it, or None for an empty clinic."""
        template = self._built.get(clinic_name) or self._build(clinic_name)
        shutil.copytree(template.root, data_dir.root)
        key_dir = Path(os.environ[ENV_KEY_DIR])
        key_dir.mkdir(parents=True, exist_ok=True)
        for key_file in template.key_dir.iterdir():
            shutil.copy2(key_file, key_dir / key_file.name)
        return template.actor

    def _build(self, clinic_name: str | None) -> _Template:
        slot = self._base / f"template-{len(self._built)}"
        data_dir, key_dir = DataDir(slot / "clinic"), slot / "keys"
        key_dir.mkdir(parents=True)
        test_key_dir = os.environ.get(ENV_KEY_DIR)
        os.environ[ENV_KEY_DIR] = str(key_dir)
        test_language = current_language()
        set_language("zh_CN")  # what the clinic's own rows are written in, whatever the test
        try:
            db = self._open(data_dir, clinic_name)
            actor = None
            if clinic_name is not None:
                actor = setup_clinic(
                    db, clinic_name=clinic_name, timezone="Asia/Shanghai",
                    admin_username="admin", admin_display_name=ADMIN_DISPLAY_NAMES[clinic_name],
                    password=ADMIN_PASSWORD, clock=FixedClock(FIXED_NOW),
                )
            db.close()
        finally:
            set_language(test_language)
            if test_key_dir is None:
                del os.environ[ENV_KEY_DIR]
            else:
                os.environ[ENV_KEY_DIR] = test_key_dir
        self._built[clinic_name] = _Template(data_dir.root, key_dir, actor)
        return self._built[clinic_name]

    def _open(self, data_dir: DataDir, clinic_name: str | None) -> Database:
        return open_database(data_dir, now=FIXED_NOW)


# The set-up clinics the fixtures start from, by clinic name: their administrator's name.
ADMIN_DISPLAY_NAMES = {"测试诊所": "管理员", "仁爱口腔": "王院长"}


@pytest.fixture(scope="session")
def clinic_templates(tmp_path_factory: pytest.TempPathFactory) -> ClinicTemplates:
    return ClinicTemplates(tmp_path_factory.mktemp("clinic-templates"))


# The administrator of a database the ``database`` fixture copied from a set-up template, by
# the Database object; ``admin_ctx`` takes it from here instead of setting the clinic up again.
_SET_UP: dict[int, Actor] = {}


@pytest.fixture
def database(request: pytest.FixtureRequest, db_engine: str) -> Iterator[Database]:
    """An empty migrated clinic; already set up when the test also asks for ``admin_ctx``.
    On the engine ``db_engine`` names (both, one after the other, under tests/unit)."""
    actor = None
    clinic_name: str | None = None
    if "admin_ctx" in request.fixturenames:
        clock: FixedClock = request.getfixturevalue("fixed_clock")
        if clock.now() == FIXED_NOW:
            clinic_name = "测试诊所"
    if db_engine == "postgresql":
        templates: PgTemplates = request.getfixturevalue("pg_templates")
        copy, actor = templates.copy(clinic_name)
        db = open_database(url=templates.url_for(copy))
        share_attachments(db, request.getfixturevalue("data_dir").attachments)
    else:
        data_dir: DataDir = request.getfixturevalue("data_dir")
        clinic_templates: ClinicTemplates = request.getfixturevalue("clinic_templates")
        actor = clinic_templates.copy_into(data_dir, clinic_name)
        db = open_database(data_dir)
    if actor is not None:
        _SET_UP[id(db)] = actor
    yield db
    _SET_UP.pop(id(db), None)
    db.close()
    if db_engine == "postgresql":
        templates.drop(copy)


def share_attachments(db: Database, folder: Path) -> None:
    """A clinic on a server keeps its attachments in a folder every workstation reaches (set by
    ``migrate-to`` or in 设置); a folder of the test's own stands in for that share."""
    from clinic_desktop.services.attachments import SHARED_FOLDER_SETTING
    from clinic_desktop.services.clinic import write_setting

    with db.session(write=True) as session:
        write_setting(session, SHARED_FOLDER_SETTING, str(folder))


def reopen(db: Database, **options: Any) -> Database:
    """Another connection to the same clinic, as a second start of the app would open it: the
    data folder on SQLite, the server's URL on PostgreSQL."""
    if db.is_sqlite:
        assert db.data_dir is not None
        return open_database(db.data_dir, **options)
    return open_database(url=db.engine.url.render_as_string(hide_password=False), **options)


@pytest.fixture
def cli_database(database: Database, data_dir: DataDir) -> list[str]:
    """The options that point ``clinic-desktop`` at this test's clinic: its data folder on
    SQLite; on PostgreSQL the server's URL, with the test's folder for logs and local files."""
    if database.is_sqlite:
        return ["--data-dir", str(data_dir.root)]
    url = database.engine.url.set(drivername="postgresql")  # as a clinic's IT person types it
    return ["--data-dir", str(data_dir.root), "--database-url",
            url.render_as_string(hide_password=False)]


# --- PostgreSQL (tests/pg.py): a server per test session, a database per test ----------------


def pytest_report_header(config: pytest.Config) -> str | None:
    """The one line saying the PostgreSQL half does not run on this machine."""
    return None if pg.available() else pg.UNAVAILABLE


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without PostgreSQL its tests are left out (the header says so once), not skipped
    one by one."""
    for item in items:
        _sqlite_only_reason(item)
    if pg.available():
        return
    left_out = [item for item in items if item.get_closest_marker("postgresql")]
    if left_out:
        items[:] = [item for item in items if not item.get_closest_marker("postgresql")]
        config.hook.pytest_deselected(items=left_out)


# The core suite runs on both engines: a test under tests/unit that uses the database (through
# ``database``, ``admin_ctx`` or ``db_engine``) runs once on SQLite and once on PostgreSQL.
# Elsewhere (tests/ui, tests/benchmarks) a module opts in with ``both_engines``. A test about
# SQLite itself (its file, PRAGMAs, SQLCipher, WAL, triggers) says so: ``sqlite_only("why")``.
BOTH_ENGINES_DIR = Path(__file__).parent / "unit"
ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests that use the database run once per engine (see ``BOTH_ENGINES_DIR``); a test
    that parametrizes ``db_engine`` itself chooses its engines case by case."""
    if "db_engine" not in metafunc.fixturenames:
        return
    definition = metafunc.definition
    if any("db_engine" in _argnames(mark) for mark in definition.iter_markers("parametrize")):
        return
    if _sqlite_only_reason(definition) is not None:
        engines: list[object] = ["sqlite"]
    elif definition.path.is_relative_to(BOTH_ENGINES_DIR) or definition.get_closest_marker(
            "both_engines"):
        engines = ENGINES
    else:
        return
    metafunc.parametrize("db_engine", engines, indirect=True)


def _argnames(parametrize: pytest.Mark) -> list[str]:
    names = parametrize.args[0] if parametrize.args else parametrize.kwargs.get("argnames", ())
    return [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)


def _sqlite_only_reason(item: pytest.Item) -> str | None:
    """The reason a ``sqlite_only`` test gives, None when unmarked; a use without one is an
    error, so the few engine-specific tests each say why."""
    marker = item.get_closest_marker("sqlite_only")
    if marker is None:
        return None
    reason = marker.args[0] if marker.args else marker.kwargs.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise pytest.UsageError(f"{item.nodeid}: sqlite_only needs its reason, "
                                "e.g. @pytest.mark.sqlite_only(\"WAL is SQLite's\")")
    return reason


@pytest.fixture
def db_engine(request: pytest.FixtureRequest) -> str:
    """"sqlite" (the default) or "postgresql" (see ``pytest_generate_tests``)."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pg.PgServer]:
    """A PostgreSQL server for this test process (its own throw-away cluster unless
    CLINIC_TEST_PG_URL names one); skipped with one line when there is none."""
    if not pg.available():
        pytest.skip(pg.UNAVAILABLE)
    server = pg.connect_server()
    assert server is not None
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: pg.PgServer) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database of this test's own."""
    name = pg_server.create_database()
    yield pg_server.url_for(name)
    pg_server.drop_database(name)


class PgTemplates(ClinicTemplates):
    """``ClinicTemplates`` on PostgreSQL: migrated template databases, copied per test by
    ``CREATE DATABASE … TEMPLATE`` (migrating costs seconds, a copy tens of milliseconds)."""

    def __init__(self, base: Path, server: pg.PgServer) -> None:
        super().__init__(base)
        self._server = server
        self._databases: dict[str | None, str] = {}
        self._copies: list[str] = []

    def copy(self, clinic_name: str | None) -> tuple[str, Actor | None]:
        """A new database copied from the template (its name), the template's administrator;
        the template's audit keys go into this test's key folder."""
        if clinic_name not in self._built:
            self._databases[clinic_name] = self._server.create_database()
            self._build(clinic_name)
        name = self._server.create_database(template=self._databases[clinic_name])
        template = self._built[clinic_name]
        key_dir = Path(os.environ[ENV_KEY_DIR])
        key_dir.mkdir(parents=True, exist_ok=True)
        for key_file in template.key_dir.iterdir():
            shutil.copy2(key_file, key_dir / key_file.name)
        return name, template.actor

    def _open(self, data_dir: DataDir, clinic_name: str | None) -> Database:
        return open_database(url=self._server.url_for(self._databases[clinic_name]),
                             now=FIXED_NOW)

    def url_for(self, name: str) -> str:
        return self._server.url_for(name)

    def drop(self, name: str) -> None:
        self._server.drop_database(name)


@dataclass(frozen=True)
class PgSeeded(Generic[T]):
    """A clinic built once on a database of its own, to be copied for each test."""

    database: str
    attachments: Path  # its shared attachments folder
    keys: Path  # its audit keys
    seed: T  # what the builder returned (ids of what it made)


def seed_on_pg(server: pg.PgServer, folder: Path, build: Callable[[Database], T]
               ) -> PgSeeded[T]:
    """``build`` a clinic once on a new database (the PostgreSQL side of a module's seeded
    SQLite file); ``copy_seeded`` gives each test a copy of it (``CREATE DATABASE …
    TEMPLATE``: ~50 ms)."""
    name = server.create_database()
    attachments, keys = folder / "attachments", folder / "keys"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENV_KEY_DIR, str(keys))  # never the developer's own key folder
        db = open_database(url=server.url_for(name), now=FIXED_NOW)
        try:
            share_attachments(db, attachments)
            seed = build(db)
        finally:
            db.close()  # a template database takes no connections
    return PgSeeded(name, attachments, keys, seed)


@contextmanager
def copy_seeded(server: pg.PgServer, seeded: PgSeeded[Any], folder: Path
                ) -> Iterator[Database]:
    """A fresh copy of a seeded database, its attachments copied into ``folder`` and its audit
    keys into this test's key folder; dropped afterwards."""
    name = server.create_database(template=seeded.database)
    if seeded.attachments.exists():
        shutil.copytree(seeded.attachments, folder)
    key_dir = Path(os.environ[ENV_KEY_DIR])
    key_dir.mkdir(parents=True, exist_ok=True)
    for key_file in seeded.keys.iterdir() if seeded.keys.exists() else ():
        shutil.copy2(key_file, key_dir / key_file.name)
    db = open_database(url=server.url_for(name), upgrade=False)
    try:
        share_attachments(db, folder)
        yield db
    finally:
        db.close()
        server.drop_database(name)


@pytest.fixture(scope="session")
def pg_templates(pg_server: pg.PgServer,
                 tmp_path_factory: pytest.TempPathFactory) -> PgTemplates:
    return PgTemplates(tmp_path_factory.mktemp("pg-templates"), pg_server)


@pytest.fixture
def admin_ctx(database: Database, fixed_clock: FixedClock) -> Context:
    """A set-up clinic and its first administrator, on a fixed clock."""
    actor = _SET_UP.pop(id(database), None) or setup_clinic(
        database, clinic_name="测试诊所", timezone="Asia/Shanghai", admin_username="admin",
        admin_display_name=ADMIN_DISPLAY_NAMES["测试诊所"], password=ADMIN_PASSWORD,
        clock=fixed_clock,
    )
    return Context(db=database, actor=actor, clock=fixed_clock)


@pytest.fixture
def memory_keyring() -> Iterator[Any]:
    """A keyring held in memory for the test (passwords and tokens a test stores), instead of
    the failing one every test gets otherwise."""
    from tests.unit.test_messages import MemoryKeyring

    previous = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    yield memory
    keyring.set_keyring(previous)
