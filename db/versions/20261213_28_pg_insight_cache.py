"""PostgreSQL keeps the dashboard's per-day cache and each patient's money, as SQLite does

Revisions 17 and 21 gave SQLite triggers that keep ``insight_day`` (the dashboard's days,
forgotten when what they were built from changes) and ``patient_money`` /
``patient_month_spend`` (each patient's owed, spend and stored value, by arithmetic). A server
had neither, so its dashboard read a year of visits and ledger entries (~2 s on a clinic with
a million entries; the goal is 1 s) and its segments summed the ledger. This revision gives
PostgreSQL the same triggers, written in PL/pgSQL, doing what SQLite's do:

* ``insight_day``: a visit written forgets its day and the later days of its patient; a
  treatment line, the day of its visit; a ledger entry, the UTC day before, of and after its
  instant and the day of its visit; a patient's source, legacy first-visit date or merge, the
  days of their visits; a procedure's category (or its deletion) and the clinic's time zone,
  every day. Before forgetting anything a trigger takes the clinic's write lock
  (``storage.transactions.PG_WRITE_LOCK``, which every app writer holds already, so this costs
  them nothing): a day is built holding that lock, so it is never built from data that a
  writer had changed but not yet committed — whoever writes, a workstation or a script.
* ``patient_money`` and ``patient_month_spend``: each ledger insert, update or delete adds the
  new rows' part and takes the old rows' part away with ``INSERT … ON CONFLICT DO UPDATE SET x
  = x + excluded.x``, which PostgreSQL applies atomically to the row as it stands: two
  workstations writing the same patient's entries at once both count. Paused, as on SQLite,
  while ``patient_money_pause`` holds a row (an import adds its batch's sums itself).

The triggers on visits, treatment lines and ledger entries run once per statement over the
statement's rows (transition tables), so a bulk insert of thousands of rows does one grouped
write, not one per row. The definitions are written out here, not imported, so this revision
keeps meaning what it means.

On upgrade the cache is emptied (a server's rows were copied from SQLite by ``migrate-to`` and
nothing kept them since: the scheduler builds the days again, a week a minute, and the
dashboard builds what it lacks) and the money tables are filled again from the ledger, with
the ledger locked against writers until the triggers exist. PostgreSQL only; nothing changes
on SQLite. Downgrading drops the triggers and their functions.

Revision ID: 20261213_28
Revises: 20261213_27
Create Date: 2026-12-13 12:00:00
"""

from __future__ import annotations

from alembic import op

revision = "20261213_28"
down_revision = "20261213_27"
branch_labels = None
depends_on = None

# storage.transactions.PG_WRITE_LOCK ("clin"), written out: the lock every app writer holds.
_WRITE_LOCK = 0x636C696E

# -- the dashboard's per-day cache: forget what a write may change -----------------------------
_TAKE_LOCK_WHILE_CACHED = f"""
    PERFORM pg_advisory_xact_lock({_WRITE_LOCK});
    IF NOT EXISTS (SELECT 1 FROM insight_day) THEN
        RETURN NULL;
    END IF;"""


def _forget_touched(touched: str) -> str:
    """``touched`` selects (patient_id, day, since): forget each day, and the later days of
    the patient (whether they were new then depends on the visit)."""
    return f"""
    WITH touched AS ({touched})
    DELETE FROM insight_day WHERE day IN (
        SELECT day FROM touched
        UNION SELECT v.visit_date FROM visit v JOIN touched t
            ON v.patient_id = t.patient_id AND v.visit_date > t.since);"""


_VISITS_WRITTEN = _forget_touched("SELECT patient_id, visit_date AS day, visit_date AS since "
                                  "FROM rows")
