"""The SMS half of 消息渠道: the provider choice with its fields, and 模板对应.

A generic gateway needs a URL and a token; Alibaba Cloud and Tencent Cloud need the key's id
and secret (the secret masked, kept in the keyring), the signature (签名), Tencent's
SmsSdkAppId, a region and, for tests and private deployments only, an endpoint. Their
templates are registered with the provider, so each of the clinic's templates is mapped to
the provider's template id and parameters in a table (one draft per provider, so switching
the choice back and forth loses nothing typed). The core checks everything on saving.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.errors import UserError
from clinic_desktop.rules.message_templates import PLACEHOLDERS
from clinic_desktop.services.messages import ChannelSettings
from clinic_desktop.services.sms_providers import (
    ALIYUN,
    CLOUD_PROVIDERS,
    DEFAULT_REGIONS,
    GATEWAY,
    PROVIDERS,
    TENCENT,
    ProviderTemplate,
    format_params,
    parse_params,
    provider_label,
)
from ui.widgets.rich_text import plain_label, rich_plain

Draft = dict[str, tuple[str, str]]  # template key -> (provider's template id, parameters text)
KEY_ROLE = Qt.ItemDataRole.UserRole


class ProviderTemplatesTable(QTableWidget):
    """模板对应: each of the clinic's templates, the provider's template id, its parameters.
    Sortable; the template key rides on the name cell, so sorting never mixes rows up."""

    def __init__(self, templates: list[tuple[str, str, str]], parent: QWidget | None = None):
        super().__init__(0, 3, parent)
        self.setHorizontalHeaderLabels([self.tr("消息模板"), self.tr("服务商模板编号"),
                                        self.tr("参数（按服务商模板填写）")])
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(30)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.setColumnWidth(1, 150)
        self._names = {key: name for key, name, _body in templates}
        self.setRowCount(len(templates))
        for row, (key, name, body) in enumerate(templates):
            item = QTableWidgetItem(name)
            item.setData(KEY_ROLE, key)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            item.setToolTip(rich_plain(body))  # what to register with the provider
            self.setItem(row, 0, item)
            self.setItem(row, 1, QTableWidgetItem(""))
            self.setItem(row, 2, QTableWidgetItem(""))
        self.setSortingEnabled(True)
        self.sortByColumn(0, Qt.SortOrder.AscendingOrder)

    @property
    def names(self) -> dict[str, str]:
        return dict(self._names)

    def _rows(self) -> list[tuple[str, QTableWidgetItem, QTableWidgetItem]]:
        found = []
        for row in range(self.rowCount()):
            name, template_id, params = self.item(row, 0), self.item(row, 1), self.item(row, 2)
            if name is not None and template_id is not None and params is not None:
                found.append((str(name.data(KEY_ROLE)), template_id, params))
        return found

    def draft(self) -> Draft:
        return {key: (template_id.text().strip(), params.text().strip())
                for key, template_id, params in self._rows()}

    def load(self, draft: Draft) -> None:
        sorting = self.isSortingEnabled()
        self.setSortingEnabled(False)  # editing cells of a sorted table moves them
        for key, template_id, params in self._rows():
            value = draft.get(key, ("", ""))
            template_id.setText(value[0])
            params.setText(value[1])
        self.setSortingEnabled(sorting)

    def mapping(self, provider: str) -> dict[str, ProviderTemplate]:
        """The mapping typed for ``provider``; a row without an id is not mapped."""
        found = {}
        for key, (template_id, params) in self.draft().items():
            if not template_id and not params:
                continue
            name = self._names.get(key, key)
            if not template_id:
                raise UserError(self.tr("请填写“{0}”的服务商模板编号，或清空它的参数。")
                                .format(name), field="provider_templates")
            found[key] = ProviderTemplate(template_id, parse_params(params, provider,
                                                                    template=name))
        return found


def drafts_of(mappings: dict[str, dict[str, ProviderTemplate]]) -> dict[str, Draft]:
    return {provider: {key: (item.template_id, format_params(item.params, provider))
                       for key, item in mapping.items()}
            for provider, mapping in mappings.items()}


class SmsProviderForm(QWidget):
    """The 短信 tab: which way SMS goes, and what that way needs."""

    def __init__(self, current: ChannelSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.provider = QComboBox()
        for provider in PROVIDERS:
            self.provider.addItem(provider_label(provider), provider)
        self.provider.setCurrentIndex(max(0, self.provider.findData(current.sms_provider)))
        self.sms_url = QLineEdit(current.sms_url)
        self.sms_url.setPlaceholderText("https://")
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText(self.tr("留空则不修改"))
        self.key_id = QLineEdit(current.sms_key_id)
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setPlaceholderText(self.tr("留空则不修改"))
        self.sign_name = QLineEdit(current.sms_sign_name)
        self.sign_name.setPlaceholderText(self.tr("审核通过的签名，例如 康宁口腔"))
        self.app_id = QLineEdit(current.sms_app_id)
        self.app_id.setPlaceholderText(self.tr("例如 1400006666"))
        self.region = QLineEdit(current.sms_region)
        self.endpoint = QLineEdit(current.sms_endpoint)
        self.endpoint.setPlaceholderText(self.tr("留空即用服务商的官方地址"))
        self.form.addRow(self.tr("短信服务商"), self.provider)
        self.form.addRow(self.tr("短信网关地址"), self.sms_url)
        self.form.addRow(self.tr("网关令牌"), self.token)
        self.form.addRow("AccessKey ID", self.key_id)
        self.form.addRow("AccessKey Secret", self.secret)
        self.form.addRow(self.tr("短信签名"), self.sign_name)
        self.form.addRow("SmsSdkAppId", self.app_id)
        self.form.addRow(self.tr("地域"), self.region)
        self.form.addRow(self.tr("接口地址（可选）"), self.endpoint)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setObjectName("dialogSubtitle")
        self.form.addRow(self.note)
        # As tall as the tallest choice (Tencent's), so switching never squeezes the note.
        heights = []
        for provider in PROVIDERS:
            self._show(provider)
            heights.append(self.form.sizeHint().height())
        self.setMinimumHeight(max(heights))
        self.provider.currentIndexChanged.connect(lambda: self._show(self.chosen))
        self._show(self.chosen)

    @property
    def chosen(self) -> str:
        return str(self.provider.currentData())

    def _show(self, provider: str) -> None:
        cloud = provider in CLOUD_PROVIDERS
        for widget in (self.sms_url, self.token):
            self.form.setRowVisible(widget, not cloud)
        for widget in (self.key_id, self.secret, self.sign_name, self.endpoint):
            self.form.setRowVisible(widget, cloud)
        for widget in (self.app_id, self.region):  # Alibaba's SMS has one endpoint for China
            self.form.setRowVisible(widget, provider == TENCENT)
        self._label(self.key_id, "AccessKey ID" if provider == ALIYUN else "SecretId")
        self._label(self.secret, "AccessKey Secret" if provider == ALIYUN else "SecretKey")
        self.region.setPlaceholderText(DEFAULT_REGIONS[TENCENT])
        self.note.setText({
            GATEWAY: self.tr("通用 HTTP 短信网关：号码和短信内容以 JSON 发送，令牌放在请求头中。"),
            ALIYUN: self.tr("在阿里云短信控制台申请签名和模板，审核通过后把模板编号（SMS_…）"
                            "填到“短信模板对应”里。建议为诊所单独建一个只有短信权限的 RAM 用户。"),
            TENCENT: self.tr("在腾讯云短信控制台创建应用（SmsSdkAppId）、签名和正文模板，"
                             "审核通过后把模板 ID 填到“短信模板对应”里。"
                             "建议使用只有短信权限的子用户密钥。"),
        }[provider])

    def _label(self, field: QWidget, text: str) -> None:
        label = self.form.labelForField(field)
        if isinstance(label, QLabel):
            label.setText(text)

    def settings(self, base: ChannelSettings) -> ChannelSettings:
        """``base`` (the mail half) with what this tab says."""
        from dataclasses import replace

        return replace(base, sms_provider=self.chosen, sms_url=self.sms_url.text().strip(),
                       sms_key_id=self.key_id.text().strip(),
                       sms_sign_name=self.sign_name.text().strip(),
                       sms_app_id=self.app_id.text().strip(),
                       sms_region=self.region.text().strip() if self.chosen == TENCENT
                       else "",
                       sms_endpoint=self.endpoint.text().strip())


class ProviderTemplatesTab(QWidget):
    """The 模板对应 tab: the table for the provider chosen on the 短信 tab."""

    def __init__(self, templates: list[tuple[str, str, str]],
                 drafts: dict[str, Draft], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.table = ProviderTemplatesTable(templates)
        self.hint = plain_label()
        self.hint.setWordWrap(True)
        self.hint.setObjectName("dialogSubtitle")
        layout.addWidget(self.table, 1)
        layout.addWidget(self.hint)
        self._drafts = dict(drafts)
        self._shown = ""

    def show_provider(self, provider: str) -> None:
        """Keep what was typed for the provider shown so far, and show ``provider``'s."""
        if self._shown in CLOUD_PROVIDERS:
            self._drafts[self._shown] = self.table.draft()
        self._shown = provider
        if provider in CLOUD_PROVIDERS:
            self.table.load(self._drafts.get(provider, {}))
        known = "、".join(PLACEHOLDERS)
        self.hint.setText(self.tr("参数写成“变量名=占位符”，与阿里云模板里的 ${{name}} 对应，例如 "
                                  "name=称呼, time=时间。可用占位符：{0}。").format(known)
                          if provider == ALIYUN else
                          self.tr("参数按腾讯云模板里 {{1}}、{{2}}… 的顺序填写占位符，例如 "
                                  "称呼, 时间。可用占位符：{0}。").format(known))
