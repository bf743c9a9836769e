"""Saved patient segments and the campaigns run on them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from clinic_desktop.storage.base import Base


class SavedSegment(Base):
    """A named filter: its rules are kept (JSON), never its members, so opening it again
    re-evaluates them on today's data."""

    __tablename__ = "saved_segment"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    rules_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    updated_at: Mapped[datetime]
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class Campaign(Base):
    """One action taken on a segment's patients at one moment. ``action``: task (a callback
    task each), message (a queued message each), coupon (a coupon each) or export. The rules
    are copied in (``rules_json``), so the campaign says whom it chose even after its saved
    segment changes or is deleted; ``details_json`` holds the action's settings (reason, due
    date, role, priority, template, coupon type)."""

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    segment_id: Mapped[int | None] = mapped_column(
        ForeignKey("saved_segment.id", ondelete="SET NULL"))
    rules_json: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(16))
    details_json: Mapped[str] = mapped_column(Text, default="{}")
    holdout_percent: Mapped[int] = mapped_column(default=0)
    result_days: Mapped[int] = mapped_column(default=30)
    started_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class CampaignMember(Base):
    """A patient chosen by a campaign: acted on, or held out (``held_out``: left untouched
    to compare with). What the action made for the patient is linked."""

    __tablename__ = "campaign_member"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"),
                                             primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"),
                                            primary_key=True)
    held_out: Mapped[bool] = mapped_column(default=False)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("care_task.id", ondelete="SET NULL"))
    outbox_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="SET NULL"))
    coupon_id: Mapped[int | None] = mapped_column(ForeignKey("coupon.id", ondelete="SET NULL"))

    __table_args__ = (Index("ix_campaign_member_patient", "patient_id"),)


class InsightDay(Base):
    """One local day's dashboard totals, kept so that a year is read from a few thousand rows
    instead of a year of visits and ledger entries (``services/insight/day_cache.py``).

    A cache, never a record: a day's rows exist only when the whole day was built
    (``what = "built"`` marks it), and the database's own triggers delete a day's rows when
    anything it was built from changes (migration 20261209_17; on a server 20261213_28), so
    a day is rebuilt from the visits and the ledger the next time it is read. ``what``:
    ``built``, ``all`` (every visit), ``procedure``, ``category``, ``source``, ``doctor``
    (keyed by staff id), ``ledger`` (keyed by kind, method code and pot). ``amount`` is fen
    (a treatment line's share of a visit's discounts can be a fraction of one); ``patients``
    the day's patient ids as little-endian 64-bit integers, in the ``all`` row each followed
    by the ordinal of the day the patient was first seen."""

    __tablename__ = "insight_day"

    day: Mapped[date] = mapped_column(primary_key=True)
    what: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    amount: Mapped[float] = mapped_column(Float, default=0.0)
    visits: Mapped[int] = mapped_column(default=0)
    patients: Mapped[bytes] = mapped_column(LargeBinary, default=b"")


class PatientMoney(Base):
    """Each patient's money kept as it changes, so a segment reads one row per patient
    instead of summing a million ledger entries (``services/insight/patient_money.py``).

    Kept exact by the database's own triggers on ``ledger_entry`` (migration 20261211_21):
    every insert, update and delete adds its part, whoever writes. In fen: ``owed`` charges
    and refunds less discounts and payments, ``spend`` charges less discounts (ever),
    ``stored`` the stored value held (principal and bonus, as the card's holder). A missing
    row is zeros; no foreign key, so a row may outlive its patient (at zero). A server has
    the same triggers in PL/pgSQL (migration 20261213_28)."""

    __tablename__ = "patient_money"

    patient_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    owed: Mapped[int] = mapped_column(BigInteger, default=0)
    spend: Mapped[int] = mapped_column(BigInteger, default=0)
    stored: Mapped[int] = mapped_column(BigInteger, default=0)


class PatientMonthSpend(Base):
    """A patient's spend (charges less discounts, in fen) in one UTC calendar month, kept by
    the same triggers: "spent in a period" reads the whole months inside the period here and
    only its partial ends from the ledger. Keyed by month first, without a rowid: a period's
    months are one range of the table itself."""

    __tablename__ = "patient_month_spend"
    __table_args__ = {"sqlite_with_rowid": False}

    month: Mapped[date] = mapped_column(primary_key=True)  # the month's first day (UTC)
    patient_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    spend: Mapped[int] = mapped_column(BigInteger, default=0)


class PatientMoneyPause(Base):
    """While a row is here, the ``patient_money`` triggers do nothing: an import writes its
    batch's entries in bulk and adds their sums itself (``patient_money.batch_writes``). A
    row lives only inside that write transaction."""

    __tablename__ = "patient_money_pause"

    batch_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