# An update forgets the old and the new day, and each patient's days after the earlier of
# them; only rows whose day, patient or doctor changed (SQLite's UPDATE OF those columns).
_VISITS_CHANGED = _forget_touched("""
        WITH pairs AS (
            SELECT o.patient_id AS old_patient, o.visit_date AS old_day,
                   n.patient_id AS new_patient, n.visit_date AS new_day
            FROM old_rows o FULL JOIN new_rows n ON n.id = o.id
            WHERE o.id IS NULL OR n.id IS NULL
               OR (o.visit_date, o.patient_id, o.doctor_id)
                  IS DISTINCT FROM (n.visit_date, n.patient_id, n.doctor_id))
        SELECT old_patient AS patient_id, old_day AS day, least(old_day, new_day) AS since
            FROM pairs WHERE old_day IS NOT NULL
        UNION ALL SELECT new_patient, new_day, least(old_day, new_day) FROM pairs
            WHERE new_day IS NOT NULL""")

_LINES_WRITTEN = """
    DELETE FROM insight_day WHERE day IN (
        SELECT v.visit_date FROM visit v WHERE v.id IN (SELECT visit_id FROM rows));"""

# An entry's local day is its UTC day or the one before or after, in any zone.
_ENTRIES_WRITTEN = """
    WITH utc_days AS (SELECT DISTINCT (at AT TIME ZONE 'UTC')::date AS day FROM rows)
    DELETE FROM insight_day WHERE day IN (
        SELECT day - 1 FROM utc_days UNION SELECT day FROM utc_days
        UNION SELECT day + 1 FROM utc_days
        UNION SELECT v.visit_date FROM visit v WHERE v.id IN (SELECT visit_id FROM rows));"""

_PATIENT_CHANGED = """
    DELETE FROM insight_day WHERE day IN (
        SELECT visit_date FROM visit WHERE patient_id = NEW.id);"""

_EVERY_DAY = """
    DELETE FROM insight_day;"""

# Rows of the statement: the new ones (insert), the old ones (delete), both (update).
_NEW, _OLD = "new_rows", "old_rows"
_BOTH = "(SELECT * FROM old_rows UNION ALL SELECT * FROM new_rows)"


def _of(rows: str, body: str) -> str:
    return body.replace(" FROM rows", f" FROM {rows} rows")


# name → (event, per statement with these transition tables | per row [with this WHEN], body)
_EACH_ROW = ""

_INSIGHT: dict[str, tuple[str, str, str]] = {
    "insight_visit_insert": ("AFTER INSERT ON visit", f"NEW TABLE AS {_NEW}",
                             _of(_NEW, _VISITS_WRITTEN)),
    "insight_visit_delete": ("AFTER DELETE ON visit", f"OLD TABLE AS {_OLD}",
                             _of(_OLD, _VISITS_WRITTEN)),
    "insight_visit_update": ("AFTER UPDATE ON visit", f"OLD TABLE AS {_OLD} NEW TABLE AS {_NEW}",
                             _VISITS_CHANGED),
    "insight_treatment_insert": ("AFTER INSERT ON treatment", f"NEW TABLE AS {_NEW}",
                                 _of(_NEW, _LINES_WRITTEN)),
    "insight_treatment_delete": ("AFTER DELETE ON treatment", f"OLD TABLE AS {_OLD}",
                                 _of(_OLD, _LINES_WRITTEN)),
    "insight_treatment_update": ("AFTER UPDATE ON treatment",
                                 f"OLD TABLE AS {_OLD} NEW TABLE AS {_NEW}",
                                 _of(_BOTH, _LINES_WRITTEN)),
    "insight_ledger_insert": ("AFTER INSERT ON ledger_entry", f"NEW TABLE AS {_NEW}",
                              _of(_NEW, _ENTRIES_WRITTEN)),
    "insight_ledger_delete": ("AFTER DELETE ON ledger_entry", f"OLD TABLE AS {_OLD}",
                              _of(_OLD, _ENTRIES_WRITTEN)),
    "insight_ledger_update": ("AFTER UPDATE ON ledger_entry",
                              f"OLD TABLE AS {_OLD} NEW TABLE AS {_NEW}",
                              _of(_BOTH, _ENTRIES_WRITTEN)),
    # rare writes of one row: per row, and only when a column the days use changed
    "insight_patient_update": (
        "AFTER UPDATE OF source, first_visit_date, merged_into_id ON patient",
        "WHEN (OLD.source IS DISTINCT FROM NEW.source "
        "OR OLD.first_visit_date IS DISTINCT FROM NEW.first_visit_date "
        "OR OLD.merged_into_id IS DISTINCT FROM NEW.merged_into_id)", _PATIENT_CHANGED),
    "insight_procedure_update": ("AFTER UPDATE OF category ON procedure_type",
                                 "WHEN (OLD.category IS DISTINCT FROM NEW.category)",
                                 _EVERY_DAY),
    "insight_procedure_delete": ("AFTER DELETE ON procedure_type", _EACH_ROW, _EVERY_DAY),
    "insight_zone_insert": ("AFTER INSERT ON setting", "WHEN (NEW.key = 'clinic.timezone')",
                            _EVERY_DAY),
    "insight_zone_update": ("AFTER UPDATE ON setting", "WHEN (NEW.key = 'clinic.timezone')",
                            _EVERY_DAY),
}


