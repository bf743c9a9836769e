"""The audit chain's head kept in the database itself, for a server

An SQLite clinic keeps the head of its audit chain (the newest entry's id and hash, MACed
with the audit key) in a file beside the database: deleting the newest entries leaves a
chain valid in itself, and the head says it used to be longer. A server has no file beside
it, and the append-only trigger of revision 25 can be switched off by the database's owner.
``audit_head`` is that file as one row: a server clinic writes it in the same transaction as
each audit entry, so it can never lag, and without the audit key (which lives on the
workstations, not on the server) nobody can move it back to fit a shortened chain.

The table exists on both engines (one schema), but only a server clinic fills it. The app
writes the first row itself at the end of the upgrade that creates the table (it needs the
audit key; ``storage/migrate.py``); ``migrate-to`` writes it for the chain it copies. The
workstations' login (``grant-app-role``) may read, insert and update the row, not delete it:
roles that can already add to the audit log get the same here.

Revision ID: 20261213_27
Revises: 20261212_26
Create Date: 2026-12-13 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261213_27"
down_revision = "20261212_26"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_audit_head_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    writers = bind.execute(sa.text(
        "SELECT DISTINCT grantee FROM information_schema.role_table_grants "
        "WHERE table_name = 'audit_entry' AND privilege_type = 'INSERT' "
        "AND grantee <> current_user AND grantee <> 'PUBLIC'")).scalars().all()
    for role in writers:
        op.execute(f'GRANT SELECT, INSERT, UPDATE ON audit_head TO "{role}"')


def downgrade() -> None:
    op.drop_table("audit_head")
