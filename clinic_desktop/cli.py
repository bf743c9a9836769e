"""``clinic-desktop``: the GUI with no command, and headless commands for maintenance.

Exit codes are stable: 0 done, 1 done with findings, 2 unusable input or environment, with a
one-line reason on stderr. ``import`` exits 0 when it ran, rejected rows included (they are
listed), and 2 when the file cannot be used (then nothing is written).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import date
from typing import TextIO

from clinic_desktop import __version__
from clinic_desktop.errors import EnvironmentProblem, UserError
from clinic_desktop.i18n import _, set_language, system_language
from clinic_desktop.lockfile import InstanceLock
from clinic_desktop.logs import setup_logging
from clinic_desktop.paths import DataDir, resolve_data_dir
from clinic_desktop.storage.database import Database, open_database
from clinic_desktop.storage.migrate import schema_state

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2
log = logging.getLogger(__name__)

Command = Callable[[argparse.Namespace, DataDir, TextIO], int]


def _common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--data-dir", default=default, metavar="DIR",
                        help="data folder (default: per-user folder, or $CLINIC_DESKTOP_DATA_DIR)")
    parser.add_argument("--lang", default=default, choices=["zh_CN", "en"],
                        help="language of messages (default: the system's)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clinic-desktop", description="Clinic Desktop: offline-first clinic manager."
    )
    _common(parser, top=True)
    parser.add_argument("--version", action="version", version=f"clinic-desktop {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui = sub.add_parser("gui", help="open the app (the default)")
    gui.add_argument("--demo", action="store_true", help="sign in as the demo administrator")
    _common(gui, top=False)

    init = sub.add_parser("init", help="create or upgrade the database in the data folder")
    _common(init, top=False)

    demo = sub.add_parser("demo", help="create a demo clinic in an empty data folder")
    demo.add_argument("--patients", type=int, default=3000, help="number of demo patients")
    demo.add_argument("--seed", type=int, default=7, help="random seed (same seed, same clinic)")
    demo.add_argument("--if-missing", action="store_true",
                      help="do nothing (exit 0) when the folder already holds a clinic")
    _common(demo, top=False)

    check = sub.add_parser("check", help="verify database integrity and the audit chain")
    _common(check, top=False)

    due = sub.add_parser("due", help="print the callback list as of a date (changes nothing)")
    due.add_argument("--date", metavar="YYYY-MM-DD",
                     help="everything due by the end of this day (default: what is due now)")
    due.add_argument("--json", action="store_true", help="one JSON list on stdout")
    _common(due, top=False)

    imp = sub.add_parser("import", help="import a legacy spreadsheet (.xlsx .xlsm .xls .ods .csv)")
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--sheet", metavar="NAME", help="worksheet (default: the first)")
    imp.add_argument("--header-row", type=int, metavar="N",
                     help="the header's row number (default: detected)")
    imp.add_argument("--mapping", metavar="FILE.json",
                     help='column mapping: {"columns": {"header label": "field"}}')
    imp.add_argument("--dry-run", action="store_true", help="report what would happen, write "
                     "nothing")
    imp.add_argument("--on-duplicate", choices=["merge", "skip", "create"], default="merge",
                     help="a patient already in the database: fill empty fields (merge, the "
                     "default), leave alone (skip), or add anyway (create)")
    imp.add_argument("--overwrite", action="store_true",
                     help="with merge: replace fields that already have a value")
    imp.add_argument("--errors", metavar="OUT.xlsx", help="write the rejected rows here")
    imp.add_argument("--json", action="store_true", help="one JSON object on stdout")
    _common(imp, top=False)

    exp = sub.add_parser("export", help="export patients, appointments, visits or the ledger")
    exp.add_argument("what", choices=["patients", "appointments", "visits", "ledger",
                                      "template"])
    exp.add_argument("out", metavar="OUT.xlsx")
    exp.add_argument("--from", dest="start", metavar="YYYY-MM-DD")
    exp.add_argument("--to", dest="end", metavar="YYYY-MM-DD")
    _common(exp, top=False)

    for register in EXTRA_COMMANDS:
        register(sub, _common)
    return parser


# Later areas (import, export, due, backup) register their sub-commands here.
EXTRA_COMMANDS: list[Callable[[argparse._SubParsersAction[argparse.ArgumentParser],
                               Callable[..., None]], None]] = []
HANDLERS: dict[str, Command] = {}


def _open(data_dir: DataDir) -> Database:
    return open_database(data_dir)


def cmd_init(args: argparse.Namespace, data_dir: DataDir, out: TextIO) -> int:
    with InstanceLock(data_dir.ensure().lock_file):
        db = _open(data_dir)
        try:
            if db.backup_taken:
                print(_("已备份旧数据库到 {path}", path=db.backup_taken), file=out)
        finally:
            db.close()
    print(_("数据库已就绪：{path}", path=data_dir.database), file=out)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace, data_dir: DataDir, out: TextIO) -> int:
    from clinic_desktop.demo import DEMO_ADMIN_PASSWORD, DEMO_ADMIN_USERNAME, seed_demo
    from clinic_desktop.services.auth import needs_setup

    if args.patients < 0:
        raise UserError(_("--patients 不能为负数。"), field="patients")
    with InstanceLock(data_dir.ensure().lock_file):
        db = _open(data_dir)
        try:
            if not needs_setup(db):
                if args.if_missing:
                    return EXIT_OK
                raise EnvironmentProblem(
                    _("数据文件夹 {path} 已有诊所数据；演示诊所只能建在空文件夹中。",
                      path=data_dir.root)
                )
            summary = seed_demo(db, seed=args.seed, patients=args.patients)
        finally:
            db.close()
    print(
        _("演示诊所已创建：{staff} 名员工，{chairs} 个椅位/诊室，{patients} 位患者。"
          "登录：{user} / {password}", staff=summary.staff, chairs=summary.chairs,
          patients=summary.patients, user=DEMO_ADMIN_USERNAME, password=DEMO_ADMIN_PASSWORD),
        file=out,
    )
    return EXIT_OK


def _open_read_only(data_dir: DataDir) -> Database:
    """For commands that only read: no upgrade, and a schema not at head is refused."""
    if not data_dir.database.exists():
        raise EnvironmentProblem(_("{path} 中没有数据库。", path=data_dir.root))
    db = open_database(data_dir, upgrade=False)
    with db.engine.connect() as connection:
        state = schema_state(connection)
    if state.pending:
        db.close()
        raise EnvironmentProblem(_(
            "数据库结构版本为 {current}，不是本程序的 {head}：请先运行 clinic-desktop init。",
            current=state.current or "-", head=state.head))
    return db


def cmd_check(args: argparse.Namespace, data_dir: DataDir, out: TextIO) -> int:
    from clinic_desktop.services.audit import integrity_check, verify_chain

    db = _open_read_only(data_dir)
    try:
        with db.session() as session:
            problems = integrity_check(session)
            chain = verify_chain(session)
    finally:
        db.close()
    for line in problems:
        print(_("数据库完整性问题：{line}", line=line), file=out)
    if chain.ok:
        print(_("审计日志完整：{n} 条记录，哈希链无误。", n=chain.entries), file=out)
    else:
        print(
            _("审计日志第 {id} 条记录被改动（{problem}）。", id=chain.first_bad_id,
              problem=chain.problem), file=out,
        )
    return EXIT_OK if chain.ok and not problems else EXIT_FINDINGS


def cmd_due(args: argparse.Namespace, data_dir: DataDir, out: TextIO) -> int:
    import json
    from datetime import date

    from clinic_desktop.context import Context
    from clinic_desktop.services.care import callback_list
    from clinic_desktop.services.clinic import read_clinic

    db = _open_read_only(data_dir)
    try:
        ctx = Context(db=db)
        zone = read_clinic(db).zone
        try:
            day = date.fromisoformat(args.date) if args.date else ctx.now().astimezone(zone).date()
        except ValueError as exc:
            raise UserError(_("--date 应为 YYYY-MM-DD 格式的日期，而不是“{value}”。",
                              value=args.date), field="date") from exc
        # A named day is planned whole; without one, the list is what is due right now.
        items = callback_list(ctx, as_of=day, whole_day=args.date is not None)
    finally:
        db.close()
    if args.json:
        json.dump([{"patient": i.patient, "phone": i.phone, "kind": i.kind, "reason": i.reason,
                    "due": i.due.astimezone(zone).isoformat(), "attempts": i.attempts}
                   for i in items], out, ensure_ascii=False, indent=1)
        out.write("\n")
        return EXIT_OK
    for i in items:
        print(f"{i.due.astimezone(zone):%Y-%m-%d %H:%M}  {i.patient}  {i.phone or '-'}  "
              f"{i.reason}  ({_('已拨打 {n} 次', n=i.attempts)})", file=out)
    print(_("共 {n} 项待回访。", n=len(items)), file=out)
    return EXIT_OK


def cmd_gui(args: argparse.Namespace, data_dir: DataDir, out: TextIO) -> int:
    # The core never depends on the GUI: the ``ui`` package is loaded by name, only here, so
    # headless commands never import Qt and a core-only install still runs them.
    try:
        gui = importlib.import_module("ui.app")
    except ImportError as exc:
        raise EnvironmentProblem(_("图形界面未安装或无法加载：{reason}", reason=exc)) from exc
    result: int = gui.run_gui(
        data_dir=data_dir, demo=bool(getattr(args, "demo", False)),
        language=getattr(args, "lang", None),
    )
    return result


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise UserError(_("{option} 应为 YYYY-MM-DD 格式的日期，而不是“{value}”。",
                          option=option, value=value), field=option) from exc


def cmd_import(args: argparse.Namespace, data_dir: DataDir, out: TextIO) -> int:
    import json
    from pathlib import Path

    from clinic_desktop.context import Context
    from clinic_desktop.importing.mapping import load_profile_file
    from clinic_desktop.services.exports import write_error_report
    from clinic_desktop.services.imports import ImportRequest, run_import

    profile = load_profile_file(Path(args.mapping)) if args.mapping else None
    request = ImportRequest(Path(args.file), sheet=args.sheet, header_row=args.header_row,
                            profile=profile, on_duplicate=args.on_duplicate,
                            overwrite=args.overwrite)
    with InstanceLock(data_dir.ensure().lock_file):
        db = _open(data_dir)
        try:
            summary = run_import(Context(db=db), request, dry_run=args.dry_run)
        finally:
            db.close()
    if args.errors:
        write_error_report(Path(args.errors), summary.errors, header=summary.header,
                           originals=summary.originals)
    if args.json:
        json.dump(summary.as_json(), out, ensure_ascii=False, indent=1)
        out.write("\n")
        return EXIT_OK
    lines = [
        _("试运行，未写入任何数据。") if summary.dry_run else _("导入完成（批次 {id}）。",
                                                                  id=summary.batch_id),
        _("读取 {n} 行：跳过空行 {blank}，合计行 {total}；拒绝 {rejected} 行；"
          "已导入过 {already} 行。",
          n=summary.rows_read, blank=summary.rows_skipped_blank,
          total=summary.rows_skipped_summary, rejected=summary.rows_rejected,
          already=summary.rows_already_imported),
        _("患者：新建 {new}，合并 {merged}，跳过 {skipped}。", new=summary.patients_created,
          merged=summary.patients_merged, skipped=summary.patients_skipped),
        _("就诊 {visits} 条，付款 {payments} 笔，回访任务 {tasks} 个（更早的 {old} 个已略过）。",
          visits=summary.visits_created, payments=summary.payments_created,
          tasks=summary.tasks_created, old=summary.tasks_skipped),
    ]
    for line in lines:
        print(line, file=out)
    for problem in summary.errors[:20]:
        print(_("第 {row} 行 {column}：{reason}", row=problem.row, column=problem.column,
                reason=problem.reason), file=out)
    if len(summary.errors) > 20:
        print(_("……另有 {n} 条，请用 --errors 保存完整报告。", n=len(summary.errors) - 20),
              file=out)
    return EXIT_OK


def cmd_export(args: argparse.Namespace, data_dir: DataDir, out: TextIO) -> int:
    from pathlib import Path

    from clinic_desktop.context import Context
    from clinic_desktop.services import exports

    target = Path(args.out)
    if args.what == "template":
        exports.write_import_template(target)
        print(_("已写入导入模板：{path}", path=target), file=out)
        return EXIT_OK
    start, end = _day(args.start, "--from"), _day(args.end, "--to")
    db = _open_read_only(data_dir)
    try:
        ctx = Context(db=db)
        if args.what == "patients":
            if start or end:
                raise UserError(_("导出患者不按日期筛选：请去掉 --from/--to。"), field="from")
            count = exports.export_patients(ctx, target)
        else:
            export = {"appointments": exports.export_appointments,
                      "visits": exports.export_visits, "ledger": exports.export_ledger}
            count = export[args.what](ctx, target, start=start, end=end)
    finally:
        db.close()
    print(_("已导出 {n} 行到 {path}", n=count, path=target), file=out)
    return EXIT_OK


HANDLERS.update({"init": cmd_init, "demo": cmd_demo, "check": cmd_check, "due": cmd_due,
                 "gui": cmd_gui, "import": cmd_import, "export": cmd_export})


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    set_language(args.lang or system_language())
    command = args.command or "gui"
    try:
        data_dir = resolve_data_dir(args.data_dir)
        if command != "gui":
            setup_logging(data_dir.ensure().logs)
        return HANDLERS[command](args, data_dir, out)
    except UserError as exc:
        print(f"clinic-desktop: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        print("clinic-desktop: " + _("已中断。"), file=sys.stderr)
        return EXIT_UNUSABLE
