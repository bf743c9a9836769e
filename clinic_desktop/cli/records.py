"""Commands that read or bring records: ``due``, ``import``, ``export``."""

from __future__ import annotations

import json
from pathlib import Path

from clinic_desktop.cli.base import EXIT_OK, Invocation, parse_day
from clinic_desktop.errors import EnvironmentProblem, UserError
from clinic_desktop.i18n import _
from clinic_desktop.importing.mapping import field_label
from clinic_desktop.importing.values import choice_text


def cmd_due(run: Invocation) -> int:
    from clinic_desktop.services.care import callback_list
    from clinic_desktop.services.clinic import read_clinic

    args = run.args
    db = run.open_read_only()
    try:
        ctx = run.context(db)
        zone = read_clinic(db).zone
        day = parse_day(args.date, "--date") or ctx.now().astimezone(zone).date()
        # A named day is planned whole; without one, the list is what is due right now.
        items = callback_list(ctx, as_of=day, whole_day=args.date is not None)
    finally:
        db.close()
    if args.json:
        json.dump([{"patient": i.patient, "phone": i.phone, "kind": i.kind, "reason": i.reason,
                    "due": i.due.astimezone(zone).isoformat(), "attempts": i.attempts}
                   for i in items], run.out, ensure_ascii=False, indent=1)
        run.out.write("\n")
        return EXIT_OK
    for i in items:
        run.print(f"{i.due.astimezone(zone):%Y-%m-%d %H:%M}  {i.patient}  {i.phone or '-'}  "
                  f"{i.reason}  ({_('已拨打 {n} 次', n=i.attempts)})")
    run.print(_("共 {n} 项待回访。", n=len(items)))
    return EXIT_OK


def cmd_import(run: Invocation) -> int:
    from clinic_desktop.importing.mapping import load_mapping_file
    from clinic_desktop.services.auth import needs_setup
    from clinic_desktop.services.exports import write_error_report
    from clinic_desktop.services.imports import ImportRequest, run_import

    args = run.args
    mapping = load_mapping_file(Path(args.mapping)) if args.mapping else None
    request = ImportRequest(Path(args.file), sheet=args.sheet, header_row=args.header_row,
                            profile=mapping.columns if mapping else None,
                            values=mapping.values if mapping else None,
                            on_duplicate=args.on_duplicate, overwrite=args.overwrite)
    with run.lock():
        db = run.open_for_writing()
        try:
            if needs_setup(db):
                raise EnvironmentProblem(_(
                    "{path} 中的诊所还没有设置（没有项目目录、随访计划和管理员）：请先运行 "
                    "clinic-desktop setup。", path=run.where))
            summary = run_import(run.context(db), request, dry_run=args.dry_run)
        finally:
            db.close()
    if args.errors:
        write_error_report(Path(args.errors), summary.errors, header=summary.header,
                           originals=summary.originals)
    if args.json:
        json.dump(summary.as_json(), run.out, ensure_ascii=False, indent=1)
        run.out.write("\n")
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
    if summary.tasks_satisfied:
        lines.append("  " + _("新建的回访任务中，{n} 个复查已由文件中的后续就诊完成（已关闭）。",
                              n=summary.tasks_satisfied))
    lines += ["  " + _("{plan}：{n} 个回访任务", plan=plan, n=n)
              for plan, n in summary.tasks_by_plan]
    lines.append(_("介绍人关联 {linked} 位，未找到 {unmatched} 位（记为文字）；"
                   "新建标签 {tags} 个。",
                   linked=summary.referrers_linked, unmatched=summary.referrers_unmatched,
                   tags=summary.tags_created))
    opened = summary.opening
    if opened:
        lines.append(_("期初余额：储值 ¥{value}（{value_n} 位），欠费 ¥{owed}（{owed_n} 位），"
                       "积分 {points}（{points_n} 位），会员等级 {tiers} 位"
                       "（新建等级 {created} 个）。",
                       value=opened.stored_value, value_n=opened.stored_value_patients,
                       owed=opened.owed, owed_n=opened.owed_patients, points=opened.points,
                       points_n=opened.points_patients, tiers=opened.tiers_set,
                       created=opened.tiers_created))
    for m in summary.values_matched:
        lines.append("  " + _("{column}“{value}”（{rows} 行）→ {target}：{reason}",
                              column=field_label(m.column), value=m.value, rows=m.rows,
                              target=choice_text(m.choice, m.column), reason=m.reason))
    if summary.columns_ignored:
        lines.append(_("未导入的列：{columns}", columns="、".join(summary.columns_ignored)))
    for line in lines:
        run.print(line)
    for problem in summary.errors[:20]:
        run.print(_("第 {row} 行 {column}：{reason}", row=problem.row, column=problem.column,
                    reason=problem.reason))
    if len(summary.errors) > 20:
        run.print(_("……另有 {n} 条，请用 --errors 保存完整报告。", n=len(summary.errors) - 20))
    return EXIT_OK


def cmd_export(run: Invocation) -> int:
    from clinic_desktop.services import exports

    args = run.args
    target = Path(args.out)
    if args.what == "template":
        exports.write_import_template(target)
        run.print(_("已写入导入模板：{path}", path=target))
        return EXIT_OK
    start, end = parse_day(args.start, "--from"), parse_day(args.end, "--to")
    db = run.open_read_only()
    try:
        ctx = run.context(db)
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
    run.print(_("已导出 {n} 行到 {path}", n=count, path=target))
    return EXIT_OK
