"""``audit-key export FILE`` / ``audit-key import FILE``: one audit key for every workstation.

The audit chain is signed with a key kept outside the database, per workstation (keyring or
a private key file). On a server that several workstations share, each would otherwise make
its own, and every other workstation would find their entries "unverifiable". An administrator
exports the key once and imports it on each workstation; the file is the key in plain text:
written readable by its owner only, carried on a USB stick, deleted afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable
from pathlib import Path

from clinic_desktop.cli.base import EXIT_OK, Command, Invocation
from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _


def add_parsers(sub: argparse._SubParsersAction,  # type: ignore[type-arg]
                common: Callable[[argparse.ArgumentParser], None]) -> dict[str, Command]:
    key = sub.add_parser("audit-key", help="carry the clinic's audit key to another "
                         "workstation (export on one, import on each other)")
    key.add_argument("action", choices=["export", "import"])
    key.add_argument("file", metavar="FILE", help="the key file (plain text: delete it after)")
    common(key)
    return {"audit-key": cmd_audit_key}


def cmd_audit_key(run: Invocation) -> int:
    path = Path(run.args.file).expanduser()
    db = run.open_read_only()
    try:
        with db.session() as session:
            store = db.audit_trail.keys(session, create=run.args.action == "export")
    finally:
        db.close()
    if store is None:
        raise UserError(_("这个数据库还没有审计记录，没有可导入密钥的诊所。"), field="file")
    if run.args.action == "export":
        data = json.dumps(store.exported())
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(data)
        run.print(_("已导出审计密钥到 {path}（只有本人可读）。在每台工作站运行 clinic-desktop "
                    "audit-key import {path}，然后删除这个文件。", path=path))
        return EXIT_OK
    try:
        exported = json.loads(path.read_text(encoding="utf-8"))
        added = store.take(exported if isinstance(exported, dict) else {})
    except FileNotFoundError as exc:
        raise UserError(_("找不到密钥文件 {path}。", path=path), field="file") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise UserError(_("{path} 不是这家诊所的审计密钥文件。", path=path),
                        field="file") from exc
    run.print(_("已导入审计密钥（新增 {n} 个）：这台工作站与其他工作站用同一密钥签名和校验。",
                n=added))
    return EXIT_OK
