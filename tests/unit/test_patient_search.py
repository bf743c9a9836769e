"""Patient search on both engines: each route finds the same patients, keeps the same ones when
more match than it shows, and runs on an index (PostgreSQL's from migration 24).

The everyday expectations (every key, archived records) are in ``test_patients``; these are
the routes' finer points and what PostgreSQL needs of the server.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import create_engine, event, insert, inspect, make_url, text
from sqlalchemy.engine import Connection

from clinic_desktop.context import Context
from clinic_desktop.demo.patients import GIVEN_F, GIVEN_M, PREFIXES, SURNAMES
from clinic_desktop.errors import UpgradeFailed
from clinic_desktop.rules.idcard import check_char
from clinic_desktop.rules.pinyin import search_keys
from clinic_desktop.services.patient_search import search_in, search_patients
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.storage.database import Database, open_database
from clinic_desktop.storage.migrate import alembic_config
from clinic_desktop.storage.models.patient import Patient
from tests import pg

# Core behaviour, the same on both engines (tests/conftest.py: db_engine).
pytestmark = pytest.mark.both_engines

ID_BODY = "11010519900307005"
ID_NUMBER = ID_BODY + check_char(ID_BODY)  # ends in X
SEARCH_INDEXES = {"patient_search_code_trgm", "patient_search_name_trgm",
                  "patient_search_mobile_trgm", "patient_search_phone2_trgm",
                  "patient_search_id_number_trgm", "patient_search_name_grams",
                  "patient_search_initials", "patient_search_pinyin"}


def new(ctx: Context, name: str, **values: object) -> str:
    """A new patient; their code."""
    return create_patient(ctx, PatientInput(name=name, **values)).patient.code  # type: ignore[arg-type]


def names(ctx: Context, query: str, **options: object) -> list[str]:
    return [hit.name for hit in search_patients(ctx, query, **options)]  # type: ignore[arg-type]


def test_case_is_ignored_as_on_sqlite(admin_ctx: Context) -> None:
    """FTS5's trigrams ignore case and so does SQLite's LIKE for ASCII letters: a code, an
    ID number's X and a name's Latin letter match however they are typed."""
    new(admin_ctx, "欧阳娜娜", id_number=ID_NUMBER)
    new(admin_ctx, "张A丰")
    new(admin_ctx, "Tom张")
    assert ID_NUMBER.endswith("X")
    assert names(admin_ctx, "p00000") == ["张A丰", "欧阳娜娜", "Tom张"]  # shortest first
    assert names(admin_ctx, ID_NUMBER[-5:].lower()) == ["欧阳娜娜"]
    assert names(admin_ctx, "张a") == ["张A丰"]
    assert names(admin_ctx, "m张") == ["Tom张"]
    assert names(admin_ctx, "TOM张") == ["Tom张"]


def test_pieces_anywhere_in_a_name_or_a_second_phone(admin_ctx: Context) -> None:
    new(admin_ctx, "欧阳娜娜", phone2="010-88886666")
    new(admin_ctx, "司马光明")
    assert names(admin_ctx, "阳娜娜") == ["欧阳娜娜"]   # three characters, not a prefix
    assert names(admin_ctx, "光明") == ["司马光明"]     # two, at the end
    assert names(admin_ctx, "马") == ["司马光明"]       # one, in the middle
    assert names(admin_ctx, "0-888") == ["欧阳娜娜"]    # across the dash
    assert names(admin_ctx, "娜娜娜") == []


def test_one_or_two_characters_keep_the_first_by_name_then_birth_date(
    admin_ctx: Context
) -> None:
    """More matches than ``2 × limit``: the first by name (code point), birth date (none
    first) and id are ranked; on PostgreSQL too, whose own order would differ."""
    new(admin_ctx, "梅花", birth_date=date(1990, 1, 1))
    none_born = new(admin_ctx, "梅花")
    new(admin_ctx, "王小梅")
    new(admin_ctx, "梅")
    new(admin_ctx, "梅兰芳")
    new(admin_ctx, "李梅")
    # By name: 李梅, 梅, 梅兰芳, 梅花 (no birth date), 梅花 (1990), 王小梅; the first four are
    # ranked (exact, then starts with 梅 and shortest) and the first two shown.
    hits = search_patients(admin_ctx, "梅", limit=2)
    assert [(h.name, h.code) for h in hits] == [("梅", "P000004"), ("梅花", none_born)]
    assert names(admin_ctx, "梅") == ["梅", "梅花", "梅花", "梅兰芳", "李梅", "王小梅"]


def test_pinyin_keeps_the_first_by_key_then_id(admin_ctx: Context) -> None:
    """Initials first (by initials, then id), then full pinyin, the first ``2 × limit``."""
    for name in ("刘一", "李四", "罗兰", "林峰", "李明"):
        new(admin_ctx, name)
    # Initials ly, ls, ll, lf, lm: the first four by initials are 林峰, 罗兰, 李明, 李四, then
    # ranked by length and code. By id (刘一, 李四, …) the answer would start with 刘一.
    assert names(admin_ctx, "l", limit=2) == ["李四", "罗兰"]
    assert names(admin_ctx, "L") == ["刘一", "李四", "罗兰", "林峰", "李明"]


def test_three_or_more_characters_keep_the_first_by_id(admin_ctx: Context) -> None:
    for i, name in enumerate(("欧阳娜娜", "司马光明", "诸葛亮明", "上官婉儿", "张三")):
        new(admin_ctx, name, mobile=f"13{i}55512345")
    # The first four by id, all four characters long, ranked by code; 张三 (shorter, so
    # ranked first had it been kept) is fifth.
    assert names(admin_ctx, "5551", limit=2) == ["欧阳娜娜", "司马光明"]
    assert names(admin_ctx, "55512") == ["张三", "欧阳娜娜", "司马光明", "诸葛亮明", "上官婉儿"]


# --- Each route on an index ------------------------------------------------------------------

ROWS = 20_000
NOW = datetime(2026, 11, 24, 2, tzinfo=UTC)


def _fill(db: Database) -> list[str]:
    """``ROWS`` patients in one insert, as the benchmark makes them; their names."""
    rng = random.Random(7)
    rows, made = [], []
    for i in range(1, ROWS + 1):
        name = rng.choice(SURNAMES) + "".join(
            rng.choice(GIVEN_M + GIVEN_F) for _ in range(rng.choice((1, 2))))
        keys = search_keys(name)
        made.append(name)
        rows.append({"id": i, "code": f"P{i:06d}", "name": name, "name_pinyin": keys.full,
                     "name_initials": keys.initials, "sex": None,
                     "birth_date": date(1950, 1, 1) + timedelta(days=rng.randrange(25000)),
                     "mobile": rng.choice(PREFIXES) + f"{rng.randrange(10**8):08d}",
                     "created_at": NOW, "updated_at": NOW, "notes": "", "archived": False,
                     "birth_date_approximate": False, "member_points": 0, "version": 1})
    with db.session(write=True) as session:
        session.execute(insert(Patient).execution_options(render_nulls=True), rows)
    if not db.is_sqlite:
        # What autovacuum does within a minute of such an insert: the planner's figures, and
        # the GIN indexes' pending entries merged (until then the planner rightly prefers a
        # scan of the table to a scan of every pending entry).
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE patient")
    return made


def _plans(db: Database, query: str) -> str:
    """The plans of the statements ``search_in`` runs for ``query`` to find candidates."""
    seen: list[tuple[str, object]] = []

    def keep(_conn: Connection, _cursor: object, statement: str, parameters: object,
             _context: object, _many: bool) -> None:
        if statement.startswith(("SELECT patient.id \nFROM", "WITH found",
                                 "SELECT rowid FROM patient_fts")):
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        with db.session() as session:
            search_in(session, query)
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    assert seen, query
    explain = "EXPLAIN QUERY PLAN " if db.is_sqlite else "EXPLAIN (COSTS OFF) "
    with db.engine.connect() as connection:
        return "\n".join(
            " ".join(str(cell) for cell in row)
            for statement, parameters in seen
            for row in connection.exec_driver_sql(explain + statement, parameters))  # type: ignore[arg-type]


def test_each_route_runs_on_an_index(database: Database) -> None:
    made = _fill(database)
    person = next(name for name in made if len(name) == 3)
    keys = search_keys(person)
    with database.session() as session:
        mobile = session.get(Patient, made.index(person) + 1).mobile  # type: ignore[union-attr]
    sqlite = database.is_sqlite
    routes = {  # query -> what its plan must name, SQLite / PostgreSQL
        person: ("patient_fts VIRTUAL TABLE", "patient_search_name_trgm"),
        mobile[3:8]: ("patient_fts VIRTUAL TABLE", "patient_search_mobile_trgm"),
        person[:1]: ("COVERING INDEX ix_patient_name_birth", "patient_search_name_grams"),
        person[1:3]: ("COVERING INDEX ix_patient_name_birth", "patient_search_name_grams"),
        keys.initials[:2]: ("ix_patient_name_initials", "patient_search_initials"),
        keys.full[:6]: ("ix_patient_name_pinyin", "patient_search_pinyin"),
    }
    for query, (on_sqlite, on_postgresql) in routes.items():
        plan = _plans(database, query)
        assert (on_sqlite if sqlite else on_postgresql) in plan, (query, plan)
        if sqlite:  # the order asked for is the index's own: no sorting, no table scan
            assert "TEMP B-TREE" not in plan and "SCAN patient\n" not in plan + "\n", plan
        else:
            assert "Seq Scan" not in plan, (query, plan)


def test_the_search_indexes_are_postgresqls_only(database: Database) -> None:
    with database.engine.connect() as connection:
        indexes = {ix["name"] for ix in inspect(connection).get_indexes("patient")}
    assert indexes & SEARCH_INDEXES == (set() if database.is_sqlite else SEARCH_INDEXES)


# --- PostgreSQL: the migration --------------------------------------------------------------


def _search_objects(connection: Connection) -> tuple[set[str], bool]:
    indexes = set(connection.execute(text(
        "SELECT indexname FROM pg_indexes WHERE tablename = 'patient' "
        "AND indexname LIKE 'patient_search%'")).scalars())
    grams = connection.execute(text(
        "SELECT count(*) FROM pg_proc WHERE proname = 'patient_search_grams'")).scalar_one()
    return indexes, bool(grams)


@pytest.mark.postgresql
def test_downgrade_drops_the_search_objects_and_upgrade_makes_them_again(pg_url: str) -> None:
    db = open_database(url=pg_url)
    try:
        with db.engine.begin() as connection:
            assert _search_objects(connection) == (SEARCH_INDEXES, True)
            config = alembic_config(connection)
            command.downgrade(config, "20261212_23")
            assert _search_objects(connection) == (set(), False)
            command.upgrade(config, "head")  # the extension is kept: nothing to create
            assert _search_objects(connection) == (SEARCH_INDEXES, True)
    finally:
        db.close()


@pytest.fixture
def login_without_create(pg_server: pg.PgServer) -> Iterator[tuple[str, str]]:
    """A login that may create tables in a new database but not extensions (its owner is
    another), as a server's administrator may hand out; (its URL, the database's name)."""
    role = f"clinic_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_server.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        allowed = connection.execute(text(
            "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user"))
        if not allowed.scalar_one():
            pytest.skip("the test server's login may not create roles")
        connection.execute(text(f"CREATE ROLE {role} LOGIN"))
    name = pg_server.create_database()
    database_admin = create_engine(pg_server.url_for(name), isolation_level="AUTOCOMMIT")
    with database_admin.connect() as connection:
        connection.execute(text(f"GRANT CREATE ON SCHEMA public TO {role}"))
    database_admin.dispose()
    try:
        yield (make_url(pg_server.url_for(name)).set(username=role)
               .render_as_string(hide_password=False), name)
    finally:
        pg_server.drop_database(name)
        with admin.connect() as connection:
            connection.execute(text(f"DROP ROLE {role}"))
        admin.dispose()


@pytest.mark.postgresql
def test_a_login_that_may_not_create_pg_trgm_is_told_the_one_line_to_run(
    login_without_create: tuple[str, str], pg_server: pg.PgServer
) -> None:
    url, name = login_without_create
    with pytest.raises(UpgradeFailed) as refused:
        open_database(url=url)
    assert f"在数据库 {name} 中执行一次：CREATE EXTENSION pg_trgm;" in str(refused.value)
    assert "数据库未被改动" in str(refused.value)

    superuser = create_engine(pg_server.url_for(name), isolation_level="AUTOCOMMIT")
    with superuser.connect() as connection:
        assert not inspect(connection).get_table_names()  # nothing was left half made
        connection.execute(text("CREATE EXTENSION pg_trgm"))
    superuser.dispose()
    db = open_database(url=url)
    try:
        with db.engine.connect() as connection:
            assert _search_objects(connection) == (SEARCH_INDEXES, True)
    finally:
        db.close()
