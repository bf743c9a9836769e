"""会员与营销: the manager sets up membership tiers, the points rules, top-up plans, package
cards and coupon types, and reads who brings new patients and how points move month by month.

Each list is a tab with 新增/编辑 (double-click edits) and a sentence saying what to do while it
is empty. The dialogs write through the operation runner; the lists refresh from ``changed``
when loyalty settings or the procedure catalogue change. The referral ranking and the points
per month are reports (REPORTS_VIEW): read when their tab is shown, again after a payment.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.changes import Area, ChangeSet
from clinic_desktop.permissions import Permission
from clinic_desktop.services.catalogue import ProcedureInfo, list_procedures
from clinic_desktop.services.loyalty.balances import MonthPoints, points_by_month
from clinic_desktop.services.loyalty.coupons import CouponTypeInfo, list_coupon_types
from clinic_desktop.services.loyalty.packages import PackageTypeInfo, list_package_types
from clinic_desktop.services.loyalty.referrals import ReferrerRow, referral_ranking
from clinic_desktop.services.loyalty.rules import ANY, read_rules
from clinic_desktop.services.loyalty.stored_value import TopUpPlanInfo, list_topup_plans
from clinic_desktop.services.loyalty.tiers import TierInfo, list_tiers, threshold_kind_label
from ui.app_services import AppServices
from ui.dialogs.loyalty_settings import (
    CouponTypeDialog,
    LoyaltyRulesForm,
    PackageTypeDialog,
    TierDialog,
    TopUpPlanDialog,
)
from ui.dialogs.loyalty_settings.coupon_dialog import coupon_kind_label, coupon_offer
from ui.dialogs.loyalty_settings.fields import percent_text
from ui.icons import icon
from ui.pages import PageSpec
from ui.widgets.common import button_row, make_table, page_header, selected_record
from ui.widgets.ledger_table import money
from ui.widgets.table_model import (
    RECORD_ROLE,
    Column,
    Index,
    RecordTableModel,
    SortProxy,
    resize_columns_to_contents,
)

GREY = "#8A8F98"  # a retired tier, plan or coupon: listed, greyed


class ListTab(QWidget):
    """A sortable list with 新增 and 编辑 above it, or a sentence while it is empty."""

    def __init__(self, model: RecordTableModel[Any], *, add_text: str, empty_text: str,
                 on_add: Callable[[], None], on_edit: Callable[[object], None],
                 stretch_column: int, sort_column: int = 0) -> None:
        super().__init__()
        self.model = model
        self.on_edit = on_edit
        proxy = SortProxy()
        proxy.setSourceModel(model)
        self.view = make_table(proxy, stretch_column=stretch_column, sort_column=sort_column)
        self.view.doubleClicked.connect(lambda index: on_edit(index.data(RECORD_ROLE)))
        self.add_button = QPushButton(icon("new"), add_text)
        self.add_button.clicked.connect(on_add)
        self.edit_button = QPushButton(icon("edit"), self.tr("编辑"))
        self.edit_button.clicked.connect(self.edit_selected)
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._selection())
        model.modelReset.connect(self._selection)
        self.empty = QLabel(empty_text)
        self.empty.setObjectName("emptyState")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.view)
        layout = QVBoxLayout(self)
        layout.addLayout(button_row(self.add_button, self.edit_button))
        layout.addWidget(self.stack, 1)
        self._selection()

    def show_records(self, records: Sequence[object]) -> None:
        self.model.replace(records)
        self.stack.setCurrentWidget(self.view if records else self.empty)
        fitted = [c for c in range(self.model.columnCount())
                  if self.view.horizontalHeader().sectionResizeMode(c)
                  != QHeaderView.ResizeMode.Stretch]
        resize_columns_to_contents(self.view, fitted)

    def edit_selected(self) -> None:
        record = selected_record(self.view)
        if record is not None:
            self.on_edit(record)

    def _selection(self) -> None:
        self.edit_button.setEnabled(bool(self.view.selectionModel().selectedRows()))


def status_column(title: str, active: Callable[[Any], bool]) -> Column[Any]:
    def text(r: Any) -> str:
        return (QCoreApplication.translate("LoyaltyPage", "启用") if active(r)
                else QCoreApplication.translate("LoyaltyPage", "停用"))

    return Column(title, text, colour=lambda r: None if active(r) else GREY)


class LoyaltyPage(QWidget):
    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        self.procedures: list[ProcedureInfo] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(page_header(self.tr("会员与营销"), self.tr(
            "会员等级、积分规则、充值方案、套餐卡和优惠券。改动从保存起生效，已有的记录不变。")))
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        self.tiers = ListTab(RecordTableModel(self._tier_columns(), key=lambda t: t.id),
                             add_text=self.tr("新增等级"), on_add=lambda: self.edit_tier(None),
                             on_edit=self.edit_tier, stretch_column=4, sort_column=1,
                             empty_text=self.tr(
                                 "还没有会员等级。点“新增等级”设置第一个，例如 银卡：近 12 个月"
                                 "消费满 ¥3,000 升级，享 3% 折扣。"))
        self.rules = LoyaltyRulesForm(services)
        self.plans = ListTab(RecordTableModel(self._plan_columns(), key=lambda p: p.id),
                             add_text=self.tr("新增方案"), on_add=lambda: self.edit_plan(None),
                             on_edit=self.edit_plan, stretch_column=4, empty_text=self.tr(
                                 "还没有充值方案。点“新增方案”，例如 充 ¥5,000 送 ¥500；"
                                 "收银时即可选用。"))
        self.packages = ListTab(RecordTableModel(self._package_columns(), key=lambda p: p.id),
                                add_text=self.tr("新增套餐卡"),
                                on_add=lambda: self.edit_package(None),
                                on_edit=self.edit_package, stretch_column=5, empty_text=self.tr(
                                    "还没有套餐卡。点“新增套餐卡”，例如 洁牙 10 次卡，"
                                    "勾选适用的项目；每次就诊完成时自动扣次。"))
        self.coupons = ListTab(RecordTableModel(self._coupon_columns(), key=lambda c: c.id),
                               add_text=self.tr("新增优惠券"),
                               on_add=lambda: self.edit_coupon(None),
                               on_edit=self.edit_coupon, stretch_column=5, empty_text=self.tr(
                                   "还没有优惠券。点“新增优惠券”，例如 满 ¥300 减 ¥50；"
                                   "之后可在患者资料中发放。"))
        for tab, title in ((self.tiers, self.tr("会员等级")), (self.rules, self.tr("积分与规则")),
                           (self.plans, self.tr("充值方案")), (self.packages, self.tr("套餐卡")),
                           (self.coupons, self.tr("优惠券"))):
            self.tabs.addTab(tab, title)
        self.referrals: ReferralTab | None = None
        if services.can(Permission.REPORTS_VIEW):  # the ranking and the points are reports
            self.referrals = ReferralTab(services)
            self.tabs.addTab(self.referrals, self.tr("转介绍排行"))
        self.tabs.currentChanged.connect(lambda _i: self._show_insight())
        services.changed.connect(self._on_changed)
        self.refresh()

    # -- columns -----------------------------------------------------------------------
    def _tier_columns(self) -> list[Column[TierInfo]]:
        return [
            Column(self.tr("名称"), lambda t: t.name, swatch=lambda t: t.colour,
                   colour=lambda t: None if t.active else GREY),
            Column(self.tr("排序"), lambda t: str(t.rank), sort_key=lambda t: t.rank,
                   align_right=True),
            Column(self.tr("升级条件"), lambda t: threshold_kind_label(t.threshold_kind)),
            Column(self.tr("门槛"), lambda t: money(t.threshold)
                   if t.threshold_kind != "manual" else "—",
                   sort_key=lambda t: (t.threshold_kind, t.threshold), align_right=True),
            Column(self.tr("折扣"), self._discounts),
            Column(self.tr("积分倍数"), lambda t: f"{t.multiplier_percent}%",
                   sort_key=lambda t: t.multiplier_percent, align_right=True),
            status_column(self.tr("状态"), lambda t: t.active),
        ]

    def _discounts(self, tier: TierInfo) -> str:
        if not any(tier.discounts.values()):
            return self.tr("无折扣")
        # "*" reads "all" alone and "other" beside named categories: 其他 3%，种植 0%.
        fallback = self.tr("全部") if set(tier.discounts) == {ANY} else self.tr("其他")
        ordered = sorted(tier.discounts.items(), key=lambda kv: (kv[0] != ANY, kv[0]))
        return self.tr("，").join(
            f"{fallback if category == ANY else category} {percent_text(value)}"
            for category, value in ordered)

    def _plan_columns(self) -> list[Column[TopUpPlanInfo]]:
        return [
            Column(self.tr("名称"), lambda p: p.name,
                   colour=lambda p: None if p.active else GREY),
            Column(self.tr("充值金额"), lambda p: money(p.amount), sort_key=lambda p: p.amount,
                   align_right=True),
            Column(self.tr("赠送"), lambda p: money(p.bonus), sort_key=lambda p: p.bonus,
                   align_right=True),
            Column(self.tr("赠送比例"), lambda p: percent_text(self._share(p)),
                   sort_key=self._share, align_right=True),
            Column(self.tr("到账"), lambda p: money(p.amount + p.bonus),
                   sort_key=lambda p: p.amount + p.bonus, align_right=True),
            status_column(self.tr("状态"), lambda p: p.active),
        ]

    @staticmethod
    def _share(plan: TopUpPlanInfo) -> Decimal:
        return plan.bonus * 100 / plan.amount if plan.amount else Decimal(0)

    def _package_columns(self) -> list[Column[PackageTypeInfo]]:
        return [
            Column(self.tr("名称"), lambda p: p.name,
                   colour=lambda p: None if p.active else GREY),
            Column(self.tr("售价"), lambda p: money(p.price), sort_key=lambda p: p.price,
                   align_right=True),
            Column(self.tr("次数"), lambda p: str(p.uses), sort_key=lambda p: p.uses,
                   align_right=True),
            Column(self.tr("每次均价"), lambda p: money(p.price / p.uses),
                   sort_key=lambda p: p.price / p.uses, align_right=True),
            Column(self.tr("有效期"), lambda p: self.tr("{0} 天").format(p.valid_days),
                   sort_key=lambda p: p.valid_days, align_right=True),
            Column(self.tr("适用项目"), lambda p: self._procedure_names(p.procedure_ids)),
            status_column(self.tr("状态"), lambda p: p.active),
        ]

    def _procedure_names(self, ids: Sequence[int]) -> str:
        names = {p.id: p.name for p in self.procedures}
        return "、".join(names.get(i, "?") for i in ids)

    def _coupon_columns(self) -> list[Column[CouponTypeInfo]]:
        return [
            Column(self.tr("名称"), lambda c: c.name,
                   colour=lambda c: None if c.active else GREY),
            Column(self.tr("类型"), lambda c: coupon_kind_label(c.kind)),
            Column(self.tr("优惠"), lambda c: coupon_offer(
                c, {p.id: p.name for p in self.procedures})),
            Column(self.tr("最低消费"), lambda c: money(c.min_spend) if c.min_spend else "—",
                   sort_key=lambda c: c.min_spend, align_right=True),
            Column(self.tr("有效期"), lambda c: self.tr("{0} 天").format(c.valid_days),
                   sort_key=lambda c: c.valid_days, align_right=True),
            Column(self.tr("适用类别"), lambda c: "、".join(c.categories) or self.tr("全部")),
            Column(self.tr("可叠加"), lambda c: self.tr("是") if c.stackable else ""),
            status_column(self.tr("状态"), lambda c: c.active),
        ]

    # -- reading -------------------------------------------------------------------------
    def refresh(self) -> None:
        call = self.services.call
        self.procedures = call(list_procedures, include_inactive=True)
        self.tiers.show_records(call(list_tiers, include_inactive=True))
        self.plans.show_records(call(list_topup_plans, include_inactive=True))
        self.packages.show_records(call(list_package_types, include_inactive=True))
        self.coupons.show_records(call(list_coupon_types, include_inactive=True))

    def _on_changed(self, changes: ChangeSet, _initiator: object) -> None:
        if changes.touches(Area.LOYALTY, Area.CATALOGUE):
            self.refresh()
        if self.referrals is not None and changes.touches(Area.LEDGER, Area.PATIENTS,
                                                          Area.LOYALTY):
            self.referrals.stale = True
            self._show_insight()

    def _show_insight(self) -> None:
        """The reports are read when their tab is in front, not after every payment."""
        tab = self.referrals
        if tab is not None and tab.stale and self.tabs.currentWidget() is tab:
            tab.refresh()

    # -- the dialogs (they write through the runner; the lists refresh from ``changed``) --
    def edit_tier(self, existing: object) -> None:
        window = self.services.call(read_rules).rules.tier_window_months
        TierDialog(self.services, existing if isinstance(existing, TierInfo) else None,
                   tiers=self.tiers.model.records, procedures=self.procedures,
                   window_months=window, parent=self).exec()

    def edit_plan(self, existing: object) -> None:
        TopUpPlanDialog(self.services, existing if isinstance(existing, TopUpPlanInfo)
                        else None, self).exec()

    def edit_package(self, existing: object) -> None:
        if not self.procedures:
            QMessageBox.information(self, self.tr("套餐卡"), self.tr(
                "项目目录是空的：请先在“诊所资料”中添加诊疗项目。"))
            return
        PackageTypeDialog(self.services, existing if isinstance(existing, PackageTypeInfo)
                          else None, procedures=self.procedures, parent=self).exec()

    def edit_coupon(self, existing: object) -> None:
        CouponTypeDialog(self.services, existing if isinstance(existing, CouponTypeInfo)
                         else None, procedures=self.procedures, parent=self).exec()


class ReferralTab(QWidget):
    """转介绍排行 and the points given, redeemed and lapsed per month over the last year."""

    MONTHS = 12

    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        self.stale = True
        self.order: dict[int, int] = {}  # patient id -> place in the service's ranking
        self.ranking: RecordTableModel[ReferrerRow] = RecordTableModel([
            Column(self.tr("名次"), lambda r: str(self.order.get(r.patient_id, "")),
                   sort_key=lambda r: self.order.get(r.patient_id, 0), align_right=True),
            Column(self.tr("介绍人"), lambda r: r.name),
            Column(self.tr("编号"), lambda r: r.code),
            Column(self.tr("电话"), lambda r: r.phone or ""),
            Column(self.tr("介绍人数"), lambda r: str(r.referred), sort_key=lambda r: r.referred,
                   align_right=True),
            Column(self.tr("带来收入"), lambda r: money(r.revenue), sort_key=lambda r: r.revenue,
                   align_right=True),
        ], key=lambda r: r.patient_id)
        proxy = SortProxy()
        proxy.setSourceModel(self.ranking)
        self.ranking_view = make_table(proxy, stretch_column=5)
        self.ranking_view.setToolTip(self.tr("双击打开患者资料"))
        self.ranking_view.doubleClicked.connect(self._open_patient)
        self.empty = QLabel(self.tr(
            "还没有转介绍记录。在患者资料中填写“介绍人”（或预约时选择渠道“转介绍”），"
            "这里会按介绍人数和带来的收入排名。"))
        self.empty.setObjectName("emptyState")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.ranking_stack = QStackedWidget()
        self.ranking_stack.addWidget(self.empty)
        self.ranking_stack.addWidget(self.ranking_view)
        self.months: RecordTableModel[MonthPoints] = RecordTableModel([
            Column(self.tr("月份"), self._month_text, sort_key=lambda m: m.month),
            Column(self.tr("发放"), lambda m: f"{m.earned:,}", sort_key=lambda m: m.earned,
                   align_right=True),
            Column(self.tr("使用"), lambda m: f"{m.redeemed:,}", sort_key=lambda m: m.redeemed,
                   align_right=True),
            Column(self.tr("过期"), lambda m: f"{m.expired:,}", sort_key=lambda m: m.expired,
                   align_right=True),
        ], key=lambda m: m.month)
        month_proxy = SortProxy()
        month_proxy.setSourceModel(self.months)
        self.months_view = make_table(month_proxy, stretch_column=0, descending=True)
        self.totals = QLabel()
        self.totals.setObjectName("formHint")
        ranking_box = QGroupBox(self.tr("介绍人排行"))
        ranking_layout = QVBoxLayout(ranking_box)
        ranking_layout.addWidget(self.ranking_stack)
        months_box = QGroupBox(self.tr("积分（近 12 个月）"))
        months_layout = QVBoxLayout(months_box)
        months_layout.addWidget(self.months_view, 1)
        months_layout.addWidget(self.totals)
        layout = QHBoxLayout(self)
        layout.addWidget(ranking_box, 3)
        layout.addWidget(months_box, 2)

    def _month_text(self, month: MonthPoints) -> str:
        year, number = (int(part) for part in month.month.split("-"))
        return QDate(year, number, 1).toString(self.tr("yyyy年M月"))

    def _first_month(self) -> date:
        today = self.services.local(self.services.ctx.now()).date()
        index = today.year * 12 + today.month - 1 - (self.MONTHS - 1)
        return date(index // 12, index % 12 + 1, 1)

    def refresh(self) -> None:
        self.stale = False
        rows = self.services.call(referral_ranking)
        self.order = {row.patient_id: place for place, row in enumerate(rows, start=1)}
        self.ranking.replace(rows)
        self.ranking_stack.setCurrentWidget(self.ranking_view if rows else self.empty)
        resize_columns_to_contents(self.ranking_view, range(5))
        first = self._first_month()
        found = {m.month: m for m in self.services.call(points_by_month, since=first)}
        months = []
        for offset in range(self.MONTHS):  # every month, a quiet one as zeros
            index = first.year * 12 + first.month - 1 + offset
            key = f"{index // 12:04d}-{index % 12 + 1:02d}"
            months.append(found.get(key, MonthPoints(key, 0, 0, 0)))
        self.months.replace(months)
        resize_columns_to_contents(self.months_view, range(1, 4))
        self.totals.setText(self.tr("合计：发放 {0}，使用 {1}，过期 {2}").format(
            f"{sum(m.earned for m in months):,}", f"{sum(m.redeemed for m in months):,}",
            f"{sum(m.expired for m in months):,}"))

    def _open_patient(self, index: Index) -> None:
        row = index.data(RECORD_ROLE)
        if isinstance(row, ReferrerRow):
            self.services.request_patient(row.patient_id)


SPEC = PageSpec(
    key="loyalty", title=lambda: QCoreApplication.translate("LoyaltyPage", "会员与营销"),
    icon=QStyle.StandardPixmap.SP_DialogYesButton, permission=Permission.LOYALTY_MANAGE,
    factory=LoyaltyPage, order=820,
)