# -- each patient's money: add the new rows' part, take the old rows' away ---------------------
def _owed(row: str) -> str:
    a = f"{row}.amount"
    return (f"CASE {row}.kind WHEN 'payment' THEN -{a} WHEN 'charge' THEN {a} "
            f"WHEN 'discount' THEN -{a} WHEN 'refund' THEN {a} ELSE 0 END")


def _spend(row: str) -> str:
    a = f"{row}.amount"
    return f"CASE {row}.kind WHEN 'charge' THEN {a} WHEN 'discount' THEN -{a} ELSE 0 END"


def _pot(row: str) -> str:
    a = f"{row}.amount"
    return (f"CASE {row}.kind WHEN 'topup' THEN {a} WHEN 'refund' THEN {a} "
            f"WHEN 'payment' THEN -{a} WHEN 'withdraw' THEN -{a} WHEN 'forfeit' THEN -{a} "
            "ELSE 0 END")


def _month(row: str) -> str:
    return f"date_trunc('month', {row}.at AT TIME ZONE 'UTC')::date"


_OWED_KINDS = "('payment', 'charge', 'discount', 'refund')"
_SPEND_KINDS = "('charge', 'discount')"
_POT_KINDS = "('topup', 'refund', 'payment', 'withdraw', 'forfeit')"


def _signed(parts: list[tuple[str, int]]) -> str:
    """The statement's rows, each with its sign: +1 added, −1 taken away."""
    return " UNION ALL ".join(f"SELECT r.*, {sign} AS sign FROM {table} r"
                              for table, sign in parts)


def _money(parts: list[tuple[str, int]]) -> str:
    """Three upserts, each grouped (a bulk insert is one write per patient) and in key order
    (two statements touching the same patients lock their rows in the same order). A group
    that nets to nothing (an update of a note) writes nothing."""
    rows = f"({_signed(parts)}) e"
    return f"""
    IF EXISTS (SELECT 1 FROM patient_money_pause) THEN
        RETURN NULL;
    END IF;
    INSERT INTO patient_money AS m (patient_id, owed, spend, stored)
        SELECT e.patient_id, sum(e.sign * {_owed('e')}), sum(e.sign * {_spend('e')}), 0
        FROM {rows} WHERE e.kind IN {_OWED_KINDS} GROUP BY e.patient_id
        HAVING sum(e.sign * {_owed('e')}) <> 0 OR sum(e.sign * {_spend('e')}) <> 0
        ORDER BY e.patient_id
        ON CONFLICT (patient_id) DO UPDATE SET owed = m.owed + excluded.owed,
            spend = m.spend + excluded.spend;
    INSERT INTO patient_money AS m (patient_id, owed, spend, stored)
        SELECT e.holder_id, 0, 0, sum(e.sign * {_pot('e')})
        FROM {rows} WHERE e.pot IS NOT NULL AND e.holder_id IS NOT NULL
            AND e.kind IN {_POT_KINDS}
        GROUP BY e.holder_id HAVING sum(e.sign * {_pot('e')}) <> 0 ORDER BY e.holder_id
        ON CONFLICT (patient_id) DO UPDATE SET stored = m.stored + excluded.stored;
    INSERT INTO patient_month_spend AS s (month, patient_id, spend)
        SELECT {_month('e')}, e.patient_id, sum(e.sign * {_spend('e')})
        FROM {rows} WHERE e.kind IN {_SPEND_KINDS}
        GROUP BY 1, 2 HAVING sum(e.sign * {_spend('e')}) <> 0 ORDER BY 1, 2
        ON CONFLICT (month, patient_id) DO UPDATE SET spend = s.spend + excluded.spend;"""


