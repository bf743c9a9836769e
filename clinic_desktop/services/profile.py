"""Medical profile, tags and custom fields of a patient."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.rules import RuleError
from clinic_desktop.rules.colour import check_colour
from clinic_desktop.rules.text import normalize_text
from clinic_desktop.services.patients import get_patient
from clinic_desktop.storage.models.patient import (
    CustomField,
    CustomFieldValue,
    MedicalProfile,
    PatientTag,
    Tag,
)

DEFAULT_TAGS = (("怕疼", "#E4572E"), ("价格敏感", "#D68910"), ("注重品牌", "#3A7BD5"),
                ("决策人是家人", "#8E44AD"), ("VIP", "#B8860B"))
COMMON_ALLERGIES = ("青霉素", "头孢", "磺胺", "阿司匹林", "麻药（利多卡因）", "碘", "乳胶", "花粉")
FIELD_KINDS = ("text", "number", "date", "choice", "bool")


@dataclass(frozen=True)
class MedicalInfo:
    allergies: tuple[str, ...]
    allergy_notes: str
    conditions: str
    past_history: str
    family_history: str
    chief_complaint: str
    # The clinical fields are blanked (the role lacks CLINICAL_VIEW); the allergies are kept.
    clinical_hidden: bool = False

    @property
    def has_allergy(self) -> bool:
        return bool(self.allergies or self.allergy_notes.strip())

    @property
    def allergy_text(self) -> str:
        parts = list(self.allergies) + ([self.allergy_notes] if self.allergy_notes else [])
        return "、".join(parts)


EMPTY_MEDICAL = MedicalInfo((), "", "", "", "", "")


@dataclass(frozen=True)
class TagInfo:
    id: int
    name: str
    colour: str


@dataclass(frozen=True)
class CustomFieldInfo:
    id: int
    name: str
    kind: str
    choices: tuple[str, ...]
    active: bool


def medical_in(session: Session, patient_id: int) -> MedicalInfo:
    row = session.get(MedicalProfile, patient_id)
    if row is None:
        return EMPTY_MEDICAL
    return MedicalInfo(tuple(json.loads(row.allergies_json)), row.allergy_notes, row.conditions,
                       row.past_history, row.family_history, row.chief_complaint)


def update_medical(ctx: Context, patient_id: int, info: MedicalInfo) -> MedicalInfo:
    ctx.require(Permission.CLINICAL_EDIT)
    allergies = tuple(dict.fromkeys(a for a in (normalize_text(x) for x in info.allergies) if a))
    with ctx.transaction(write=True) as session:
        get_patient(session, patient_id)
        row = session.get(MedicalProfile, patient_id)
        if row is None:
            row = MedicalProfile(patient_id=patient_id, updated_at=ctx.now())
            session.add(row)
        row.allergies_json = json.dumps(list(allergies), ensure_ascii=False)
        row.allergy_notes = info.allergy_notes.strip()
        row.conditions, row.past_history = info.conditions.strip(), info.past_history.strip()
        row.family_history = info.family_history.strip()
        row.chief_complaint = info.chief_complaint.strip()
        row.updated_at = ctx.now()
        ctx.audit(session, "patient.medical", "patient", patient_id,
                  f"allergies: {'、'.join(allergies) or '-'}")
        return medical_in(session, patient_id)


def seed_default_tags(session: Session) -> None:
    existing = set(session.execute(select(Tag.name)).scalars())
    for name, colour in DEFAULT_TAGS:
        if name not in existing:
            session.add(Tag(name=name, colour=colour))


def list_tags(ctx: Context) -> list[TagInfo]:
    with ctx.transaction() as session:
        found = [TagInfo(t.id, t.name, t.colour)
                 for t in session.execute(select(Tag).order_by(Tag.id)).scalars()]
    if found:
        return found
    with ctx.transaction(write=True) as session:  # the default tags, on first look
        seed_default_tags(session)
        return [TagInfo(t.id, t.name, t.colour)
                for t in session.execute(select(Tag).order_by(Tag.id)).scalars()]


def _tag_colour(colour: str) -> str:
    try:
        return check_colour(colour)
    except RuleError as error:
        raise UserError(error.message, field=error.field) from error


def create_tag(ctx: Context, *, name: str, colour: str = "#5B7083") -> TagInfo:
    ctx.require(Permission.PATIENT_EDIT)
    name = normalize_text(name)
    if not name:
        raise UserError(_("请填写标签名称。"), field="name")
    colour = _tag_colour(colour)
    with ctx.transaction(write=True) as session:
        if session.execute(select(Tag.id).where(Tag.name == name)).first():
            raise UserError(_("已有标签“{name}”。", name=name), field="name")
        tag = Tag(name=name, colour=colour)
        session.add(tag)
        session.flush()
        ctx.audit(session, "tag.create", "tag", tag.id, name)
        return TagInfo(tag.id, tag.name, tag.colour)


def tags_in(session: Session, patient_id: int) -> list[TagInfo]:
    rows = session.execute(select(Tag).join(PatientTag, PatientTag.tag_id == Tag.id)
                           .where(PatientTag.patient_id == patient_id).order_by(Tag.id)).scalars()
    return [TagInfo(t.id, t.name, t.colour) for t in rows]


def set_tag(ctx: Context, patient_id: int, tag_id: int, *, on: bool) -> None:
    ctx.require(Permission.PATIENT_EDIT)
    with ctx.transaction(write=True) as session:
        patient = get_patient(session, patient_id)
        present = session.get(PatientTag, (patient_id, tag_id))
        if on and present is None:
            session.add(PatientTag(patient_id=patient_id, tag_id=tag_id))
        elif not on and present is not None:
            session.delete(present)
        ctx.audit(session, "patient.tag" if on else "patient.untag", "patient", patient_id,
                  f"{patient.code} tag {tag_id}")


def define_custom_field(ctx: Context, *, name: str, kind: str,
                        choices: tuple[str, ...] = ()) -> CustomFieldInfo:
    ctx.require(Permission.SETTINGS_MANAGE)
    name = normalize_text(name)
    if not name:
        raise UserError(_("请填写字段名称。"), field="name")
    if kind not in FIELD_KINDS:
        raise UserError(_("字段类型“{kind}”无效。", kind=kind), field="kind")
    clean = tuple(c for c in (normalize_text(c) for c in choices) if c)
    if kind == "choice" and not clean:
        raise UserError(_("选择题字段至少需要一个选项。"), field="choices")
    with ctx.transaction(write=True) as session:
        if session.execute(select(CustomField.id).where(CustomField.name == name)).first():
            raise UserError(_("已有字段“{name}”。", name=name), field="name")
        row = CustomField(name=name, kind=kind, choices_json=json.dumps(list(clean),
                                                                        ensure_ascii=False))
        session.add(row)
        session.flush()
        ctx.audit(session, "custom_field.define", "custom_field", row.id, f"{name} {kind}")
        return CustomFieldInfo(row.id, name, kind, clean, True)


def list_custom_fields(ctx: Context) -> list[CustomFieldInfo]:
    with ctx.transaction() as session:
        return [CustomFieldInfo(f.id, f.name, f.kind, tuple(json.loads(f.choices_json)),
                                f.active)
                for f in session.execute(select(CustomField).order_by(
                    CustomField.sort_order, CustomField.id)).scalars()]


def _check_value(field: CustomField, value: str) -> str:
    value = normalize_text(value)
    if not value:
        return ""
    if field.kind == "number":
        try:
            Decimal(value)
        except InvalidOperation as exc:
            raise UserError(_("“{name}”应为数字。", name=field.name), field=field.name) from exc
    elif field.kind == "date":
        try:
            date.fromisoformat(value)
        except ValueError as exc:
            raise UserError(_("“{name}”应为日期（例如 2024-03-05）。", name=field.name),
                            field=field.name) from exc
    elif field.kind == "choice" and value not in json.loads(field.choices_json):
        raise UserError(_("“{value}”不是“{name}”的选项。", value=value, name=field.name),
                        field=field.name)
    elif field.kind == "bool" and value not in ("是", "否"):
        raise UserError(_("“{name}”只能是“是”或“否”。", name=field.name), field=field.name)
    return value


def set_custom_values(ctx: Context, patient_id: int, values: dict[int, str]) -> None:
    ctx.require(Permission.PATIENT_EDIT)
    with ctx.transaction(write=True) as session:
        set_custom_values_in(ctx, session, patient_id, values)


def set_custom_values_in(ctx: Context, session: Session, patient_id: int,
                         values: dict[int, str]) -> None:
    """``set_custom_values`` inside the caller's write transaction (saved with the patient)."""
    ctx.require(Permission.PATIENT_EDIT)
    get_patient(session, patient_id)
    for field_id, raw in values.items():
        field = session.get(CustomField, field_id)
        if field is None:
            continue
        value = _check_value(field, raw)
        session.execute(delete(CustomFieldValue).where(
            CustomFieldValue.patient_id == patient_id, CustomFieldValue.field_id == field_id))
        if value:
            session.add(CustomFieldValue(patient_id=patient_id, field_id=field_id,
                                         value=value))
    ctx.audit(session, "patient.custom_fields", "patient", patient_id,
              f"{len(values)} fields")


