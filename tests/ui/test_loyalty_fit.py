"""The loyalty page (会员与营销) and every dialog it opens fit a 1280×650 screen in Chinese and
English, filled as a clinic fills them: four tiers, one with a discount for many categories,
a gift list, packages over several procedures, coupons of each kind, and a refusal showing."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QApplication, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from clinic_desktop.services.catalogue import list_procedures
from clinic_desktop.services.loyalty import coupons, packages, rules, stored_value, tiers
from tests.ui.fit import SCREEN, fits
from ui.app_services import AppServices
from ui.dialogs.loyalty_settings import (
    CouponTypeDialog,
    PackageTypeDialog,
    TierDialog,
    TopUpPlanDialog,
)
from ui.main_window import MainWindow
from ui.pages.loyalty_page import LoyaltyPage

D = Decimal


def set_up_loyalty(services: AppServices) -> None:
    ctx = services.ctx
    ids = {p.name: p.id for p in list_procedures(ctx)}
    many = {"*": D(8), "种植": D(0), "正畸": D(2), "修复": D(5), "洁牙": D(20), "检查": D(50),
            "视光": D(10)}
    for rank, (name, threshold, colour) in enumerate(
            (("普通会员", 1, "#90A4AE"), ("银卡", 3000, "#B0BEC5"), ("金卡", 10000, "#FFB300"),
             ("钻石卡（尊享）", 30000, "#7E57C2")), 1):
        tiers.save_tier(ctx, tiers.TierInput(name, rank, "spend", D(threshold),
                                             many if rank == 4 else {"*": D(rank)},
                                             multiplier_percent=100 + 25 * rank, colour=colour))
    rules.save_rules(ctx, rules.LoyaltyRules(
        points_per_yuan={"*": D(1), "正畸": D("0.5"), "种植": D("0.2")}, birthday_points=200,
        gifts=tuple(rules.Gift(f"礼品{n}：电动牙刷（声波款）", 1000 * n) for n in range(1, 11))))
    stored_value.save_topup_plan(ctx, plan_id=None, name="充10000送1200", amount=D(10000),
                                 bonus=D(1200))
    packages.save_package_type(ctx, type_id=None, name="洁牙与牙周护理年度 12 次卡",
                               price=D(3600), uses=12, valid_days=365,
                               procedure_ids=[ids["超声洁牙"], ids["牙周刮治"],
                                              ids["口腔检查"]])
    coupons.save_coupon_type(ctx, coupons.CouponTypeInput(
        "洁牙八折（最多减 100 元）", "percent", D(100), percent=20, categories=("洁牙", "牙周"),
        min_spend=D(200)))


def test_the_page_fits(language: str, qtbot: QtBot, services: AppServices) -> None:
    set_up_loyalty(services)
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.resize(SCREEN)
    window.show()
    page = window.open_page("loyalty")
    assert isinstance(page, LoyaltyPage)
    for index in range(page.tabs.count()):
        page.tabs.setCurrentIndex(index)
        QApplication.processEvents()
        assert fits(window.minimumSizeHint()), (language, index, window.minimumSizeHint())
        assert fits(window.size()), (language, index, window.size())
        assert page.minimumSizeHint().width() <= SCREEN.width() - window.nav.width()
    # The rules form scrolls only on a smaller screen: here every field is in sight.
    page.tabs.setCurrentWidget(page.rules)
    QApplication.processEvents()
    scroll = page.rules.findChild(QScrollArea)
    assert scroll is not None and scroll.widget() is not None
    wanted, room = scroll.widget().minimumSizeHint(), scroll.viewport().size()
    assert wanted.width() <= room.width() and wanted.height() <= room.height(), (
        language, wanted, room)


def test_the_dialogs_fit(language: str, qtbot: QtBot, services: AppServices) -> None:
    set_up_loyalty(services)
    procedures = list_procedures(services.ctx, include_inactive=True)
    all_tiers = tiers.list_tiers(services.ctx)
    refused = TierDialog(services, None, tiers=all_tiers, procedures=procedures)
    refused.name.setText("至尊黑卡（仅限董事会推荐）")
    refused.threshold.setText("5,000")
    refused.submit()  # overlaps 金卡: the error line shows, the dialog must still fit
    assert refused.errors.text
    coupon = CouponTypeDialog(services, coupons.list_coupon_types(services.ctx)[0],
                              procedures=procedures)
    coupon.min_spend.setText("很多")
    coupon.submit()
    dialogs: list[QWidget] = [
        TierDialog(services, all_tiers[-1], tiers=all_tiers, procedures=procedures), refused,
        TopUpPlanDialog(services, stored_value.list_topup_plans(services.ctx)[0]),
        PackageTypeDialog(services, packages.list_package_types(services.ctx)[0],
                          procedures=procedures),
        PackageTypeDialog(services, None, procedures=procedures), coupon,
        CouponTypeDialog(services, None, procedures=procedures)]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        QApplication.processEvents()
        for size in (dialog.sizeHint(), dialog.minimumSizeHint()):
            assert fits(size), (language, type(dialog).__name__, size)
