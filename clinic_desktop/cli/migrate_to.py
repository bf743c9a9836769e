"""``migrate-to URL``: move this data folder's clinic onto an empty PostgreSQL database.

The SQLite clinic is read with the data folder locked (the app cannot write meanwhile), its
audit chain and balances checked first; the copy is one transaction on the server
(``storage.copy_clinic``), checked again there before it commits: row counts, every money and
number column's total, the audit chain, the loyalty balances. Attachments go to a folder every
workstation reaches (``--attachments``), named in the clinic's settings; files sealed with the
SQLite database's key are written there plain, as the server's other data is (its disk and
share permissions protect them). The SQLite folder is left as it was: it is the way back.
"""

from __future__ import annotations

import argparse
import hashlib
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from clinic_desktop.cli.base import EXIT_OK, Command, Invocation, read_secret
from clinic_desktop.errors import EnvironmentProblem, UserError
from clinic_desktop.i18n import _
from clinic_desktop.storage.audit_trail import AuditTrail, anchor_server_head
from clinic_desktop.storage.copy_clinic import CopyRefused, copy_clinic
from clinic_desktop.storage.database import Database
from clinic_desktop.storage.server import connection_url, parse, shown


def add_parsers(sub: argparse._SubParsersAction,  # type: ignore[type-arg]
                common: Callable[[argparse.ArgumentParser], None]) -> dict[str, Command]:
    move = sub.add_parser(
        "migrate-to", help="copy this data folder's clinic into an EMPTY PostgreSQL database "
        "(checked: row counts, totals, audit chain, balances); the folder is left unchanged")
    move.add_argument("url", metavar="URL", help="postgresql://user@host[:port]/database")
    move.add_argument("--attachments", metavar="FOLDER",
                      help="a shared folder every workstation reaches, for the clinic's "
                      "attachments (required when the clinic has any)")
    move.add_argument("--password-file", metavar="FILE",
                      help="the database password (first line); default: the URL, the keyring "
                      "(see 'connect') or ~/.pgpass")
    common(move)
    return {"migrate-to": cmd_migrate_to}


def cmd_migrate_to(run: Invocation) -> int:
    from clinic_desktop.services.attachments import SHARED_FOLDER_SETTING
    from clinic_desktop.services.audit import verify_chain
    from clinic_desktop.services.clinic import write_setting
    from clinic_desktop.services.loyalty.balances import check_balances_in
    from clinic_desktop.storage.models.engagement import Attachment

    if run.on_server:
        raise EnvironmentProblem(_(
            "migrate-to 把数据文件夹中的 SQLite 诊所复制到服务器：请不要同时给出 --database-url"
            "（服务器地址写在 migrate-to 后面）。"))
    target = _target_url(run)
    shared = Path(run.args.attachments).expanduser().resolve() if run.args.attachments else None
    with run.lock():
        source = run.open_read_only()
        try:
            with source.session() as session:
                chain = verify_chain(session, source.audit_trail)
                drift = check_balances_in(session)
                attachments = list(session.execute(select(Attachment.sha256).distinct())
                                   .scalars())
            if not chain.ok:
                raise EnvironmentProblem(_(
                    "原库的审计日志校验未通过，没有复制：{finding}"
                    "（运行 clinic-desktop check 查看）",
                    finding=(chain.findings or (chain.problem or "",))[0]))
            if drift:
                raise EnvironmentProblem(_("原库的余额与明细不符，没有复制：{finding}",
                                           finding=drift[0]))
            if attachments and shared is None:
                raise UserError(_(
                    "这家诊所有 {n} 个附件：请用 --attachments 给出各工作站都能访问的共享文件夹。",
                    n=len(attachments)), field="attachments")
            if shared is not None:
                run.print(_("正在复制附件到 {folder}……", folder=shared))
                _copy_attachments(source, attachments, shared)

            def finish(session: Session) -> int:
                copied = verify_chain(session, AuditTrail(None))
                if not copied.ok or copied.entries != chain.entries:
                    raise CopyRefused(_("复制后的审计日志校验未通过，已撤销：{finding}",
                                        finding=(copied.findings or ("-",))[0]))
                store = source.audit_trail.keys(session, create=False)
                if store is not None:  # the clinic id was copied with the settings
                    anchor_server_head(session, store)
                balances = check_balances_in(session)
                if balances:
                    raise CopyRefused(_("复制后的余额与明细不符，已撤销：{finding}",
                                        finding=balances[0]))
                if shared is not None:
                    write_setting(session, SHARED_FOLDER_SETTING, str(shared))
                return copied.entries

            engine = create_engine(connection_url(target), future=True)
            try:
                report = copy_clinic(source.engine, engine, finish=finish,
                                     report=_printer(run))
            finally:
                engine.dispose()
        finally:
            source.close()
    where = shown(target)
    run.print(_("已复制到 {url}：{tables} 张表，{rows} 行；{sums} 项合计与原库一致；审计日志 "
                "{entries} 条，哈希链无误；余额核对无误。", url=where, tables=len(report.tables),
                rows=report.rows, sums=report.sums_checked, entries=report.audit_entries))
    run.print(_("原数据文件夹 {folder} 没有改动（可作为退路，请不要再在其中录入）。",
                folder=run.data_dir.root))
    run.print(_("每台工作站：运行 clinic-desktop connect {url} 保存密码，然后设置环境变量 "
                "CLINIC_DESKTOP_DATABASE_URL={url}（或启动时加 --database-url {url}）；"
                "审计密钥：在这台电脑运行 clinic-desktop audit-key export 文件，"
                "在每台工作站运行 clinic-desktop audit-key import 文件。", url=where))
    return EXIT_OK



def _target_url(run: Invocation) -> str:
    url = parse(run.args.url)
    if run.args.password_file:
        password = read_secret(run.args.password_file, prompt="", no_terminal="",
                               confirm=False)
        url = url.set(password=password or None)
    return url.render_as_string(hide_password=False)


def _copy_attachments(source: Database, hashes: list[str], shared: Path) -> None:
    """Each attachment file into the shared folder, plain, checked against its hash."""
    from clinic_desktop.services.attachments import blob_path
    from clinic_desktop.storage.blob_crypto import read_blob, write_blob

    if source.data_dir is None:
        return
    missing = []
    for sha in hashes:
        stored = blob_path(source.data_dir.attachments, sha)
        if not stored.exists():
            missing.append(sha)
            continue
        content = read_blob(stored, source.attachment_keys)
        if hashlib.sha256(content).hexdigest() != sha:
            raise EnvironmentProblem(_("附件文件 {path} 的内容与记录不符，没有复制。",
                                       path=stored))
        target = blob_path(shared, sha)
        if not target.exists():
            write_blob(target, content, None)
    if missing:
        raise EnvironmentProblem(_("数据文件夹里缺少 {n} 个附件文件（例如 {sha}），没有复制。",
                                   n=len(missing), sha=missing[0][:12]))


def _printer(run: Invocation) -> Callable[[str, int, int], None]:
    def report(table: str, done: int, total: int) -> None:
        if done == total and total:
            run.print(_("  {table}：{n} 行", table=table, n=total))

    return report

