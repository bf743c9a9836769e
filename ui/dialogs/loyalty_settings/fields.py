"""The loyalty forms' building blocks: money typed as text, rates by procedure category, a
tier colour with presets, and procedures or categories ticked from the clinic's catalogue."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.errors import UserError
from clinic_desktop.services.catalogue import CATEGORIES, ProcedureInfo, category_rank
from clinic_desktop.services.loyalty.rules import ANY
from ui.widgets import money_field

ZERO = Decimal("0.00")
ID_ROLE = Qt.ItemDataRole.UserRole
# Tier colours a manager usually wants: grey, silver, gold, platinum, diamond purple, ruby, jade.
PRESETS = ("#90A4AE", "#B0BEC5", "#FFB300", "#546E7A", "#7E57C2", "#C62828", "#00897B")


def no_auto_default(*buttons: QPushButton) -> None:
    """Enter in a field saves the form; it must not press "add a row" because it had focus."""
    for button in buttons:
        button.setAutoDefault(False)


# -- money ---------------------------------------------------------------------------------
def money_edit(value: Decimal | None = None) -> QLineEdit:
    """A money field: typed as text ("1,234.5", "¥300"), shown with separators."""
    edit = QLineEdit(f"{value:,.2f}" if value is not None else "")
    edit.setPlaceholderText("0.00")
    return edit


def parse_money(edit: QLineEdit, *, field: str, label: str) -> Decimal:
    """The amount typed, or a refusal naming the field (blank is zero: the service says
    whether zero, or a negative amount, is allowed)."""
    return money_field.parse_money(edit.text(), field=field, label=label, allow_negative=True)


def percent_text(value: Decimal) -> str:
    """5.00 → "5%", 2.50 → "2.5%"."""
    return f"{number_text(value)}%"


def number_text(value: Decimal | float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


class NumberBox(QDoubleSpinBox):
    """A decimal spin box that shows 5 and 0.5 rather than 5.00 and 0.50."""

    def __init__(self, low: float, high: float, value: Decimal | float = 0, *,
                 suffix: str = "") -> None:
        super().__init__()
        self.setDecimals(2)
        self.setRange(low, high)
        self.setValue(float(value))
        self.setSuffix(suffix)

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt override
        return number_text(value)

    def decimal(self) -> Decimal:
        return Decimal(number_text(self.value()))


# -- categories and procedures -------------------------------------------------------------
def categories_of(procedures: Iterable[ProcedureInfo], also: Iterable[str] = ()) -> list[str]:
    """The categories the clinic's procedures use (all of them for an empty catalogue), plus
    any already in a setting (a category since emptied stays editable), in catalogue order."""
    found = {p.category for p in procedures if p.active} | {c for c in also if c and c != ANY}
    return sorted(found or set(CATEGORIES), key=lambda c: (category_rank(c), c))


def category_label(category: str) -> str:
    if category == ANY:
        return QCoreApplication.translate("LoyaltyFields", "其他所有类别")
    return category


class RatesTable(QTableWidget):
    """A small editable table: a procedure category ("*": every other one) and a number."""

    edited = Signal()

    def __init__(self, categories: Sequence[str], value_title: str, *, high: float,
                 suffix: str = "") -> None:
        super().__init__(0, 2)
        self.categories = [ANY, *[c for c in categories if c != ANY]]
        self.high, self.suffix = high, suffix
        self.setHorizontalHeaderLabels([self.tr("项目类别"), value_title])
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(34)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)

    def set_rates(self, rates: Mapping[str, Decimal]) -> None:
        self.setRowCount(0)
        for category in [c for c in rates if c not in self.categories]:
            self.categories.append(category)  # stored before the catalogue changed: kept
        # "*" first, then the catalogue's order: the fallback reads as the table's heading.
        for category in sorted(rates, key=lambda c: (c != ANY, category_rank(c), c)):
            self.add_rate(category, rates[category])

    def add_rate(self, category: str | None = None, value: Decimal | float = 0) -> None:
        if category is None:
            used = set(self.rates(check=False))
            category = next((c for c in self.categories if c not in used), self.categories[0])
        row = self.rowCount()
        self.insertRow(row)
        box = QComboBox()
        for choice in self.categories:
            box.addItem(category_label(choice), choice)
        box.setCurrentIndex(max(0, box.findData(category)))
        box.currentIndexChanged.connect(lambda _i: self.edited.emit())
        number = NumberBox(0, self.high, value, suffix=self.suffix)
        number.valueChanged.connect(lambda _v: self.edited.emit())
        self.setCellWidget(row, 0, box)
        self.setCellWidget(row, 1, number)
        self.setCurrentCell(row, 0)
        self.edited.emit()

    def remove_selected(self) -> None:
        row = self.currentRow()
        if row >= 0:
            self.removeRow(row)
            self.edited.emit()

    def rates(self, *, check: bool = True, field: str = "") -> dict[str, Decimal]:
        """Category → number; a category twice is refused (``field`` names the table)."""
        found: dict[str, Decimal] = {}
        for row in range(self.rowCount()):
            box, number = self.cellWidget(row, 0), self.cellWidget(row, 1)
            assert isinstance(box, QComboBox) and isinstance(number, NumberBox)
            category = str(box.currentData())
            if check and category in found:
                raise UserError(self.tr("类别“{0}”出现了两次。").format(
                    category_label(category)), field=field)
            found[category] = number.decimal()
        return found


def table_editor(table: QTableWidget, add_text: str, on_add: Callable[[], None],
                 on_remove: Callable[[], None]) -> QWidget:
    """A table with add/remove buttons under it, as one form row."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(4)
    layout.addWidget(table, 1)
    row = QHBoxLayout()
    add = QPushButton(add_text)
    remove = QPushButton(QCoreApplication.translate("LoyaltyFields", "删除所选"))
    no_auto_default(add, remove)
    add.clicked.connect(lambda: on_add())
    remove.clicked.connect(lambda: on_remove())
    row.addWidget(add)
    row.addWidget(remove)
    row.addStretch(1)
    layout.addLayout(row)
    return box


