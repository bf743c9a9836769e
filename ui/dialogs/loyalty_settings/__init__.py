"""The manager's loyalty settings (会员与营销): the dialogs behind each list of the loyalty page
and the rules form.

``fields`` (money typed as text, rates by category, colour, ticked procedures), ``tier_dialog``,
``offers`` (top-up plans, package cards), ``coupon_dialog``, ``rules_form``. Each dialog says
what it writes in ``operation`` (see ``ActionDialog``): a refusal goes beside its field, the
page refreshes from ``changed``.
"""

from __future__ import annotations

from ui.dialogs.loyalty_settings.coupon_dialog import CouponTypeDialog
from ui.dialogs.loyalty_settings.offers import PackageTypeDialog, TopUpPlanDialog
from ui.dialogs.loyalty_settings.rules_form import LoyaltyRulesForm
from ui.dialogs.loyalty_settings.tier_dialog import TierDialog

__all__ = ["CouponTypeDialog", "LoyaltyRulesForm", "PackageTypeDialog", "TierDialog",
           "TopUpPlanDialog"]
