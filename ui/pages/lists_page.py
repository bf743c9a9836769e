"""诊所资料: the lists the clinic edits — procedures, tags, custom fields, source channels."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QStyle,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.changes import Area, ChangeSet
from clinic_desktop.errors import UserError
from clinic_desktop.permissions import Permission
from clinic_desktop.services import catalogue, patients, profile
from clinic_desktop.services.catalogue import ProcedureInfo
from clinic_desktop.services.profile import CustomFieldInfo, TagInfo
from ui.app_services import AppServices
from ui.dialogs.patient_actions import ActionDialog, Operation
from ui.pages import PageSpec
from ui.widgets.common import button_row, make_table, page_header, selected_record
from ui.widgets.table_model import Column, RecordTableModel, SortProxy

SOURCES_KEY = "patient.sources"  # the setting the source channels are kept in
FIELD_KIND_LABELS = {
    "text": QT_TRANSLATE_NOOP("ListsPage", "文本"),
    "number": QT_TRANSLATE_NOOP("ListsPage", "数字"),
    "date": QT_TRANSLATE_NOOP("ListsPage", "日期"),
    "choice": QT_TRANSLATE_NOOP("ListsPage", "选项"),
    "bool": QT_TRANSLATE_NOOP("ListsPage", "是/否"),
}


# The dialogs say what they write (``operation``); ActionDialog runs it through the operation
# runner, so a refusal goes beside its field and the lists refresh from ``changed``.
class ProcedureDialog(ActionDialog):
    def __init__(self, services: AppServices, existing: ProcedureInfo | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("编辑诊疗项目") if existing else self.tr("新增诊疗项目"),
                         services, parent)
        self.existing = existing
        self.name = QLineEdit(existing.name if existing else "")
        self.category = QComboBox()
        self.category.addItems(list(catalogue.CATEGORIES))
        if existing:
            self.category.setCurrentText(existing.category)
        self.minutes = QSpinBox()
        self.minutes.setRange(5, 480)
        self.minutes.setSingleStep(5)
        self.minutes.setValue(existing.default_minutes if existing else 30)
        self.price = QLineEdit(f"{existing.price}" if existing else "0")
        self.colour = QLineEdit(existing.colour if existing else "#5B7083")
        self.high_value = QCheckBox(self.tr("高值项目（种植、正畸、屈光手术等）"))
        self.high_value.setChecked(bool(existing and existing.high_value))
        self.active = QCheckBox(self.tr("启用"))
        self.active.setChecked(existing.active if existing else True)
        for label, widget in ((self.tr("名称"), self.name), (self.tr("类别"), self.category),
                              (self.tr("默认时长（分钟）"), self.minutes),
                              (self.tr("价格（元）"), self.price), (self.tr("颜色"), self.colour)):
            self.form.addRow(label, widget)
        self.form.addRow("", self.high_value)
        self.form.addRow("", self.active)
        self.fields = {"name": self.name, "category": self.category,
                       "default_minutes": self.minutes, "price": self.price,
                       "colour": self.colour}
        self.finish(self.tr("保存"))

    def operation(self) -> Operation:
        try:
            price = Decimal(self.price.text().replace(",", "").strip() or "0")
        except InvalidOperation as exc:
            raise UserError(self.tr("价格“{0}”不是数字。").format(self.price.text()),
                            field="price") from exc
        existing = self.existing.id if self.existing else None
        name, category = self.name.text(), self.category.currentText()
        high_value, minutes = self.high_value.isChecked(), self.minutes.value()
        colour, active = self.colour.text().strip(), self.active.isChecked()
        return lambda ctx: catalogue.save_procedure(
            ctx, existing, name=name, category=category, high_value=high_value,
            default_minutes=minutes, price=price, colour=colour, active=active)


class CustomFieldDialog(ActionDialog):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("新增自定义字段"), services, parent)
        self.name = QLineEdit()
        self.kind = QComboBox()
        for kind, label in FIELD_KIND_LABELS.items():
            self.kind.addItem(QCoreApplication.translate("ListsPage", str(label)), kind)
        self.choices = QLineEdit()
        self.choices.setPlaceholderText(self.tr("选项类型填写，用逗号分隔，例如：职工,居民,商业"))
        self.form.addRow(self.tr("名称"), self.name)
        self.form.addRow(self.tr("类型"), self.kind)
        self.form.addRow(self.tr("选项"), self.choices)
        self.fields = {"name": self.name, "kind": self.kind, "choices": self.choices}
        self.finish(self.tr("保存"))

    def operation(self) -> Operation:
        choices = tuple(self.choices.text().replace("，", ",").split(","))
        name, kind = self.name.text(), str(self.kind.currentData())
        return lambda ctx: profile.define_custom_field(ctx, name=name, kind=kind,
                                                       choices=choices)


class TagDialog(ActionDialog):
    def __init__(self, services: AppServices, existing: TagInfo | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("编辑标签") if existing else self.tr("新增标签"), services,
                         parent)
        self.existing = existing
        self.name = QLineEdit(existing.name if existing else "")
        self.colour = QLineEdit(existing.colour if existing else "#5B7083")
        self.form.addRow(self.tr("名称"), self.name)
        self.form.addRow(self.tr("颜色"), self.colour)
        self.fields = {"name": self.name, "colour": self.colour}
        self.finish(self.tr("保存"))

    def operation(self) -> Operation:
        name, colour = self.name.text(), self.colour.text().strip()
        if self.existing is None:
            return lambda ctx: profile.create_tag(ctx, name=name, colour=colour)
        tag_id = self.existing.id
        return lambda ctx: profile.update_tag(ctx, tag_id, name=name, colour=colour)


class ListsPage(QWidget):
    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(page_header(self.tr("诊所资料"), self.tr(
            "诊疗项目（时长、价格、颜色）、患者标签、自定义字段和来源渠道。")))
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        self.procedures: RecordTableModel[ProcedureInfo] = RecordTableModel([
            Column(self.tr("名称"), lambda p: p.name),
            Column(self.tr("类别"), lambda p: p.category,
                   sort_key=lambda p: (catalogue.category_rank(p.category), p.name)),
            Column(self.tr("时长"), lambda p: self.tr("{0} 分钟").format(p.default_minutes),
                   sort_key=lambda p: p.default_minutes, align_right=True),
            Column(self.tr("价格"), lambda p: f"¥{p.price:,.2f}", sort_key=lambda p: p.price,
                   align_right=True),
            Column(self.tr("高值"), lambda p: self.tr("是") if p.high_value else ""),
            Column(self.tr("颜色"), lambda p: "", swatch=lambda p: p.colour),
            Column(self.tr("状态"), lambda p: self.tr("启用") if p.active else self.tr("停用")),
        ], key=lambda p: p.id)
        self.procedure_view = self._tab(self.procedures, self.tr("诊疗项目"), [
            (self.tr("新增项目"), lambda: self._procedure(None)),
            (self.tr("编辑"), lambda: self._procedure(selected_record(self.procedure_view))),
        ], sort_column=1)  # by category, then name, as the service lists them
        self.tags: RecordTableModel[TagInfo] = RecordTableModel([
            Column(self.tr("标签"), lambda t: t.name, swatch=lambda t: t.colour),
            Column(self.tr("颜色"), lambda t: t.colour),
        ], key=lambda t: t.id)
        self.tag_view = self._tab(self.tags, self.tr("标签"), [
            (self.tr("新增标签"), lambda: self._tag(None)),
            (self.tr("编辑"), lambda: self._tag(selected_record(self.tag_view))),
        ])
        self.custom: RecordTableModel[CustomFieldInfo] = RecordTableModel([
            Column(self.tr("字段"), lambda f: f.name),
            Column(self.tr("类型"), lambda f: self.tr(str(FIELD_KIND_LABELS.get(f.kind, f.kind)))),
            Column(self.tr("选项"), lambda f: "、".join(f.choices)),
        ], key=lambda f: f.id)
        can_define = services.can(Permission.SETTINGS_MANAGE)
        self.custom_view = self._tab(self.custom, self.tr("自定义字段"), [
            (self.tr("新增字段"), self._custom_field)] if can_define else [])
        sources = QWidget()
        sources_layout = QVBoxLayout(sources)
        self.sources = QPlainTextEdit()
        self.sources.setPlaceholderText(self.tr("每行一个来源渠道"))
        save = QPushButton(self.tr("保存来源渠道"))
        save.clicked.connect(self._save_sources)
        save.setEnabled(can_define)
        sources_layout.addWidget(self.sources, 1)
        sources_layout.addLayout(button_row(save))
        self.tabs.addTab(sources, self.tr("来源渠道"))
        services.changed.connect(self._on_changed)
        self.refresh()

    def _on_changed(self, changes: ChangeSet, _initiator: object) -> None:
        if changes.touches(Area.CATALOGUE):
            self._refresh_lists()
        # The sources editor reloads only when the sources changed: a saved procedure must
        # not wipe what is being typed there.
        if changes.touches_any_of(Area.SETTINGS, [SOURCES_KEY]):
            self._refresh_sources()

    def _tab(self, model: RecordTableModel[Any], title: str,
             actions: list[tuple[str, Callable[[], None]]], *,
             sort_column: int = 0) -> QTableView:
        box = QWidget()
        box_layout = QVBoxLayout(box)
        buttons = []
        for text, handler in actions:
            button = QPushButton(text)
            button.clicked.connect(handler)
            buttons.append(button)
        box_layout.addLayout(button_row(*buttons))
        proxy = SortProxy()
        proxy.setSourceModel(model)
        view = make_table(proxy, stretch_column=model.columnCount() - 1,
                          sort_column=sort_column)
        if len(actions) > 1:
            edit = actions[1][1]
            view.doubleClicked.connect(lambda _i: edit())
        box_layout.addWidget(view, 1)
        self.tabs.addTab(box, title)
        return view

    def refresh(self) -> None:
        self._refresh_lists()
        self._refresh_sources()

    def _refresh_lists(self) -> None:
        call = self.services.call
        self.procedures.replace(call(catalogue.list_procedures, include_inactive=True))
        self.tags.replace(call(profile.list_tags))
        self.custom.replace(call(profile.list_custom_fields))
        for view in (self.procedure_view, self.tag_view, self.custom_view):
            view.resizeColumnsToContents()

    def _refresh_sources(self) -> None:
        self.sources.setPlainText("\n".join(self.services.call(patients.list_sources)))

    # The dialogs save through the operation runner; the lists refresh from ``changed``.
    def _procedure(self, existing: object) -> None:
        ProcedureDialog(self.services, existing if isinstance(existing, ProcedureInfo)
                        else None, self).exec()

    def _tag(self, existing: object) -> None:
        TagDialog(self.services, existing if isinstance(existing, TagInfo) else None,
                  self).exec()

    def _custom_field(self) -> None:
        CustomFieldDialog(self.services, self).exec()

    def _save_sources(self) -> None:
        lines = self.sources.toPlainText().splitlines()
        self.services.ops.run(lambda ctx: patients.set_sources(ctx, lines), parent=self)


SPEC = PageSpec(
    key="lists", title=lambda: QCoreApplication.translate("ListsPage", "诊所资料"),
    icon=QStyle.StandardPixmap.SP_FileDialogListView, permission=Permission.CATALOGUE_MANAGE,
    factory=ListsPage, order=800,
)
