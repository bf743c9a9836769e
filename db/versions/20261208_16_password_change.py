"""Staff can be made to choose a new password at their next sign-in

An administrator who resets a password knows it, and so may whoever was standing nearby: the
reset (and a separate "change at next sign-in" action) sets ``must_change_password``, and the
sign-in asks for a new password before the main window opens. Accounts that exist already
keep signing in as before (the column starts false for them).

Revision ID: 20261208_16
Revises: 20261207_15
Create Date: 2026-12-08 00:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261208_16"
down_revision = "20261207_15"
branch_labels = None
depends_on = None


# Plain ALTER TABLE both ways, not a batch: a batch would copy the staff table and drop the
# original, which the foreign keys of every appointment, visit and audit entry forbid. The
# default is the literal "0" (false on SQLite and PostgreSQL alike) because an expression such
# as ``sa.false()`` would make Alembic copy the table too. SQLite drops a column since 3.35.
def upgrade() -> None:
    op.add_column("staff", sa.Column("must_change_password", sa.Boolean(), nullable=False,
                                     server_default="0"))


def downgrade() -> None:
    op.drop_column("staff", "must_change_password")
