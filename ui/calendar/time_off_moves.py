"""The bookings a doctor's new time off covers, to move one by one (or all at once).

Each row offers the booking's next free slot (``calendar.propose_moves``: the same doctor's,
or another doctor's when one is chosen; no two rows offer the same time) and a 改约通知 for
the patient. Moving is one operation per booking: the move, then the message queued in the
outbox (``messages.queue_message``, template ``reschedule``). What is not moved stays booked,
and the calendar shows it under the time off.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.permissions import Permission
from clinic_desktop.services import appointments as appts
from clinic_desktop.services import messages
from clinic_desktop.services.calendar import MoveProposal, propose_moves
from clinic_desktop.services.staff import list_doctors
from ui.app_services import AppServices
from ui.calendar.booking_parts import open_at_hint
from ui.dialogs.base import Dialog
from ui.widgets.rich_text import plain_label

TEMPLATE = "reschedule"  # 改约通知 (resources/templates/messages.json)
TIME, PATIENT, MOBILE, DOCTOR, NEW_TIME, NOTIFY, MOVE = range(7)
TABLE_HEIGHT = 330  # about eight rows; more scroll inside, the dialog stays within 650


def move_booking(ctx: Context, proposal: MoveProposal, *, notify: bool) -> bool:
    """One booking to its proposed slot, and its patient's 改约通知 queued."""
    if proposal.start is None or proposal.end is None:
        raise UserError(QCoreApplication.translate("TimeOffMovesDialog", "14 天内没有空档"))
    appts.reschedule(ctx, proposal.appointment_id, version=proposal.version,
                     start=proposal.start, end=proposal.end, doctor_id=proposal.doctor_id,
                     chair_id=proposal.chair_id, keep_chair=False)
    if notify:
        # Once per move: moving the same booking again later sends a new notice.
        messages.queue_message(ctx, proposal.patient_id, template_key=TEMPLATE,
                               when=proposal.start, occasion=(
                                   f"appointment{proposal.appointment_id}"
                                   f"@{proposal.start:%Y%m%d%H%M}"))
    return True


