"""The import wizard and the import/export page, driven like a manager would, offscreen."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QComboBox, QFileDialog, QInputDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from clinic_desktop.clock import FixedClock
from clinic_desktop.demo.legacy_workbook import write_legacy_workbook
from clinic_desktop.services import import_batches, imports
from clinic_desktop.storage.models.patient import Patient
from tests.ui.modal import run_deferred_deletions, when_open
from ui.app_services import AppServices
from ui.dialogs.import_wizard import HEADER_COLOUR, ImportWizard
from ui.pages.import_page import ImportPage
from ui.tasks import Cancelled


def patients(services: AppServices) -> int:
    with services.ctx.db.session() as session:
        return int(session.execute(select(func.count(Patient.id))).scalar_one())


@pytest.fixture
def sample(tmp_path: Path, fixed_clock: FixedClock) -> Path:
    today = fixed_clock.now().astimezone(ZoneInfo("Asia/Shanghai")).date()
    return write_legacy_workbook(tmp_path / "旧档案.xlsx", 60, today=today)


def test_the_whole_wizard_then_report_and_undo(
    qtbot: QtBot, services: AppServices, sample: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, messages: list[tuple[str, str]],
) -> None:
    wizard = ImportWizard(services)
    qtbot.addWidget(wizard)
    assert not wizard.next_button.isEnabled()
    wizard.open_file(sample)
    assert wizard.sheet_combo.currentText() == "患者档案"
    wizard.forward()
    # The title, the blank row and the merged group row sit above the detected header.
    assert wizard.header_spin.value() == 4
    assert wizard.preview_table.item(3, 0).background().color() == HEADER_COLOUR
    assert "识别出 19 个字段" in wizard.header_note.text()  # 储值余额 too
    wizard.forward()
    combo = wizard.mapping_table.cellWidget(0, 2)
    assert isinstance(combo, QComboBox) and combo.currentData() == "name"
    combo.setCurrentIndex(0)  # unmap the name: the import cannot go on
    assert not wizard.next_button.isEnabled()
    assert "请把一列对应到“姓名”" in wizard.mapping_note.text()
    combo.setCurrentIndex(combo.findData("name"))
    assert wizard.next_button.isEnabled() and wizard.next_button.text() == "下一步"
    # The sample's 储值余额 is an opening balance now: nothing left unguessed.
    assert wizard.mapping_step.deferred_note.isHidden()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("旧系统", True))
    wizard.save_profile()
    assert wizard.profile_combo.currentText() == "旧系统"
    assert import_batches.list_profiles(services.ctx)["旧系统"].columns["姓名"] == "name"
    wizard.forward()  # the values step
    assert wizard.stack.currentIndex() == 4 - 1 and wizard.next_button.text() == "试运行"
    implant = wizard.values_step.combo_for("procedure", "种植")
    assert implant is not None and implant.currentData() == ("match", "种植牙")
    wizard.values_step.save_profile()
    saved = import_batches.list_profiles(services.ctx)["旧系统"]
    assert saved.values["procedure"]["种植"].target == "种植牙"
    assert saved.values["doctor"]["李医生"].action == "inactive"
    wizard.forward()
    assert wizard.stack.currentIndex() == 4 and patients(services) == 0
    assert wizard.dry_counts["rows_rejected"].text() == "3"
    assert wizard.dry_tabs.tabText(1) == "被拒绝的行（3）"
    assert wizard.dry_tabs.tabText(3).startswith("回访计划")
    wizard.forward()
    assert wizard.stack.currentIndex() == 6
    assert wizard.summary is not None and patients(services) == wizard.summary.patients_created
    report = tmp_path / "未导入.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(report), ""))
    wizard.save_report()
    rows = list(load_workbook(report).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 4 and rows[1][0] == 8
    assert messages[-1][0] == "information"
    wizard.undo()
    assert patients(services) == 0 and "已撤销" in wizard.done_title.text()


def test_a_refused_file_and_a_cancelled_import(
    qtbot: QtBot, services: AppServices, sample: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wizard = ImportWizard(services)
    qtbot.addWidget(wizard)
    (tmp_path / "扫描件.pdf").write_bytes(b"%PDF-1.4\n")
    wizard.open_file(tmp_path / "扫描件.pdf")
    assert wizard.error_label.text() == ("“扫描件.pdf”不是电子表格文件（支持 .xlsx、.xlsm、.xls、"
                                         ".ods、.csv 和 .tsv）。")
    assert not wizard.next_button.isEnabled()
    wizard.open_file(sample)
    wizard.forward()
    wizard.forward()
    wizard.forward()  # the values step
    real_run = imports.run_import

    def cancelled(*args: object, **kwargs: object) -> None:
        raise Cancelled()

    monkeypatch.setattr(imports, "run_import", cancelled)
    wizard.forward()  # the dry run, cancelled: back on the values, no crash dialog
    assert (wizard.stack.currentIndex(), wizard.error_label.text()) == (3, "已取消。")
    monkeypatch.setattr(imports, "run_import", real_run)
    wizard.forward()
    monkeypatch.setattr(imports, "run_import", cancelled)
    wizard.forward()
    assert wizard.stack.currentIndex() == 4
    assert wizard.error_label.text() == "已取消导入，没有写入任何数据。"
    assert patients(services) == 0


def test_the_page_lists_imports_and_exports(
    qtbot: QtBot, services: AppServices, sample: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, messages: list[tuple[str, str]],
) -> None:
    empty = ImportPage(services)
    qtbot.addWidget(empty)
    assert empty.view.isHidden() and not empty.empty.isHidden()
    summary = imports.run_import(services.ctx, imports.ImportRequest(sample))
    page = ImportPage(services)
    qtbot.addWidget(page)
    assert page.model.rowCount() == 1 and page.empty.isHidden()
    page.view.selectRow(0)
    assert page.report_button.isEnabled() and page.undo_button.isEnabled()
    target = tmp_path / "患者.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    page.export("patients")
    assert page.status.text() == f"已导出 {summary.patients_created} 行：患者.xlsx"
    page.save_report()
    rows = list(load_workbook(target).worksheets[0].iter_rows(values_only=True))
    assert rows[0][4] == "姓名" and [r[0] for r in rows[1:]] == [8, 12, 20]
    page.undo()
    assert patients(services) == 0
    assert page.model.records[0].undone_at is not None and not page.undo_button.isEnabled()


def test_closing_while_work_runs_cancels_it_first(qtbot: QtBot, services: AppServices) -> None:
    from ui.tasks import Job

    wizard = ImportWizard(services)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.job = Job()  # a dry run in flight on the worker
    wizard.reject()  # Escape
    assert wizard.isVisible()  # still open until the worker lets go
    with pytest.raises(Cancelled):
        wizard.job.check()
    wizard.job = None
    wizard.reject()
    assert not wizard.isVisible()


def test_a_closed_wizard_does_not_stay_with_the_page(qtbot: QtBot, services: AppServices,
                                                     sample: Path) -> None:
    """The wizard keeps the sheet it read and its dry run's cleaning: closed, it goes."""
    page = ImportPage(services)
    qtbot.addWidget(page)

    def read_then_close(wizard: ImportWizard) -> None:
        wizard.open_file(sample)
        assert wizard.preview is not None  # the sheet is held
        wizard.reject()

    opened = when_open(ImportWizard, read_then_close)
    page.open_wizard()
    assert opened and page.findChildren(ImportWizard) == opened
    run_deferred_deletions()
    assert page.findChildren(ImportWizard) == []


def test_the_summary_says_how_many_recalls_a_later_visit_kept(qtbot: QtBot) -> None:
    from ui.dialogs.import_wizard.summary_view import SummaryView
    counts = dict.fromkeys(("rows_read", "rows_skipped_blank", "rows_skipped_summary",
                            "rows_rejected", "rows_already_imported", "rows_skipped_duplicate",
                            "patients_created", "patients_merged", "patients_skipped",
                            "visits_created", "payments_created"), 0)
    view = SummaryView()
    qtbot.addWidget(view)
    for satisfied in (0, 3):
        view.show_summary(imports.ImportSummary(
            dry_run=True, batch_id=None, file_name="x.xlsx", sheet="Sheet1", **counts,
            tasks_created=12, tasks_skipped=5, errors=(), warnings=(), sample=(), header=(),
            tasks_satisfied=satisfied))
        kept = "有 3 个复查已由文件中的后续就诊完成" in view.note.text()
        assert kept == bool(satisfied) and "更早到期的 5 个已略过" in view.note.text()
