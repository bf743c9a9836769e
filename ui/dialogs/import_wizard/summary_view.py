"""What the dry run and the finished import both show: a title, the counts, a note, and the
rejected rows and warnings in tabs."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from clinic_desktop.importing.rows import Problem
from clinic_desktop.services.imports import ImportSummary
from ui.widgets.common import make_table
from ui.widgets.table_model import Column, RecordTableModel, SortProxy


class SummaryView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel()
        self.title.setObjectName("dialogHeading")
        layout.addWidget(self.title)
        grid, self.counts = self._counts_grid()
        layout.addLayout(grid)
        self.note = QLabel()
        self.note.setObjectName("pageSubtitle")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.action_row = QHBoxLayout()  # the finished import's buttons
        layout.addLayout(self.action_row)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)

    def _counts_grid(self) -> tuple[QGridLayout, dict[str, QLabel]]:
        grid = QGridLayout()
        grid.setSpacing(8)
        values: dict[str, QLabel] = {}
        items = (("patients_created", self.tr("新患者")),
                 ("patients_merged", self.tr("合并到已有患者")),
                 ("visits_created", self.tr("就诊记录")),
                 ("payments_created", self.tr("付款记录")),
                 ("tasks_created", self.tr("回访任务")), ("rows_rejected", self.tr("被拒绝的行")),
                 ("rows_already_imported", self.tr("已导入过的行")),
                 ("rows_skipped_blank", self.tr("空行")),
                 ("rows_skipped_summary", self.tr("合计行")),
                 ("referrers_linked", self.tr("介绍人关联")))
        for index, (key, text) in enumerate(items):
            box = QWidget()
            box.setObjectName("countCard")
            inner = QVBoxLayout(box)
            inner.setContentsMargins(12, 6, 12, 6)
            inner.setSpacing(0)
            number = QLabel("–")
            number.setObjectName("countValue")
            caption = QLabel(text)
            caption.setObjectName("pageSubtitle")
            inner.addWidget(number)
            inner.addWidget(caption)
            grid.addWidget(box, index // 5, index % 5)
            values[key] = number
        return grid, values

    def show_summary(self, summary: ImportSummary) -> None:
        """The counts and the note; the tabs emptied, then the rejected rows and warnings."""
        for key, label in self.counts.items():
            value = getattr(summary, key)
            label.setText(f"{value:,}")
            label.setProperty("state", "bad" if key == "rows_rejected" and value else "")
            label.style().unpolish(label)
            label.style().polish(label)
        note = self.tr(
            "回访任务只为 30 天前起到期的复查和回访建立；更早到期的 {0} 个已略过，"
            "不会涌入回访清单。").format(f"{summary.tasks_skipped:,}")
        if summary.tasks_satisfied:
            note += "\n" + self.tr("新建的回访任务中有 {0} 个复查已由文件中的后续就诊完成"
                                    "（直接关闭，不上回访清单）。").format(
                f"{summary.tasks_satisfied:,}")
        added = []
        if summary.procedures_created:
            added.append(self.tr("新增项目 {0} 个").format(summary.procedures_created))
        if summary.doctors_created:
            added.append(self.tr("新建停用医生 {0} 位").format(summary.doctors_created))
        if summary.tags_created:
            added.append(self.tr("新建标签 {0} 个").format(summary.tags_created))
        if summary.opening.tiers_created:
            added.append(self.tr("新建会员等级 {0} 个").format(summary.opening.tiers_created))
        if added:
            note += "\n" + self.tr("，").join(added) + self.tr("（撤销导入时一并删除）。")
        opened = self.opening_text(summary)
        if opened:
            note += "\n" + opened
        if summary.columns_ignored:
            note += "\n" + self.tr("未导入的列：{0}").format("、".join(summary.columns_ignored))
        self.note.setText(note)
        self.tabs.clear()

    def opening_text(self, summary: ImportSummary) -> str:
        """The opening balances in one line (empty when the batch opened none)."""
        o = summary.opening
        parts = []
        if o.stored_value_patients:
            parts.append(self.tr("储值 ¥{0}（{1} 位）").format(f"{o.stored_value:,.2f}",
                                                            o.stored_value_patients))
        if o.owed_patients:
            parts.append(self.tr("欠费 ¥{0}（{1} 位）").format(f"{o.owed:,.2f}", o.owed_patients))
        if o.points_patients:
            parts.append(self.tr("积分 {0}（{1} 位）").format(f"{o.points:,}", o.points_patients))
        if o.tiers_set:
            parts.append(self.tr("会员等级 {0} 位").format(o.tiers_set))
        if not parts:
            return ""
        return self.tr("期初余额：{0}（撤销导入时一并删除）。").format("，".join(parts))

    def add_problem_tabs(self, summary: ImportSummary) -> None:
        for title, rows in ((self.tr("被拒绝的行（{0}）"), summary.errors),
                            (self.tr("提示（{0}）"), summary.warnings)):
            self.tabs.addTab(self.problem_table(list(rows)), title.format(len(rows)))

    def problem_table(self, rows: list[Problem]) -> QWidget:
        model: RecordTableModel[Problem] = RecordTableModel([
            Column(self.tr("行"), lambda p: str(p.row or ""), sort_key=lambda p: p.row or 0,
                   align_right=True),
            Column(self.tr("列"), lambda p: p.column),
            Column(self.tr("内容"), lambda p: p.value),
            Column(self.tr("原因"), lambda p: p.reason),
        ], key=lambda p: (p.row, p.column, p.reason))
        model.replace(rows)
        proxy = SortProxy()
        proxy.setSourceModel(model)
        view = make_table(proxy, stretch_column=3)
        # The view owns both, so they live exactly as long as the tab that shows them.
        model.setParent(view)
        proxy.setParent(view)
        view.setColumnWidth(0, 60)
        view.setColumnWidth(1, 90)
        view.setColumnWidth(2, 140)
        view.setWordWrap(False)
        return view
