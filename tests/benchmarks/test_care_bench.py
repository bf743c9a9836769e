"""Care speed: 100,000 patients and 300,000 care tasks.

Goals (README): one ``raise_due`` tick under 50 ms; the callback list with 10,000 due tasks
opens in under 300 ms (core read plus the page's table).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from sqlalchemy import insert, update  # noqa: E402

from clinic_desktop.clock import FixedClock  # noqa: E402
from clinic_desktop.context import Context  # noqa: E402
from clinic_desktop.services import care  # noqa: E402
from clinic_desktop.services.auth import setup_clinic  # noqa: E402
from clinic_desktop.storage.models.care import CareTask  # noqa: E402
from clinic_desktop.storage.models.patient import Patient  # noqa: E402
from tests.benchmarks.conftest import settle
from tests.benchmarks.engines import ON_SERVER, database_for, move_sequences  # noqa: E402

NOW = datetime(2026, 11, 24, 2, tzinfo=UTC)


@pytest.fixture(scope="module", params=["plain", ON_SERVER])
def clinic(tmp_path_factory: pytest.TempPathFactory,
           request: pytest.FixtureRequest) -> Iterator[Context]:
    db = database_for(request, Path(tmp_path_factory.mktemp("care")) / "clinic", request.param)
    clock = FixedClock(NOW)
    actor = setup_clinic(db, clinic_name="基准", timezone="Asia/Shanghai",
                         admin_username="admin", admin_display_name="管理员",
                         password="bench-pass", clock=clock)
    with db.session(write=True) as session:
        session.execute(insert(Patient).execution_options(render_nulls=True), [
            {"id": p, "code": f"P{p:06d}", "name": f"患者{p}", "name_pinyin": "huanzhe",
             "name_initials": "hz", "mobile": f"138{p:08d}", "created_at": NOW,
             "updated_at": NOW, "notes": "", "archived": False,
             "birth_date_approximate": False, "member_points": 0, "version": 1}
            for p in range(1, 100_001)])
        rows = []
        for n in range(300_000):
            # Most tasks lie in the future; 10,000 are already due, a few come due now.
            offset = timedelta(days=1 + n % 900) if n >= 10_100 else timedelta(
                hours=-(n % 72) if n < 10_000 else 0)
            rows.append({"patient_id": 1 + n % 100_000, "kind": "recall", "title": "复查",
                         "due_at": NOW + offset, "status": "pending", "source": "plan",
                         "dedupe_key": f"bench:{n}", "assigned_role": "nurse", "priority": 2,
                         "window_days": 14, "attempts": 0, "note": "", "created_at": NOW,
                         "version": 1})
        session.execute(insert(CareTask).execution_options(render_nulls=True), rows)
        # Not kept alive while the benchmarks run: every full garbage collection would
        # walk the hundreds of thousands of dicts built above, inside the timings.
        del rows
    move_sequences(db, "patient")
    settle(db)
    ctx = Context(db=db, actor=actor, clock=clock)
    care.raise_due(ctx)  # the 10,000 overdue ones are on the list now
    yield ctx
    db.close()


def test_raise_due_tick(benchmark: object, clinic: Context) -> None:
    def tick() -> int:
        raised = care.raise_due(clinic)
        # Put the ones raised back, for the next round.
        with clinic.db.session(write=True) as session:
            session.execute(update(CareTask).where(CareTask.raised_at == NOW,
                                                   CareTask.dedupe_key >= "bench:10000",
                                                   CareTask.dedupe_key < "bench:10100")
                            .values(status="pending", raised_at=None))
        return raised

    benchmark(care.raise_due, clinic)  # type: ignore[operator]
    assert tick() >= 0


def test_callback_list_with_10000_due(benchmark: object, clinic: Context) -> None:
    items = benchmark(care.callback_list, clinic, as_of=NOW.date())  # type: ignore[operator]
    assert len(items) >= 10_000


def test_callback_page_opens_with_10000_due(benchmark: object, clinic: Context,
                                            qapp: object) -> None:
    from clinic_desktop.services.clinic import read_clinic
    from ui.app_services import AppServices
    from ui.pages.callbacks_page import CallbacksPage
    from ui.tasks import TaskManager

    services = AppServices(clinic, TaskManager(synchronous=True), read_clinic(clinic.db))

    def open_page() -> CallbacksPage:
        return CallbacksPage(services)

    page = benchmark(open_page)  # type: ignore[operator]
    assert page.model.rowCount() >= 10_000
