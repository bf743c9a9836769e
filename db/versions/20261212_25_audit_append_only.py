"""On PostgreSQL the audit log can only grow: no UPDATE, DELETE or TRUNCATE of its entries

On SQLite the audit chain's head, kept beside the file, finds entries deleted from the end,
and the keyed hashes find any edited one. A server has no file beside it; there the log is
made append-only by the server itself:

* a trigger refuses every UPDATE, DELETE and TRUNCATE of ``audit_entry``, whoever runs it
  (only the table's owner could drop the trigger, and ``clinic-desktop check`` would still
  find what was changed);
* ``clinic-desktop grant-app-role ROLE`` (run by the owner) gives the workstations' login
  INSERT and SELECT on the audit log and nothing more, so the app's own password cannot even
  try.

Nothing changes on SQLite.

Revision ID: 20261212_25
Revises: 20261212_24
Create Date: 2026-12-12 18:00:00
"""

from __future__ import annotations

from alembic import op

revision = "20261212_25"
down_revision = "20261212_24"
branch_labels = None
depends_on = None

_FUNCTION = """
CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_FUNCTION)
    op.execute("CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
               "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()")
    op.execute("CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry "
               "FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER audit_entry_no_truncate ON audit_entry")
    op.execute("DROP TRIGGER audit_entry_append_only ON audit_entry")
    op.execute("DROP FUNCTION audit_entry_append_only()")
