"""Commands that look after the clinic's database: ``init``, ``setup``, ``demo``, ``check``,
``gui``."""

from __future__ import annotations

import importlib

from clinic_desktop.cli.base import EXIT_FINDINGS, EXIT_OK, Invocation, read_secret
from clinic_desktop.cli.encryption import new_clinic_key
from clinic_desktop.errors import DatabaseUnusable, EnvironmentProblem, UserError
from clinic_desktop.i18n import _
from clinic_desktop.storage.soundness import Soundness, quick_check
from clinic_desktop.storage.transactions import damaged_sentence


def cmd_init(run: Invocation) -> int:
    with run.lock():
        db = run.open_for_writing(key=new_clinic_key(run))
        try:
            if db.backup_taken:
                run.print(_("已备份旧数据库到 {path}", path=db.backup_taken))
        finally:
            db.close()
    run.print(_("数据库已就绪：{path}", path=run.where if run.on_server
                else run.data_dir.database))
    return EXIT_OK


def cmd_setup(run: Invocation) -> int:
    """What the first-run dialog does, from the command line: the clinic's settings, its
    catalogue, care plans and message templates, and the first administrator."""
    from clinic_desktop.services.auth import needs_setup, setup_clinic
    from clinic_desktop.services.care import ensure_default_plans
    from clinic_desktop.services.messages import ensure_default_templates

    args = run.args
    with run.lock():
        # A new clinic's password is read before its key is made: a wrong password file
        # leaves no key behind for a clinic that was never created.
        password = _setup_password(args.password_file) if needs_setup_at(run) else None
        db = run.open_for_writing(key=new_clinic_key(run))
        try:
            if not needs_setup(db):
                raise EnvironmentProblem(_("{path} 中的诊所已经设置过了；setup 只用于新的"
                                           "数据文件夹。", path=run.where))
            if password is None:
                password = _setup_password(args.password_file)
            actor = setup_clinic(db, clinic_name=args.clinic_name, timezone=args.timezone,
                                 admin_username=args.admin,
                                 admin_display_name=args.admin_name or _("管理员"),
                                 password=password, clock=run.clock)
            ctx = run.context(db, actor)
            with ctx.transaction(write=True) as session:
                ensure_default_plans(session, ctx.now())
                ensure_default_templates(session)
        finally:
            db.close()
    run.print(_("诊所“{name}”已设置：管理员 {user}，项目目录、随访计划和消息模板已就绪。"
                "数据文件夹：{path}", name=args.clinic_name.strip(), user=actor.username,
                path=run.where))
    return EXIT_OK


def needs_setup_at(run: Invocation) -> bool:
    """Whether the data folder holds no database yet (on a server: found out once open)."""
    if run.on_server:
        return False
    return not run.data_dir.database.exists() or run.data_dir.database.stat().st_size == 0


def _setup_password(password_file: str | None) -> str:
    """The administrator's password: the first line of ``--password-file``, or typed twice on
    a terminal; without either the command is refused."""
    return read_secret(password_file, prompt=_("管理员密码："), no_terminal=_(
        "没有可以输入密码的终端：请用 --password-file 给出管理员密码（文件的第一行）。"))


