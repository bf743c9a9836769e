"""The filter builder of 患者分群: criteria added from a list, each a row with its editor and
a remove button, in a scroll area. ``rules()`` reads them as ``SegmentRules``; ``set_rules``
shows saved ones; ``changed`` fires on every edit (the page debounces its count)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.rules.rfm import RfmGroup, group_label
from clinic_desktop.services.insight.segment_rules import SegmentRules, rules_from_dict
from clinic_desktop.services.insight.segments import SegmentChoices


def tr(text: str) -> str:
    # lupdate files a free function's tr() under the empty context: looked up there.
    return QCoreApplication.translate("", text)


class Editor(QWidget):
    """One criterion's editor: ``value()`` is the rules fields it sets."""

    changed = Signal()

    def value(self) -> dict[str, Any]:
        raise NotImplementedError

    def show_value(self, rules: SegmentRules) -> None:
        raise NotImplementedError


def _row(*widgets: QWidget) -> QHBoxLayout:
    layout = QHBoxLayout()
    layout.setContentsMargins(0, 0, 0, 0)
    for w in widgets:
        layout.addWidget(w)
    layout.addStretch(1)
    return layout


class RangeEditor(Editor):
    """From … to …: whole numbers, money or dates; an empty end is open."""

    def __init__(self, low: str, high: str, kind: str = "int", *, top: int = 100000,
                 suffix: str = "", today: date | None = None) -> None:
        super().__init__()
        self.low_name, self.high_name, self.kind = low, high, kind
        self.ends: list[QWidget] = []
        self.checks: list[QComboBox] = []
        for _ in range(2):
            if kind == "date":
                # The clinic's day from the services' clock, never the machine's.
                day = today or date(2000, 1, 1)
                edit: QWidget = QDateEdit(QDate(day.year, day.month, day.day))
                edit.setCalendarPopup(True)  # type: ignore[attr-defined]
                edit.setDisplayFormat("yyyy-MM-dd")  # type: ignore[attr-defined]
                edit.setSpecialValueText(" ")  # type: ignore[attr-defined]
                edit.setMinimumDate(QDate(1900, 1, 1))  # type: ignore[attr-defined]
                edit.dateChanged.connect(self.changed)  # type: ignore[attr-defined]
            elif kind == "money":
                edit = QDoubleSpinBox()
                edit.setRange(-1_000_000, 10_000_000)
                edit.setDecimals(0)
                edit.setPrefix("¥")
                edit.valueChanged.connect(self.changed)
            else:
                edit = QSpinBox()
                edit.setRange(0, top)
                edit.setSuffix(suffix)
                edit.valueChanged.connect(self.changed)
            edit.setMinimumWidth(96)
            self.ends.append(edit)
        # each end can be left open ("不限")
        self.open_low, self.open_high = QComboBox(), QComboBox()
        for box, texts in ((self.open_low, (tr("不限"), tr("从"))),
                           (self.open_high, (tr("不限"), tr("到")))):
            box.addItems(list(texts))
            box.currentIndexChanged.connect(self._sync)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(_row(self.open_low, self.ends[0]))
        layout.addLayout(_row(self.open_high, self.ends[1]))
        self.open_low.setCurrentIndex(1)
        self._sync()

    def _sync(self) -> None:
        self.ends[0].setEnabled(self.open_low.currentIndex() == 1)
        self.ends[1].setEnabled(self.open_high.currentIndex() == 1)
        self.changed.emit()

    def _read(self, edit: QWidget) -> object:
        if isinstance(edit, QDateEdit):
            return edit.date().toPython()
        if isinstance(edit, QDoubleSpinBox):
            return Decimal(int(edit.value()))
        assert isinstance(edit, QSpinBox)
        return edit.value()

    def value(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if self.open_low.currentIndex() == 1:
            found[self.low_name] = self._read(self.ends[0])
        if self.open_high.currentIndex() == 1:
            found[self.high_name] = self._read(self.ends[1])
        return found

    def _write(self, edit: QWidget, value: object) -> None:
        if isinstance(edit, QDateEdit) and isinstance(value, date):
            edit.setDate(QDate(value.year, value.month, value.day))
        elif isinstance(edit, QDoubleSpinBox):
            edit.setValue(float(value))  # type: ignore[arg-type]
        elif isinstance(edit, QSpinBox):
            edit.setValue(int(value))  # type: ignore[call-overload]

    def show_value(self, rules: SegmentRules) -> None:
        low, high = getattr(rules, self.low_name), getattr(rules, self.high_name)
        self.open_low.setCurrentIndex(0 if low is None else 1)
        self.open_high.setCurrentIndex(0 if high is None else 1)
        if low is not None:
            self._write(self.ends[0], low)
        if high is not None:
            self._write(self.ends[1], high)


class ChecksEditor(Editor):
    """Any of a list, ticked (what is ticked is listed first when shown)."""

    def __init__(self, name: str, choices: Sequence[tuple[object, str]],
                 caption: str = "") -> None:
        super().__init__()
        self.name = name
        self.list = QListWidget()
        for key, text in choices:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.setMaximumHeight(min(150, 22 * max(len(choices), 1) + 8))
        self.list.itemChanged.connect(lambda _i: self.changed.emit())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if caption:
            layout.addWidget(QLabel(caption))
        layout.addWidget(self.list)

    def ticked(self) -> tuple[Any, ...]:
        return tuple(self.list.item(i).data(Qt.ItemDataRole.UserRole)
                     for i in range(self.list.count())
                     if self.list.item(i).checkState() == Qt.CheckState.Checked)

    def value(self) -> dict[str, Any]:
        return {self.name: self.ticked()}

    def show_value(self, rules: SegmentRules) -> None:
        wanted = set(getattr(rules, self.name))
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) in wanted:
                item.setCheckState(Qt.CheckState.Checked)
                self.list.insertItem(0, self.list.takeItem(i))  # in sight without scrolling
            else:
                item.setCheckState(Qt.CheckState.Unchecked)


