"""PostgreSQL: a first import builds a table's indexes and foreign keys once, after its rows

On SQLite an import into a table that holds fewer rows than the batch adds drops the table's
secondary indexes for the insert and creates them again after it (``storage.bulk``): one sort
per index instead of one B-tree insert per row and index. A server gave the workstations'
login no such choice, since only a table's owner may drop its indexes, so each of an import's
rows went through every index and every foreign-key check: of the 100,000-row import's ~21 s,
about 12 s was the server keeping 43 indexes and foreign keys up to date row by row, which
built afresh after the rows take about 3 s.

This revision lets any login ask the owner to do it, within limits the owner sets here:

* ``bulk_hold(table, adding)`` (``SECURITY DEFINER``: it runs as the owner) sets aside the
  table's secondary indexes (not unique ones, which enforce a constraint row by row) and its
  foreign keys, only when the table holds fewer rows than the ``adding`` rows about to come
  and at least 5,000 come, and never the audit log's tables. It notes each definition in
  ``bulk_hold`` and returns how many it set aside.
* ``bulk_restore(table)`` makes them again (indexes first, then the foreign keys, which check
  every row of the batch in one join) and forgets the notes.
* Nothing can commit without them: a deferred constraint trigger on ``bulk_hold`` restores,
  at commit, whatever is still noted. A rollback restores them as it undoes the drop (DDL is
  transactional). No login but the owner may write or empty ``bulk_hold`` (a trigger checks
  who does, whatever was granted), since its definitions are run as the owner and a note
  deleted would leave what it names set aside for good.

Dropping an index locks its table until the transaction ends, so while a first import runs
other workstations wait for that table; a later import into a table already holding more rows
than it adds changes nothing. PostgreSQL only; nothing changes on SQLite.

Revision ID: 20261213_29
Revises: 20261213_28
Create Date: 2026-12-13 18:00:00
"""

from __future__ import annotations

from alembic import op

revision = "20261213_29"
down_revision = "20261213_28"
branch_labels = None
depends_on = None

_TABLE = """
CREATE TABLE bulk_hold (
    name text PRIMARY KEY,
    table_name text NOT NULL,
    position integer NOT NULL,
    definition text NOT NULL
)
"""

# Only the table's owner (the functions below run as it) writes the definitions that are run.
_OWNER_ONLY = """
CREATE FUNCTION bulk_hold_owner_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_user <> (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = TG_RELID)
    THEN
        RAISE EXCEPTION 'bulk_hold is written by bulk_hold() only'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN COALESCE(NEW, OLD);
END
$$
"""

_HOLD = """
CREATE FUNCTION bulk_hold(target text, adding bigint) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    relation regclass := to_regclass(quote_ident(target));
    holding bigint;
    found record;
    held integer := 0;
BEGIN
    IF relation IS NULL OR target IN ('audit_entry', 'audit_head', 'alembic_version',
                                      'bulk_hold') THEN
        RAISE EXCEPTION 'bulk_hold: the table % may not be held', target
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF adding < 5000 OR EXISTS (SELECT 1 FROM bulk_hold WHERE table_name = target) THEN
        RETURN 0;
    END IF;
    EXECUTE format('SELECT count(*) FROM (SELECT 1 FROM %I LIMIT $1) AS present', target)
        INTO holding USING adding;
    IF holding >= adding THEN
        RETURN 0;
    END IF;
    FOR found IN
        SELECT 1 AS kind, i.relname::text AS name, pg_get_indexdef(i.oid) AS definition
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid = relation AND NOT x.indisunique AND NOT x.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
        UNION ALL
        SELECT 2, c.conname::text, format('ALTER TABLE %I ADD CONSTRAINT %I %s', target,
                                          c.conname, pg_get_constraintdef(c.oid))
        FROM pg_constraint c WHERE c.conrelid = relation AND c.contype = 'f'
        ORDER BY 1, 2
    LOOP
        INSERT INTO bulk_hold (name, table_name, position, definition)
        VALUES (found.name, target, held, found.definition);
        IF found.kind = 1 THEN
            EXECUTE format('DROP INDEX %I', found.name);
        ELSE
            EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', target, found.name);
        END IF;
        held := held + 1;
    END LOOP;
    RETURN held;
END
$$
"""

_RESTORE = """
CREATE FUNCTION bulk_restore(target text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    found record;
    made integer := 0;
BEGIN
    FOR found IN SELECT definition FROM bulk_hold WHERE table_name = target ORDER BY position
    LOOP
        EXECUTE found.definition;
        made := made + 1;
    END LOOP;
    DELETE FROM bulk_hold WHERE table_name = target;
    RETURN made;
END
$$
"""

_AT_COMMIT = """
CREATE FUNCTION bulk_hold_at_commit() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM bulk_restore(NEW.table_name);
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_TABLE)
    op.execute("REVOKE ALL ON bulk_hold FROM PUBLIC")
    op.execute(_OWNER_ONLY)
    # Nor may another login delete a note: what it set aside would then never come back.
    op.execute("CREATE TRIGGER bulk_hold_owner_only BEFORE INSERT OR UPDATE OR DELETE ON "
               "bulk_hold FOR EACH ROW EXECUTE FUNCTION bulk_hold_owner_only()")
    op.execute("CREATE TRIGGER bulk_hold_no_truncate BEFORE TRUNCATE ON bulk_hold "
               "FOR EACH STATEMENT EXECUTE FUNCTION bulk_hold_owner_only()")
    op.execute(_HOLD)
    op.execute(_RESTORE)
    op.execute(_AT_COMMIT)
    op.execute("CREATE CONSTRAINT TRIGGER bulk_hold_at_commit AFTER INSERT ON bulk_hold "
               "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
               "EXECUTE FUNCTION bulk_hold_at_commit()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TABLE bulk_hold")
    for function in ("bulk_hold_at_commit()", "bulk_restore(text)", "bulk_hold(text, bigint)",
                     "bulk_hold_owner_only()"):
        op.execute(f"DROP FUNCTION {function}")
