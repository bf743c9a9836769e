"""The patient list before anything is typed: today's patients and the recently opened.

Two sections with their own headings, each a sortable table (today's by time, the recent by
when they were opened, newest first). A click, Enter or a double-click on a row asks to open
that patient (``open_requested``); the page decides what opening means (and audits it).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QLabel, QTableView, QVBoxLayout, QWidget

from clinic_desktop.permissions import Permission
from clinic_desktop.rules.schedule_rules import status_label
from clinic_desktop.services.patient_search import (
    PatientHit,
    RecentPatient,
    TodayPatient,
    recently_opened,
    todays_patients,
)
from ui.app_services import AppServices
from ui.widgets.common import make_table
from ui.widgets.contact_reveal import ContactReveals, attach, phone_column
from ui.widgets.ledger_table import fit_columns
from ui.widgets.table_model import RECORD_ROLE, Column, RecordTableModel, SortProxy
from ui.widgets.tier_chip import TierPalette

RECENT_ROWS = 8


def hit_name(hit: PatientHit) -> str:
    """The name, with ⚠ before it when the patient has an allergy."""
    return ("⚠ " if hit.has_allergy else "") + hit.name


def hit_colour(hit: PatientHit) -> str | None:
    return "#B42318" if hit.has_allergy else ("#8A8F98" if hit.archived else None)


class PatientHome(QWidget):
    open_requested = Signal(int)  # patient id

    def __init__(self, services: AppServices, tiers: TierPalette | None = None) -> None:
        super().__init__()
        self.services = services
        self.tiers = tiers or TierPalette(services)
        reveals = ContactReveals.of(services)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.today_title = QLabel(self.tr("今天的患者"))
        self.today_title.setObjectName("sectionTitle")
        self.today_model: RecordTableModel[TodayPatient] = RecordTableModel([
            Column(self.tr("时间"), lambda t: f"{services.local(t.start):%H:%M}",
                   sort_key=lambda t: t.start),
            Column(self.tr("姓名"), lambda t: hit_name(t.patient),
                   sort_key=lambda t: t.patient.name, colour=lambda t: hit_colour(t.patient)),
            Column(self.tr("医生"), lambda t: t.doctor),
            Column(self.tr("状态"), lambda t: status_label(t.status)
                   + (f" ×{t.appointments}" if t.appointments > 1 else "")),
            phone_column(reveals, self.tr("手机"), lambda t: t.patient.id,
                         lambda t: t.patient.mobile, double_click=False),
            # Last and stretching, as in the search results: the tier gives way first.
            self.tiers.column(self.tr("会员"), lambda t: t.patient.member_tier),
        ], key=lambda t: t.patient.id)
        self.today_proxy = SortProxy()
        self.today_proxy.setSourceModel(self.today_model)
        self.today = make_table(self.today_proxy, stretch_column=5, sort_column=0)
        self.today.setObjectName("todayPatients")
        self.today_empty = QLabel(self.tr("今天没有预约的患者。"))
        self.today_empty.setObjectName("pageSubtitle")
        self.recent_title = QLabel(self.tr("最近打开"))
        self.recent_title.setObjectName("sectionTitle")
        self.recent_model: RecordTableModel[RecentPatient] = RecordTableModel([
            Column(self.tr("姓名"), lambda r: hit_name(r.patient),
                   sort_key=lambda r: r.patient.name, colour=lambda r: hit_colour(r.patient)),
            Column(self.tr("打开于"), lambda r: services.format_datetime(r.opened_at),
                   sort_key=lambda r: r.opened_at),
            phone_column(reveals, self.tr("手机"), lambda r: r.patient.id,
                         lambda r: r.patient.mobile, double_click=False),
            Column(self.tr("病历号"), lambda r: r.patient.code),
            self.tiers.column(self.tr("会员"), lambda r: r.patient.member_tier),
        ], key=lambda r: r.patient.id)
        self.recent_proxy = SortProxy()
        self.recent_proxy.setSourceModel(self.recent_model)
        self.recent = make_table(self.recent_proxy, stretch_column=4, sort_column=1,
                                 descending=True)
        self.recent.setObjectName("recentPatients")
        self.recent_empty = QLabel(self.tr("打开过的患者会列在这里。"))
        self.recent_empty.setObjectName("pageSubtitle")
        for view, phone in ((self.today, 4), (self.recent, 2)):
            view.clicked.connect(self._open)
            view.activated.connect(self._open)  # Enter, or a double-click
            # A double-click opens the record: the reveal is on the row's context menu.
            attach(view, reveals, lambda r: r.patient.id, lambda r: r.patient.mobile,
                   phone_column=phone, double_click=False)
        layout.addWidget(self.today_title)
        layout.addWidget(self.today_empty)
        layout.addWidget(self.today, 3)
        layout.addWidget(self.recent_title)
        layout.addWidget(self.recent_empty)
        layout.addWidget(self.recent, 2)

    def refresh(self, *, include_archived: bool) -> None:
        """Two short reads: an index range of today's appointments, and the newest entries
        of the audit log (this user's openings)."""
        ctx = self.services.ctx
        today = todays_patients(ctx) if self.services.can(Permission.APPOINTMENT_VIEW) else []
        recent = recently_opened(ctx, limit=RECENT_ROWS, include_archived=include_archived)
        self.today_model.replace(today)
        self.recent_model.replace(recent)
        views: tuple[tuple[QTableView, QLabel, bool], ...] = (
            (self.today, self.today_empty, bool(today)),
            (self.recent, self.recent_empty, bool(recent)))
        for view, empty, rows in views:
            view.setVisible(rows)
            empty.setVisible(not rows)
            fit_columns(view)
        self.today_title.setText(self.tr("今天的患者（{0}）").format(len(today)))

    def _open(self, index: QModelIndex) -> None:
        record = index.data(RECORD_ROLE) if index.isValid() else None
        if isinstance(record, TodayPatient | RecentPatient):
            self.open_requested.emit(record.patient.id)