def cmd_demo(run: Invocation) -> int:
    from clinic_desktop.demo import DEMO_ADMIN_PASSWORD, DEMO_ADMIN_USERNAME, seed_demo
    from clinic_desktop.services.auth import needs_setup

    args = run.args
    if args.patients < 0:
        raise UserError(_("--patients 不能为负数。"), field="patients")
    with run.lock():
        if args.if_missing and run.data_dir.database.exists():
            run.args.encrypt = False  # an existing clinic is opened as it is
        db = run.open_for_writing(key=new_clinic_key(run))
        try:
            if not needs_setup(db):
                if args.if_missing:
                    return EXIT_OK
                raise EnvironmentProblem(
                    _("数据文件夹 {path} 已有诊所数据；演示诊所只能建在空文件夹中。",
                      path=run.where)
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
    """Every problem is a line on stdout and exit 1; a damaged file is a finding, not a crash."""
    from sqlalchemy.exc import DBAPIError

    from clinic_desktop.services.audit import verify_chain
    from clinic_desktop.services.insight import patient_money
    from clinic_desktop.services.loyalty.balances import check_balances_in

    db = run.open_read_only(soundness=Soundness.SKIP)
    findings: list[str] = []
    try:
        # The file's own checks (permissions, encryption, SQLite's integrity) are the
        # server's business on PostgreSQL; the audit chain and the balances are checked alike.
        findings += [] if run.on_server else _privacy_findings(run)
        problems = [] if run.on_server else quick_check(run.data_dir.database, thorough=True)
        findings += [_("数据库完整性问题：{line}", line=line) for line in problems[:20]]
        if len(problems) > 20:
            findings.append(_("……另有 {n} 个完整性问题。", n=len(problems) - 20))
        if problems:
            findings.append(damaged_sentence(run.data_dir.database, db.latest_backup()))
        try:
            with db.session() as session:
                chain = verify_chain(session, db.audit_trail)
        except (DBAPIError, DatabaseUnusable) as exc:
            findings.append(_("无法读完审计日志：{reason}", reason=_reason(exc)))
        else:
            findings += chain.findings
            if chain.ok:
                run.print(_("审计日志完整：{n} 条记录，哈希链无误。", n=chain.entries))
        try:
            with db.session() as session:
                # the journals' balances, then the per-patient sums the segments read
                drift = check_balances_in(session) + patient_money.drift(session)
        except (DBAPIError, DatabaseUnusable) as exc:
            findings.append(_("无法核对余额：{reason}", reason=_reason(exc)))
        else:
            findings += drift[:20]
            if len(drift) > 20:
                findings.append(_("……另有 {n} 处余额不符。", n=len(drift) - 20))
            if not drift:
                run.print(_("余额核对无误：欠费、预存、储值、积分和套餐次数均与明细相符。"))
    except (DBAPIError, DatabaseUnusable) as exc:
        findings.append(_("无法检查数据库：{reason}", reason=_reason(exc)))
    finally:
        db.close()
    for line in findings:
        run.print(line)
    return EXIT_FINDINGS if findings else EXIT_OK


def _privacy_findings(run: Invocation) -> list[str]:
    """Files others can read, and an encrypted clinic whose key is only on paper."""
    from clinic_desktop.file_modes import loose_entries
    from clinic_desktop.services.platform.encryption import key_state

    findings = [_("{path} 其他用户也能访问（应只有本用户可读写：chmod 700 文件夹，600 文件）。",
                  path=path) for path in loose_entries(run.data_dir.root)]
    state = key_state(run.data_dir)
    if state == "plain":
        run.print(_("数据库未加密：运行 clinic-desktop encrypt 加密。"))
    elif state == "missing":
        findings.append(_("数据库已加密，但密钥不是从本机保存的位置取得的（--key-file）："
                          "请运行 clinic-desktop unlock --recovery-key-file 文件 把密钥存回本机。"))
    else:
        run.print(_("数据库已加密（SQLCipher），密钥保存在{where}。", where={
            "stored": _("本机"), "passphrase": _("启动口令中")}[state]))
    return findings


def _reason(error: Exception) -> str:
    cause = error.__cause__ if isinstance(error, DatabaseUnusable) else error
    return str(getattr(cause, "orig", None) or cause or error)


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
        database_url=run.database_url,
    )
    return result


def cmd_restore(run: Invocation) -> int:
    from pathlib import Path

    from clinic_desktop.services.platform.restoring import restore_backup

    with run.lock():
        result = restore_backup(run.data_dir, Path(run.args.file), clock=run.clock)
        if not getattr(run.args, "lang", None):
            run.open_read_only(soundness=Soundness.SKIP).close()  # the clinic's language
    check = result.check
    run.print(_("已从 {source} 恢复数据库：{patients} 位患者，最近一次就诊 {last}。",
                source=result.source, patients=check.patients, last=check.last_visit or "-"))
    if result.moved_aside is not None:
        run.print(_("原来的数据库保留为 {path}。", path=result.moved_aside))
    if result.attachments_copied:
        run.print(_("已从备份取回 {n} 个附件文件。", n=result.attachments_copied))
    if result.attachments_missing:
        run.print(_("有 {n} 个附件文件在数据文件夹和备份中都找不到，相应附件将无法打开。",
                    n=len(result.attachments_missing)))
    return EXIT_OK