class ComboEditor(Editor):
    def __init__(self, name: str, choices: Sequence[tuple[object, str]]) -> None:
        super().__init__()
        self.name = name
        self.box = QComboBox()
        for key, text in choices:
            self.box.addItem(text, key)
        self.box.currentIndexChanged.connect(lambda _i: self.changed.emit())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.box)

    def value(self) -> dict[str, Any]:
        return {self.name: self.box.currentData()}

    def show_value(self, rules: SegmentRules) -> None:
        index = self.box.findData(getattr(rules, self.name))
        if index >= 0:
            self.box.setCurrentIndex(index)


class TextEditor(Editor):
    def __init__(self, name: str, placeholder: str) -> None:
        super().__init__()
        self.name = name
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(placeholder)
        self.edit.textChanged.connect(lambda _t: self.changed.emit())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)

    def value(self) -> dict[str, Any]:
        return {self.name: self.edit.text()}

    def show_value(self, rules: SegmentRules) -> None:
        self.edit.setText(str(getattr(rules, self.name)))


class SpinEditor(Editor):
    def __init__(self, name: str, low: int, high: int, suffix: str) -> None:
        super().__init__()
        self.name = name
        self.spin = QSpinBox()
        self.spin.setRange(low, high)
        self.spin.setValue(getattr(SegmentRules(), name))
        self.spin.setSuffix(suffix)
        self.spin.valueChanged.connect(lambda _v: self.changed.emit())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.spin)

    def value(self) -> dict[str, Any]:
        return {self.name: self.spin.value()}

    def show_value(self, rules: SegmentRules) -> None:
        self.spin.setValue(int(getattr(rules, self.name)))


class Composite(Editor):
    """Several editors read as one criterion (tags with any/all, procedures with a period)."""

    def __init__(self, *parts: Editor) -> None:
        super().__init__()
        self.parts = parts
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for part in parts:
            part.changed.connect(self.changed)
            layout.addWidget(part)

    def value(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for part in self.parts:
            found.update(part.value())
        return found

    def show_value(self, rules: SegmentRules) -> None:
        for part in self.parts:
            part.show_value(rules)


class CustomEditor(Editor):
    def __init__(self, names: Sequence[str]) -> None:
        super().__init__()
        self.field = QComboBox()
        self.field.addItems(list(names))
        self.text = QLineEdit()
        self.text.setPlaceholderText(tr("等于"))
        self.field.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.text.textChanged.connect(lambda _t: self.changed.emit())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.field)
        layout.addWidget(self.text)

    def value(self) -> dict[str, Any]:
        if not self.field.currentText():
            return {}
        return {"custom": ((self.field.currentText(), self.text.text().strip()),)}

    def show_value(self, rules: SegmentRules) -> None:
        if rules.custom:
            self.field.setCurrentText(rules.custom[0][0])
            self.text.setText(rules.custom[0][1])


