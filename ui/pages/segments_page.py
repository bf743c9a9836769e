"""患者分群: build a segment from criteria (the count follows every change, counted on the
worker after a short pause), see who is in it, export it, save it, act on it (a campaign);
RFM groups and active/dormant/lost one click each; the campaigns with their results (acted-on
members against the held-out ones).

Reads go through ``services`` (the count and the RFM table on the worker, they can take a
moment on a large clinic); writes (save, delete, start, run again) through the operation
runner."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.errors import UserError
from clinic_desktop.permissions import Permission
from clinic_desktop.services.insight.activity import (
    ActivityCounts,
    activity_counts,
    built_in_segments,
)
from clinic_desktop.services.insight.campaign_results import (
    CampaignInfo,
    campaign_result,
    list_campaigns,
)
from clinic_desktop.services.insight.campaigns import rerun_campaign
from clinic_desktop.services.insight.rfm import RfmGroupCount, rfm_group_counts
from clinic_desktop.services.insight.segment_rules import SegmentRules
from clinic_desktop.services.insight.segments import (
    SavedSegmentInfo,
    SegmentRow,
    count_segment,
    delete_saved_segment,
    export_segment,
    list_saved_segments,
    list_segment,
    save_segment,
    segment_choices,
)
from ui.app_services import AppServices
from ui.pages import PageSpec
from ui.pages.segment_filter import SegmentFilter
from ui.widgets.common import make_table, page_header, selected_record
from ui.widgets.ledger_table import money
from ui.widgets.table_model import (
    RECORD_ROLE,
    Column,
    Index,
    RecordTableModel,
    SortProxy,
    resize_columns_to_contents,
)

LIST_LIMIT = 2000  # rows shown; the export has them all
DEBOUNCE_MS = 300


def tr(text: str) -> str:
    # lupdate files a free function's tr() under the empty context: looked up there.
    return QCoreApplication.translate("", text)


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def segment_columns() -> list[Column[SegmentRow]]:
    return [
        Column(tr("病历号"), lambda r: r.code),
        Column(tr("姓名"), lambda r: r.name),
        Column(tr("手机"), lambda r: r.phone or ""),
        Column(tr("会员等级"), lambda r: r.tier or ""),
        Column(tr("末次就诊"), lambda r: _day(r.last_visit),
               sort_key=lambda r: r.last_visit or date.min),
        Column(tr("就诊次数"), lambda r: str(r.visits), sort_key=lambda r: r.visits,
               align_right=True),
        Column(tr("消费金额"), lambda r: money(r.spend), sort_key=lambda r: r.spend,
               align_right=True),
        Column(tr("欠费"), lambda r: money(r.owed), sort_key=lambda r: r.owed, align_right=True),
    ]


class SegmentsPage(QWidget):
    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        self.choices = services.call(segment_choices)
        self.saved: list[SavedSegmentInfo] = []
        self.segment_id: int | None = None  # the saved segment shown, if any
        self.segment_name = ""
        self.count = 0
        self._ticket = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(page_header(self.tr("患者分群"), self.tr(
            "按条件筛选患者，保存常用分群，对分群发起回访、消息、优惠券等营销活动并查看效果。")))
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        self.tabs.addTab(self._build_filter_tab(), self.tr("筛选患者"))
        self.tabs.addTab(self._build_rfm_tab(), self.tr("RFM 与活跃度"))
        self.tabs.addTab(self._build_campaigns_tab(), self.tr("营销活动"))
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.recount)
        self.filter.changed.connect(self._edited)
        services.changed.connect(lambda *_a: self._refresh_lists())
        self._refresh_lists()
        self.recount()
        self.show_list()

    # -- the filter tab ----------------------------------------------------------------
    def _build_filter_tab(self) -> QWidget:
        tab = QWidget()
        split = QSplitter(Qt.Orientation.Horizontal)
        self.filter = SegmentFilter(self.choices)
        self.filter.setMinimumWidth(300)
        split.addWidget(self.filter)
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(8, 0, 0, 0)
        built = QHBoxLayout()
        built.addWidget(QLabel(self.tr("常用：")))
        for item in built_in_segments():
            button = QPushButton(item.label)
            button.clicked.connect(lambda _c=False, i=item: self.load(i.rules, i.label))
            built.addWidget(button)
        built.addStretch(1)
        column.addLayout(built)
        saved = QHBoxLayout()
        self.saved_box = QComboBox()
        self.saved_box.setMinimumWidth(200)
        self.open_button = QPushButton(self.tr("打开"))
        self.open_button.clicked.connect(self.open_saved)
        self.delete_button = QPushButton(self.tr("删除"))
        self.delete_button.clicked.connect(self.delete_saved)
        self.save_button = QPushButton(self.tr("保存分群…"))
        self.save_button.clicked.connect(self.save_current)
        for w in (QLabel(self.tr("已保存：")), self.saved_box, self.open_button,
                  self.delete_button, self.save_button):
            saved.addWidget(w)
        saved.addStretch(1)
        column.addLayout(saved)
        counts = QHBoxLayout()
        self.count_label = QLabel()
        self.count_label.setObjectName("segmentCount")
        self.count_label.setStyleSheet("font-size: 18px; font-weight: 600")
        self.list_button = QPushButton(self.tr("查看名单"))
        self.list_button.clicked.connect(self.show_list)
        self.export_button = QPushButton(self.tr("导出 Excel…"))
        self.export_button.clicked.connect(self.export)
        self.campaign_button = QPushButton(self.tr("新建营销活动…"))
        self.campaign_button.clicked.connect(self.new_campaign)
        counts.addWidget(self.count_label, 1)
        for w in (self.list_button, self.export_button, self.campaign_button):
            counts.addWidget(w)
        column.addLayout(counts)
        self.note = QLabel()
        self.note.setWordWrap(True)
        column.addWidget(self.note)
        self.rows = RecordTableModel(segment_columns(), key=lambda r: r.patient_id)
        proxy = SortProxy()
        proxy.setSourceModel(self.rows)
        self.table = make_table(proxy, stretch_column=1)
        self.table.doubleClicked.connect(self._open_patient)
        column.addWidget(self.table, 1)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([340, 900])
        can_run = self.services.can(Permission.CAMPAIGN_RUN)
        for w in (self.save_button, self.delete_button, self.campaign_button):
            w.setVisible(can_run)
        self.export_button.setVisible(self.services.can(Permission.EXPORT_RUN))
        layout = QVBoxLayout(tab)
        layout.addWidget(split)
        return tab

    def _edited(self) -> None:
        self.segment_id = None  # edited: no longer the saved segment as saved
        self.count_label.setText(self.tr("正在计算…"))
        self.timer.start()

    def current_rules(self) -> SegmentRules | None:
        try:
            rules = self.filter.rules()
        except UserError as error:
            self.count_label.setText(self.tr("条件有误"))
            self.note.setText(error.message)
            return None
        self.note.setText("")
        return rules

    def recount(self) -> None:
        """Count on the worker; a result older than the latest edit is dropped."""
        rules = self.current_rules()
        if rules is None:
            return
        self._ticket += 1
        ticket, ctx = self._ticket, self.services.ctx

        def done(count: object) -> None:
            if ticket == self._ticket and isinstance(count, int):
                self.count = count
                self.count_label.setText(self.tr("共 {0} 人").format(f"{count:,}"))

        def failed(error: BaseException) -> None:
            if ticket == self._ticket:
                self.count_label.setText(self.tr("条件有误"))
                self.note.setText(str(error))

        self.services.tasks.run(lambda: count_segment(ctx, rules), on_done=done,
                                on_error=failed)

    def show_list(self) -> None:
        rules = self.current_rules()
        if rules is None:
            return
        page = self.services.call(list_segment, rules, limit=LIST_LIMIT)
        self.rows.replace(page.rows)
        self.count = page.total
        self.count_label.setText(self.tr("共 {0} 人").format(f"{page.total:,}"))
        if page.total > len(page.rows):
            self.note.setText(self.tr("名单只显示前 {0} 人；导出 Excel 可得到全部。").format(
                len(page.rows)))
        resize_columns_to_contents(self.table, [0, 2, 3, 4, 5, 6, 7])

    def load(self, rules: SegmentRules, name: str, segment_id: int | None = None) -> None:
        self.filter.set_rules(rules)
        self.segment_id, self.segment_name = segment_id, name
        self.tabs.setCurrentIndex(0)
        self.show_list()

    def _open_patient(self, index: Index) -> None:
        row = index.data(RECORD_ROLE)
        if isinstance(row, SegmentRow):
            self.services.request_patient(row.patient_id)

    # -- saved segments ----------------------------------------------------------------
    def _refresh_lists(self) -> None:
        self.saved = self.services.call(list_saved_segments)
        self.saved_box.clear()
        for s in self.saved:
            self.saved_box.addItem(s.name, s.id)
        has = bool(self.saved)
        self.open_button.setEnabled(has)
        self.delete_button.setEnabled(has)
        self.refresh_campaigns()

    def _chosen(self) -> SavedSegmentInfo | None:
        wanted = self.saved_box.currentData()
        return next((s for s in self.saved if s.id == wanted), None)

    def open_saved(self) -> None:
        chosen = self._chosen()
        if chosen is not None:
            self.load(chosen.rules, chosen.name, chosen.id)

    def save_current(self) -> None:
        rules = self.current_rules()
        if rules is None:
            return
        name, ok = QInputDialog.getText(self, self.tr("保存分群"), self.tr("分群名称："),
                                        text=self.segment_name)
        if not ok:
            return
        replacing = next((s.id for s in self.saved if s.name == name.strip()), None)
        saved = self.services.ops.run(
            lambda ctx: save_segment(ctx, name=name, rules=rules, segment_id=replacing),
            parent=self, initiator=self)
        if saved is not None:
            self._refresh_lists()
            self.saved_box.setCurrentIndex(self.saved_box.findData(saved.id))
            self.segment_id, self.segment_name = saved.id, saved.name

    def delete_saved(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            return
        answer = QMessageBox.question(self, self.tr("删除分群"), self.tr(
            "删除分群“{0}”？用它发起过的活动保留各自的条件。").format(chosen.name))
        if answer == QMessageBox.StandardButton.Yes:
            self.services.ops.run(lambda ctx: delete_saved_segment(ctx, chosen.id),
                                  parent=self, initiator=self)
            self._refresh_lists()

    def export(self) -> None:
        rules = self.current_rules()
        if rules is None:
            return
        path, _f = QFileDialog.getSaveFileName(self, self.tr("导出分群"),
                                               (self.segment_name or self.tr("患者分群"))
                                               + ".xlsx", "Excel (*.xlsx)")
        if not path:
            return
        title = self.segment_name

        def done(count: int) -> None:
            QMessageBox.information(self, self.tr("导出分群"),
                                    self.tr("已导出 {0} 人。").format(count))

        self.services.ops.run_in_background(
            lambda ctx, job: export_segment(ctx, rules, Path(path), progress=job, title=title),
            parent=self, initiator=self, on_done=done)

    def new_campaign(self) -> None:
        from ui.dialogs.campaign_dialog import CampaignDialog

        rules = self.current_rules()
        if rules is None:
            return
        name = self.segment_name or self.tr("自定义分群")
        dialog = CampaignDialog(self.services, self, rules=rules, segment_id=self.segment_id,
                                segment_name=name, count=self.count, choices=self.choices)
        if dialog.exec() and dialog.outcome is not None:
            outcome = dialog.outcome
            skipped = "、".join(f"{s.name}（{s.reason}）" for s in outcome.skipped[:10])
            QMessageBox.information(self, self.tr("营销活动"), self.tr(
                "活动已开始：{0} 人中 {1} 人留作对照组，执行 {2} 项。").format(
                outcome.members, outcome.held_out, outcome.acted)
                + (self.tr("\n跳过：{0}").format(skipped) if skipped else ""))
            self.refresh_campaigns()
            self.tabs.setCurrentIndex(2)

    # -- RFM and activity --------------------------------------------------------------
    def _build_rfm_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        row = QHBoxLayout()
        self.months = QSpinBox()
        self.months.setRange(1, 120)
        self.months.setValue(12)
        self.months.setSuffix(self.tr(" 个月"))
        refresh = QPushButton(self.tr("计算"))
        refresh.clicked.connect(self.refresh_rfm)
        row.addWidget(QLabel(self.tr("统计最近")))
        row.addWidget(self.months)
        row.addWidget(refresh)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(QLabel(self.tr(
            "R 最近就诊、F 就诊次数、M 消费金额，按五分位打 1–5 分，3 分及以上为“高”。"
            "双击一组查看名单。")))
        self.groups: RecordTableModel[RfmGroupCount] = RecordTableModel([
            Column(tr("分组"), lambda g: g.label),
            Column(tr("人数"), lambda g: f"{g.patients:,}", sort_key=lambda g: g.patients,
                   align_right=True),
            Column(tr("期间消费"), lambda g: money(g.spend), sort_key=lambda g: g.spend,
                   align_right=True),
        ], key=lambda g: g.group)
        proxy = SortProxy()
        proxy.setSourceModel(self.groups)
        self.groups_view = make_table(proxy, stretch_column=0, sortable=False)
        self.groups_view.doubleClicked.connect(self._open_group)
        layout.addWidget(self.groups_view, 1)
        self.activity = QLabel()
        layout.addWidget(self.activity)
        self.rfm_loaded = False
        return tab

    def refresh_rfm(self) -> None:
        months = self.months.value()
        ctx = self.services.ctx

        def work() -> tuple[list[RfmGroupCount], ActivityCounts]:
            return rfm_group_counts(ctx, months=months), activity_counts(ctx)

        def done(result: tuple[list[RfmGroupCount], ActivityCounts]) -> None:
            groups, act = result
            self.groups.replace(groups)
            resize_columns_to_contents(self.groups_view, [1, 2])
            self.activity.setText(self.tr(
                "活跃 {0} 人 · 沉睡 {1} 人（{4} 个月以上未到诊）· 流失 {2} 人（{5} 个月以上）"
                " · 从未就诊 {3} 人").format(act.active, act.dormant, act.lost, act.never,
                                          act.dormant_months, act.lost_months))

        self.services.tasks.run(work, on_done=done)

    def _open_group(self, index: Index) -> None:
        group = index.data(RECORD_ROLE)
        if isinstance(group, RfmGroupCount):
            self.load(SegmentRules(rfm_group=group.group.value, rfm_months=self.months.value()),
                      group.label)

    # -- campaigns ---------------------------------------------------------------------
    def _build_campaigns_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.campaigns: RecordTableModel[CampaignInfo] = RecordTableModel([
            Column(tr("活动"), lambda c: c.name),
            Column(tr("方式"), lambda c: c.action_label),
            Column(tr("分群"), lambda c: c.segment or tr("（自定义条件）")),
            Column(tr("开始"), lambda c: self.services.format_datetime(c.started_at),
                   sort_key=lambda c: c.started_at),
            Column(tr("人数"), lambda c: str(c.members), sort_key=lambda c: c.members,
                   align_right=True),
            Column(tr("对照组"), lambda c: str(c.held_out), sort_key=lambda c: c.held_out,
                   align_right=True),
        ], key=lambda c: c.id)
        proxy = SortProxy()
        proxy.setSourceModel(self.campaigns)
        self.campaigns_view = make_table(proxy, stretch_column=0, sort_column=3,
                                         descending=True)
        self.campaigns_view.selectionModel().selectionChanged.connect(
            lambda *_a: self.show_result())
        layout.addWidget(self.campaigns_view, 1)
        self.result_title = QLabel()
        self.result_title.setWordWrap(True)
        layout.addWidget(self.result_title)
        self.result_grid = QGridLayout()
        layout.addLayout(self.result_grid)
        self.rerun_button = QPushButton(self.tr("对新符合条件的患者再次执行"))
        self.rerun_button.clicked.connect(self.rerun)
        self.rerun_button.setVisible(self.services.can(Permission.CAMPAIGN_RUN))
        self.rerun_button.setEnabled(False)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.rerun_button)
        layout.addLayout(row)
        return tab

    def refresh_campaigns(self) -> None:
        self.campaigns.replace(self.services.call(list_campaigns))
        resize_columns_to_contents(self.campaigns_view, [1, 2, 3, 4, 5])
        if self.campaigns.records and not self.campaigns_view.selectionModel().hasSelection():
            self.campaigns_view.selectRow(0)

    def _selected_campaign(self) -> CampaignInfo | None:
        record = selected_record(self.campaigns_view)
        return record if isinstance(record, CampaignInfo) else None

    def show_result(self) -> None:
        while self.result_grid.count():
            item = self.result_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        campaign = self._selected_campaign()
        self.rerun_button.setEnabled(campaign is not None and campaign.action != "export")
        if campaign is None:
            self.result_title.setText("")
            return
        result = self.services.call(campaign_result, campaign.id)
        state = self.tr("观察期已结束") if result.complete else self.tr("观察期进行中，截至今天")
        self.result_title.setText(self.tr(
            "{0}：{1}。观察期 {2} 至 {3}（{4}）。回访任务：未完成 {5}，已完成 {6}。").format(
            campaign.name, campaign.summary, result.first_day.isoformat(),
            result.last_day.isoformat(), state, result.tasks_open, result.tasks_done))
        heads = [self.tr("组别"), self.tr("人数"), self.tr("预约人数"), self.tr("预约率"),
                 self.tr("到诊人次"), self.tr("收入"), self.tr("人均收入")]
        for col, text in enumerate(heads):
            label = QLabel(text)
            label.setStyleSheet("font-weight: 600")
            self.result_grid.addWidget(label, 0, col)
        for row, (name, g) in enumerate(((self.tr("执行组"), result.acted),
                                         (self.tr("对照组"), result.held_out)), start=1):
            cells = [name, str(g.members), str(g.booked), f"{g.booked_rate:.1%}", str(g.visits),
                     money(g.revenue), money(g.revenue_per_member)]
            for col, text in enumerate(cells):
                self.result_grid.addWidget(QLabel(text), row, col)
        lift = (self.tr("预约率提升 {0:+.1%}").format(result.lift) if result.held_out.members
                else self.tr("没有对照组，无法计算提升。"))
        self.result_grid.addWidget(QLabel(lift), 3, 0, 1, len(heads))

    def rerun(self) -> None:
        campaign = self._selected_campaign()
        if campaign is None:
            return
        outcome = self.services.ops.run(lambda ctx: rerun_campaign(ctx, campaign.id),
                                        parent=self, initiator=self)
        if outcome is not None:
            QMessageBox.information(self, self.tr("营销活动"), self.tr(
                "新加入 {0} 人，执行 {1} 项。").format(outcome.members, outcome.acted))
            self.refresh_campaigns()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self.rfm_loaded:
            self.rfm_loaded = True
            self.refresh_rfm()


SPEC = PageSpec(
    key="segments", title=lambda: QCoreApplication.translate("SegmentsPage", "患者分群"),
    icon=QStyle.StandardPixmap.SP_FileDialogDetailedView, permission=Permission.REPORTS_VIEW,
    factory=SegmentsPage, order=830,
)

__all__ = ["SPEC", "SegmentsPage"]
