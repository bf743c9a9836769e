"""Step 4: what the sheet's procedure, doctor and membership-tier names become — each distinct
name with its row count, the suggested catalogue entry, staff member or tier and why, a
dropdown to change it, or a new catalogue entry in a category / an inactive doctor / a new
tier. The choices go into the import and, saved, into the mapping profile, so the next file
of the same clinic needs no clicks."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.importing.values import OTHER_CATEGORY, ValueChoice, ValueChoices, ValueMatch
from clinic_desktop.services import import_batches
from clinic_desktop.services.import_balances import TierPreview
from clinic_desktop.services.import_values import ValuesPreview
from ui.app_services import AppServices

NAME, ROWS, TARGET, CATEGORY, WHY = range(5)
TIER_TAB = 2


class ValuesStep(QWidget):
    changed = Signal()  # a choice changed: a dry run made before no longer holds

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.preview: ValuesPreview | None = None
        self.tiers: TierPreview | None = None
        self.matches: dict[tuple[str, int], ValueMatch] = {}
        self.columns: dict[str, str] = {}  # header label → field, for saving the profile
        self.profile_name = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        top = QHBoxLayout()
        self.note = QLabel(self.tr("文件中每个项目名称和医生名称都对应到项目目录和员工名单；"
                                   "建议可以改。对应的项目决定回访计划，例如“种植”对应“种植牙”后"
                                   "才会生成种植牙随访。"))
        self.note.setObjectName("pageSubtitle")
        self.note.setWordWrap(True)
        top.addWidget(self.note, 1)
        self.save_button = QPushButton(self.tr("保存到方案…"))
        self.save_button.clicked.connect(self.save_profile)
        top.addWidget(self.save_button)
        layout.addLayout(top)
        self.tabs = QTabWidget()
        self.procedure_table = self._table(
            [self.tr("文件中的项目"), self.tr("行数"), self.tr("对应到"), self.tr("新增到类别"),
             self.tr("说明")])
        self.doctor_table = self._table(
            [self.tr("文件中的医生"), self.tr("行数"), self.tr("对应到"), "", self.tr("说明")])
        self.doctor_table.setColumnHidden(CATEGORY, True)
        self.tier_table = self._table(
            [self.tr("文件中的会员等级"), self.tr("行数"), self.tr("对应到"), "", self.tr("说明")])
        self.tier_table.setColumnHidden(CATEGORY, True)
        self.tabs.addTab(self.procedure_table, self.tr("治疗项目"))
        self.tabs.addTab(self.doctor_table, self.tr("医生"))
        self.tabs.addTab(self.tier_table, self.tr("会员等级"))
        self.tabs.setTabVisible(TIER_TAB, False)
        layout.addWidget(self.tabs, 1)

    def _table(self, titles: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(titles))
        table.setHorizontalHeaderLabels(titles)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = table.horizontalHeader()
        header.setSectionResizeMode(WHY, QHeaderView.ResizeMode.Stretch)
        table.setColumnWidth(NAME, 150)
        table.setColumnWidth(ROWS, 56)
        table.setColumnWidth(TARGET, 230)
        table.setColumnWidth(CATEGORY, 110)
        return table

    # -- filling ---------------------------------------------------------------------------
    def fill(self, preview: ValuesPreview, *, columns: dict[str, str],
             profile_name: str = "", tiers: TierPreview | None = None) -> None:
        """The names of the sheet; ``tiers``: its 会员等级 names (the tab shows when there are
        any)."""
        self.preview, self.columns, self.profile_name = preview, columns, profile_name
        self.tiers = tiers
        self.matches = {}
        by_column = {"procedure": [m for m in preview.matches if m.column == "procedure"],
                     "doctor": [m for m in preview.matches if m.column == "doctor"],
                     "tier": list(tiers.matches) if tiers is not None else []}
        for column, table in (("procedure", self.procedure_table),
                              ("doctor", self.doctor_table), ("tier", self.tier_table)):
            found = by_column[column]
            table.setRowCount(len(found))
            for row, match in enumerate(found):
                self.matches[(column, row)] = match
                table.setItem(row, NAME, QTableWidgetItem(match.value))
                count = QTableWidgetItem(f"{match.rows:,}")
                count.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                       | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, ROWS, count)
                table.setCellWidget(row, TARGET, self._target_combo(column, match, row))
                if column == "procedure":
                    table.setCellWidget(row, CATEGORY, self._category_combo(match))
                table.setItem(row, WHY, QTableWidgetItem(match.reason))
                self._update_row(column, row)
        self.tabs.setTabText(0, self.tr("治疗项目（{0}）").format(len(by_column["procedure"])))
        self.tabs.setTabText(1, self.tr("医生（{0}）").format(len(by_column["doctor"])))
        self.tabs.setTabText(TIER_TAB, self.tr("会员等级（{0}）").format(len(by_column["tier"])))
        self.tabs.setTabVisible(TIER_TAB, bool(by_column["tier"]))

    def _target_combo(self, column: str, match: ValueMatch, row: int) -> QComboBox:
        assert self.preview is not None
        combo = QComboBox()
        combo.setMaxVisibleItems(20)
        if column == "procedure":
            for entry in self.preview.procedures:
                text = f"{entry.name}（{entry.category}）"
                if not entry.active:
                    text += self.tr(" · 已停用")
                combo.addItem(text, ("match", entry.name))
            combo.insertSeparator(combo.count())
            new_name = match.choice.target if match.choice.action == "new" else match.value
            combo.addItem(self.tr("新增到项目目录：{0}").format(new_name), ("new", new_name))
            combo.addItem(self.tr("不关联项目目录（按原名导入）"), ("none", ""))
        elif column == "tier":
            for tier in self.tiers.tiers if self.tiers is not None else ():
                text = tier.name
                if tier.threshold_kind == "manual":
                    text += self.tr("（仅手动授予）")
                combo.addItem(text, ("match", tier.name))
            combo.insertSeparator(combo.count())
            new_name = match.choice.target if match.choice.action == "new" else match.value
            combo.addItem(self.tr("新建会员等级：{0}").format(new_name), ("new", new_name))
            combo.addItem(self.tr("不导入会员等级"), ("none", ""))
        else:
            # Doctors only: a visit's doctor counts in the doctors' reports (the import
            # refuses a staff member who is not one).
            for person in self.preview.staff:
                if not person.is_doctor:
                    continue
                text = person.name + (self.tr("（停用）") if not person.active else "")
                combo.addItem(text, ("match", person.name))
            combo.insertSeparator(combo.count())
            new_name = match.choice.target if match.choice.action == "inactive" else match.value
            combo.addItem(self.tr("新建停用医生：{0}").format(new_name), ("inactive", new_name))
            combo.addItem(self.tr("不关联（写入就诊备注）"), ("none", ""))
        choice = match.choice
        wanted = (choice.action, choice.target if choice.action != "none" else "")
        index = next((i for i in range(combo.count()) if combo.itemData(i) == wanted), -1)
        if index < 0 and choice.action == "match":
            index = next((i for i in range(combo.count()) if combo.itemData(i) is not None
                          and combo.itemData(i)[1] == choice.target), -1)
        combo.setCurrentIndex(max(index, 0))
        combo.currentIndexChanged.connect(self._changed_handler(column, row))
        return combo

    def _category_combo(self, match: ValueMatch) -> QComboBox:
        assert self.preview is not None
        combo = QComboBox()
        for category in self.preview.categories:
            combo.addItem(category, category)
        category = match.choice.category if match.choice.action == "new" else OTHER_CATEGORY
        combo.setCurrentIndex(max(0, combo.findData(category)))
        combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        return combo

    def _changed_handler(self, column: str, row: int) -> Callable[[int], None]:
        def changed(_index: int) -> None:
            table = self._table_of(column)
            why = table.item(row, WHY)
            if why is not None:
                why.setText(self.tr("手动选择"))
            self._update_row(column, row)
            self.changed.emit()

        return changed

    def _table_of(self, column: str) -> QTableWidget:
        return {"procedure": self.procedure_table, "tier": self.tier_table}.get(
            column, self.doctor_table)

    def _update_row(self, column: str, row: int) -> None:
        if column != "procedure":
            return
        target = self.procedure_table.cellWidget(row, TARGET)
        category = self.procedure_table.cellWidget(row, CATEGORY)
        if isinstance(target, QComboBox) and isinstance(category, QComboBox):
            action, name = target.currentData() or ("", "")
            category.setEnabled(action == "new")
            if action == "match" and self.preview is not None:  # the entry's own category
                entry = next((e for e in self.preview.procedures if e.name == name), None)
                if entry is not None and category.findData(entry.category) >= 0:
                    category.blockSignals(True)
                    category.setCurrentIndex(category.findData(entry.category))
                    category.blockSignals(False)

    # -- reading ---------------------------------------------------------------------------
    def choices(self) -> ValueChoices:
        """Every name's choice as the step shows it now."""
        result: ValueChoices = {}
        for (column, row), match in self.matches.items():
            table = self._table_of(column)
            target = table.cellWidget(row, TARGET)
            if not isinstance(target, QComboBox) or target.currentData() is None:
                continue
            action, name = target.currentData()
            category = ""
            if action == "new" and column == "procedure":
                combo = table.cellWidget(row, CATEGORY)
                category = str(combo.currentData()) if isinstance(combo, QComboBox) \
                    else OTHER_CATEGORY
            result.setdefault(column, {})[match.value] = ValueChoice(str(action), str(name),
                                                                     category)
        return result

    def combo_for(self, column: str, value: str) -> QComboBox | None:
        """The dropdown of one name (tests, screenshots)."""
        for (c, row), match in self.matches.items():
            if c == column and match.value == value:
                widget = self._table_of(column).cellWidget(row, TARGET)
                return widget if isinstance(widget, QComboBox) else None
        return None

    def choose(self, column: str, value: str, action: str, target: str = "") -> None:
        """Pick a choice for one name as a person would in its dropdown (tests, screenshots);
        ``target`` may be left out for ``new``/``inactive``/``none``."""
        combo = self.combo_for(column, value)
        assert combo is not None, value
        for index in range(combo.count()):
            data = combo.itemData(index)
            if data is not None and data[0] == action and (not target or data[1] == target):
                combo.setCurrentIndex(index)
                return
        raise ValueError(f"{column} {value}: no choice {action} {target}")

    def save_profile(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("保存对应方案"),
                                        self.tr("方案名称（列的对应和这里的选择一起保存）"),
                                        text=self.profile_name)
        if not ok:
            return
        columns, values = dict(self.columns), self.choices()

        def saved(_result: object) -> None:
            self.profile_name = name.strip()

        self.services.ops.run(lambda ctx: import_batches.save_profile(ctx, name, columns,
                                                                      values=values),
                              parent=self, on_done=saved)
