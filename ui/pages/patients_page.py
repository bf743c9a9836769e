"""患者: one search box and the 360° panel beside it.

With nothing typed the list shows today's patients and the ones this user opened last; typing
searches (on the worker, newest query wins). Typing only highlights the best match: a record
is opened — and its opening audited — by a click, Enter or a double-click on a row, or by
another page's request. Every write goes through ``services.ops``; the page redraws from
``services.changed`` (the panel when the set touches its patient, the lists when patients,
appointments or the audit log changed), never by itself after its own writes.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    Qt,
    QTimer,
)
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.changes import Area, ChangeSet
from clinic_desktop.errors import UserError
from clinic_desktop.permissions import Permission
from clinic_desktop.rules.age import age_on
from clinic_desktop.services import merge
from clinic_desktop.services.patient_search import (
    PatientHit,
    search_patients,
)
from clinic_desktop.services.patients import PatientRecord, load_patient, set_archived
from ui.app_services import AppServices
from ui.dialogs.consent_dialog import ConsentDialog
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
from ui.dialogs.payment_dialog import PaymentDialog
from ui.errors import show_error
from ui.pages import PageSpec
from ui.widgets.common import make_table, page_header
from ui.widgets.contact_reveal import ContactReveals, attach, phone_column
from ui.widgets.ledger_table import fit_columns
from ui.widgets.patient_home import PatientHome, hit_colour, hit_name
from ui.widgets.patient_panel import PatientPanelWidget
from ui.widgets.table_model import RECORD_ROLE, Column, RecordTableModel, SortProxy
from ui.widgets.tier_chip import TierPalette

DEBOUNCE_MS = 150


class PatientsPage(QWidget):
    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        self._pending_query: str | None = None
        self._searching = False
        self._shown_query: str | None = None  # the query whose results are listed
        self._home_stale = True  # today's / recent lists need a read when next shown
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
        # Tier colours read once here, shared with the home lists; the rows carry the name.
        self.tiers = TierPalette(services)
        reveals = ContactReveals.of(services)  # the numbers masked, shown on a right-click
        self.model: RecordTableModel[PatientHit] = RecordTableModel([
            Column(self.tr("姓名"), hit_name, sort_key=lambda h: h.name, colour=hit_colour),
            Column(self.tr("性别"), self._sex),
            Column(self.tr("年龄"), self._age, sort_key=lambda h: h.birth_date or date.min,
                   align_right=True),
            phone_column(reveals, self.tr("手机"), lambda h: h.id, lambda h: h.mobile,
                         double_click=False),
            Column(self.tr("病历号"), lambda h: h.code),
            # Last, and the one that stretches: with the panel open the list is narrow, and
            # the tier gives way before the phone or the code does.
            self.tiers.column(self.tr("会员"), lambda h: h.member_tier),
        ], key=lambda h: h.id)
        self.proxy = SortProxy()
        self.proxy.setSourceModel(self.model)
        # Not sortable: the search's own ranking (exact code or phone, then name) is the order.
        # Moving through the rows only highlights; a click, Enter or a double-click opens.
        self.results = make_table(self.proxy, stretch_column=5, sortable=False)
        self.results.setObjectName("searchResults")
        self.results.clicked.connect(self._open_index)
        self.results.activated.connect(self._open_index)  # Enter, or a double-click
        # A double-click opens the record here: the reveal is on the row's context menu.
        attach(self.results, reveals, lambda h: h.id, lambda h: h.mobile, phone_column=3,
               double_click=False)
        self.search.returnPressed.connect(self._open_current)
        self.search.installEventFilter(self)  # Down moves from the box into the results
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
        self.lists = QStackedWidget()
        self.home = PatientHome(services, self.tiers)
        self.home.open_requested.connect(self.open_patient)
        self.lists.addWidget(self.home)
        self.lists.addWidget(self.results)
        left_layout.addWidget(self.lists, 1)
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
        splitter.setSizes([460, 740])
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
        self._show_home()

    # -- with nothing typed: today's patients and the recently opened ------------------------
    def _show_home(self) -> None:
        self.lists.setCurrentIndex(0)
        self._shown_query = None
        self.count.setText("")
        self.refresh_home()

    def refresh_home(self) -> None:
        """Put off while another page is shown or a search is listed."""
        if self.lists.currentIndex() != 0 or not self.isVisibleTo(self.window()):
            self._home_stale = True
            return
        self.home.refresh(include_archived=self.archived.isChecked())
        self._home_stale = False

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._home_stale:
            self.refresh_home()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.search and event.type() == QEvent.Type.KeyPress \
                and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Down:
            view = self.results if self.lists.currentIndex() == 1 else self.home.today
            view.setFocus()
            if not view.currentIndex().isValid() and view.model().rowCount():
                view.setCurrentIndex(view.model().index(0, 0))
            return True
        return super().eventFilter(watched, event)

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
        # A write (the file, and its audit entry) that can take long: on the worker.
        self.services.ops.run_in_background(
            lambda ctx, _job: export_patients(ctx, target, patient_ids=ids), parent=self,
            initiator=self,
            on_done=lambda rows: self.count.setText(self.tr("已导出 {0} 位患者").format(rows)))

    def _sex(self, hit: PatientHit) -> str:
        return {"M": self.tr("男"), "F": self.tr("女")}.get(hit.sex or "", "")

    def _age(self, hit: PatientHit) -> str:
        if hit.birth_date is None:
            return ""
        return str(age_on(hit.birth_date, self.services.local(self.services.ctx.now()).date()))

    # -- searching: on the worker, newest query wins ----------------------------------------
    def run_search(self) -> None:
        query = self.search.text()
        if not query.strip():
            self._pending_query = None if not self._searching else query
            self._show_home()
            return
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
        if not self.search.text().strip():
            return  # cleared while this search ran: the home lists stay
        new_query = query != self._shown_query
        self._shown_query = query
        self.lists.setCurrentIndex(1)
        self.model.replace(hits)
        fit_columns(self.results)
        self.count.setText(self.tr("{0} 位").format(len(hits)))
        if hits and (new_query or not self.results.currentIndex().isValid()):
            # The best match highlighted for Enter; highlighting opens nothing.
            self.results.selectionModel().setCurrentIndex(
                self.proxy.index(0, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)

    def _search_failed(self, error: BaseException) -> None:
        self._searching = False
        show_error(self, error)

    def _open_current(self) -> None:
        """Enter in the search box: the highlighted result."""
        if self.lists.currentIndex() == 1:
            self._open_index(self.results.currentIndex())

    def _open_index(self, index: QModelIndex) -> None:
        record = index.data(RECORD_ROLE) if index.isValid() else None
        if isinstance(record, PatientHit):
            self.open_patient(record.id)

    def focus_search(self) -> None:
        """Ctrl+F from anywhere: type a name straight away."""
        self.search.setFocus()
        self.search.selectAll()

    def open_patient(self, patient_id: int) -> None:
        """A person opens the record (a click, Enter, a double-click, another page): the
        opening is audited once. The record already shown is read again, not opened again
        (the second click of a double-click, a repeated request)."""
        self.undo_bar.hide()
        if self.panel.patient_id == patient_id:
            self.panel.reload()
        elif not self.panel.show_patient(patient_id):
            return
        self.placeholder.hide()
        self.panel.show()

    def _on_changed(self, changes: ChangeSet, _initiator: object) -> None:
        if self.tiers.reload_if(changes):  # a tier recoloured or renamed: the swatches follow
            for view in (self.results, self.home.today, self.home.recent):
                view.viewport().update()
        shown = self.panel.patient_id
        if shown is not None and changes.touches_patient(shown):
            self.panel.reload()
        if self.lists.currentIndex() == 1:
            if changes.touches(Area.PATIENTS) and not self._searching:
                self.run_search()  # a name, an archive or a merge changes what matches
        elif changes.touches(Area.PATIENTS, Area.APPOINTMENTS, Area.AUDIT):
            self.refresh_home()  # the audit log: this user's openings

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
        """A panel button. The dialogs write through ``services.ops``; the panel and the
        lists redraw from the change that reports, not from here."""
        panel = self.panel.panel
        if panel is None:
            return
        pid = panel.header.patient.id
        if action == "book":
            self.services.request_booking(pid)  # the window opens the calendar's booking
        elif action == "edit":
            record = self._load(pid)
            if record is not None:
                PatientFormDialog(self.services, record, self).exec()
        elif action == "contact":
            ContactDialog(self.services, pid, self).exec()
        elif action == "consent" and panel.header.consent is not None:
            ConsentDialog(self.services, pid, panel.header.consent, self).exec()
        elif action == "payment":
            PaymentDialog(self.services, pid, parent=self).exec()
        elif action == "ledger":
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
        elif action == "archive":
            self._archive(pid, not panel.header.patient.archived)

    def _load(self, patient_id: int) -> PatientRecord | None:
        try:
            return load_patient(self.services.ctx, patient_id)
        except UserError as error:
            show_error(self, error)
            return None

    def _archive(self, patient_id: int, archive: bool) -> None:
        question = self.tr("归档后默认搜索不到这位患者（可勾选“包括已归档”找回）。确定归档吗？")
        if archive and QMessageBox.question(self, self.tr("归档"), question) \
                != QMessageBox.StandardButton.Yes:
            return
        self.services.ops.run(lambda ctx: set_archived(ctx, patient_id, archived=archive),
                              parent=self, initiator=self)

    def _merge(self, patient_id: int) -> None:
        record = self._load(patient_id)
        if record is None:
            return
        dialog = MergeDialog(self.services, record, self)
        if dialog.exec() and dialog.result_id is not None:
            self._last_merge = dialog.result_id
            self.undo_text.setText(self.tr("已合并重复档案。"))
            self.undo_bar.show()

    def undo_merge(self) -> None:
        merge_id = self._last_merge
        if merge_id is None:
            return

        def undone(_result: object) -> None:
            self._last_merge = None
            self.undo_bar.hide()

        self.services.ops.run(lambda ctx: merge.undo_merge(ctx, merge_id), parent=self,
                              initiator=self, on_done=undone)


SPEC = PageSpec(
    key="patients", title=lambda: QCoreApplication.translate("PatientsPage", "患者"),
    icon=QStyle.StandardPixmap.SP_DirHomeIcon, permission=Permission.PATIENT_VIEW,
    factory=PatientsPage, order=10,
)
