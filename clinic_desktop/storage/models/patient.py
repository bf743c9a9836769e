"""The patient archive: identity, family, medical profile, tags, custom fields."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from clinic_desktop.storage.base import Base


class Patient(Base):
    __tablename__ = "patient"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    # Looked up through ix_patient_name_birth, whose first column is the name.
    name: Mapped[str] = mapped_column(String(64))
    name_pinyin: Mapped[str] = mapped_column(String(255), index=True)
    name_initials: Mapped[str] = mapped_column(String(64), index=True)
    sex: Mapped[str | None] = mapped_column(String(1))
    birth_date: Mapped[date | None]
    birth_date_approximate: Mapped[bool] = mapped_column(default=False)
    mobile: Mapped[str | None] = mapped_column(String(20), index=True)
    phone2: Mapped[str | None] = mapped_column(String(32))
    wechat: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(254))
    id_number: Mapped[str | None] = mapped_column(String(18), index=True)
    occupation: Mapped[str | None] = mapped_column(String(64))
    emergency_contact: Mapped[str | None] = mapped_column(String(64))
    emergency_phone: Mapped[str | None] = mapped_column(String(32))
    # A referrer named in an imported sheet who matched no patient, kept as the sheet wrote it.
    referrer_note: Mapped[str | None] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(255))
    source: Mapped[str | None] = mapped_column(String(32))
    referred_by_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"))
    first_visit_date: Mapped[date | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    archived: Mapped[bool] = mapped_column(default=False)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"))
    member_tier: Mapped[str | None] = mapped_column(String(32))
    member_points: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    updated_at: Mapped[datetime]
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    version: Mapped[int] = mapped_column(default=1)
    # Which import wrote the row (no foreign key: adding one would make SQLite rebuild the
    # table, and the patient table's search triggers with it).
    import_batch_id: Mapped[int | None] = mapped_column(index=True)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (Index("ix_patient_name_birth", "name", "birth_date"),)


class FamilyLink(Base):
    """One direction of a family relation; the inverse row is written with it."""

    __tablename__ = "family_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"),
                                            index=True)
    relative_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"))
    # What the relative is to the patient: parent, child, spouse, sibling, other.
    relation: Mapped[str] = mapped_column(String(16))

    __table_args__ = (UniqueConstraint("patient_id", "relative_id", name="uq_family_pair"),)


class MedicalProfile(Base):
    __tablename__ = "medical_profile"

    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"),
                                            primary_key=True)
    allergies_json: Mapped[str] = mapped_column(Text, default="[]")
    allergy_notes: Mapped[str] = mapped_column(Text, default="")
    conditions: Mapped[str] = mapped_column(Text, default="")
    past_history: Mapped[str] = mapped_column(Text, default="")
    family_history: Mapped[str] = mapped_column(Text, default="")
    chief_complaint: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime]


class Tag(Base):
    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)
    colour: Mapped[str] = mapped_column(String(16), default="#5B7083")
    import_batch_id: Mapped[int | None] = mapped_column(index=True)  # created by an import


class PatientTag(Base):
    __tablename__ = "patient_tag"

    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"),
                                            primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tag.id", ondelete="CASCADE"),
                                        primary_key=True)
    import_batch_id: Mapped[int | None] = mapped_column(index=True)  # attached by an import


class CustomField(Base):
    __tablename__ = "custom_field"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # text, number, date, choice, bool
    choices_json: Mapped[str] = mapped_column(Text, default="[]")
    active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)


class CustomFieldValue(Base):
    __tablename__ = "custom_field_value"

    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"),
                                            primary_key=True)
    field_id: Mapped[int] = mapped_column(ForeignKey("custom_field.id", ondelete="CASCADE"),
                                          primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class PatientMerge(Base):
    """An explicit merge of a duplicate, with what is needed to undo it exactly."""

    __tablename__ = "patient_merge"

    id: Mapped[int] = mapped_column(primary_key=True)
    kept_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    absorbed_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    at: Mapped[datetime]
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    undo_json: Mapped[str] = mapped_column(Text)
    undone_at: Mapped[datetime | None]
