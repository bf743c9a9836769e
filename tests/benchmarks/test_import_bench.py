"""Import speed: a 100,000-row legacy workbook (mixed date formats, phones as numbers, 3 %
repeated patients, blank rows, a total row).

Goals (README): the whole import (read, clean, match, write, care tasks) under 8 s with
peak memory under 500 MB; beside it, the same import from the wizard (the file already read
for its preview and cleaned by the dry run), how long ``pandas.read_excel`` (openpyxl engine)
takes only to read the same file, and how long python-calamine takes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.demo.legacy_workbook import write_legacy_workbook
from clinic_desktop.importing.reader import read_sheet
from clinic_desktop.services.auth import setup_clinic
from clinic_desktop.services.imports import ImportRequest, run_import
from tests.benchmarks.conftest import CIPHERS
from tests.benchmarks.engines import ON_SERVER, database_for

ROWS = 100_000
NOW = datetime(2026, 11, 24, 2, tzinfo=UTC)


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = Path(tmp_path_factory.mktemp("import")) / "legacy-100k.xlsx"
    return write_legacy_workbook(path, ROWS, today=date(2026, 11, 24), duplicate_share=0.03)


def _new_clinic(request: pytest.FixtureRequest, root: Path, engine: str = "plain") -> Context:
    db = database_for(request, root, engine)
    clock = FixedClock(NOW)
    actor = setup_clinic(db, clinic_name="基准", timezone="Asia/Shanghai",
                         admin_username="admin", admin_display_name="管理员",
                         password="bench-pass", clock=clock)
    return Context(db=db, actor=actor, clock=clock)


@pytest.mark.parametrize("engine", [*CIPHERS, ON_SERVER])
def test_import_100k_rows_end_to_end(benchmark: object, workbook: Path, tmp_path: Path,
                                     engine: str, request: pytest.FixtureRequest) -> None:
    clinics: Iterator[int] = iter(range(100))

    def setup() -> tuple[tuple[Context], dict[str, object]]:
        return (_new_clinic(request, tmp_path / f"clinic{next(clinics)}", engine),), {}

    def run(ctx: Context) -> None:
        summary = run_import(ctx, ImportRequest(workbook))
        assert summary.rows_read > ROWS and summary.visits_created > 0.99 * ROWS

    def close(ctx: Context) -> None:  # closing checkpoints the WAL: not part of the import
        ctx.db.close()

    benchmark.pedantic(run, setup=setup, teardown=close, rounds=3,  # type: ignore[attr-defined]
                       iterations=1)


@pytest.mark.parametrize("engine", ["plain", ON_SERVER])
def test_import_100k_rows_from_the_wizard(benchmark: object, workbook: Path, tmp_path: Path,
                                         engine: str, request: pytest.FixtureRequest) -> None:
    """What a manager waits for after 导入 in the wizard: the wizard read the file for its
    preview and gives those rows to its dry run and then to the import (``ImportRequest.data``),
    which takes up the dry run's cleaning. The dry run is the setup, not timed."""
    data = read_sheet(workbook)
    clinics: Iterator[int] = iter(range(100))

    def setup() -> tuple[tuple[Context], dict[str, object]]:
        ctx = _new_clinic(request, tmp_path / f"clinic{next(clinics)}", engine)
        run_import(ctx, ImportRequest(workbook, sheet=data.name, data=data), dry_run=True)
        return (ctx,), {}

    def run(ctx: Context) -> None:
        summary = run_import(ctx, ImportRequest(workbook, sheet=data.name, data=data))
        assert summary.rows_read > ROWS and summary.visits_created > 0.99 * ROWS

    def close(ctx: Context) -> None:
        ctx.db.close()

    benchmark.pedantic(run, setup=setup, teardown=close, rounds=3,  # type: ignore[attr-defined]
                       iterations=1)


def test_import_peak_memory_through_the_cli(benchmark: object, workbook: Path,
                                           tmp_path: Path) -> None:
    """``clinic-desktop import`` in its own process: wall time including Python's start-up,
    and the peak resident memory of that whole process (the figure the goal is about)."""
    root = tmp_path / "clinic"
    subprocess.run([sys.executable, "-m", "clinic_desktop", "--data-dir", str(root), "demo",
                    "--patients", "0"], check=True, capture_output=True)

    # The child reports its own peak from /proc (VmHWM belongs to the program it runs;
    # getrusage's ru_maxrss would include the pytest process it was forked from).
    program = (
        "import sys\n"
        "from clinic_desktop.cli import main\n"
        "code = main(sys.argv[1:], out=open('/dev/null', 'w'))\n"
        "peak = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0]\n"
        "print(int(peak.split()[1]) // 1024, file=sys.stderr)\n"
        "sys.exit(code)\n")

    def run() -> float:
        started = time.perf_counter()
        child = subprocess.run([sys.executable, "-c", program, "--data-dir", str(root),
                                "import", str(workbook), "--json"], capture_output=True,
                               text=True, env={**os.environ, "LANG": "C.UTF-8"}, check=True)
        peak_mb = float(child.stderr.strip().splitlines()[-1])
        print(f"\nCLI import of {ROWS:,} rows: {time.perf_counter() - started:.1f} s with "
              f"start-up; peak memory of the process {peak_mb:.0f} MB")
        return peak_mb

    peak = benchmark.pedantic(run, rounds=1, iterations=1)  # type: ignore[attr-defined]
    benchmark.extra_info["peak_mb"] = round(peak)  # type: ignore[attr-defined]


def test_read_only_python_calamine(benchmark: object, workbook: Path) -> None:
    data = benchmark.pedantic(read_sheet, args=(workbook,), rounds=3,  # type: ignore[attr-defined]
                              iterations=1)
    assert len(data.rows) > ROWS


def test_read_only_pandas_openpyxl(benchmark: object, workbook: Path) -> None:
    pandas = pytest.importorskip("pandas")
    frame = benchmark.pedantic(pandas.read_excel, args=(workbook,),  # type: ignore[attr-defined]
                               kwargs={"engine": "openpyxl", "header": None}, rounds=1,
                               iterations=1)
    assert len(frame) > ROWS
