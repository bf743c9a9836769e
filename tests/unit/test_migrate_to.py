"""``migrate-to``: the demo clinic moves from its SQLite folder onto an empty PostgreSQL
database and works there (ids continue, attachments open from the shared folder, the audit
chain and balances check); a target that is not empty, or a value too long for its column,
is refused with nothing written. And ``audit-key``: one key for every workstation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, inspect, select, text

from clinic_desktop.cli import EXIT_FINDINGS, EXIT_OK, EXIT_UNUSABLE
from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.paths import DataDir
from clinic_desktop.services.attachments import add_attachment, attachment_content, attachments_of
from clinic_desktop.services.audit import check_chain
from clinic_desktop.services.patient_search import search_patients
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.services.staff import list_doctors
from clinic_desktop.storage.audit_trail import server_head
from clinic_desktop.storage.copy_clinic import tables_in_order
from clinic_desktop.storage.database import open_database
from clinic_desktop.storage.models.audit import AuditEntry
from clinic_desktop.storage.models.patient import Patient
from tests.conftest import FIXED_NOW
from tests.unit.test_pg_server import run

pytestmark = pytest.mark.postgresql


@pytest.fixture
def demo_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "clinic"
    code, out = run("--data-dir", str(folder), "demo", "--patients", "60", "--seed", "5")
    assert code == EXIT_OK, out
    return folder


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {t.name: connection.execute(select(func.count()).select_from(t)).scalar_one()
                    for t in tables_in_order()}
    finally:
        engine.dispose()


def test_the_demo_clinic_moves_and_works_on_the_server(demo_folder: Path, pg_url: str,
                                                       tmp_path: Path) -> None:
    local = open_database(DataDir(demo_folder))
    ctx = Context(db=local, clock=FixedClock(FIXED_NOW))
    xray = tmp_path / "xray-46.png"
    xray.write_bytes(b"\x89PNG demo x-ray")
    with ctx.transaction() as session:
        pid = session.execute(select(Patient.id).order_by(Patient.id).limit(1)).scalar_one()
    add_attachment(ctx, pid, xray)
    before = _counts(str(local.engine.url))
    local.close()

    shared = tmp_path / "shared-attachments"
    code, out = run("--data-dir", str(demo_folder), "migrate-to", pg_url,
                    "--attachments", str(shared))
    assert code == EXIT_OK, out
    assert "哈希链无误" in out and "余额核对无误" in out and "CLINIC_DESKTOP_DATABASE_URL" in out
    # + the folder's setting, and the chain's head that a server keeps in its own row
    assert _counts(pg_url) == {**before, "setting": before["setting"] + 1, "audit_head": 1}
    assert before["patient"] == 60 and before["audit_entry"] > 0

    server = open_database(url=pg_url)
    try:
        on_server = Context(db=server, clock=FixedClock(FIXED_NOW))
        with server.session() as session:
            head = server_head(session)
            tail = session.execute(select(AuditEntry.id).order_by(AuditEntry.id.desc())
                                   .limit(1)).scalar_one()
        assert head is not None and head.last_id == tail
        assert check_chain(on_server).ok
        [attached] = attachments_of(on_server, pid)
        assert attached.path.is_relative_to(shared)
        assert attachment_content(on_server, attached.id) == b"\x89PNG demo x-ray"
        # New rows continue after the copied ids (the sequences moved with the data).
        new = create_patient(on_server, PatientInput(name="迁移后新患者",
                                                     mobile="13800000999")).patient
        assert new.id == before["patient"] + 1 and new.code == f"P{new.id:06d}"
        assert search_patients(on_server, "迁移后")[0].id == new.id
        assert list_doctors(on_server)
    finally:
        server.close()
    code, out = run("--data-dir", str(tmp_path / "ws2"), "--database-url", pg_url, "check")
    assert code in (EXIT_OK, EXIT_FINDINGS), out
    assert "审计日志完整" in out and "余额核对无误" in out

    # Once more onto the same database: refused, nothing touched.
    code, _out = run("--data-dir", str(demo_folder), "migrate-to", pg_url,
                     "--attachments", str(shared))
    assert code == EXIT_UNUSABLE
    assert _counts(pg_url)["patient"] == 61


def test_a_value_too_long_for_its_column_is_named_and_nothing_is_written(
        demo_folder: Path, pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    local = open_database(DataDir(demo_folder))
    with local.engine.begin() as connection:  # SQLite kept what PostgreSQL refuses
        connection.execute(text("UPDATE patient SET occupation = :long WHERE id = 7"),
                           {"long": "很长的职业描述" * 12})
    local.close()
    code, _out = run("--data-dir", str(demo_folder), "migrate-to", pg_url)
    assert code == EXIT_UNUSABLE
    err = capsys.readouterr().err
    assert "表 patient 第 7 行的 occupation" in err and "超过该列的 64 个" in err
    engine = create_engine(pg_url)
    try:
        assert inspect(engine).get_table_names() == []  # still empty: run it again after
    finally:
        engine.dispose()


def test_a_clinic_with_attachments_needs_a_shared_folder(demo_folder: Path, pg_url: str,
                                                          tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    local = open_database(DataDir(demo_folder))
    ctx = Context(db=local, clock=FixedClock(FIXED_NOW))
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"jpeg")
    add_attachment(ctx, 1, photo)
    local.close()
    code, _out = run("--data-dir", str(demo_folder), "migrate-to", pg_url)
    assert code == EXIT_UNUSABLE and "--attachments" in capsys.readouterr().err
    engine = create_engine(pg_url)
    try:
        assert inspect(engine).get_table_names() == []
    finally:
        engine.dispose()


def test_the_audit_key_travels_to_another_workstation(demo_folder: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    exported = tmp_path / "audit.key"
    code, out = run("--data-dir", str(demo_folder), "audit-key", "export", str(exported))
    assert code == EXIT_OK, out
    assert oct(exported.stat().st_mode & 0o777) == "0o600"
    data = json.loads(exported.read_text(encoding="utf-8"))
    # Another workstation: its own key folder, without this clinic's key.
    monkeypatch.setenv("CLINIC_DESKTOP_KEY_DIR", str(tmp_path / "other-keys"))
    code, out = run("--data-dir", str(demo_folder), "check")
    assert code == EXIT_FINDINGS and "没有它们的审计密钥" in out
    code, out = run("--data-dir", str(demo_folder), "audit-key", "import", str(exported))
    assert code == EXIT_OK, out
    code, out = run("--data-dir", str(demo_folder), "check")
    assert code == EXIT_OK, out
    assert data["current"] in data["keys"]
    bad = tmp_path / "bad.key"
    bad.write_text(json.dumps({**data, "clinic_id": "another"}), encoding="utf-8")
    code, _out = run("--data-dir", str(demo_folder), "audit-key", "import", str(bad))
    assert code == EXIT_UNUSABLE


def test_patients_keep_their_referrers_whatever_the_row_order(demo_folder: Path,
                                                               pg_url: str) -> None:
    local = open_database(DataDir(demo_folder))
    with local.engine.begin() as connection:  # patient 3 referred by 50, further down
        connection.execute(text("UPDATE patient SET referred_by_id = 50 WHERE id = 3"))
    local.close()
    code, out = run("--data-dir", str(demo_folder), "migrate-to", pg_url)
    assert code == EXIT_OK, out
    engine = create_engine(pg_url)
    try:
        with engine.connect() as connection:
            assert connection.execute(select(Patient.__table__.c.referred_by_id).where(
                Patient.__table__.c.id == 3)).scalar_one() == 50
    finally:
        engine.dispose()