class ProcedureTree(QTreeWidget):
    """The catalogue's procedures by category, ticked by id (a package's covered procedures)."""

    def __init__(self, procedures: Sequence[ProcedureInfo], chosen: Iterable[int]) -> None:
        super().__init__()
        self.setHeaderHidden(True)
        wanted = set(chosen)
        groups: dict[str, QTreeWidgetItem] = {}
        for procedure in procedures:
            if not procedure.active and procedure.id not in wanted:
                continue
            group = groups.get(procedure.category)
            if group is None:
                group = groups[procedure.category] = QTreeWidgetItem(self, [procedure.category])
                group.setFlags(group.flags() | Qt.ItemFlag.ItemIsUserCheckable
                               | Qt.ItemFlag.ItemIsAutoTristate)
            name = procedure.name if procedure.active else self.tr("{0}（已停用）").format(
                procedure.name)
            item = QTreeWidgetItem(group, [name])
            item.setData(0, ID_ROLE, procedure.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Checked if procedure.id in wanted
                               else Qt.CheckState.Unchecked)
        # A tick hidden in a closed group is a tick nobody sees: the groups with one are open
        # (all of them for a new package, to choose from).
        ticked = {p.category for p in procedures if p.id in wanted}
        for category, group in groups.items():
            group.setExpanded(not wanted or category in ticked)

    def _leaves(self) -> list[QTreeWidgetItem]:
        leaves: list[QTreeWidgetItem] = []
        for top in range(self.topLevelItemCount()):
            group = self.topLevelItem(top)
            if group is not None:
                leaves.extend(child for i in range(group.childCount())
                              if (child := group.child(i)) is not None)
        return leaves

    def checked_ids(self) -> list[int]:
        return [int(leaf.data(0, ID_ROLE)) for leaf in self._leaves()
                if leaf.checkState(0) == Qt.CheckState.Checked]

    def set_checked(self, ids: Iterable[int]) -> None:
        wanted = set(ids)
        for leaf in self._leaves():
            leaf.setCheckState(0, Qt.CheckState.Checked if leaf.data(0, ID_ROLE) in wanted
                               else Qt.CheckState.Unchecked)


class CheckList(QListWidget):
    """Names ticked in a list (the categories a coupon applies to)."""

    def __init__(self, names: Sequence[str], chosen: Iterable[str]) -> None:
        super().__init__()
        wanted = set(chosen)
        for name in [*names, *sorted(wanted - set(names))]:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name in wanted
                               else Qt.CheckState.Unchecked)
            self.addItem(item)

    def checked(self) -> tuple[str, ...]:
        return tuple(item.text() for i in range(self.count())
                     if (item := self.item(i)).checkState() == Qt.CheckState.Checked)

    def set_checked(self, names: Iterable[str]) -> None:
        wanted = set(names)
        for i in range(self.count()):
            item = self.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.text() in wanted
                               else Qt.CheckState.Unchecked)


# -- colour ------------------------------------------------------------------------------
def swatch_icon(colour: str, size: int = 16) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


class ColourPicker(QWidget):
    """The colour as a button showing it (opens the colour dialog) and a row of presets."""

    changed = Signal(str)

    def __init__(self, colour: str) -> None:
        super().__init__()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.button = QPushButton()
        self.button.setAutoDefault(False)
        self.button.setToolTip(self.tr("选择其他颜色…"))
        self.button.clicked.connect(self.choose)
        layout.addWidget(self.button)
        for preset in PRESETS:
            swatch = QToolButton()
            swatch.setIcon(swatch_icon(preset, 14))
            swatch.setToolTip(preset)
            swatch.setAutoRaise(True)
            swatch.setObjectName("colourPreset")
            swatch.clicked.connect(lambda _c=False, p=preset: self.set_colour(p))
            layout.addWidget(swatch)
        layout.addStretch(1)
        self._colour = ""
        self.set_colour(colour)

    def colour(self) -> str:
        return self._colour

    def set_colour(self, colour: str) -> None:
        self._colour = colour.upper()
        self.button.setIcon(swatch_icon(colour if QColor(colour).isValid() else "#FFFFFF"))
        self.button.setText(self._colour)
        self.changed.emit(self._colour)

    def choose(self) -> None:
        chosen = QColorDialog.getColor(QColor(self._colour), self, self.tr("选择等级颜色"))
        if chosen.isValid():
            self.set_colour(chosen.name())

