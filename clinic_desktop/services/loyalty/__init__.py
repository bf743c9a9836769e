"""Loyalty: membership tiers, points, stored value with bonus, package cards, coupons and
referral rewards, all on the ledger and journals (see ``storage.models.loyalty``).

Modules: ``rules`` (the clinic's loyalty settings, versioned by the day they take effect),
``common`` (household holder, caches), ``tiers``, ``points``, ``stored_value``, ``packages``,
``coupons``, ``referrals``, ``payments`` (the mixed payment), ``balances`` (every balance of
a patient, the whole clinic's for reconciliation, and the drift check) and ``jobs`` (the
nightly scan and the visit-completion hook).
"""