def custom_values_in(session: Session, patient_id: int) -> list[tuple[str, str]]:
    rows = session.execute(
        select(CustomField.name, CustomFieldValue.value)
        .join(CustomFieldValue, CustomFieldValue.field_id == CustomField.id)
        .where(CustomFieldValue.patient_id == patient_id)
        .order_by(CustomField.sort_order, CustomField.id))
    return list(rows)


def custom_values_by_field(ctx: Context, patient_id: int) -> dict[int, str]:
    ctx.require(Permission.PATIENT_VIEW)
    with ctx.transaction() as session:
        return dict(session.execute(select(CustomFieldValue.field_id, CustomFieldValue.value)
                                    .where(CustomFieldValue.patient_id == patient_id)).all())


def update_tag(ctx: Context, tag_id: int, *, name: str, colour: str) -> TagInfo:
    ctx.require(Permission.CATALOGUE_MANAGE)
    name = normalize_text(name)
    if not name:
        raise UserError(_("请填写标签名称。"), field="name")
    colour = _tag_colour(colour)
    with ctx.transaction(write=True) as session:
        tag = session.get(Tag, tag_id)
        if tag is None:
            raise UserError(_("该标签已不存在。"))
        if session.execute(select(Tag.id).where(Tag.name == name, Tag.id != tag_id)).first():
            raise UserError(_("已有标签“{name}”。", name=name), field="name")
        tag.name, tag.colour = name, colour
        ctx.audit(session, "tag.update", "tag", tag_id, name)
        return TagInfo(tag.id, tag.name, tag.colour)
