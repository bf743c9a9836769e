"""Step 6: the finished import — its counts and problems, the error report, and undo."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton, QVBoxLayout, QWidget

from clinic_desktop.services import import_batches
from clinic_desktop.services.exports import write_error_report
from clinic_desktop.services.imports import ImportSummary
from ui.dialogs.import_wizard.summary_view import SummaryView
from ui.dialogs.import_wizard.work import WizardWork
from ui.widgets.rich_text import make_plain, rich_plain


class DoneStep(QWidget):
    def __init__(self, work: WizardWork, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.work = work
        self.summary: ImportSummary | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        self.view = SummaryView()
        make_plain(self.view.title)  # names the imported file
        layout.addWidget(self.view)
        self.report_button = QPushButton(self.tr("保存错误报告…"))
        self.report_button.clicked.connect(self.save_report)
        self.undo_button = QPushButton(self.tr("撤销此次导入"))
        self.undo_button.clicked.connect(self.undo)
        self.view.action_row.addWidget(self.report_button)
        self.view.action_row.addWidget(self.undo_button)
        self.view.action_row.addStretch(1)

    def show_summary(self, summary: ImportSummary) -> None:
        self.summary = summary
        self.view.title.setText(self.tr("导入完成：{0}").format(summary.file_name))
        self.view.show_summary(summary)
        self.view.add_problem_tabs(summary)
        self.report_button.setEnabled(bool(summary.errors))
        self.undo_button.setEnabled(True)

    def save_report(self) -> None:
        if self.summary is None:
            return
        suggested = f"{Path(self.summary.file_name).stem}-未导入的行.xlsx"
        path, _filter = QFileDialog.getSaveFileName(self, self.tr("保存错误报告"), suggested,
                                                    "Excel (*.xlsx)")
        if not path:
            return
        summary = self.summary

        def saved(_rows: int) -> None:
            QMessageBox.information(self, self.tr("错误报告"),
                                    rich_plain(self.tr("已保存 {0} 行到 {1}").format(
                                        len(summary.errors), path)))

        self.work.run(
            lambda _ctx, _job: write_error_report(Path(path), summary.errors,
                                                  header=summary.header,
                                                  originals=summary.originals),
            saved, self.tr("正在保存错误报告…"))

    def undo(self) -> None:
        if self.summary is None or self.summary.batch_id is None:
            return
        answer = QMessageBox.question(
            self, self.tr("撤销此次导入"),
            self.tr("将删除本次导入新建的 {0} 位患者和 {1} 条就诊记录，并还原被合并患者的资料。"
                    "确定撤销吗？").format(self.summary.patients_created,
                                          self.summary.visits_created))
        if answer != QMessageBox.StandardButton.Yes:
            return
        batch = self.summary.batch_id

        def done(result: import_batches.UndoSummary) -> None:
            self.undo_button.setEnabled(False)
            text = self.tr("已撤销：删除 {0} 位患者、{1} 条就诊，还原 {2} 位患者的资料。")
            text = text.format(result.patients_removed, result.visits_removed,
                               result.patients_restored)
            if result.openings_removed:
                text += self.tr("期初余额 {0} 笔已删除。").format(result.openings_removed)
            self.view.title.setText(text)

        self.work.run(lambda ctx, job: import_batches.undo_import(ctx, batch, progress=job),
                      done, self.tr("正在撤销导入…"))