class TimeOffMovesDialog(Dialog):
    def __init__(self, services: AppServices, appointment_ids: tuple[int, ...], *,
                 heading: str = "", parent: QWidget | None = None) -> None:
        super().__init__(self.tr("请假期间的预约"), parent)
        self.setObjectName("timeOffMoves")
        self.services = services
        self.ids = list(appointment_ids)
        self.doctors = {d.id: d.display_name for d in list_doctors(services.ctx)}
        self.chosen_doctor: dict[int, int] = {}
        self.proposals: dict[int, MoveProposal] = {}
        self.moved: dict[int, str] = {}  # appointment id -> where it went
        self.can_notify = services.can(Permission.MESSAGES_SEND)
        intro = plain_label(heading or self.tr("这段时间里还有 {0} 个预约。").format(len(self.ids)))
        intro.setWordWrap(True)
        self.body.addWidget(intro)
        hint = plain_label(self.tr(
            "每个预约可改到下一个空档，或改给其他医生；勾选“通知”会在“消息”页留一条改约通知待发送。"))
        hint.setObjectName("dialogSubtitle")
        hint.setWordWrap(True)
        self.body.addWidget(hint)
        self.table = QTableWidget(0, 7)
        self.table.setHorizontalHeaderLabels([
            self.tr("原时间"), self.tr("患者"), self.tr("电话"), self.tr("改给"),
            self.tr("新时间"), self.tr("通知"), ""])
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NEW_TIME, QHeaderView.ResizeMode.Stretch)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setMaximumHeight(TABLE_HEIGHT)
        self.body.addWidget(self.table, 1)
        self.body.addWidget(self.error_label)
        buttons = QDialogButtonBox()
        self.move_all_button = buttons.addButton(self.tr("全部改约"),
                                                 QDialogButtonBox.ButtonRole.ActionRole)
        self.move_all_button.clicked.connect(self.move_all)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setText(self.tr("关闭"))
        buttons.rejected.connect(self.reject)
        self.body.addWidget(buttons)
        self._build_rows()
        self.refresh()
        self.setMinimumWidth(760)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        open_at_hint(self)

    def _build_rows(self) -> None:
        proposals = propose_moves(self.services.ctx, self.ids)
        self.ids = [p.appointment_id for p in proposals]  # in time order; finished ones gone
        self.table.setRowCount(len(proposals))
        for row, p in enumerate(proposals):
            was = self.services.local(p.old_start)
            self.table.setItem(row, TIME, QTableWidgetItem(
                f"{was:%m-%d %H:%M}–{self.services.local(p.old_end):%H:%M}"))
            self.table.setItem(row, PATIENT, QTableWidgetItem(p.patient_name))
            self.table.setItem(row, MOBILE, QTableWidgetItem(p.patient_mobile or ""))
            self.table.setItem(row, NEW_TIME, QTableWidgetItem(""))
            combo = QComboBox()
            for doctor_id, name in self.doctors.items():
                combo.addItem(name, doctor_id)
            combo.setCurrentIndex(max(0, combo.findData(p.old_doctor_id)))
            combo.currentIndexChanged.connect(
                lambda _i, a=p.appointment_id, c=combo: self._doctor_changed(a, c))
            self.table.setCellWidget(row, DOCTOR, combo)
            notify = QCheckBox()
            notify.setToolTip(self.tr("在“消息”页留一条改约通知"))
            notify.setChecked(self.can_notify)
            notify.setEnabled(self.can_notify)
            self.table.setCellWidget(row, NOTIFY, notify)
            button = QPushButton(self.tr("改约"))
            button.clicked.connect(lambda _c=False, a=p.appointment_id: self.move_one(a))
            self.table.setCellWidget(row, MOVE, button)
        self.table.resizeRowsToContents()
        rows = sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        self.table.setMinimumHeight(min(TABLE_HEIGHT, self.table.horizontalHeader().sizeHint()
                                        .height() + rows + 2 * self.table.frameWidth()))

    def _doctor_changed(self, appointment_id: int, combo: QComboBox) -> None:
        self.chosen_doctor[appointment_id] = int(combo.currentData())
        self.refresh()

    def pending(self) -> list[int]:
        return [a for a in self.ids if a not in self.moved]

    def refresh(self) -> None:
        """Fresh proposals for what is still to move (a move takes its slot)."""
        self.proposals = {p.appointment_id: p for p in propose_moves(
            self.services.ctx, self.pending(), doctors=self.chosen_doctor)}
        for row, appointment_id in enumerate(self.ids):
            proposal = self.proposals.get(appointment_id)
            item = self.table.item(row, NEW_TIME)
            widgets = [self.table.cellWidget(row, c) for c in (DOCTOR, NOTIFY, MOVE)]
            assert item is not None
            if appointment_id in self.moved:
                item.setText(self.moved[appointment_id])
                for widget in widgets:
                    widget.setEnabled(False)
                continue
            if proposal is None or proposal.start is None:
                item.setText(self.tr("14 天内没有空档"))
                widgets[2].setEnabled(False)
                continue
            item.setText(self._where(proposal.start, proposal.doctor_id))
            widgets[2].setEnabled(True)
        self.move_all_button.setEnabled(any(
            p.start is not None for p in self.proposals.values()))

    def _where(self, start: datetime, doctor_id: int) -> str:
        return f"{self.services.local(start):%m-%d %H:%M}  {self.doctors.get(doctor_id, '')}"

    def notify_checked(self, appointment_id: int) -> bool:
        box = self.table.cellWidget(self.ids.index(appointment_id), NOTIFY)
        return isinstance(box, QCheckBox) and box.isChecked()

    def move_one(self, appointment_id: int) -> bool:
        """Move one booking to its proposed slot; True when it moved. A refusal (someone took
        the slot meanwhile, the booking changed) is shown and fresh proposals follow."""
        proposal = self.proposals.get(appointment_id)
        if proposal is None or proposal.start is None:
            return False
        notify = self.can_notify and self.notify_checked(appointment_id)
        done = self.services.ops.run(lambda ctx: move_booking(ctx, proposal, notify=notify),
                                     parent=self, initiator=self, on_error=self._refused)
        if done:
            self.moved[appointment_id] = self.tr("已改到 {0}").format(
                self._where(proposal.start, proposal.doctor_id))
            self.error_label.hide()
        self.refresh()
        return bool(done)

    def _refused(self, error: UserError) -> None:
        self.error_label.setText(error.message)
        self.error_label.show()

    def move_all(self) -> None:
        for appointment_id in list(self.pending()):
            proposal = self.proposals.get(appointment_id)
            if proposal is None or proposal.start is None:
                continue  # nothing free for this one: it stays, the row says so
            if not self.move_one(appointment_id):
                break  # the reason is shown; the rest wait for the person to look
