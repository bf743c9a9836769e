"""A server clinic keeps its audit chain's head in the ``audit_head`` row: moved in the same
transaction as each entry, anchored by the upgrade that creates it, so deleting the newest
entries (by the database's owner, who can switch the append-only trigger off) is found, as
the file beside an SQLite database finds it."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import text

from clinic_desktop.context import Context
from clinic_desktop.services import chairs
from clinic_desktop.services.audit import ChainReport, verify_chain
from clinic_desktop.storage.audit_trail import server_head
from clinic_desktop.storage.database import Database, open_database
from clinic_desktop.storage.migrate import alembic_config
from tests.conftest import FIXED_NOW
from tests.pg import PgServer
from tests.unit.test_audit_chain import past_the_app

pytestmark = [pytest.mark.postgresql, pytest.mark.parametrize("db_engine", ["postgresql"])]


@pytest.fixture
def server_admin(admin_ctx: Context) -> Context:
    """A set-up clinic on the test server (the row is a server's)."""
    return admin_ctx


def _report(db: Database) -> ChainReport:
    with db.session() as session:
        return verify_chain(session, db.audit_trail)


def _tail(db: Database) -> tuple[int, str]:
    with db.engine.connect() as connection:
        row = connection.execute(text(
            "SELECT id, hash FROM audit_entry ORDER BY id DESC LIMIT 1")).one()
    return row.id, row.hash


def _head(db: Database) -> tuple[int, str] | None:
    with db.session() as session:
        head = server_head(session)
    return (head.last_id, head.hash) if head is not None else None


def test_the_head_moves_with_every_entry_in_its_transaction(server_admin: Context) -> None:
    db = server_admin.db
    chairs.add_chair(server_admin, name="1号椅位")
    assert _head(db) == _tail(db)
    chairs.add_chair(server_admin, name="2号椅位")
    assert _head(db) == _tail(db) and _report(db).ok
    before = _head(db)
    with pytest.raises(RuntimeError), server_admin.transaction(write=True) as session:
        server_admin.audit(session, "chair.add", "chair", None, "撤销的")
        raise RuntimeError("the write fails after its entry")
    assert _head(db) == before == _tail(db)


def test_a_head_moved_back_or_removed_is_found(server_admin: Context) -> None:
    db = server_admin.db
    for n in range(3):
        chairs.add_chair(server_admin, name=f"{n + 1}号椅位")
    with past_the_app(server_admin) as connection:  # the owner shortens the chain to fit
        connection.execute(text("DELETE FROM audit_entry WHERE id = (SELECT max(id) FROM "
                                "audit_entry)"))
        connection.execute(text(
            "UPDATE audit_head SET last_id = t.id, hash = t.hash FROM (SELECT id, hash FROM "
            "audit_entry ORDER BY id DESC LIMIT 1) AS t"))
    assert any("服务器上审计日志的链头被改动过" in f for f in _report(db).findings)
    with past_the_app(server_admin) as connection:
        connection.execute(text("DELETE FROM audit_head"))
    assert any("链头不见了" in f for f in _report(db).findings)


def test_the_owner_deleting_the_newest_entries_is_found(server_admin: Context) -> None:
    db = server_admin.db
    for n in range(3):
        chairs.add_chair(server_admin, name=f"{n + 1}号椅位")
    last_id, _hash = _tail(db)
    with past_the_app(server_admin) as connection:
        connection.execute(text("DELETE FROM audit_entry WHERE id >= :id"), {"id": last_id - 1})
    report = _report(db)
    assert any(f"应至少到第 {last_id} 条" in f for f in report.findings), report.findings


def test_the_upgrade_that_creates_the_row_anchors_it(server_admin: Context, pg_server: PgServer
                                                     ) -> None:
    db = server_admin.db
    chairs.add_chair(server_admin, name="1号椅位")
    tail = _tail(db)
    url = db.engine.url.render_as_string(hide_password=False)
    with db.engine.begin() as connection:  # the clinic as it was before revision 27
        config = alembic_config(connection)
        command.downgrade(config, "20261212_26")
    db.close()
    upgraded = open_database(url=url, now=FIXED_NOW, upgrade_without_backup=True)
    try:
        assert _head(upgraded) == tail
        assert _report(upgraded).ok
    finally:
        upgraded.close()


def test_a_login_granted_before_the_row_existed_may_move_it(server_admin: Context,
                                                            pg_server: PgServer) -> None:
    db = server_admin.db
    url = db.engine.url.render_as_string(hide_password=False)
    with db.engine.begin() as connection:
        config = alembic_config(connection)
        command.downgrade(config, "20261212_26")
        connection.execute(text("CREATE ROLE early_desk"))
        connection.execute(text("GRANT SELECT, INSERT ON audit_entry TO early_desk"))
    db.close()
    upgraded = open_database(url=url, now=FIXED_NOW, upgrade_without_backup=True)
    try:
        with upgraded.engine.connect() as connection:
            granted = set(connection.execute(text(
                "SELECT privilege_type FROM information_schema.role_table_grants "
                "WHERE table_name = 'audit_head' AND grantee = 'early_desk'")).scalars())
            connection.execute(text("DROP OWNED BY early_desk"))
            connection.commit()
    finally:
        upgraded.close()
        pg_server._admin("DROP ROLE early_desk")  # noqa: SLF001 - the test's own server
    assert granted == {"SELECT", "INSERT", "UPDATE"}
