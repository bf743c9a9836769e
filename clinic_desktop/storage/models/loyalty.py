"""Loyalty: tiers, points, stored-value sharing, top-up plans, package cards, coupons and
referral rewards.

Every balance is a sum of journal rows (``points_entry``, ``package_use``, the ledger's pot
entries); nothing here holds a balance edited in place. Reversals are new rows pointing at
what they reverse (``reverses_id``). Money lives in the ledger (``clinical.LedgerEntry``):
stored value is the ledger's entries with a ``pot`` (principal or bonus), held by
``holder_id`` (the patient, or the household's holder when the family shares one account).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from clinic_desktop.storage.base import Base


class LoyaltyTier(Base):
    """A membership tier (会员等级). ``threshold_kind``: spend (paid over the window), topup
    (stored value topped up over the window) or manual (given by hand only)."""

    __tablename__ = "loyalty_tier"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)
    rank: Mapped[int] = mapped_column(default=0)  # higher is better
    threshold_kind: Mapped[str] = mapped_column(String(16), default="spend")
    threshold: Mapped[Decimal]
    # {"category": percent off, "*": percent for any other category}
    discounts_json: Mapped[str] = mapped_column(Text, default="{}")
    multiplier_percent: Mapped[int] = mapped_column(default=100)  # points ×1.5 is 150
    colour: Mapped[str] = mapped_column(String(16), default="#90A4AE")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # The import that created it for a legacy sheet's tier name (migration 12): undoing the
    # import removes it when nothing else uses it.
    import_batch_id: Mapped[int | None] = mapped_column(index=True)


class TierChange(Base):
    """Tier history: the latest row of a patient is their tier (``tier_id`` None: none)."""

    __tablename__ = "loyalty_tier_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"))
    tier_id: Mapped[int | None] = mapped_column(ForeignKey("loyalty_tier.id"))
    at: Mapped[datetime]
    cause: Mapped[str] = mapped_column(String(16))  # upgrade, downgrade, manual, opening
    manual: Mapped[bool] = mapped_column(default=False)
    held_until: Mapped[date | None]  # a manual tier is kept until this day (None: until changed)
    qualifying: Mapped[Decimal | None]  # the window's spend or top-ups that decided it
    reason: Mapped[str] = mapped_column(String(255), default="")
    ledger_entry_id: Mapped[int | None]  # the payment or top-up that crossed the threshold
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    import_batch_id: Mapped[int | None] = mapped_column(index=True)

    __table_args__ = (Index("ix_loyalty_tier_change_patient", "patient_id", "id"),)


class PointsEntry(Base):
    """One movement of points. ``lot`` rows are points received (they may expire on
    ``expires_on``; a lot's reversal is a negative lot row with the same day); other rows are
    points taken (redeemed, expired, adjusted down) or their reversal. Points are spent in
    order of expiry, so what expires is the received total due by a day less all taken."""

    __tablename__ = "points_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Looked up through ix_points_entry_lots, whose first column is the patient.
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(16))  # earn, birthday, referral, redeem, expire,
    #                                                adjust, opening, reversal
    points: Mapped[int]
    lot: Mapped[bool] = mapped_column(default=False)
    expires_on: Mapped[date | None]
    ledger_entry_id: Mapped[int | None]
    checkout_id: Mapped[int | None] = mapped_column(index=True)
    visit_id: Mapped[int | None]
    rule: Mapped[str] = mapped_column(String(64), default="")  # what caused it, e.g. 正畸×1.5
    reverses_id: Mapped[int | None]
    note: Mapped[str] = mapped_column(String(255), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    import_batch_id: Mapped[int | None] = mapped_column(index=True)

    # The nightly write-off reads the lots from this index alone.
    __table_args__ = (Index("ix_points_entry_lots", "patient_id", "lot", "expires_on",
                            "points"),)


class Checkout(Base):
    """One payment taken at the desk: any mix of methods, discounts, points and coupons. Its
    ledger, points and coupon rows point here; a reversal is a new checkout."""

    __tablename__ = "checkout"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"),
                                            index=True)
    at: Mapped[datetime]
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id", ondelete="SET NULL"))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("checkout.id"))
    note: Mapped[str] = mapped_column(String(255), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class StoredValueShare(Base):
    """A household's shared stored-value account: ``patient_id`` spends ``holder_id``'s."""

    __tablename__ = "stored_value_share"

    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"),
                                            primary_key=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"),
                                           index=True)
    created_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class TopUpPlan(Base):
    """充 ``amount`` 送 ``bonus``."""

    __tablename__ = "topup_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    amount: Mapped[Decimal]
    bonus: Mapped[Decimal]
    active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)


class PackageType(Base):
    """A package card on sale (次卡): procedures it covers, uses, price, validity."""

    __tablename__ = "package_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    price: Mapped[Decimal]
    uses: Mapped[int]
    valid_days: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)


class PackageTypeProcedure(Base):
    __tablename__ = "package_type_procedure"

    package_type_id: Mapped[int] = mapped_column(
        ForeignKey("package_type.id", ondelete="CASCADE"), primary_key=True)
    procedure_type_id: Mapped[int] = mapped_column(
        ForeignKey("procedure_type.id", ondelete="CASCADE"), primary_key=True)


class PackageCard(Base):
    """A package sold to a patient; what it covers is copied from its type at the sale."""

    __tablename__ = "package_card"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"),
                                            index=True)
    package_type_id: Mapped[int | None] = mapped_column(ForeignKey("package_type.id"))
    name: Mapped[str] = mapped_column(String(64))
    procedure_ids: Mapped[str] = mapped_column(String(255), default="")  # "3,7"
    price: Mapped[Decimal]
    sold_at: Mapped[datetime]
    expires_on: Mapped[date] = mapped_column(index=True)
    ledger_entry_id: Mapped[int | None]  # the sale's charge
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    import_batch_id: Mapped[int | None] = mapped_column(index=True)


class PackageUse(Base):
    """Uses of a card: +N sold (or opening), −1 a use, +1 its reversal, −left at expiry."""

    __tablename__ = "package_use"

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("package_card.id", ondelete="CASCADE"),
                                         index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"),
                                            index=True)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(16))  # sold, use, reversal, expire, opening
    uses: Mapped[int]
    visit_id: Mapped[int | None]
    treatment_id: Mapped[int | None]
    procedure_type_id: Mapped[int | None]
    reverses_id: Mapped[int | None]
    note: Mapped[str] = mapped_column(String(255), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class CouponType(Base):
    """kind: amount (¥ off), percent (% off), procedure (one named procedure free)."""

    __tablename__ = "coupon_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal]  # ¥ off (amount); the most taken off (percent; 0 = no cap)
    percent: Mapped[int] = mapped_column(default=0)
    procedure_type_id: Mapped[int | None] = mapped_column(ForeignKey("procedure_type.id"))
    min_spend: Mapped[Decimal]
    valid_days: Mapped[int]
    categories: Mapped[str] = mapped_column(String(255), default="")  # "洁牙,补牙"; "" = any
    stackable: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)


class Coupon(Base):
    """One coupon: issued -> redeemed / expired / void (a reversed redemption: issued again)."""

    __tablename__ = "coupon"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    coupon_type_id: Mapped[int] = mapped_column(ForeignKey("coupon_type.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"),
                                            index=True)
    issued_at: Mapped[datetime]
    expires_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(16), default="issued")
    source: Mapped[str] = mapped_column(String(16))  # manual, birthday, referral, winback, bulk
    source_id: Mapped[int | None]
    redeemed_at: Mapped[datetime | None]
    checkout_id: Mapped[int | None]
    ledger_entry_id: Mapped[int | None]  # the discount it gave
    closed_at: Mapped[datetime | None]
    closed_reason: Mapped[str] = mapped_column(String(128), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))

    __table_args__ = (Index("ix_coupon_status_expires", "status", "expires_on"),)


class ReferralReward(Base):
    """The reward for bringing ``referred_id``: once per referred patient (unique)."""

    __tablename__ = "referral_reward"

    id: Mapped[int] = mapped_column(primary_key=True)
    referrer_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"),
                                             index=True)
    referred_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"),
                                             unique=True)
    visit_id: Mapped[int | None]
    at: Mapped[datetime]
    reward: Mapped[str] = mapped_column(String(16))  # points, coupon, stored_value
    points_entry_id: Mapped[int | None]
    coupon_id: Mapped[int | None]
    ledger_entry_id: Mapped[int | None]
    task_id: Mapped[int | None]