_MONEY: dict[str, tuple[str, str, str]] = {
    "money_ledger_insert": ("AFTER INSERT ON ledger_entry", f"NEW TABLE AS {_NEW}",
                            _money([(_NEW, 1)])),
    "money_ledger_delete": ("AFTER DELETE ON ledger_entry", f"OLD TABLE AS {_OLD}",
                            _money([(_OLD, -1)])),
    "money_ledger_update": ("AFTER UPDATE ON ledger_entry",
                            f"OLD TABLE AS {_OLD} NEW TABLE AS {_NEW}",
                            _money([(_OLD, -1), (_NEW, 1)])),
}

# The fill: the money tables from the whole ledger, as revision 21 fills SQLite's.
_FILL = (
    "DELETE FROM patient_money",
    "DELETE FROM patient_month_spend",
    f"INSERT INTO patient_money (patient_id, owed, spend, stored) "
    f"SELECT e.patient_id, sum({_owed('e')}), sum({_spend('e')}), 0 FROM ledger_entry e "
    "GROUP BY e.patient_id",
    f"INSERT INTO patient_money AS m (patient_id, owed, spend, stored) "
    f"SELECT e.holder_id, 0, 0, sum({_pot('e')}) FROM ledger_entry e "
    "WHERE e.holder_id IS NOT NULL AND e.pot IS NOT NULL GROUP BY e.holder_id "
    "ON CONFLICT (patient_id) DO UPDATE SET stored = excluded.stored",
    f"INSERT INTO patient_month_spend (month, patient_id, spend) "
    f"SELECT {_month('e')}, e.patient_id, sum({_spend('e')}) FROM ledger_entry e "
    f"WHERE e.kind IN {_SPEND_KINDS} GROUP BY 1, 2",
)

TRIGGERS = {**_INSIGHT, **_MONEY}


def function_sql(name: str) -> str:
    _event, _how, body = TRIGGERS[name]
    guard = _TAKE_LOCK_WHILE_CACHED if name in _INSIGHT else ""
    return (f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN{guard}"
            f"{body}\n    RETURN NULL;\nEND\n$$")


def trigger_sql(name: str) -> str:
    event, how, _body = TRIGGERS[name]
    if how == _EACH_ROW or how.startswith("WHEN"):
        return f"CREATE TRIGGER {name} {event} FOR EACH ROW {how} EXECUTE FUNCTION {name}()"
    return (f"CREATE TRIGGER {name} {event} REFERENCING {how} FOR EACH STATEMENT "
            f"EXECUTE FUNCTION {name}()")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # No entry may be written between the fill and the triggers (another workstation still
    # on the old version): the ledger is held until this upgrade commits.
    op.execute("LOCK TABLE ledger_entry IN SHARE ROW EXCLUSIVE MODE")
    op.execute("DELETE FROM insight_day")
    for statement in _FILL:
        op.execute(statement)
    for name in TRIGGERS:
        op.execute(function_sql(name))
        op.execute(trigger_sql(name))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, (event, _how, _body) in TRIGGERS.items():
        table = event.rsplit(" ON ", 1)[1]
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {name}()")
