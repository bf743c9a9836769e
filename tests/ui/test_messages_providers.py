"""消息渠道 with a cloud SMS provider: the provider's fields, the secret to the keyring only,
the template table (sortable, one draft per provider, refusals shown on its tab), the fit
at 1280×650 in both languages; and the messages page's delivery column and receipts button."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from clinic_desktop import credentials
from clinic_desktop.services import messages, sms_receipts
from clinic_desktop.services.clinic import read_setting
from clinic_desktop.services.messages import ChannelSettings, save_channels
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.services.sms_providers import ProviderTemplate, read_provider_templates
from clinic_desktop.services.sms_receipts import ReceiptSummary
from clinic_desktop.storage.models.messaging import OutboxMessage
from tests.ui.fit import assert_shown_and_fitting
from ui.app_services import AppServices
from ui.pages.messages_page import ChannelsDialog, MessagesPage

SECRET = "aliyun-Secret-Typed-In-The-Dialog"
ALIYUN = ChannelSettings(sms_provider="aliyun", sms_key_id="LTAI5tQ8fK2mXvN3pR7sW1zY",
                         sms_sign_name="仁爱口腔")
REMINDER = ProviderTemplate("SMS_468920117", (("name", "称呼"), ("time", "时间")))


@pytest.fixture(autouse=True)
def _forget_secrets() -> object:
    yield
    for name in ("aliyun_sms_secret", "tencent_sms_secret"):
        credentials.forget_secret(name)


def _dialog(qtbot: QtBot, services: AppServices) -> ChannelsDialog:
    dialog = ChannelsDialog(services)
    qtbot.addWidget(dialog)
    return dialog


def _row(dialog: ChannelsDialog, key: str) -> int:
    table = dialog.mapping.table
    for row in range(table.rowCount()):
        item = table.item(row, 0)
        if item is not None and item.data(Qt.ItemDataRole.UserRole) == key:
            return row
    raise AssertionError(key)


def _type(dialog: ChannelsDialog, key: str, template_id: str, params: str) -> None:
    table, row = dialog.mapping.table, _row(dialog, key)
    table.item(row, 2).setText(params)  # the id last: a sorted column may move the row
    table.item(row, 1).setText(template_id)


def _label(dialog: ChannelsDialog, widget: object) -> str:
    label = dialog.sms.form.labelForField(widget)  # type: ignore[arg-type]
    return label.text() if isinstance(label, QLabel) else ""


def test_alibaba_is_set_up_with_its_secret_in_the_keyring_and_its_templates(
    qtbot: QtBot, services: AppServices
) -> None:
    dialog = _dialog(qtbot, services)
    assert not dialog.tabs.isTabEnabled(2)  # the gateway has no templates to map
    dialog.sms.provider.setCurrentIndex(dialog.sms.provider.findData("aliyun"))
    assert dialog.tabs.isTabEnabled(2) and dialog.sms.form.isRowVisible(dialog.sms.secret)
    assert not dialog.sms.form.isRowVisible(dialog.sms_url)
    assert not dialog.sms.form.isRowVisible(dialog.sms.app_id)
    assert dialog.sms.secret.echoMode() == dialog.sms.secret.EchoMode.Password
    assert _label(dialog, dialog.sms.secret) == "AccessKey Secret"
    dialog.sms.key_id.setText(ALIYUN.sms_key_id)
    dialog.sms.secret.setText(SECRET)
    dialog.sms.sign_name.setText("仁爱口腔")
    _type(dialog, "reminder", "SMS_468920117", "name=称呼, time=时间")
    dialog.submit()
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.errors.text
    saved = messages.read_channels(services.ctx)
    assert (saved.sms_provider, saved.sms_key_id, saved.sms_sign_name) == (
        "aliyun", ALIYUN.sms_key_id, "仁爱口腔")
    assert read_provider_templates(services.ctx, "aliyun") == {"reminder": REMINDER}
    assert credentials.get_secret("aliyun_sms_secret") == SECRET
    with services.ctx.transaction() as session:
        stored = [read_setting(session, key) for key in (
            "messages.channels", "messages.provider_templates")]
    assert SECRET not in repr(stored)


def test_a_wrong_parameter_is_shown_on_the_template_tab_and_nothing_is_saved(
    qtbot: QtBot, services: AppServices
) -> None:
    save_channels(services.ctx, ALIYUN)
    dialog = _dialog(qtbot, services)
    dialog.show()
    _type(dialog, "recall", "SMS_468920230", "name=称呼, item=地区")
    dialog.sms.secret.setText(SECRET)
    dialog.submit()
    assert dialog.tabs.currentWidget() is dialog.mapping  # the tab with the mistake
    assert dialog.errors.marked is dialog.mapping.table
    assert "复查邀请" in dialog.errors.text and "“item=地区”" in dialog.errors.text
    assert read_provider_templates(services.ctx, "aliyun") == {}
    assert credentials.get_secret("aliyun_sms_secret") is None  # no secret kept either
    _type(dialog, "recall", "SMS-1", "name=称呼")
    dialog.submit()
    assert "格式不对" in dialog.errors.text and dialog.errors.marked is dialog.mapping.table


def test_a_bad_endpoint_is_shown_on_the_sms_tab(qtbot: QtBot, services: AppServices) -> None:
    save_channels(services.ctx, ALIYUN)
    dialog = _dialog(qtbot, services)
    dialog.show()
    dialog.tabs.setCurrentIndex(0)
    dialog.sms.endpoint.setText("http://sms.example.com")
    dialog.submit()
    assert dialog.tabs.currentWidget() is dialog.sms
    assert dialog.errors.marked is dialog.sms.endpoint and "没有加密" in dialog.errors.text
    assert messages.read_channels(services.ctx).sms_endpoint == ""


def test_each_provider_keeps_its_own_draft_and_labels(
    qtbot: QtBot, services: AppServices
) -> None:
    save_channels(services.ctx, ALIYUN, sms_templates={"reminder": REMINDER})
    dialog = _dialog(qtbot, services)
    table = dialog.mapping.table
    assert table.item(_row(dialog, "reminder"), 1).text() == "SMS_468920117"
    dialog.sms.provider.setCurrentIndex(dialog.sms.provider.findData("tencent"))
    assert table.item(_row(dialog, "reminder"), 1).text() == ""
    assert _label(dialog, dialog.sms.key_id) == "SecretId"
    assert dialog.sms.form.isRowVisible(dialog.sms.app_id)
    assert dialog.sms.form.isRowVisible(dialog.sms.region)
    _type(dialog, "reminder", "1862751", "称呼, 时间")
    dialog.sms.provider.setCurrentIndex(dialog.sms.provider.findData("aliyun"))
    assert table.item(_row(dialog, "reminder"), 2).text() == "name=称呼, time=时间"
    dialog.sms.provider.setCurrentIndex(dialog.sms.provider.findData("tencent"))
    assert table.item(_row(dialog, "reminder"), 1).text() == "1862751"  # kept while away


def test_the_template_table_sorts_without_mixing_rows(
    qtbot: QtBot, services: AppServices
) -> None:
    save_channels(services.ctx, ALIYUN, sms_templates={"reminder": REMINDER})
    dialog = _dialog(qtbot, services)
    table = dialog.mapping.table
    assert table.isSortingEnabled()
    orders = []
    for order in (Qt.SortOrder.DescendingOrder, Qt.SortOrder.AscendingOrder):
        table.sortByColumn(0, order)
        assert dialog.mapping.table.mapping("aliyun") == {"reminder": REMINDER}
        orders.append([table.item(row, 0).text() for row in range(table.rowCount())])
    assert orders[0] == orders[1][::-1] and orders[0] != orders[1]


@pytest.mark.parametrize("provider", ["gateway", "aliyun", "tencent"])
def test_the_channels_dialog_fits_in_both_languages(
    qtbot: QtBot, services: AppServices, language: str, provider: str
) -> None:
    settings = replace(ALIYUN, sms_provider=provider, sms_app_id="1400787878",
                       sms_region="ap-guangzhou", sms_url="https://sms.example.com/send",
                       smtp_host="smtp.exmail.qq.com", smtp_from="clinic@renai-dental.cn")
    long_params = "name=称呼, time=时间, doctor=医生, item=项目, clinic=诊所, phone=电话"
    save_channels(services.ctx, settings, sms_templates=None if provider == "gateway" else {
        "reminder": ProviderTemplate("SMS_468920117" if provider == "aliyun" else "1862751",
                                     tuple(("" if provider == "tencent" else name, value)
                                           for name, value in (pair.split("=") for pair in
                                                               long_params.split(", "))))})
    dialog = ChannelsDialog(services)
    assert_shown_and_fitting(qtbot, dialog, language)
    for index in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(index)
        QApplication.processEvents()
        assert_shown_and_fitting(qtbot, dialog, language)
    other = "tencent" if provider != "tencent" else "aliyun"
    dialog.sms.provider.setCurrentIndex(dialog.sms.provider.findData(other))
    QApplication.processEvents()
    assert_shown_and_fitting(qtbot, dialog, language)
    # Switching never squeezes the SMS tab: it is as tall as the tallest choice.
    assert dialog.sms.height() >= dialog.sms.form.sizeHint().height()


def test_the_page_shows_delivery_and_pulls_receipts(
    qtbot: QtBot, services: AppServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    pids = [create_patient(services.ctx, PatientInput(name=name, sex="F",
                                                      mobile=mobile)).patient.id
            for name, mobile in (("蔡丽华", "13812345678"), ("李思思", "15011112222"))]
    for pid in pids:
        messages.queue_message(services.ctx, pid, template_key="reminder", channel="sms")
    with services.ctx.transaction(write=True) as session:
        rows = list(session.execute(select(OutboxMessage).order_by(OutboxMessage.id))
                    .scalars())
        for row, delivery in zip(rows, ("delivered", "failed"), strict=True):
            row.status, row.sent_at, row.provider, row.provider_id = (
                "sent", services.ctx.now(), "aliyun", f"{row.id}^0")
            row.delivery, row.delivered_at = delivery, services.ctx.now()
            row.delivery_error = "运营商没有送达（MK:0001）" if delivery == "failed" else None
    page = MessagesPage(services)
    qtbot.addWidget(page)
    shown = {(m.recipient, page._delivery(m), page.model.columns[-1].text(m))
             for m in page.model.records}
    assert shown == {("13812345678", "已送达", ""),
                     ("15011112222", "未送达", "运营商没有送达（MK:0001）")}
    failed = next(m for m in page.model.records if m.delivery == "failed")
    delivery_column = [c.title for c in page.model.columns].index("送达")
    assert page.model.columns[delivery_column].colour(failed) == "#B42318"  # type: ignore[misc]
    asked: list[object] = []

    def pull(ctx: object) -> ReceiptSummary:
        asked.append(ctx)
        return ReceiptSummary(3, 1, 1)

    monkeypatch.setattr(sms_receipts, "pull_receipts", pull)
    page.pull_receipts()
    qtbot.waitUntil(lambda: not page.progress.busy, timeout=5000)
    assert len(asked) == 1 and page.receipts.isEnabled()
    assert page.status.text() == "回执：已送达 1 条，未送达 1 条，仍在等待 1 条"
    monkeypatch.setattr(sms_receipts, "pull_receipts", lambda ctx: ReceiptSummary(0, 0, 0))
    page.pull_receipts()
    qtbot.waitUntil(lambda: page.status.text() == "没有等待回执的短信", timeout=5000)
