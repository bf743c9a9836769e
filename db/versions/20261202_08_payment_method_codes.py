"""Payment methods stored as codes (cash, wechat, …), shown in the user's language

The first wave stored the Chinese names (现金, 微信支付, …), so an English screen showed
Chinese and a renamed label would split the ledger in two. Rows are translated in place.

Revision ID: 20261202_08
Revises: 20261202_07
Create Date: 2026-12-02 23:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261202_08"
down_revision = "20261202_07"
branch_labels = None
depends_on = None

CODES = {"现金": "cash", "微信支付": "wechat", "支付宝": "alipay", "银行卡": "card",
         "医保": "insurance", "储值卡": "stored_value"}


def upgrade() -> None:
    for label, code in CODES.items():
        op.execute(sa.text("UPDATE ledger_entry SET method = :code WHERE method = :label")
                   .bindparams(code=code, label=label))


def downgrade() -> None:
    for label, code in CODES.items():
        op.execute(sa.text("UPDATE ledger_entry SET method = :label WHERE method = :code")
                   .bindparams(code=code, label=label))