# key, title, the fields it covers, a factory of its editor from the choices
Criterion = tuple[str, Callable[[], str], tuple[str, ...], Callable[[SegmentChoices], Editor]]


def _yes_no(name: str) -> Callable[[SegmentChoices], Editor]:
    return lambda _c: ComboEditor(name, [(True, tr("是")), (False, tr("否"))])


def criteria() -> list[Criterion]:
    def named(values: Sequence[str]) -> list[tuple[object, str]]:
        return [(v, v) for v in values]

    return [
        ("age", lambda: tr("年龄"), ("age_min", "age_max"),
         lambda c: RangeEditor("age_min", "age_max", top=150, suffix=tr(" 岁"))),
        ("sex", lambda: tr("性别"), ("sex",),
         lambda c: ComboEditor("sex", [("M", tr("男")), ("F", tr("女"))])),
        ("tags", lambda: tr("标签"), ("tags", "tags_mode"),
         lambda c: Composite(ComboEditor("tags_mode", [("any", tr("任一标签")),
                                                       ("all", tr("全部标签"))]),
                             ChecksEditor("tags", named(c.tags)))),
        ("sources", lambda: tr("来源渠道"), ("sources",),
         lambda c: ChecksEditor("sources", named(c.sources))),
        ("tiers", lambda: tr("会员等级"), ("tiers",),
         lambda c: ChecksEditor("tiers", [*named(c.tiers), ("", tr("无等级"))])),
        ("first_visit", lambda: tr("首诊日期"), ("first_visit_from", "first_visit_to"),
         lambda c: RangeEditor("first_visit_from", "first_visit_to", "date", today=c.today)),
        ("last_visit", lambda: tr("末次就诊日期"), ("last_visit_from", "last_visit_to"),
         lambda c: RangeEditor("last_visit_from", "last_visit_to", "date", today=c.today)),
        ("months", lambda: tr("距末次就诊（月）"),
         ("months_since_visit_min", "months_since_visit_max"),
         lambda c: RangeEditor("months_since_visit_min", "months_since_visit_max", top=600,
                               suffix=tr(" 个月"))),
        ("activity", lambda: tr("活跃状态"), ("activity",),
         lambda c: ComboEditor("activity", [("active", tr("活跃")), ("dormant", tr("沉睡")),
                                            ("lost", tr("流失")), ("never", tr("从未就诊"))])),
        ("visits", lambda: tr("就诊次数"), ("visits_min", "visits_max"),
         lambda c: RangeEditor("visits_min", "visits_max", suffix=tr(" 次"))),
        ("spend", lambda: tr("消费金额"), ("spend_from", "spend_to", "spend_min", "spend_max"),
         lambda c: Composite(RangeEditor("spend_min", "spend_max", "money"),
                             RangeEditor("spend_from", "spend_to", "date", today=c.today))),
        ("owed", lambda: tr("欠费"), ("owed_min", "owed_max"),
         lambda c: RangeEditor("owed_min", "owed_max", "money")),
        ("stored", lambda: tr("储值余额"), ("stored_min", "stored_max"),
         lambda c: RangeEditor("stored_min", "stored_max", "money")),
        ("procedures", lambda: tr("做过的项目"),
         ("procedures", "categories", "procedure_from", "procedure_to"),
         lambda c: Composite(ChecksEditor("categories", named(c.categories), tr("类别（任一）")),
                             ChecksEditor("procedures", named(c.procedures), tr("或项目")),
                             RangeEditor("procedure_from", "procedure_to", "date",
                                         today=c.today))),
        ("high_value", lambda: tr("做过高价值项目"), ("high_value",),
         lambda c: ComboEditor("high_value", [(True, tr("是"))])),
        ("doctors", lambda: tr("医生"), ("doctor_ids",),
         lambda c: ChecksEditor("doctor_ids", list(c.doctors))),
        ("recall", lambda: tr("有未完成的复诊提醒"), ("has_open_recall",),
         _yes_no("has_open_recall")),
        ("satisfaction", lambda: tr("满意度"), ("satisfaction_min", "satisfaction_max"),
         lambda c: RangeEditor("satisfaction_min", "satisfaction_max", top=5,
                               suffix=tr(" 分"))),
        ("referred", lambda: tr("介绍过新患者"), ("has_referred",), _yes_no("has_referred")),
        ("area", lambda: tr("地址含（城市/区县）"), ("area",),
         lambda c: TextEditor("area", tr("例如 朝阳区"))),
        ("custom", lambda: tr("自定义字段"), ("custom",),
         lambda c: CustomEditor(c.custom_fields)),
        ("rfm", lambda: tr("RFM 分组"), ("rfm_group", "rfm_months"),
         lambda c: Composite(ComboEditor("rfm_group", [(g.value, group_label(g))
                                                       for g in RfmGroup]),
                             SpinEditor("rfm_months", 1, 120, tr(" 个月内")))),
    ]


