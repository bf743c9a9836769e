"""Patient search on PostgreSQL through indexes: pg_trgm for substrings, two more for the rest

On SQLite the search box runs on an FTS5 trigram index and the pinyin indexes (migration 02).
On PostgreSQL it fell back to ``LIKE '%x%'`` over five columns, a scan of every patient per
keystroke (over 100,000 patients p50 ~30 ms, p99 ~80 ms; the goal is a p99 under 10 ms).
This revision gives PostgreSQL an index for each of the search's routes
(``services/patient_search.py``):

* 3+ characters of a code, name, mobile, second phone or ID number: a GIN ``gin_trgm_ops``
  index per column (the ``pg_trgm`` extension), which ``ILIKE '%x%'`` uses;
* 1–2 characters of a name (trigrams cannot hold them): a GIN index over each name's one- and
  two-character pieces, ASCII letters lower-cased (``patient_search_grams``), queried with
  ``@>``;
* pinyin and initials prefixes: btree indexes in code-point order (``COLLATE "C"``) with the
  id, so the range and its order are SQLite's whatever collation the server's database has.

PostgreSQL only; nothing changes on SQLite. The objects are named ``patient_search_*`` and,
like SQLite's ``patient_fts``, are kept by hand here rather than in the models.

``pg_trgm`` ships with PostgreSQL (Debian's ``postgresql`` package; ``postgresql-contrib``
elsewhere) and is a trusted extension from PostgreSQL 13 on, so the database's owner (the
README's set-up) may create it. A login that may not stops the upgrade with the one line a
superuser runs, and changes nothing: an upgrade that left search without its indexes would
slow every keystroke on every workstation without anyone knowing why. Downgrading drops the
indexes and the function and leaves the extension (a superuser may have created it, and it
holds no data).

Revision ID: 20261212_24
Revises: 20261212_23
Create Date: 2026-12-12 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261212_24"
down_revision = "20261212_23"
branch_labels = None
depends_on = None

_TRIGRAM_COLUMNS = ("code", "name", "mobile", "phone2", "id_number")

# Every substring of one and two characters of a name, ASCII letters lower-cased (SQLite's
# LIKE ignores their case and only theirs). IMMUTABLE because an index expression must be;
# PL/pgSQL because the same in plain SQL (a set-returning subquery) costs twice as much a row.
_GRAMS_FUNCTION = """
CREATE FUNCTION patient_search_grams(name text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    folded text := translate(name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz');
    pieces text[] := '{}';
BEGIN
    FOR i IN 1 .. length(folded) LOOP
        -- the character and the two from it (at the end, the last character again)
        pieces := pieces || substr(folded, i, 1) || substr(folded, i, 2);
    END LOOP;
    RETURN pieces;
END
$$
"""

# A GIN index keeps new entries in a pending list that every search reads whole until
# vacuum (or a full list) merges it. At the default 4 MB, searching 100,000 patients just
# imported took ~95 ms a query (p99 ~160 ms) until autovacuum came; at 256 kB, ~4 ms, and
# inserting them took as long (without a list, fastupdate off: about 2.5 times as long).
_GIN = "WITH (gin_pending_list_limit = 256)"

_INDEXES = {
    **{f"patient_search_{column}_trgm": f"USING gin ({column} gin_trgm_ops) {_GIN}"
       for column in _TRIGRAM_COLUMNS},
    "patient_search_name_grams": f"USING gin (patient_search_grams(name)) {_GIN}",
    "patient_search_initials": '(name_initials COLLATE "C", id)',
    "patient_search_pinyin": '(name_pinyin COLLATE "C", id)',
}

# SQLSTATE insufficient_privilege: this login may not create extensions in this database.
_NOT_ALLOWED = "42501"


def _create_trigram_extension(bind: sa.Connection) -> None:
    if bind.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).first():
        return
    from clinic_desktop.errors import EnvironmentProblem
    from clinic_desktop.i18n import _

    database = bind.execute(sa.text("SELECT current_database()")).scalar_one()
    available = bind.execute(sa.text(
        "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).first()
    if not available:
        raise EnvironmentProblem(_(
            "PostgreSQL 服务器缺少患者搜索所需的 pg_trgm 扩展：请在服务器上安装 PostgreSQL 的 "
            "contrib 模块（Debian/Ubuntu 的 postgresql 软件包已含；其他系统为 "
            "postgresql-contrib），然后由超级用户在数据库 {database} 中执行一次："
            "CREATE EXTENSION pg_trgm;", database=database))
    try:
        bind.execute(sa.text("CREATE EXTENSION pg_trgm"))
    except sa.exc.DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) != _NOT_ALLOWED:
            raise
        raise EnvironmentProblem(_(
            "患者搜索需要 PostgreSQL 的 pg_trgm 扩展，而当前登录无权创建它。请由超级用户在数据库 "
            "{database} 中执行一次：CREATE EXTENSION pg_trgm;（例如 sudo -u postgres psql -d "
            "{database} -c \"CREATE EXTENSION pg_trgm;\"），然后重新打开 Clinic Desktop。",
            database=database)) from exc


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    _create_trigram_extension(bind)
    op.execute(_GRAMS_FUNCTION)
    for name, definition in _INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON patient {definition}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in _INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.execute("DROP FUNCTION IF EXISTS patient_search_grams(text)")
