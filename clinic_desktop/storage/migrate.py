"""Schema upgrades through Alembic, with a backup first and a refusal of newer schemas.

Alembic itself is imported only when an upgrade runs: on an ordinary start the schema is at
head, and finding that out needs only the revision ids written in the scripts and the one in
the database's ``alembic_version`` table (importing Alembic cost about a quarter of a second
of every start)."""

from __future__ import annotations

import logging
import re
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

from clinic_desktop.errors import SchemaTooNew, UpgradeFailed
from clinic_desktop.i18n import _
from clinic_desktop.package_data import migrations_dir
from clinic_desktop.storage.audit_trail import head_path_for
from clinic_desktop.storage.sqlite_files import connect_file, key_for

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from alembic.config import Config

log = logging.getLogger(__name__)
UPGRADE_LOCK = 0x636C7570  # "clup": held by the transaction that upgrades a server's schema
_REVISION = re.compile(r'^revision\s*=\s*["\']([^"\']+)["\']', re.MULTILINE)
_DOWN = re.compile(r'^down_revision\s*=\s*(?:["\']([^"\']+)["\']|None)', re.MULTILINE)


@dataclass(frozen=True)
class SchemaState:
    current: str | None
    head: str
    known: bool

    @property
    def pending(self) -> bool:
        return self.current != self.head


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for this package's scripts; with ``connection``, the scripts
    run on it (inside its transaction) rather than on a connection of their own."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def script_revisions() -> dict[str, str | None]:
    """revision → the revision it follows, as the scripts in ``db/versions`` write them
    (empty when they cannot be read as text, e.g. a bundle holding only compiled files)."""
    folder = migrations_dir()
    key = str(folder)
    if key not in _READ:
        _READ[key] = _revisions_in(folder)
    return dict(_READ[key])


_READ: dict[str, dict[str, str | None]] = {}  # per scripts folder: they never change in a run


def _revisions_in(folder: Traversable) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    scripts = [p for p in (folder / "versions").iterdir() if p.name.endswith(".py")]
    for path in sorted(scripts, key=lambda p: p.name):
        source = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(source), _DOWN.search(source)
        if revision and down:
            found[revision.group(1)] = down.group(1)
    return found


def head_revision() -> str:
    revisions = script_revisions()
    heads = set(revisions) - set(revisions.values())
    if len(heads) == 1:
        return heads.pop()
    from alembic.script import ScriptDirectory  # scripts unreadable as text: ask Alembic

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the migration scripts have no head"
    return head


def current_revision(connection: Connection) -> str | None:
    """The database's schema revision; None for an empty database."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def schema_state(connection: Connection) -> SchemaState:
    head = head_revision()
    current = current_revision(connection)
    known = current is None or current in script_revisions()
    if current is not None and not known and not script_revisions():
        from alembic.script import ScriptDirectory

        try:
            known = ScriptDirectory.from_config(alembic_config()).get_revision(
                current) is not None
        except Exception:  # alembic raises its own lookup errors for unknown revisions
            known = False
    return SchemaState(current=current, head=head, known=known)


def backup_sqlite(path: Path, backup_dir: Path, *, reason: str, stamp: datetime) -> Path:
    """Copy a live SQLite file consistently (sqlite3 backup API, WAL included), with the audit
    chain's head beside it so the copy's chain can be checked for truncation later."""
    backup_dir.mkdir(parents=True, exist_ok=True)
    target = backup_dir / f"{path.stem}-{stamp:%Y%m%d-%H%M%S}-{reason}{path.suffix}"
    source = connect_file(path)
    try:
        dest = connect_file(target, key=key_for(path))  # a backup keeps its file's encryption
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()
    head = head_path_for(path)
    if head.exists():
        shutil.copyfile(head, head_path_for(target))
    return target


def _run_upgrade(engine: Engine) -> None:
    """Every pending migration in one transaction: all of them land, or none.

    SQLite's own procedure for schema changes that rebuild tables: foreign keys off (a PRAGMA
    that only works outside a transaction), the changes, ``foreign_key_check`` before commit,
    foreign keys back on."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            connection.connection.driver_connection.execute(  # type: ignore[union-attr]
                "PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                from alembic import command

                if not sqlite:
                    # Two workstations starting the new version at once: one upgrades, the
                    # other waits here and then finds the schema at head (Alembic re-reads it).
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                       {"key": UPGRADE_LOCK})

                    heading = not inspect(connection).has_table("audit_head")

                config = alembic_config(connection)
                command.upgrade(config, "head")
                if not sqlite and heading:
                    _anchor_audit_head(connection)
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"foreign key check failed: {broken[:5]}")
        finally:
            if sqlite:
                connection.connection.driver_connection.execute(  # type: ignore[union-attr]
                    "PRAGMA foreign_keys=ON")


def _anchor_audit_head(connection: Connection) -> None:
    """The upgrade that creates a server's ``audit_head`` writes its first row in the same
    transaction: no moment exists in which the chain has entries and no head (which anyone
    could then fill with a shortened chain's). It needs this workstation's audit key."""
    from clinic_desktop.audit_keys import AuditKeyStore
    from clinic_desktop.storage.audit_trail import anchor_server_head, clinic_id_in

    clinic_id = clinic_id_in(connection)
    if clinic_id is not None:
        head = anchor_server_head(connection, AuditKeyStore(clinic_id))
        if head is not None:
            log.info("audit chain head anchored at entry %s", head.last_id)


def upgrade_to_head(
    engine: Engine, *, sqlite_path: Path | None, backup_dir: Path | None, stamp: datetime,
    without_backup: bool = False,
) -> Path | None:
    """Bring the schema to head; returns the backup taken, if any. A server database is
    dumped first (``server_backup``) unless ``without_backup`` confirms one was taken."""
    with engine.connect() as connection:
        state = schema_state(connection)
    if not state.known:
        raise SchemaTooNew(
            _(
                "数据库由更新版本的 Clinic Desktop 创建（结构版本 {rev}），本程序无法打开。"
                "请安装新版本；文件未被改动。",
                rev=state.current,
            )
        )
    if not state.pending:
        return None
    backup: Path | None = None
    if state.current is not None and sqlite_path is not None and backup_dir is not None:
        backup = backup_sqlite(sqlite_path, backup_dir, reason="pre-upgrade", stamp=stamp)
        log.info("backed up %s to %s before upgrading schema", sqlite_path, backup)
    elif state.current is not None and engine.dialect.name == "postgresql":
        if without_backup:
            log.warning("upgrading the server database from %s without a backup (confirmed)",
                        state.current)
        else:
            from clinic_desktop.storage.server_backup import dump_before_upgrade

            backup = dump_before_upgrade(engine, backup_dir, stamp=stamp,
                                         revision=state.current)
    try:
        _run_upgrade(engine)
    except Exception as exc:
        log.exception("schema upgrade from %s to %s failed", state.current, state.head)
        if state.current is None:
            raise UpgradeFailed(_(
                "无法创建数据库结构（{reason}），数据库未被改动。", reason=exc)) from exc
        raise UpgradeFailed(_(
            "数据库结构升级失败（{reason}）。数据库保持升级前的样子（结构版本 {rev}）；"
            "升级前的备份：{backup}。", reason=exc, rev=state.current,
            backup=backup or "-")) from exc
    log.info("schema upgraded from %s to %s", state.current, state.head)
    return backup
