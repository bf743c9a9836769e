"""The import wizard: file → header row → column mapping → dry run → import → summary.

Every step that touches the file or the database runs on the worker; the dialog shows a
progress bar and stays responsive. Cancel during the import rolls the whole batch back.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QBrush, QCloseEvent, QColor, QDragEnterEvent, QDropEvent, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.errors import UserError
from clinic_desktop.importing.header import header_labels
from clinic_desktop.importing.mapping import (
    FIELDS,
    auto_map,
    check_mapping,
    field_label,
    mapping_from_profile,
    profile_from_mapping,
)
from clinic_desktop.importing.rows import Problem
from clinic_desktop.rules.legacy_values import cell_text
from clinic_desktop.services import import_batches, imports
from clinic_desktop.services.exports import write_error_report
from clinic_desktop.services.import_plan import PlannedPatient
from clinic_desktop.services.imports import FilePreview, ImportRequest, ImportSummary
from ui.app_services import AppServices
from ui.dialogs.base import Dialog
from ui.errors import show_error
from ui.tasks import Cancelled, Job
from ui.widgets.common import make_table
from ui.widgets.rich_text import make_plain, rich_plain
from ui.widgets.table_model import Column, RecordTableModel, SortProxy

FILE_FILTER = "Excel / CSV (*.xlsx *.xlsm *.xls *.ods *.csv)"
HEADER_COLOUR = QColor("#D6E4FF")
ABOVE_COLOUR = QColor("#F0F2F5")


class ImportWizard(Dialog):
    geometry_key = "import_wizard"
    STEPS = (QT_TRANSLATE_NOOP("ImportWizard", "选择文件"),
             QT_TRANSLATE_NOOP("ImportWizard", "确认表头"),
             QT_TRANSLATE_NOOP("ImportWizard", "对应列"),
             QT_TRANSLATE_NOOP("ImportWizard", "试运行"),
             QT_TRANSLATE_NOOP("ImportWizard", "导入"), QT_TRANSLATE_NOOP("ImportWizard", "完成"))

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        title = QCoreApplication.translate("ImportWizard", "导入 Excel 旧档案")
        super().__init__(title, parent)
        self.services = services
        self.preview: FilePreview | None = None
        self.summary: ImportSummary | None = None
        self.dry: ImportSummary | None = None
        self.job: Job | None = None
        self.setAcceptDrops(True)
        self.resize(1040, 700)
        self.steps = QHBoxLayout()
        self.step_labels = []
        for number, name in enumerate(self.STEPS, start=1):
            label = QLabel(f"{number}  {self.tr(str(name))}")
            label.setObjectName("wizardStep")
            self.steps.addWidget(label)
            self.step_labels.append(label)
        self.steps.addStretch(1)
        self.body.addLayout(self.steps)
        self.stack = QStackedWidget()
        self.body.addWidget(self.stack, 1)
        self.body.addWidget(self.error_label)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.body.addWidget(self.progress)
        self._build_file_step()
        self._build_header_step()
        self._build_mapping_step()
        self._build_dry_run_step()
        self._build_run_step()
        self._build_done_step()
        buttons = QHBoxLayout()
        self.back_button = QPushButton(self.tr("上一步"))
        self.next_button = QPushButton(self.tr("下一步"))
        self.next_button.setProperty("primary", True)
        self.next_button.setDefault(True)
        self.close_button = QPushButton(self.tr("关闭"))
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.forward)
        self.close_button.clicked.connect(self.close_or_cancel)
        buttons.addStretch(1)
        for button in (self.back_button, self.next_button, self.close_button):
            buttons.addWidget(button)
        self.body.addLayout(buttons)
        self.go(0)

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

    # -- steps -----------------------------------------------------------------------------
    def _page(self) -> tuple[QWidget, QVBoxLayout]:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 8, 0, 0)
        self.stack.addWidget(page)
        return page, layout

    def _build_file_step(self) -> None:
        _page, layout = self._page()
        intro = QLabel(self.tr("选择诊所原来的 Excel 或 CSV 档案"
                               "（.xlsx、.xlsm、.xls、.ods、.csv），"
                          "也可以直接把文件拖到这个窗口。标题行、合并单元格、中文列名、"
                          "一人多行都可以原样导入；导入前会先试运行，告诉您将要做什么。"))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        row = QHBoxLayout()
        self.path_edit = QLineEdit()
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText(self.tr("尚未选择文件"))
        browse = QPushButton(self.tr("选择文件…"))
        browse.clicked.connect(self.browse)
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        form.addRow(self.tr("文件"), row)
        self.sheet_combo = QComboBox()
        self.sheet_combo.setMinimumWidth(240)
        sheet_row = QHBoxLayout()
        sheet_row.addWidget(self.sheet_combo)
        sheet_row.addStretch(1)
        form.addRow(self.tr("工作表"), sheet_row)
        layout.addLayout(form)
        self.file_info = QLabel()
        make_plain(self.file_info)  # names the file's sheet
        self.file_info.setObjectName("pageSubtitle")
        self.file_info.setWordWrap(True)
        layout.addWidget(self.file_info)
        layout.addStretch(1)

    def _build_header_step(self) -> None:
        _page, layout = self._page()
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("表头在第")))
        self.header_spin = QSpinBox()
        self.header_spin.setRange(1, 30)
        self.header_spin.setMinimumWidth(72)
        self.header_spin.valueChanged.connect(self._header_changed)
        row.addWidget(self.header_spin)
        row.addWidget(QLabel(self.tr("行")))
        self.header_note = QLabel()
        self.header_note.setObjectName("pageSubtitle")
        row.addWidget(self.header_note, 1)
        layout.addLayout(row)
        self.preview_table = QTableWidget()
        self.preview_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        layout.addWidget(self.preview_table, 1)

    def _build_mapping_step(self) -> None:
        _page, layout = self._page()
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("对应方案")))
        self.profile_combo = QComboBox()
        self.profile_combo.setMinimumWidth(180)
        self.profile_combo.activated.connect(self._apply_profile)
        top.addWidget(self.profile_combo)
        save = QPushButton(self.tr("保存为方案…"))
        save.clicked.connect(self.save_profile)
        top.addWidget(save)
        top.addSpacing(24)
        top.addWidget(QLabel(self.tr("已有的患者")))
        self.policy_combo = QComboBox()
        for key, text in (("merge", self.tr("合并：补全空白信息")),
                          ("skip", self.tr("跳过：不动已有患者")),
                          ("create", self.tr("新建：另建一份档案"))):
            self.policy_combo.addItem(text, key)
        top.addWidget(self.policy_combo)
        self.overwrite_check = QCheckBox(self.tr("用文件中的值覆盖已有信息"))
        self.policy_combo.currentIndexChanged.connect(
            lambda _i: self.overwrite_check.setEnabled(self.policy_combo.currentData() == "merge"))
        top.addWidget(self.overwrite_check)
        top.addStretch(1)
        layout.addLayout(top)
        self.mapping_table = QTableWidget(0, 3)
        self.mapping_table.setHorizontalHeaderLabels(
            [self.tr("文件中的列"), self.tr("示例"), self.tr("导入为")])
        self.mapping_table.verticalHeader().setVisible(False)
        self.mapping_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.mapping_table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.mapping_table.setColumnWidth(0, 180)
        self.mapping_table.setColumnWidth(2, 200)
        layout.addWidget(self.mapping_table, 1)
        self.mapping_note = QLabel()
        self.mapping_note.setObjectName("formWarning")
        self.mapping_note.setWordWrap(True)
        layout.addWidget(self.mapping_note)
        legend = QLabel(self.tr("带 * 的字段必须对应；同一个人的多行"
                                "（身份证号相同、手机号和姓名相同、或姓名和生日相同）"
                           "会合并为一位患者。"))
        legend.setObjectName("pageSubtitle")
        layout.addWidget(legend)

    def _counts_grid(self) -> tuple[QGridLayout, dict[str, QLabel]]:
        grid = QGridLayout()
        values: dict[str, QLabel] = {}
        items = (("patients_created", self.tr("新患者")),
                 ("patients_merged", self.tr("合并到已有患者")),
                 ("visits_created", self.tr("就诊记录")), ("payments_created", self.tr("付款记录")),
                 ("tasks_created", self.tr("回访任务")), ("rows_rejected", self.tr("被拒绝的行")),
                 ("rows_already_imported", self.tr("已导入过的行")),
                 ("rows_skipped_blank", self.tr("空行")),
                 ("rows_skipped_summary", self.tr("合计行")))
        for index, (key, text) in enumerate(items):
            box = QWidget()
            box.setObjectName("countCard")
            inner = QVBoxLayout(box)
            inner.setContentsMargins(12, 8, 12, 8)
            number = QLabel("–")
            number.setObjectName("countValue")
            caption = QLabel(text)
            caption.setObjectName("pageSubtitle")
            inner.addWidget(number)
            inner.addWidget(caption)
            grid.addWidget(box, index // 5, index % 5)
            values[key] = number
        return grid, values

    def _build_dry_run_step(self) -> None:
        _page, layout = self._page()
        self.dry_title = QLabel(self.tr("试运行：尚未写入任何数据"))
        self.dry_title.setObjectName("dialogHeading")
        layout.addWidget(self.dry_title)
        grid, self.dry_counts = self._counts_grid()
        layout.addLayout(grid)
        self.dry_note = QLabel()
        self.dry_note.setObjectName("pageSubtitle")
        layout.addWidget(self.dry_note)
        self.dry_tabs = QTabWidget()
        layout.addWidget(self.dry_tabs, 1)

    def _build_run_step(self) -> None:
        _page, layout = self._page()
        layout.addStretch(1)
        self.run_label = QLabel(self.tr("正在导入…"))
        self.run_label.setObjectName("dialogHeading")
        self.run_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.run_label)
        note = QLabel(self.tr("可以随时取消：取消后本次导入不会留下任何数据。"))
        note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        note.setObjectName("pageSubtitle")
        layout.addWidget(note)
        layout.addStretch(2)

    def _build_done_step(self) -> None:
        _page, layout = self._page()
        self.done_title = QLabel()
        make_plain(self.done_title)  # names the imported file
        self.done_title.setObjectName("dialogHeading")
        layout.addWidget(self.done_title)
        grid, self.done_counts = self._counts_grid()
        layout.addLayout(grid)
        self.done_note = QLabel()
        self.done_note.setObjectName("pageSubtitle")
        layout.addWidget(self.done_note)
        actions = QHBoxLayout()
        self.report_button = QPushButton(self.tr("保存错误报告…"))
        self.report_button.clicked.connect(self.save_report)
        self.undo_button = QPushButton(self.tr("撤销此次导入"))
        self.undo_button.clicked.connect(self.undo)
        actions.addWidget(self.report_button)
        actions.addWidget(self.undo_button)
        actions.addStretch(1)
        layout.addLayout(actions)
        self.done_tabs = QTabWidget()
        layout.addWidget(self.done_tabs, 1)

    # -- navigation ------------------------------------------------------------------------
    def go(self, step: int) -> None:
        self.stack.setCurrentIndex(step)
        for index, label in enumerate(self.step_labels):
            label.setProperty("state", "current" if index == step else
                              ("done" if index < step else "todo"))
            label.style().unpolish(label)
            label.style().polish(label)
        self.error_label.hide()
        self.back_button.setVisible(step in (1, 2, 3))
        self.next_button.setVisible(step in (0, 1, 2, 3))
        self.next_button.setText(self.tr("开始导入") if step == 3 else
                                 (self.tr("试运行") if step == 2 else self.tr("下一步")))
        self.close_button.setText(self.tr("取消导入") if step == 4 else
                                  (self.tr("完成") if step == 5 else self.tr("关闭")))
        self._update_next()

    def _update_next(self) -> None:
        step = self.stack.currentIndex()
        ready = {0: self.preview is not None, 1: self.preview is not None,
                 2: not self._mapping_problems(), 3: self.dry is not None}.get(step, True)
        self.next_button.setEnabled(ready and self.job is None)
        if step < 4:
            self.close_button.setText(self.tr("取消") if self.job is not None
                                      else self.tr("关闭"))

    def back(self) -> None:
        self.go(max(0, self.stack.currentIndex() - 1))

    def forward(self) -> None:
        step = self.stack.currentIndex()
        if step == 0:
            self.go(1)
        elif step == 1:
            self._fill_mapping()
            self.go(2)
        elif step == 2:
            self.run_dry()
        elif step == 3:
            self.run_import()

    def close_or_cancel(self) -> None:
        if self.job is not None:  # reading, a dry run or the import: stop it, keep the dialog
            self.job.cancel()
            self.progress.setFormat(self.tr("正在取消…"))
            if self.stack.currentIndex() == 4:
                self.run_label.setText(self.tr("正在取消…"))
            return
        if self.summary is not None:
            self.accept()
        else:
            self.reject()

    def reject(self) -> None:
        # Escape or the window's close box while work runs: stop the work first; the dialog
        # stays until the worker has let go of it (its result is delivered here).
        if self.job is not None:
            self.close_or_cancel()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.job is not None:
            self.close_or_cancel()
            event.ignore()
            return
        super().closeEvent(event)

    def _fail(self, error: BaseException) -> None:
        self.job = None
        self.progress.hide()
        if isinstance(error, UserError | Cancelled):
            self.error_label.setText(error.message if isinstance(error, UserError)
                                     else self.tr("已取消。"))
            self.error_label.show()
        else:
            show_error(self, error)
        self._update_next()

    def _work(self, fn: Callable[[Job], Any], on_done: Callable[[Any], None], text: str, *,
              on_error: Callable[[BaseException], None] | None = None) -> None:
        self.error_label.hide()
        self.progress.setRange(0, 0)
        self.progress.setFormat(text)
        self.progress.show()

        def progress(done: int, total: int, message: str) -> None:
            self.progress.setRange(0, max(total, 1))
            self.progress.setValue(done)
            self.progress.setFormat(f"{message}  %p%" if message else "%p%")

        ended = False  # a synchronous task manager (tests) ends before run_job returns

        def finished(result: Any) -> None:
            nonlocal ended
            ended, self.job = True, None
            self.progress.hide()
            on_done(result)
            self._update_next()

        def failed(error: BaseException) -> None:
            nonlocal ended
            ended, self.job = True, None
            (on_error or self._fail)(error)

        job = self.services.tasks.run_job(fn, on_done=finished, on_error=failed,
                                          on_progress=progress)
        self.job = None if ended else job
        self._update_next()

    # -- step 1: file ----------------------------------------------------------------------
    def browse(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, self.tr("选择要导入的文件"), "",
                                                    FILE_FILTER)
        if path:
            self.open_file(Path(path))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile() and self.stack.currentIndex() == 0:
            self.open_file(Path(urls[0].toLocalFile()))

    def open_file(self, path: Path, sheet: str | None = None) -> None:
        self.path_edit.setText(str(path))
        self.preview = self.dry = None

        def read(_job: Job) -> FilePreview:
            return imports.preview_file(self.services.ctx, path, sheet)

        self._work(read, self._file_read, self.tr("正在读取文件…"))

    def _file_read(self, preview: FilePreview) -> None:
        self.preview = preview
        info = self.tr("工作表“{0}”共 {1} 行、{2} 列。").format(
            preview.data.name, f"{len(preview.data.rows):,}", preview.data.width)
        if preview.header_row is not None:
            info += self.tr("表头在第 {0} 行，识别出 {1} 个字段。").format(
                preview.header_row, len(preview.mapping))
        else:
            info += self.tr("没有自动识别出表头，下一步请选择表头所在的行。")
        self.file_info.setText(info)
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        self.sheet_combo.addItems(list(preview.sheets))
        self.sheet_combo.setCurrentText(preview.data.name)
        self.sheet_combo.blockSignals(False)
        self.sheet_combo.currentTextChanged.connect(self._sheet_changed,
                                                    Qt.ConnectionType.UniqueConnection)
        self._fill_preview()

    def _sheet_changed(self, name: str) -> None:
        if self.preview is not None and name and name != self.preview.data.name:
            self.open_file(self.preview.path, name)

    # -- step 2: header --------------------------------------------------------------------
    def _fill_preview(self) -> None:
        assert self.preview is not None
        rows = self.preview.rows
        width = max((len(r) for r in rows), default=0)
        table = self.preview_table
        table.clear()
        table.clearSpans()
        table.setRowCount(len(rows))
        table.setColumnCount(width)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.setItem(r, c, QTableWidgetItem(value))
            if sum(1 for v in row if v) == 1 and row[0] and width > 1:
                table.setSpan(r, 0, 1, width)  # a title row reads across, as in Excel
        self.header_spin.blockSignals(True)
        self.header_spin.setRange(1, max(1, len(rows)))
        self.header_spin.setValue(self.preview.header_row or 1)
        self.header_spin.blockSignals(False)
        self._header_changed(self.header_spin.value())

    def _labels(self) -> tuple[str, ...]:
        assert self.preview is not None
        return header_labels(self.preview.data.rows, self.header_spin.value() - 1)

    def _header_changed(self, row_number: int) -> None:
        if self.preview is None:
            return
        table = self.preview_table
        bold = QFont()
        bold.setBold(True)
        for r in range(table.rowCount()):
            for c in range(table.columnCount()):
                item = table.item(r, c)
                if item is None:
                    item = QTableWidgetItem("")
                    table.setItem(r, c, item)
                if r == row_number - 1:
                    item.setBackground(QBrush(HEADER_COLOUR))
                    item.setFont(bold)
                else:
                    item.setBackground(QBrush(ABOVE_COLOUR) if r < row_number - 1
                                       else QBrush())
                    item.setFont(QFont())
        table.resizeColumnsToContents()
        for c in range(table.columnCount()):
            table.setColumnWidth(c, min(table.columnWidth(c), 180))
        mapping = auto_map(self._labels())
        detected = self.preview.header_row
        note = self.tr("识别出 {0} 个字段：{1}").format(
            len(mapping), "、".join(field_label(k) for k in mapping.values()) or "—")
        if detected is None:
            note = self.tr("没有自动识别出表头，请选择表头所在的行。") + "  " + note
        self.header_note.setText(note)
        header_item = table.item(max(0, row_number - 1), 0)
        if header_item is not None:
            table.scrollToItem(header_item)

    # -- step 3: mapping -------------------------------------------------------------------
    def _fill_mapping(self, mapping: dict[int, str] | None = None) -> None:
        assert self.preview is not None
        labels = self._labels()
        mapping = auto_map(labels) if mapping is None else mapping
        header_index = self.header_spin.value() - 1
        data_rows = self.preview.data.rows[header_index + 1:header_index + 40]
        table = self.mapping_table
        table.setRowCount(len(labels))
        for column, label in enumerate(labels):
            shown_label = label or self.tr("（第 {0} 列）").format(column + 1)
            table.setItem(column, 0, QTableWidgetItem(shown_label))
            samples = [cell_text(r[column]) for r in data_rows if column < len(r)]
            shown = [s for s in samples if s][:3]
            table.setItem(column, 1, QTableWidgetItem("；".join(shown)))
            combo = QComboBox()
            combo.addItem(self.tr("（不导入）"), "")
            for spec in FIELDS:
                combo.addItem(field_label(spec.key) + (" *" if spec.required else ""), spec.key)
            combo.setCurrentIndex(max(0, combo.findData(mapping.get(column, ""))))
            combo.currentIndexChanged.connect(lambda _i: self._mapping_changed())
            table.setCellWidget(column, 2, combo)
        self._load_profiles()
        self._mapping_changed()

    def current_mapping(self) -> dict[int, str]:
        mapping = {}
        for row in range(self.mapping_table.rowCount()):
            combo = self.mapping_table.cellWidget(row, 2)
            if isinstance(combo, QComboBox) and combo.currentData():
                mapping[row] = str(combo.currentData())
        return mapping

    def _mapping_problems(self) -> list[str]:
        mapping = self.current_mapping()
        problems = check_mapping(mapping)
        taken = [k for k in mapping.values()]
        doubled = sorted({k for k in taken if taken.count(k) > 1})
        if doubled:
            problems.append(self.tr("“{0}”对应了不止一列，每个字段只能对应一列。").format(
                "、".join(field_label(k) for k in doubled)))
        return problems

    def _mapping_changed(self) -> None:
        problems = self._mapping_problems()
        self.mapping_note.setText("\n".join(problems))
        self.mapping_note.setVisible(bool(problems))
        self.dry = None
        self._update_next()

    def _load_profiles(self) -> None:
        self.profiles = import_batches.list_profiles(self.services.ctx)
        self.profile_combo.clear()
        self.profile_combo.addItem(self.tr("自动识别"), "")
        for name in sorted(self.profiles):
            self.profile_combo.addItem(name, name)

    def _apply_profile(self, index: int) -> None:
        name = self.profile_combo.itemData(index)
        labels = self._labels()
        mapping = mapping_from_profile(labels, self.profiles[name]) if name else auto_map(labels)
        self._fill_mapping(mapping)
        self.profile_combo.setCurrentIndex(index)

    def save_profile(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("保存对应方案"),
                                        self.tr("方案名称（例如：老系统导出）"))
        if not ok:
            return
        try:
            import_batches.save_profile(self.services.ctx, name,
                                 profile_from_mapping(self._labels(), self.current_mapping()))
        except UserError as error:
            show_error(self, error)
            return
        self._load_profiles()
        self.profile_combo.setCurrentIndex(self.profile_combo.findData(name.strip()))

    # -- step 4: dry run -------------------------------------------------------------------
    def request(self) -> ImportRequest:
        assert self.preview is not None
        return ImportRequest(self.preview.path, sheet=self.preview.data.name,
                             header_row=self.header_spin.value(),
                             mapping=self.current_mapping(),
                             on_duplicate=str(self.policy_combo.currentData()),
                             overwrite=self.overwrite_check.isChecked(), data=self.preview.data)

    def run_dry(self) -> None:
        request = self.request()

        def dry(job: Job) -> ImportSummary:
            return imports.run_import(self.services.ctx, request, dry_run=True, progress=job)

        self._work(dry, self._dry_done, self.tr("正在试运行…"))

    def _dry_done(self, summary: ImportSummary) -> None:
        self.dry = summary
        self._show_counts(self.dry_counts, summary)
        self.dry_note.setText(self._tasks_note(summary))
        self.dry_tabs.clear()
        sample: RecordTableModel[PlannedPatient] = RecordTableModel([
            Column(self.tr("行"), lambda p: str(p.row), sort_key=lambda p: p.row, align_right=True),
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
        view = make_table(proxy, stretch_column=1)
        sample.setParent(view)
        proxy.setParent(view)
        self.dry_tabs.addTab(view, self.tr("患者预览（{0}）").format(len(summary.sample)))
        for title, rows in ((self.tr("被拒绝的行（{0}）"), summary.errors),
                            (self.tr("提示（{0}）"), summary.warnings)):
            self.dry_tabs.addTab(self.problem_table(list(rows)), title.format(len(rows)))
        if summary.errors:
            self.dry_tabs.setCurrentIndex(1)
        self.go(3)

    def _tasks_note(self, summary: ImportSummary) -> str:
        return self.tr("回访任务只为 30 天前起到期的复查和回访建立；更早到期的 {0} 个已略过，"
                       "不会涌入回访清单。").format(f"{summary.tasks_skipped:,}")

    def _show_counts(self, labels: dict[str, QLabel], summary: ImportSummary) -> None:
        for key, label in labels.items():
            value = getattr(summary, key)
            label.setText(f"{value:,}")
            label.setProperty("state", "bad" if key == "rows_rejected" and value else "")
            label.style().unpolish(label)
            label.style().polish(label)

    # -- step 5: the import ----------------------------------------------------------------
    def run_import(self) -> None:
        request = self.request()
        self.go(4)
        self.run_label.setText(self.tr("正在导入…"))

        def run(job: Job) -> ImportSummary:
            return imports.run_import(self.services.ctx, request, progress=job)

        def failed(error: BaseException) -> None:
            # Back to the dry run either way: the transaction was rolled back, nothing written.
            self.go(3)
            if isinstance(error, Cancelled):
                self.job = None
                self.progress.hide()
                self.error_label.setText(self.tr("已取消导入，没有写入任何数据。"))
                self.error_label.show()
                self._update_next()
            else:
                self._fail(error)

        self._work(run, self._imported, self.tr("正在导入…"), on_error=failed)

    def _imported(self, summary: ImportSummary) -> None:
        self.summary = summary
        self.services.notify({"patients", "care", "calendar", "imports"})
        self.done_title.setText(self.tr("导入完成：{0}").format(summary.file_name))
        self._show_counts(self.done_counts, summary)
        self.done_note.setText(self._tasks_note(summary))
        self.done_tabs.clear()
        for title, rows in ((self.tr("被拒绝的行（{0}）"), summary.errors),
                            (self.tr("提示（{0}）"), summary.warnings)):
            self.done_tabs.addTab(self.problem_table(list(rows)), title.format(len(rows)))
        self.report_button.setEnabled(bool(summary.errors))
        self.undo_button.setEnabled(True)
        self.go(5)

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

        self.services.tasks.run(
            lambda: write_error_report(Path(path), summary.errors, header=summary.header,
                                       originals=summary.originals),
            on_done=saved, on_error=lambda e: show_error(self, e))

    def undo(self) -> None:
        if self.summary is None or self.summary.batch_id is None:
            return
        answer = QMessageBox.question(
            self, self.tr("撤销此次导入"),
            self.tr("将删除本次导入新建的 {0} 位患者和 {1} 条就诊记录，并还原被合并患者的资料。"
               "确定撤销吗？").format(self.summary.patients_created, self.summary.visits_created))
        if answer != QMessageBox.StandardButton.Yes:
            return
        batch = self.summary.batch_id

        def done(result: import_batches.UndoSummary) -> None:
            self.undo_button.setEnabled(False)
            self.services.notify({"patients", "care", "calendar", "imports"})
            text = self.tr("已撤销：删除 {0} 位患者、{1} 条就诊，还原 {2} 位患者的资料。")
            self.done_title.setText(text.format(result.patients_removed, result.visits_removed,
                                                result.patients_restored))

        self.services.tasks.run(lambda: import_batches.undo_import(self.services.ctx, batch),
                                on_done=done, on_error=lambda e: show_error(self, e))
