"""Procedure catalogue, visits with their treatment lines, and the money ledger."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from clinic_desktop.storage.base import Base


class ProcedureType(Base):
    __tablename__ = "procedure_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    category: Mapped[str] = mapped_column(String(32))
    high_value: Mapped[bool] = mapped_column(default=False)
    default_minutes: Mapped[int] = mapped_column(default=30)
    price: Mapped[Decimal]
    colour: Mapped[str] = mapped_column(String(16), default="#5B7083")
    active: Mapped[bool] = mapped_column(default=True)
    import_batch_id: Mapped[int | None] = mapped_column(index=True)  # added by an import


class Visit(Base):
    __tablename__ = "visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    visit_date: Mapped[date]
    doctor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # Which import wrote the row (no foreign key: adding one would make SQLite rebuild the
    # table, and the patient table's search triggers with it).
    import_batch_id: Mapped[int | None] = mapped_column(index=True)

    __table_args__ = (Index("ix_visit_patient_date", "patient_id", "visit_date"),
                      Index("ix_visit_date", "visit_date", "patient_id", "doctor_id"))


class Treatment(Base):
    __tablename__ = "treatment"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"),
                                          index=True)
    procedure_type_id: Mapped[int | None] = mapped_column(ForeignKey("procedure_type.id"))
    procedure_name: Mapped[str] = mapped_column(String(64))
    site: Mapped[str] = mapped_column(String(64), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    amount: Mapped[Decimal]


class LedgerEntry(Base):
    """Money in and out for one patient. Kinds: charge, payment, refund, discount, topup,
    withdraw (stored value paid back), forfeit (bonus value voided).

    Stored value is the entries with a ``pot`` (principal or bonus) of the card's holder
    (``holder_id``: the patient, or the household's holder). A reversal is a copy with the
    amount negated and ``reverses_id`` set; ``source``/``source_id`` say which rule or record
    caused an entry (a tier's discount, a coupon, points, a package card, a top-up plan)."""

    __tablename__ = "ledger_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Found through (patient_id, at) and (patient_id, kind, at, amount): migration 15 dropped
    # the index on patient_id alone, which they both begin with.
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(16))
    method: Mapped[str | None] = mapped_column(String(16))
    amount: Mapped[Decimal]
    # Indexed (migration 13): a visit's entries, for its tier discount, receipt and undo.
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id", ondelete="SET NULL"),
                                                 index=True)
    note: Mapped[str] = mapped_column(String(255), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # Which import wrote the row (no foreign key: adding one would make SQLite rebuild the
    # table, and the patient table's search triggers with it).
    import_batch_id: Mapped[int | None] = mapped_column(index=True)
    # Loyalty (migration 11); plain integers, no foreign keys: adding one would make SQLite
    # rebuild the ledger.
    pot: Mapped[str | None] = mapped_column(String(16))
    holder_id: Mapped[int | None]
    checkout_id: Mapped[int | None] = mapped_column(index=True)
    source: Mapped[str | None] = mapped_column(String(16))
    source_id: Mapped[int | None]
    reverses_id: Mapped[int | None]

    __table_args__ = (Index("ix_ledger_entry_holder", "holder_id", "pot"),
                      # the tier window: a member's entries since a day, without the table
                      Index("ix_ledger_entry_patient_at", "patient_id", "at"),
                      # migration 15, covering: every patient's owed, or spend in a period,
                      # in one pass in patient order without reading the table (segments, RFM)
                      Index("ix_ledger_entry_patient_kind_at", "patient_id", "kind", "at",
                            "amount"),
                      # migration 15, covering: a period's money by kind, method and pot for
                      # the dashboard and the daily closing, and by patient for "spent in a
                      # period", without reading the table
                      Index("ix_ledger_entry_kind_at", "kind", "at", "method", "pot",
                            "amount", "patient_id"))
