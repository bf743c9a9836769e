"""What the payment dialog needs to open, in one call: the patient, their balances, the
coupons they can use, the visits they may be paying for, and the rate points redeem at."""

from __future__ import annotations

from dataclasses import dataclass

from clinic_desktop.context import Context
from clinic_desktop.permissions import Permission
from clinic_desktop.services.loyalty.balances import LoyaltyBalances, balances_of
from clinic_desktop.services.loyalty.common import clinic_day, patient_row
from clinic_desktop.services.loyalty.coupons import CouponInfo, coupons_of
from clinic_desktop.services.loyalty.payments import PayableVisit, payable_visits
from clinic_desktop.services.loyalty.rules import rules_in


@dataclass(frozen=True)
class PaymentForm:
    patient_id: int
    name: str
    code: str
    balances: LoyaltyBalances
    coupons: tuple[CouponInfo, ...]  # usable today
    visits: tuple[PayableVisit, ...]  # newest first
    redeem_points_per_yuan: int


def payment_form(ctx: Context, patient_id: int) -> PaymentForm:
    ctx.require(Permission.BILLING_VIEW)
    with ctx.transaction() as session:
        patient = patient_row(session, patient_id)
        name, code = patient.name, patient.code
        rate = rules_in(session, clinic_day(session, ctx.now())).redeem_points_per_yuan
    return PaymentForm(patient_id, name, code, balances_of(ctx, patient_id),
                       tuple(coupons_of(ctx, patient_id)), tuple(payable_visits(ctx, patient_id)),
                       rate)
