"""Booking channels stored as codes (phone, wechat, …), shown in the user's language

The first wave stored the Chinese labels (电话, 微信, …), so an English calendar and export
showed Chinese. Rows are translated in place, as migration 08 did for payment methods.

Revision ID: 20261202_09
Revises: 20261202_08
Create Date: 2026-12-03 00:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261202_09"
down_revision = "20261202_08"
branch_labels = None
depends_on = None

CODES = {"电话": "phone", "微信": "wechat", "现场": "walk_in", "小程序": "mini_program",
         "美团/大众点评": "meituan", "转介绍": "referral", "其他": "other"}


def upgrade() -> None:
    for label, code in CODES.items():
        op.execute(sa.text("UPDATE appointment SET channel = :code WHERE channel = :label")
                   .bindparams(code=code, label=label))


def downgrade() -> None:
    for label, code in CODES.items():
        op.execute(sa.text("UPDATE appointment SET channel = :label WHERE channel = :code")
                   .bindparams(code=code, label=label))
