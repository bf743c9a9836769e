"""Someone else saved the patient while this form was open (another workstation, usually).

The form knows three versions: what it opened (``base``), what is stored now (``theirs``) and
what was typed (``mine``). The person is shown what the other person changed, field by
field, and which of those they changed too; they may take the stored record and keep their
own changes on top (to look over and save again), or drop their changes."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication

from clinic_desktop.importing.mapping import field_label
from clinic_desktop.services.patients import PatientInput, PatientRecord

# Fields a person cannot see as typed text: shown by what they mean.
_HIDDEN = {"birth_date_approximate"}


@dataclass(frozen=True)
class PatientConflict:
    theirs: tuple[tuple[str, str, str], ...]  # (field shown, before, now) the other person
    mine: tuple[str, ...]  # fields this form changed (names)
    both: tuple[str, ...]  # fields both changed (shown): this form's value is kept

    def merged(self, stored: PatientRecord, typed: PatientInput) -> PatientRecord:
        """The stored record with this form's own changes on top."""
        return replace(stored, **{name: _as_stored(getattr(typed, name)) for name in self.mine})


def _as_stored(value: Any) -> Any:
    return None if value == "" else value


def _label(name: str) -> str:
    own = {"referred_by_id": QCoreApplication.translate("PatientConflict", "介绍人"),
           "referrer_note": QCoreApplication.translate("PatientConflict", "介绍人（文字）"),
           "notes": QCoreApplication.translate("PatientConflict", "备注")}
    return own.get(name) or field_label(name)


def _shown(name: str, value: Any) -> str:
    if value in (None, ""):
        return QCoreApplication.translate("PatientConflict", "（空）")
    if name == "sex":
        return {"M": QCoreApplication.translate("PatientConflict", "男"),
                "F": QCoreApplication.translate("PatientConflict", "女")}.get(value, str(value))
    if name == "referred_by_id":
        return QCoreApplication.translate("PatientConflict", "另一位患者")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).replace("\n", " ")
    return text if len(text) <= 30 else text[:29] + "…"


def conflict_of(base: PatientInput, theirs: PatientInput, mine: PatientInput) -> PatientConflict:
    names = [f.name for f in fields(PatientInput) if f.name not in _HIDDEN]
    theirs_changed = [n for n in names if getattr(base, n) != getattr(theirs, n)]
    mine_changed = tuple(n for n in names if getattr(base, n) != getattr(mine, n))
    return PatientConflict(
        theirs=tuple((_label(n), _shown(n, getattr(base, n)), _shown(n, getattr(theirs, n)))
                     for n in theirs_changed),
        mine=mine_changed,
        both=tuple(_label(n) for n in theirs_changed if n in mine_changed))


def conflict_text(who_when: str, conflict: PatientConflict) -> str:
    """The question's text: who saved when, what they changed, what clashes with this form."""
    lines = [who_when, ""]
    if conflict.theirs:
        lines.append(QCoreApplication.translate("PatientConflict", "对方改了："))
        line = QCoreApplication.translate("PatientConflict", "  {0}：{1} → {2}")
        lines += [line.format(label, before, now) for label, before, now in conflict.theirs]
    else:
        lines.append(QCoreApplication.translate(
            "PatientConflict", "对方改的是本表以外的内容（如标签、自定义字段）。"))
    if conflict.both:
        lines += ["", QCoreApplication.translate(
            "PatientConflict", "您也改了其中的 {0}：载入后保留您填写的内容，请核对。").format(
                "、".join(conflict.both))]
    lines += ["", QCoreApplication.translate(
        "PatientConflict", "载入对方保存的资料，并保留您在本表中的修改？")]
    return "\n".join(lines)
