"""Step 4: the dry run — what the import would do, with nothing written yet."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from clinic_desktop.services.import_plan import PlannedPatient
from clinic_desktop.services.imports import ImportSummary
from ui.dialogs.import_wizard.summary_view import SummaryView
from ui.widgets.common import make_table
from ui.widgets.table_model import Column, RecordTableModel, SortProxy


class DryRunStep(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        self.view = SummaryView()
        self.view.title.setText(self.tr("试运行：尚未写入任何数据"))
        layout.addWidget(self.view)

    def show_summary(self, summary: ImportSummary) -> None:
        view = self.view
        view.show_summary(summary)
        sample: RecordTableModel[PlannedPatient] = RecordTableModel([
            Column(self.tr("行"), lambda p: str(p.row), sort_key=lambda p: p.row,
                   align_right=True),
            Column(self.tr("姓名"), lambda p: p.name),
            Column(self.tr("手机"), lambda p: p.mobile or ""),
            Column(self.tr("处理"), lambda p: {"create": self.tr("新建"), "merge": self.tr("合并"),
                                             "skip": self.tr("跳过")}[p.action]),
            Column(self.tr("新增就诊"), lambda p: str(p.visits), sort_key=lambda p: p.visits,
                   align_right=True),
        ], key=lambda p: p.row)
        sample.replace(list(summary.sample))
        proxy = SortProxy()
        proxy.setSourceModel(sample)
        table = make_table(proxy, stretch_column=1)
        sample.setParent(table)
        proxy.setParent(table)
        view.tabs.addTab(table, self.tr("患者预览（{0}）").format(len(summary.sample)))
        view.add_problem_tabs(summary)
        view.tabs.addTab(self._plans(summary), self.tr("回访计划（{0}）").format(
            len(summary.tasks_by_plan)))
        if summary.errors:
            view.tabs.setCurrentIndex(1)

    def _plans(self, summary: ImportSummary) -> QWidget:
        """How many care tasks each plan will create."""
        model: RecordTableModel[tuple[str, int]] = RecordTableModel([
            Column(self.tr("随访计划"), lambda p: p[0]),
            Column(self.tr("将建立的回访任务"), lambda p: f"{p[1]:,}", sort_key=lambda p: p[1],
                   align_right=True),
        ], key=lambda p: p[0])
        model.replace(list(summary.tasks_by_plan))
        proxy = SortProxy()
        proxy.setSourceModel(model)
        table = make_table(proxy, stretch_column=0, sort_column=1, descending=True)
        table.setColumnWidth(1, max(180, table.horizontalHeader().sectionSizeHint(1)))
        model.setParent(table)
        proxy.setParent(table)
        return table
