"""Spreadsheet imports: one batch per run, with its rejected rows and what undo needs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from clinic_desktop.storage.base import Base


class ImportBatch(Base):
    """Patients, visits and ledger entries the run wrote carry its id (``import_batch_id``)."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    sheet: Mapped[str] = mapped_column(String(128))
    policy: Mapped[str] = mapped_column(String(16))  # merge, skip, create
    mapping_json: Mapped[str] = mapped_column(Text)
    summary_json: Mapped[str] = mapped_column(Text)
    # {patient_id: {field: value before the import}} for the fields a merge filled in
    undo_json: Mapped[str] = mapped_column(Text, default="{}")
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime]
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    undone_at: Mapped[datetime | None]
    undone_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class ImportRowError(Base):
    """A rejected row (``error``) or something the manager should know (``warning``)."""

    __tablename__ = "import_row_error"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"),
                                          index=True)
    severity: Mapped[str] = mapped_column(String(8))
    row: Mapped[int | None]  # the spreadsheet's own row number
    column: Mapped[str] = mapped_column(String(128), default="")
    value: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text)
    original_json: Mapped[str] = mapped_column(Text, default="[]")  # the whole row as read
