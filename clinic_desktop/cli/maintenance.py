"""Commands that look after the clinic's database: ``init``, ``demo``, ``check``, ``gui``."""

from __future__ import annotations

import importlib

from clinic_desktop.cli.base import EXIT_FINDINGS, EXIT_OK, Invocation
from clinic_desktop.errors import EnvironmentProblem, UserError
from clinic_desktop.i18n import _
from clinic_desktop.lockfile import InstanceLock


def cmd_init(run: Invocation) -> int:
    with InstanceLock(run.data_dir.ensure().lock_file):
        db = run.open_for_writing()
        try:
            if db.backup_taken:
                run.print(_("已备份旧数据库到 {path}", path=db.backup_taken))
        finally:
            db.close()
    run.print(_("数据库已就绪：{path}", path=run.data_dir.database))
    return EXIT_OK


def cmd_demo(run: Invocation) -> int:
    from clinic_desktop.demo import DEMO_ADMIN_PASSWORD, DEMO_ADMIN_USERNAME, seed_demo
    from clinic_desktop.services.auth import needs_setup

    args = run.args
    if args.patients < 0:
        raise UserError(_("--patients 不能为负数。"), field="patients")
    with InstanceLock(run.data_dir.ensure().lock_file):
        db = run.open_for_writing()
        try:
            if not needs_setup(db):
                if args.if_missing:
                    return EXIT_OK
                raise EnvironmentProblem(
                    _("数据文件夹 {path} 已有诊所数据；演示诊所只能建在空文件夹中。",
                      path=run.data_dir.root)
                )
            summary = seed_demo(db, seed=args.seed, patients=args.patients, clock=run.clock)
        finally:
            db.close()
    run.print(
        _("演示诊所已创建：{staff} 名员工，{chairs} 个椅位/诊室，{patients} 位患者。"
          "登录：{user} / {password}", staff=summary.staff, chairs=summary.chairs,
          patients=summary.patients, user=DEMO_ADMIN_USERNAME, password=DEMO_ADMIN_PASSWORD)
    )
    return EXIT_OK


def cmd_check(run: Invocation) -> int:
    from clinic_desktop.services.audit import integrity_check, verify_chain

    db = run.open_read_only()
    try:
        with db.session() as session:
            problems = integrity_check(session)
            chain = verify_chain(session)
    finally:
        db.close()
    for line in problems:
        run.print(_("数据库完整性问题：{line}", line=line))
    if chain.ok:
        run.print(_("审计日志完整：{n} 条记录，哈希链无误。", n=chain.entries))
    else:
        run.print(_("审计日志第 {id} 条记录被改动（{problem}）。", id=chain.first_bad_id,
                    problem=chain.problem))
    return EXIT_OK if chain.ok and not problems else EXIT_FINDINGS


def cmd_gui(run: Invocation) -> int:
    # The core never depends on the GUI: the ``ui`` package is loaded by name, only here, so
    # headless commands never import Qt and a core-only install still runs them.
    try:
        gui = importlib.import_module("ui.app")
    except ImportError as exc:
        raise EnvironmentProblem(_("图形界面未安装或无法加载：{reason}", reason=exc)) from exc
    result: int = gui.run_gui(
        data_dir=run.data_dir, demo=bool(getattr(run.args, "demo", False)),
        language=getattr(run.args, "lang", None), clock=run.clock,
    )
    return result
