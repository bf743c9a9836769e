"""患者: one search box and the 360° panel beside it."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication, QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.changes import ChangeSet
from clinic_desktop.errors import UserError
from clinic_desktop.permissions import Permission
from clinic_desktop.rules.age import age_on
from clinic_desktop.services import merge
from clinic_desktop.services.patient_search import PatientHit, search_patients
from clinic_desktop.services.patients import load_patient, set_archived
from ui.app_services import AppServices
from ui.dialogs.patient_actions import (
    ContactDialog,
    FamilyLinkDialog,
    FeedbackDialog,
    LedgerDialog,
    MedicalDialog,
    MergeDialog,
    TagsDialog,
)
from ui.dialogs.patient_form import PatientFormDialog
from ui.errors import show_error
from ui.pages import PageSpec
from ui.widgets.common import make_table, page_header
from ui.widgets.patient_panel import PatientPanelWidget
from ui.widgets.table_model import RECORD_ROLE, Column, RecordTableModel, SortProxy

DEBOUNCE_MS = 150


class PatientsPage(QWidget):
    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        self._pending_query: str | None = None
        self._searching = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(page_header(self.tr("患者"), self.tr(
            "输入姓名、拼音首字母（zs）、全拼、手机号任意 4 位、病历号或身份证号片段。")))
        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 8, 0)
        search_row = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("patientSearch")
        self.search.setPlaceholderText(self.tr("搜索患者…"))
        self.search.setClearButtonEnabled(True)
        self.new_button = QPushButton(self.tr("新建患者"))
        self.new_button.setProperty("primary", True)
        self.new_button.clicked.connect(self.new_patient)
        self.new_button.setVisible(services.can(Permission.PATIENT_EDIT))
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.new_button)
        self.archived = QCheckBox(self.tr("包括已归档"))
        self.count = QLabel()
        self.count.setObjectName("pageSubtitle")
        self.model: RecordTableModel[PatientHit] = RecordTableModel([
            Column(self.tr("姓名"), lambda h: ("⚠ " if h.has_allergy else "") + h.name,
                   sort_key=lambda h: h.name,
                   colour=lambda h: "#B42318" if h.has_allergy else (
                       "#8A8F98" if h.archived else None)),
            Column(self.tr("性别"), lambda h: {"M": "男", "F": "女"}.get(h.sex or "", "")),
            Column(self.tr("年龄"), self._age, sort_key=lambda h: h.birth_date or date.min,
                   align_right=True),
            Column(self.tr("手机"), lambda h: h.mobile or ""),
            Column(self.tr("病历号"), lambda h: h.code),
        ], key=lambda h: h.id)
        self.proxy = SortProxy()
        self.proxy.setSourceModel(self.model)
        # Not sortable: the search's own ranking (exact code or phone, then name) is the order.
        self.results = make_table(self.proxy, stretch_column=4, sortable=False)
        self.results.selectionModel().currentRowChanged.connect(lambda *_: self._open_current())
        left_layout.addLayout(search_row)
        self.export_button = QPushButton(self.tr("导出…"))
        self.export_button.setToolTip(
            self.tr("把列表中的患者导出为 Excel；搜索框为空时导出全部患者。"))
        self.export_button.clicked.connect(self.export)
        self.export_button.setVisible(services.can(Permission.EXPORT_RUN))
        row = QHBoxLayout()
        row.addWidget(self.archived)
        row.addStretch(1)
        row.addWidget(self.count)
        row.addWidget(self.export_button)
        left_layout.addLayout(row)
        left_layout.addWidget(self.results, 1)
        self.panel = PatientPanelWidget(services)
        self.panel.action_requested.connect(self.on_action)
        self.placeholder = QLabel(self.tr("在左侧搜索并选择一位患者，这里会显示他的全部信息。"))
        self.placeholder.setObjectName("emptyState")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        self.undo_bar = QWidget()
        undo_layout = QHBoxLayout(self.undo_bar)
        undo_layout.setContentsMargins(8, 4, 8, 4)
        self.undo_text = QLabel()
        self.undo_button = QPushButton(self.tr("撤销合并"))
        self.undo_button.clicked.connect(self.undo_merge)
        undo_layout.addWidget(self.undo_text, 1)
        undo_layout.addWidget(self.undo_button)
        self.undo_bar.setObjectName("undoBar")
        self.undo_bar.hide()
        self._last_merge: int | None = None
        right_layout.addWidget(self.undo_bar)
        right_layout.addWidget(self.placeholder, 1)
        right_layout.addWidget(self.panel, 1)
        self.panel.hide()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([420, 780])
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter, 1)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _t: self.timer.start())
        self.archived.toggled.connect(lambda _on: self.run_search())
        services.changed.connect(self._on_changed)
        self.search.setFocus()

    def export(self) -> None:
        """The patients listed (a search's results), or everyone when nothing is searched."""
        from pathlib import Path

        from PySide6.QtWidgets import QFileDialog

        from clinic_desktop.services.exports import export_patients

        query = self.search.text().strip()
        ids = None if not query else [h.id for h in self.model.records]
        today = self.services.local(self.services.ctx.now()).date()
        suggested = f"患者-{query or '全部'}-{today:%Y%m%d}.xlsx"
        path, _filter = QFileDialog.getSaveFileName(self, self.tr("导出患者"), suggested,
                                                    "Excel (*.xlsx)")
        if not path:
            return
        target = Path(path)
        self.services.tasks.run(
            lambda: export_patients(self.services.ctx, target, patient_ids=ids),
            on_done=lambda rows: self.count.setText(
                self.tr("已导出 {0} 位患者").format(rows)),
            on_error=lambda error: show_error(self, error))

    def _age(self, hit: PatientHit) -> str:
        if hit.birth_date is None:
            return ""
        return str(age_on(hit.birth_date, self.services.local(self.services.ctx.now()).date()))

    # -- searching: on the worker, newest query wins ----------------------------------------
    def run_search(self) -> None:
        query = self.search.text()
        if self._searching:
            self._pending_query = query
            return
        self._searching = True
        include = self.archived.isChecked()
        self.services.tasks.run(
            lambda: search_patients(self.services.ctx, query, include_archived=include),
            on_done=lambda hits: self._show_results(query, hits),
            on_error=self._search_failed)

    def _show_results(self, query: str, hits: list[PatientHit]) -> None:
        self._searching = False
        if self._pending_query is not None and self._pending_query != query:
            self._pending_query = None
            self.run_search()
            return
        self._pending_query = None
        self.model.replace(hits)
        for column in range(self.model.columnCount() - 1):
            self.results.resizeColumnToContents(column)
        self.count.setText(self.tr("{0} 位").format(len(hits)) if query.strip() else "")
        if hits:
            self.results.selectionModel().setCurrentIndex(
                self.proxy.index(0, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)

    def _search_failed(self, error: BaseException) -> None:
        self._searching = False
        show_error(self, error)

    def _open_current(self) -> None:
        index = self.results.currentIndex()
        hit = index.data(RECORD_ROLE) if index.isValid() else None
        if isinstance(hit, PatientHit):
            self.open_patient(hit.id)

    def open_patient(self, patient_id: int) -> None:
        self.undo_bar.hide()
        self.panel.show_patient(patient_id)
        self.placeholder.hide()
        self.panel.show()

    def _on_changed(self, changes: ChangeSet, _initiator: object) -> None:
        shown = self.panel.panel.header.patient.id if self.panel.panel is not None else None
        if shown is not None and changes.touches_patient(shown):
            self.panel.reload()

    # -- actions ----------------------------------------------------------------------------
    def new_patient(self) -> None:
        text = self.search.text().strip()
        dialog = PatientFormDialog(
            self.services, parent=self, name="" if text.isdigit() else text,
            mobile=text if text.isdigit() and len(text) == 11 else "")
        accepted = dialog.exec()
        if dialog.open_existing_id is not None:
            self.open_patient(dialog.open_existing_id)
        elif accepted and dialog.saved is not None:
            self.search.setText(dialog.saved.patient.code)
            self.open_patient(dialog.saved.patient.id)

    def on_action(self, action: str) -> None:
        panel = self.panel.panel
        if panel is None:
            return
        pid = panel.header.patient.id
        ctx = self.services.ctx
        try:
            if action == "edit":
                dialog = PatientFormDialog(self.services, load_patient(ctx, pid), self)
                dialog.exec()
            elif action == "contact":
                ContactDialog(self.services, pid, self).exec()
            elif action == "payment":
                LedgerDialog(self.services, pid, self).exec()
            elif action == "feedback":
                FeedbackDialog(self.services, pid, self).exec()
            elif action == "tags":
                TagsDialog(self.services, pid, {t.id for t in panel.header.tags}, self).exec()
            elif action == "family":
                FamilyLinkDialog(self.services, pid, self).exec()
            elif action == "medical" and panel.medical is not None:
                MedicalDialog(self.services, pid, panel.medical, self).exec()
            elif action == "merge":
                self._merge(pid)
                return
            elif action == "archive":
                self._archive(pid, not panel.header.patient.archived)
        except UserError as error:
            show_error(self, error)
        self.panel.reload()

    def _archive(self, patient_id: int, archive: bool) -> None:
        question = self.tr("归档后默认搜索不到这位患者（可勾选“包括已归档”找回）。确定归档吗？")
        if archive and QMessageBox.question(self, self.tr("归档"), question) \
                != QMessageBox.StandardButton.Yes:
            return
        set_archived(self.services.ctx, patient_id, archived=archive)

    def _merge(self, patient_id: int) -> None:
        dialog = MergeDialog(self.services, load_patient(self.services.ctx, patient_id), self)
        if dialog.exec() and dialog.result_id is not None:
            self._last_merge = dialog.result_id
            self.panel.reload()
            self.undo_text.setText(self.tr("已合并重复档案。"))
            self.undo_bar.show()
            self.services.notify({"patients"})

    def undo_merge(self) -> None:
        if self._last_merge is None:
            return
        try:
            merge.undo_merge(self.services.ctx, self._last_merge)
        except UserError as error:
            show_error(self, error)
            return
        self._last_merge = None
        self.undo_bar.hide()
        self.panel.reload()
        self.run_search()
        self.services.notify({"patients"})


SPEC = PageSpec(
    key="patients", title=lambda: QCoreApplication.translate("PatientsPage", "患者"),
    icon=QStyle.StandardPixmap.SP_DirHomeIcon, permission=Permission.PATIENT_VIEW,
    factory=PatientsPage, order=10,
)
