"""Portable SQL: no SQLite-only date functions or raw SQL text in the services (issue 13).

The services' queries must run unchanged on PostgreSQL. This test reads every services
module's tokens and fails on ``strftime`` / ``julianday`` (as a name or inside a SQL string),
on a call of ``text(...)`` (raw SQL) and on ``func.date`` / ``func.datetime`` /
``func.julianday`` (SQLite's date functions through ``func``), except where listed below.
"""

from __future__ import annotations

import io
import tokenize
from pathlib import Path

import clinic_desktop.services

SERVICES = Path(clinic_desktop.services.__file__).parent
# path relative to services/ -> what it may use, and why
EXCEPTIONS: dict[str, tuple[set[str], str]] = {
    "care_sources.py": ({"strftime"}, "Python's date.strftime on a birthday, not SQL"),
    "patient_search.py": ({"text("}, "SQLite's FTS5 MATCH beside PostgreSQL's own index "
                                     "routes (pg_trgm, the name pieces): one per engine"),
    "import_relations.py": ({"text("}, "PostgreSQL's UPDATE … FROM unnest(arrays) for an "
                                        "import's referrers, beside SQLite's executemany"),
    "insight/buckets.py": ({"func.date"}, "the one date-bucketing helper: SQLite's date() "
                                          "on its stored text, beside the PostgreSQL form"),
}
SQLITE_FUNCS = {"date", "datetime", "julianday", "strftime", "time"}


def findings(source: str) -> set[str]:
    found: set[str] = set()
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline)
              if t.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE)]
    for i, tok in enumerate(tokens):
        before = tokens[i - 1].string if i else ""
        after = tokens[i + 1].string if i + 1 < len(tokens) else ""
        if tok.type == tokenize.NAME and tok.string in ("strftime", "julianday"):
            found.add(tok.string)
        elif tok.type == tokenize.STRING and ("strftime(" in tok.string
                                              or "julianday(" in tok.string):
            found.add("strftime" if "strftime(" in tok.string else "julianday")
        elif tok.type == tokenize.NAME and tok.string == "text" and after == "(" \
                and before != ".":
            found.add("text(")
        elif tok.type == tokenize.NAME and tok.string in SQLITE_FUNCS and before == "." \
                and i >= 2 and tokens[i - 2].string == "func":
            found.add(f"func.{tok.string}")
    return found


def test_the_scanner_finds_each_kind() -> None:
    assert findings("q = select(func.strftime('%Y', x))") == {"strftime"}
    assert findings("session.execute(text('SELECT 1'))") == {"text("}
    assert findings("x = func.julianday(a) - func.date(b)") == {"julianday", "func.date"}
    assert findings("s = \"SELECT strftime('%Y', at)\"") == {"strftime"}
    assert findings("normalize_text(x); self.text(y)  # strftime(") == set()


def test_services_use_no_sqlite_only_sql() -> None:
    problems = []
    for path in sorted(SERVICES.rglob("*.py")):
        name = path.relative_to(SERVICES).as_posix()
        allowed, _why = EXCEPTIONS.get(name, (set(), ""))
        extra = findings(path.read_text(encoding="utf-8")) - allowed
        if extra:
            problems.append(f"{name}: {sorted(extra)}")
    assert not problems, "SQLite-only SQL in services (use insight/buckets.py): " + "; ".join(
        problems)


def test_every_exception_is_still_needed() -> None:
    for name, (allowed, _why) in EXCEPTIONS.items():
        assert findings((SERVICES / name).read_text(encoding="utf-8")) & allowed, name