class CriterionRow(QFrame):
    removed = Signal(str)

    def __init__(self, key: str, title: str, editor: Editor) -> None:
        super().__init__()
        self.key, self.editor = key, editor
        self.setObjectName("criterionRow")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        head = QHBoxLayout()
        label = QLabel(title)
        label.setStyleSheet("font-weight: 600")
        remove = QToolButton()
        remove.setText("✕")
        remove.setToolTip(tr("去掉这个条件"))
        remove.clicked.connect(lambda: self.removed.emit(self.key))
        head.addWidget(label, 1)
        head.addWidget(remove)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(head)
        layout.addWidget(editor)


class SegmentFilter(QWidget):
    """The criteria in a scroll area, with 添加条件 above them."""

    changed = Signal()

    def __init__(self, choices: SegmentChoices) -> None:
        super().__init__()
        self.choices = choices
        self.defs = {key: (title, names, factory) for key, title, names, factory in criteria()}
        self.rows: dict[str, CriterionRow] = {}
        self.add = QComboBox()
        self.add.currentIndexChanged.connect(self._picked)
        self.inner = QVBoxLayout()
        self.inner.setContentsMargins(0, 0, 0, 0)
        self.inner.addStretch(1)
        holder = QWidget()
        holder.setLayout(self.inner)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.empty = QLabel(tr("未加条件：全部在档患者。"))
        self.empty.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.add)
        layout.addWidget(self.empty)
        layout.addWidget(scroll, 1)
        self._fill_add()

    def _fill_add(self) -> None:
        self.add.blockSignals(True)
        self.add.clear()
        self.add.addItem(tr("＋ 添加条件…"), None)
        for key, (title, _names, _factory) in self.defs.items():
            if key not in self.rows:
                self.add.addItem(title(), key)
        self.add.setCurrentIndex(0)
        self.add.blockSignals(False)
        self.empty.setVisible(not self.rows)

    def _picked(self, index: int) -> None:
        key = self.add.itemData(index)
        if key:
            self.add_criterion(str(key))
            self.changed.emit()

    def add_criterion(self, key: str) -> Editor:
        if key in self.rows:
            return self.rows[key].editor
        title, _names, factory = self.defs[key]
        editor = factory(self.choices)
        row = CriterionRow(key, title(), editor)
        row.removed.connect(self.remove_criterion)
        editor.changed.connect(self.changed)
        self.rows[key] = row
        self.inner.insertWidget(self.inner.count() - 1, row)
        self._fill_add()
        return editor

    def remove_criterion(self, key: str) -> None:
        row = self.rows.pop(key, None)
        if row is not None:
            row.deleteLater()
            self._fill_add()
            self.changed.emit()

    def clear(self) -> None:
        for key in list(self.rows):
            row = self.rows.pop(key)
            row.deleteLater()
        self._fill_add()

    def rules(self) -> SegmentRules:
        """The criteria as rules (raises UserError naming the field when they cannot be)."""
        data: dict[str, Any] = {}
        for row in self.rows.values():
            data.update(row.editor.value())
        plain = SegmentRules()
        for name, value in list(data.items()):
            if isinstance(value, tuple) and name != "custom":
                data[name] = list(value)
        converted = {k: (v.isoformat() if isinstance(v, date) else
                         str(v) if isinstance(v, Decimal) else v) for k, v in data.items()}
        if "custom" in converted:
            converted["custom"] = [list(p) for p in converted["custom"]]
        return rules_from_dict(converted) if converted else plain

    def set_rules(self, rules: SegmentRules) -> None:
        self.blockSignals(True)
        self.clear()
        empty = SegmentRules()
        for key, (_title, names, _factory) in self.defs.items():
            if key == "tags" and not rules.tags:
                continue
            if key == "rfm" and rules.rfm_group is None:
                continue
            if any(getattr(rules, n) != getattr(empty, n) for n in names):
                self.add_criterion(key).show_value(rules)
        self.blockSignals(False)
        self.changed.emit()

