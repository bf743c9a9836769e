"""Step 3: which column becomes which field, saved mapping profiles, and what to do with
patients the clinic already has."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.importing.mapping import (
    FIELDS,
    auto_map,
    check_mapping,
    field_label,
    is_complete_profile,
    is_deferred,
    mapping_from_profile,
    profile_from_mapping,
)
from clinic_desktop.importing.values import ValueChoices
from clinic_desktop.rules.legacy_values import Cell, cell_text
from clinic_desktop.services import import_batches
from ui.app_services import AppServices


class MappingStep(QWidget):
    changed = Signal()  # the mapping changed: a dry run made before no longer holds

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.profiles: dict[str, import_batches.MappingProfile] = {}
        self._labels: tuple[str, ...] = ()
        self._rows: Sequence[Sequence[Cell]] = ()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("对应方案")))
        self.profile_combo = QComboBox()
        self.profile_combo.setMinimumWidth(160)
        self.profile_combo.activated.connect(self._apply_profile)
        top.addWidget(self.profile_combo)
        save = QPushButton(self.tr("保存为方案…"))
        save.clicked.connect(self.save_profile)
        top.addWidget(save)
        top.addStretch(1)
        layout.addLayout(top)
        # On a row of its own: in English the two rows side by side outgrow a 1280 screen.
        policy = QHBoxLayout()
        policy.addWidget(QLabel(self.tr("已有的患者")))
        self.policy_combo = QComboBox()
        for key, text in (("merge", self.tr("合并：补全空白信息")),
                          ("skip", self.tr("跳过：不动已有患者")),
                          ("create", self.tr("新建：另建一份档案"))):
            self.policy_combo.addItem(text, key)
        policy.addWidget(self.policy_combo)
        self.overwrite_check = QCheckBox(self.tr("用文件中的值覆盖已有信息"))
        self.policy_combo.currentIndexChanged.connect(
            lambda _i: self.overwrite_check.setEnabled(self.policy_combo.currentData() == "merge"))
        policy.addWidget(self.overwrite_check)
        policy.addStretch(1)
        layout.addLayout(policy)
        self.mapping_table = QTableWidget(0, 3)
        self.mapping_table.setHorizontalHeaderLabels(
            [self.tr("文件中的列"), self.tr("示例"), self.tr("导入为")])
        self.mapping_table.verticalHeader().setVisible(False)
        self.mapping_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.mapping_table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.mapping_table.setColumnWidth(0, 180)
        self.mapping_table.setColumnWidth(2, 200)
        layout.addWidget(self.mapping_table, 1)
        self.mapping_note = QLabel()
        self.mapping_note.setObjectName("formWarning")
        self.mapping_note.setWordWrap(True)
        layout.addWidget(self.mapping_note)
        self.deferred_note = QLabel()
        self.deferred_note.setObjectName("pageSubtitle")
        self.deferred_note.setWordWrap(True)
        layout.addWidget(self.deferred_note)
        legend = QLabel(self.tr("带 * 的字段必须对应；同一个人的多行"
                                "（身份证号相同、手机号和姓名相同、或姓名和生日相同）"
                                "会合并为一位患者。"))
        legend.setObjectName("pageSubtitle")
        legend.setWordWrap(True)
        layout.addWidget(legend)

    def fill(self, labels: tuple[str, ...], data_rows: Sequence[Sequence[Cell]],
             mapping: dict[int, str] | None = None) -> None:
        """One row per column of the file: its title, a few sample values, a field."""
        self._labels, self._rows = labels, data_rows
        mapping = auto_map(labels) if mapping is None else mapping
        table = self.mapping_table
        table.setRowCount(len(labels))
        for column, label in enumerate(labels):
            shown_label = label or self.tr("（第 {0} 列）").format(column + 1)
            table.setItem(column, 0, QTableWidgetItem(shown_label))
            samples = [cell_text(r[column]) for r in data_rows if column < len(r)]
            shown = [s for s in samples if s][:3]
            table.setItem(column, 1, QTableWidgetItem("；".join(shown)))
            combo = QComboBox()
            combo.addItem(self.tr("（不导入）"), "")
            for spec in FIELDS:
                combo.addItem(field_label(spec.key) + (" *" if spec.required else ""), spec.key)
            combo.setCurrentIndex(max(0, combo.findData(mapping.get(column, ""))))
            combo.currentIndexChanged.connect(lambda _i: self._mapping_changed())
            table.setCellWidget(column, 2, combo)
        self._load_profiles()
        self._mapping_changed()

    def current_mapping(self) -> dict[int, str]:
        mapping = {}
        for row in range(self.mapping_table.rowCount()):
            combo = self.mapping_table.cellWidget(row, 2)
            if isinstance(combo, QComboBox) and combo.currentData():
                mapping[row] = str(combo.currentData())
        return mapping

    def problems(self) -> list[str]:
        mapping = self.current_mapping()
        problems = check_mapping(mapping)
        taken = list(mapping.values())
        doubled = sorted({k for k in taken if taken.count(k) > 1})
        if doubled:
            problems.append(self.tr("“{0}”对应了不止一列，每个字段只能对应一列。").format(
                "、".join(field_label(k) for k in doubled)))
        return problems

    @property
    def on_duplicate(self) -> str:
        return str(self.policy_combo.currentData())

    @property
    def overwrite(self) -> bool:
        return self.overwrite_check.isChecked()

    def _mapping_changed(self) -> None:
        problems = self.problems()
        self.mapping_note.setText("\n".join(problems))
        self.mapping_note.setVisible(bool(problems))
        mapping = self.current_mapping()
        later = [label for i, label in enumerate(self._labels)
                 if label and i not in mapping and is_deferred(label)]
        self.deferred_note.setText(self.tr("这次不导入：{0}（像是储值、欠费、积分或会员等级，但不确定"
                                           "是不是余额，不做猜测；如果是，请在右边手动选择）。"
                                           ).format("、".join(later)))
        self.deferred_note.setVisible(bool(later))
        self.changed.emit()

    def _load_profiles(self) -> None:
        self.profiles = self.services.call(import_batches.list_profiles)
        self.profile_combo.clear()
        self.profile_combo.addItem(self.tr("自动识别"), "")
        for name in sorted(self.profiles):
            self.profile_combo.addItem(name, name)

    def _apply_profile(self, index: int) -> None:
        name = self.profile_combo.itemData(index)
        labels = self._labels
        if name:
            # A profile saved before profiles listed the columns they leave out meant the
            # columns it does not name to stay out: a later file's new ones are not guessed.
            columns = self.profiles[name].columns
            mapping = mapping_from_profile(labels, columns,
                                           others=is_complete_profile(columns))
        else:
            mapping = auto_map(labels)
        self.fill(labels, self._rows, mapping)
        self.profile_combo.setCurrentIndex(index)

    def profile_name(self) -> str:
        return str(self.profile_combo.currentData() or "")

    def profile_values(self) -> ValueChoices | None:
        """The value choices of the chosen profile (None: suggestions only)."""
        profile = self.profiles.get(self.profile_name())
        return profile.values if profile is not None else None

    def profile_columns(self) -> dict[str, str]:
        """The mapping as a profile: header label → field."""
        return profile_from_mapping(self._labels, self.current_mapping())

    def save_profile(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("保存对应方案"),
                                        self.tr("方案名称（例如：老系统导出）"))
        if not ok:
            return
        profile = profile_from_mapping(self._labels, self.current_mapping())

        def saved(_result: object) -> None:
            self._load_profiles()
            self.profile_combo.setCurrentIndex(self.profile_combo.findData(name.strip()))

        self.services.ops.run(lambda ctx: import_batches.save_profile(ctx, name, profile),
                              parent=self, on_done=saved)
