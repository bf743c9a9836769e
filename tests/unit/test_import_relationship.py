"""Issue 11: a legacy import carries the whole relationship — procedures and doctors matched
(recalls from day one), referrers and tags, emergency contacts, floats as phones, ignored
columns listed — on real workbooks, CSVs in GBK and UTF-8, and real SQLite files."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from clinic_desktop.cli import EXIT_OK, EXIT_UNUSABLE, main
from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.errors import AuthenticationFailed, UserError
from clinic_desktop.importing.reader import read_sheet
from clinic_desktop.importing.values import (
    CatalogueEntry,
    Matcher,
    StaffEntry,
    ValueChoice,
    choices_from_json,
)
from clinic_desktop.permissions import Role
from clinic_desktop.services import appointments as appts
from clinic_desktop.services import imports
from clinic_desktop.services.appointments import BookingRequest
from clinic_desktop.services.auth import sign_in
from clinic_desktop.services.care import callback_list
from clinic_desktop.services.catalogue import DEFAULT_PROCEDURES
from clinic_desktop.services.import_batches import undo_import
from clinic_desktop.services.imports import ImportRequest, run_import
from clinic_desktop.services.patients import PatientInput, create_patient, load_patient
from clinic_desktop.services.staff import add_staff, list_doctors
from clinic_desktop.storage.models.care import CareTask
from clinic_desktop.storage.models.clinical import ProcedureType, Treatment, Visit
from clinic_desktop.storage.models.patient import Patient, PatientTag, Tag
from clinic_desktop.storage.models.staff import Staff
from tests.conftest import ADMIN_DISPLAY_NAMES, FIXED_NOW
from tests.unit.importing import files

SH = ZoneInfo("Asia/Shanghai")
TODAY = FIXED_NOW.astimezone(SH).date()  # 2026-11-24
CATALOGUE = [CatalogueEntry(name, category) for name, category, *_ in DEFAULT_PROCEDURES]


def scalar(ctx: Context, query: Any) -> Any:
    with ctx.db.session() as session:
        return session.execute(query).scalar()


def rows_of(ctx: Context, query: Any) -> list[Any]:
    with ctx.db.session() as session:
        return list(session.execute(query).all())


# -- the rules, pure ---------------------------------------------------------------------------
def test_procedures_match_by_name_then_synonym_then_category() -> None:
    m = Matcher(CATALOGUE, [])
    assert m.procedure("种植复查")[0] == ValueChoice("match", "种植复查")
    assert m.procedure(" 超声洁牙（全口） ")[0] == ValueChoice("match", "超声洁牙")
    for legacy, catalogue_name in (("种植", "种植牙"), ("种牙", "种植牙"), ("洗牙", "超声洁牙"),
                                   ("洁治", "超声洁牙"), ("拔牙", "普通拔牙"), ("充填", "树脂补牙"),
                                   ("根管", "根管治疗"), ("全瓷冠", "烤瓷冠"), ("矫正", "隐形矫正"),
                                   ("OK镜", "角膜塑形镜")):
        choice, why = m.procedure(legacy)
        assert choice == ValueChoice("match", catalogue_name), legacy
        assert "同义词" in why
    # A synonym the catalogue lacks: added under the group's own name and category.
    assert m.procedure("涂氟")[0] == ValueChoice("new", "涂氟", "儿牙")
    # The category the name contains: a new entry of that category, never the plan's procedure.
    choice, why = m.procedure("种植二期手术")
    assert choice == ValueChoice("new", "种植二期手术", "种植") and "种植" in why
    assert m.procedure("牙齿美白")[0] == ValueChoice("new", "牙齿美白", "其他")


def test_doctors_match_by_name_by_a_unique_surname_or_become_inactive() -> None:
    staff = [StaffEntry("李建国", True), StaffEntry("陈志强", True), StaffEntry("陈晓", True),
             StaffEntry("王护士", False)]
    m = Matcher(CATALOGUE, staff)
    assert m.doctor("李建国")[0] == ValueChoice("match", "李建国")
    assert m.doctor("李建国医生")[0] == ValueChoice("match", "李建国")
    choice, why = m.doctor("李医生")
    assert choice == ValueChoice("match", "李建国") and "唯一姓“李”" in why
    assert m.doctor("李大夫")[0] == ValueChoice("match", "李建国")
    choice, why = m.doctor("陈医生")  # two doctors named 陈: not guessed
    assert choice == ValueChoice("inactive", "陈医生") and "2 位姓“陈”" in why
    assert m.doctor("张医生")[0] == ValueChoice("inactive", "张医生")
    # A staff member who is not a doctor is not suggested as the visit's doctor.
    choice, why = m.doctor("王护士")
    assert choice == ValueChoice("none") and "不是医生" in why


def test_value_choices_in_the_mapping_json() -> None:
    parsed = choices_from_json({"procedure": {"种植": "种植牙", "美白": {
        "new": "牙齿美白", "category": "修复"}, "杂项": None},
        "doctor": {"李医生": "李建国", "张医生": {"inactive": "张伟"}}}, where="map.json")
    assert parsed["procedure"]["美白"] == ValueChoice("new", "牙齿美白", "修复")
    assert parsed["procedure"]["杂项"] == ValueChoice("none")
    assert parsed["doctor"]["张医生"] == ValueChoice("inactive", "张伟")
    with pytest.raises(UserError, match="“张医生”格式不对"):
        choices_from_json({"doctor": {"张医生": {"new": "张伟"}}}, where="map.json")


# -- the test the issue names ----------------------------------------------------------------
def test_legacy_procedure_names_give_the_implant_recalls_from_30_days_before_the_import(
    admin_ctx: Context, tmp_path: Path
) -> None:
    """种植 / 种牙 start the implant plan (种植复查 does not restart it); the 1/2/3-year
    recalls that fall due from 30 days before the import onward are on the callback list, the
    older ones are not."""
    visits = {"王一": date(2025, 11, 5), "王二": date(2024, 6, 1), "王三": date(2023, 11, 20),
              "王四": date(2023, 1, 10)}
    rows: list[list[object]] = [["姓名", "联系电话", "就诊日期", "治疗项目", "医生"]]
    for index, (name, day) in enumerate(visits.items()):
        rows.append([name, f"1380013800{index}", day.isoformat(),
                     "种植" if index % 2 else "种牙", "李医生"])
    rows.append(["王一", "13800138000", "2026-11-01", "种植复查", "李医生"])
    path = files.xlsx(tmp_path / "种植.xlsx", rows)
    dry = run_import(admin_ctx, ImportRequest(path), dry_run=True)
    done = run_import(admin_ctx, ImportRequest(path))
    assert dict(dry.tasks_by_plan) == dict(done.tasks_by_plan) == {"种植牙随访": done.tasks_created}
    cutoff = TODAY - timedelta(days=30)
    expected = sorted((name, years) for name, day in visits.items() for years in (1, 2, 3)
                      if day.replace(year=day.year + years) >= cutoff)
    assert expected == [("王一", 1), ("王一", 2), ("王一", 3), ("王三", 3), ("王二", 3)]
    listed = callback_list(admin_ctx, as_of=date(2030, 1, 1), whole_day=True)
    recalls = sorted((item.patient, int(item.reason.split("种植牙 ")[1][0])) for item in listed
                     if item.reason.startswith("种植牙") and "年维护复查" in item.reason)
    # 王一's 1-year recall (due 2026-11-05, ±45 days) is kept by his 11-01 种植复查: written
    # satisfied, off the list, as a booking in its window would close it.
    assert recalls == [r for r in expected if r != ("王一", 1)]
    assert dry.tasks_satisfied == done.tasks_satisfied == 1
    assert rows_of(admin_ctx, select(CareTask.status, CareTask.closed_reason).where(
        CareTask.step_key == "y1", CareTask.plan_key == "implant",
        CareTask.due_at >= datetime(2026, 1, 1, tzinfo=UTC))) == [
        ("satisfied", "已就诊 2026-11-01")]
    assert all(item.due.astimezone(SH).date() >= cutoff for item in listed)
    # Treatments carry the catalogue's name and entry, the sheet's name in their note.
    assert rows_of(admin_ctx, select(Treatment.procedure_name, Treatment.notes).where(
        Treatment.procedure_name == "种植牙").limit(1)) == [("种植牙", "原项目：种牙")]
    # The check-up is linked to its own entry and starts no second plan.
    assert scalar(admin_ctx, select(func.count()).select_from(CareTask).where(
        CareTask.procedure_name == "种植复查")) == 0


def test_the_wizards_import_takes_up_its_dry_runs_cleaning_with_its_own_value_choices(
    admin_ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The wizard hands the rows it read to the dry run and then to the import: the import
    cleans nothing again, and starts from the sheet's names, not the ones the dry run's
    choices gave them (the manager went back and chose again)."""
    path = files.xlsx(tmp_path / "向导.xlsx", [
        ["姓名", "手机", "就诊日期", "治疗项目"],
        ["周一", "13900000011", "2026-10-01", "种植"],
        ["周二", "13900000012", "2026-10-02", "种牙"]])
    data = read_sheet(path)
    cleanings: list[int] = []
    clean = imports.clean_sheet
    monkeypatch.setattr(imports, "clean_sheet",
                        lambda *a, **k: cleanings.append(1) or clean(*a, **k))
    implant = ValueChoice("match", "种植牙")
    dry = run_import(admin_ctx, ImportRequest(path, data=data, values={
        "procedure": {"种植": implant, "种牙": implant}}), dry_run=True)
    assert dict(dry.tasks_by_plan) == {"种植牙随访": dry.tasks_created} and dry.tasks_created
    done = run_import(admin_ctx, ImportRequest(path, data=data, values={
        "procedure": {"种植": implant, "种牙": ValueChoice("new", "旧式种牙", "修复")}}))
    assert cleanings == [1]
    assert done.patients_created == 2
    assert rows_of(admin_ctx, select(Treatment.procedure_name, Treatment.notes)
                   .order_by(Treatment.id)) == [("种植牙", "原项目：种植"),
                                                ("旧式种牙", "原项目：种牙")]
    # Another mapping (here: the visits' column left out) is another cleaning.
    again = run_import(admin_ctx, ImportRequest(path, data=data, mapping={
        0: "name", 1: "mobile"}), dry_run=True)
    assert cleanings == [1, 1] and again.visits_created == 0


# -- doctors -----------------------------------------------------------------------------------
def test_a_doctor_who_left_is_an_inactive_doctor_and_undo_removes_him(
    admin_ctx: Context, tmp_path: Path
) -> None:
    doctor = add_staff(admin_ctx, username="dr.li", display_name="李建国", role=Role.DOCTOR,
                       password="pass1234", is_doctor=True)
    path = files.xlsx(tmp_path / "visits.xlsx", [
        ["姓名", "手机", "就诊日期", "治疗项目", "医生"],
        ["钱一", "13900000001", "2026-10-01", "洗牙", "李医生"],
        ["钱二", "13900000002", "2026-10-02", "补牙", "张医生"],
        ["钱三", "13900000003", "2026-10-03", "补牙", "张医生"]])
    done = run_import(admin_ctx, ImportRequest(path))
    assert done.doctors_created == 1
    [by_li, *_] = [m for m in done.values_matched if m.value == "李医生"]
    assert by_li.choice == ValueChoice("match", "李建国")
    zhang = rows_of(admin_ctx, select(Staff.id, Staff.active, Staff.is_doctor,
                                      Staff.import_batch_id, Staff.username)
                    .where(Staff.display_name == "张医生"))
    [(zhang_id, active, is_doctor, batch, username)] = zhang
    assert (active, is_doctor, batch) == (False, True, done.batch_id)
    assert sorted(rows_of(admin_ctx, select(Visit.doctor_id))) == [
        (doctor.id,), (zhang_id,), (zhang_id,)]
    assert zhang_id not in {d.id for d in list_doctors(admin_ctx)}
    with pytest.raises(AuthenticationFailed):
        sign_in(admin_ctx.db, username=username, password="", clock=admin_ctx.clock)
    patient = scalar(admin_ctx, select(Patient.id).where(Patient.name == "钱二"))
    start = datetime(2026, 11, 26, 2, tzinfo=UTC)
    with pytest.raises(UserError, match="张医生 已停用，不能预约"):
        appts.book(admin_ctx, BookingRequest(patient, zhang_id, start,
                                             start + timedelta(minutes=30)),
                   override_reason="加号")
    undone = undo_import(admin_ctx, done.batch_id or 0)
    assert undone.doctors_removed == 1
    assert scalar(admin_ctx, select(func.count()).select_from(Staff)) == 2


def test_a_mapping_naming_what_does_not_exist_is_refused_before_anything_is_written(
    admin_ctx: Context, tmp_path: Path
) -> None:
    path = files.xlsx(tmp_path / "v.xlsx", [["姓名", "就诊日期", "治疗项目", "医生"],
                                            ["孙一", "2026-10-01", "种植", "李医生"]])
    for values, wanted in (({"procedure": {"种植": "种植体"}}, "项目“种植体”不在项目目录中"),
                           ({"doctor": {"李医生": "李四"}}, "医生“李四”不在员工名单中"),
                           ({"doctor": {"李医生": ADMIN_DISPLAY_NAMES["测试诊所"]}}, "不是医生"),
                           ({"procedure": {"种植": ValueChoice("new", "x", "美容")}},
                            "类别“美容”")):
        choices = {column: {k: v if isinstance(v, ValueChoice) else ValueChoice("match", v)
                            for k, v in entries.items()} for column, entries in values.items()}
        with pytest.raises(UserError, match=wanted):
            run_import(admin_ctx, ImportRequest(path, values=choices))
    assert scalar(admin_ctx, select(func.count()).select_from(Patient)) == 0


# -- referrers and tags ----------------------------------------------------------------------
def test_referrers_forward_in_the_file_in_the_database_unmatched_self_and_cycles(
    admin_ctx: Context, tmp_path: Path
) -> None:
    old = create_patient(admin_ctx, PatientInput(name="周老客", mobile="13700000000")).patient
    path = files.xlsx(tmp_path / "patients.xlsx", [
        ["姓名", "手机", "介绍人", "推荐人电话", "标签"],
        ["吴一", "13600000001", "吴二 13600000002", "", "怕疼、VIP"],  # further down
        ["吴二", "13600000002", "周老客", "", "VIP, 新标签"],  # in the database
        ["吴三", "13600000003", "不认识的人", "", ""],  # nobody
        ["吴四", "13600000004", "吴四", "", ""],  # himself
        ["吴五", "13600000005", "吴六", "13600000006", "老客户 种植意向"],  # a cycle
        ["吴六", "13600000006", "吴五", "", ""],
    ])
    dry = run_import(admin_ctx, ImportRequest(path), dry_run=True)
    done = run_import(admin_ctx, ImportRequest(path))
    for summary in (dry, done):
        assert (summary.referrers_linked, summary.referrers_unmatched) == (2, 1)
        assert summary.tags_created == 5 and summary.tags_linked == 6
    ids = dict(rows_of(admin_ctx, select(Patient.name, Patient.id)))
    links = dict(rows_of(admin_ctx, select(Patient.name, Patient.referred_by_id)))
    assert links["吴一"] == ids["吴二"] and links["吴二"] == old.id
    assert links["吴四"] is None and links["吴五"] is None and links["吴六"] is None
    assert load_patient(admin_ctx, ids["吴三"]).referrer_note == "不认识的人"
    reasons = {(w.row, w.column): w.reason for w in done.warnings}
    assert "没有找到这位介绍人" in reasons[(4, "介绍人")]
    assert "自己的介绍人" in reasons[(5, "介绍人")]
    assert "成了一个圈" in reasons[(6, "介绍人")] and "成了一个圈" in reasons[(7, "介绍人")]
    tags = dict(rows_of(admin_ctx, select(Tag.name, Tag.import_batch_id)))
    assert tags["新标签"] == done.batch_id and tags["VIP"] == done.batch_id
    undone = undo_import(admin_ctx, done.batch_id or 0)
    assert undone.patients_removed == 6 and undone.tags_removed == 5
    assert scalar(admin_ctx, select(func.count()).select_from(PatientTag)) == 0
    assert scalar(admin_ctx, select(func.count()).select_from(Tag)) == 0


def test_a_merged_patient_gets_referrer_tags_and_contact_and_undo_restores_him(
    admin_ctx: Context, tmp_path: Path
) -> None:
    kept = create_patient(admin_ctx, PatientInput(name="郑一", mobile="13500000001")).patient
    path = files.xlsx(tmp_path / "m.xlsx", [
        ["姓名", "手机", "介绍人", "标签", "紧急联系人", "紧急联系人电话", "微信号", "职业",
         "建档日期"],
        ["郑一", "13500000001", "郑二", "怕疼", "郑妈妈", "18858540446.0", "wx001", "教师",
         "2019-05-01"],
        ["郑二", "13500000002", "", "", "", "", "", "", ""]])
    done = run_import(admin_ctx, ImportRequest(path))
    assert (done.patients_merged, done.patients_created) == (1, 1)
    record = load_patient(admin_ctx, kept.id)
    assert (record.emergency_contact, record.emergency_phone) == ("郑妈妈", "18858540446")
    assert (record.wechat, record.occupation, record.first_visit_date) == (
        "wx001", "教师", date(2019, 5, 1))
    assert record.referred_by_id == scalar(admin_ctx, select(Patient.id).where(
        Patient.name == "郑二"))
    undo_import(admin_ctx, done.batch_id or 0)
    record = load_patient(admin_ctx, kept.id)
    assert (record.referred_by_id, record.emergency_contact, record.wechat) == (None, None, None)
    assert scalar(admin_ctx, select(func.count()).select_from(PatientTag)) == 0


# -- cleaning ----------------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["gbk", "utf-8"])
def test_phones_written_as_floats_in_a_csv_are_the_numbers_they_are(
    admin_ctx: Context, tmp_path: Path, encoding: str
) -> None:
    path = files.csv_file(tmp_path / f"{encoding}.csv", [
        ["姓名", "联系电话", "就诊日期", "治疗项目", "紧急联系电话", "会员等级", "积分", "欠费",
         "累计积分", "喜好"],
        ["冯一", "18858540446.0", "2026-10-01", "洗牙", "1.3800138000E10", "金卡", "100", "0",
         "3000", "茶"],
        ["冯二", "1.8858540447E10", "2026-10-02", "洗牙", "", "", "", "", "", ""],
    ], encoding=encoding)
    done = run_import(admin_ctx, ImportRequest(path))
    assert done.rows_rejected == 0, done.errors
    assert sorted(rows_of(admin_ctx, select(Patient.mobile, Patient.emergency_phone))) == [
        ("18858540446", "13800138000"), ("18858540447", None)]
    # 会员等级, 积分 and 欠费 are opening balances now; 累计积分 is not a balance: not guessed.
    assert done.columns_ignored == ("累计积分", "喜好")
    assert sorted(rows_of(admin_ctx, select(Patient.name, Patient.member_tier,
                                            Patient.member_points))) == [
        ("冯一", "金卡", 100), ("冯二", None, 0)]
    reasons = {w.column: w.reason for w in done.warnings if w.row is None}
    assert "不做猜测" in reasons["累计积分"]
    assert "没有对应到任何字段" in reasons["喜好"]


def test_warnings_name_the_files_own_header_in_english_too(admin_ctx: Context,
                                                            tmp_path: Path) -> None:
    from clinic_desktop.i18n import set_language

    path = files.xlsx(tmp_path / "w.xlsx", [
        ["客户姓名", "联系电话", "来诊日期", "治疗内容", "主治医师"],
        ["褚一", "13400000001", "2026-10-01", "美白", "何医生"],
        ["褚二", "13400000001", "2026-10-02", "美白", "何医生"]])
    set_language("en")
    done = run_import(admin_ctx, ImportRequest(path), dry_run=True)
    columns = {w.column for w in done.warnings}
    assert {"联系电话", "治疗内容", "主治医师"} <= columns
    assert not columns & {"Procedure", "Doctor", "Mobile"}


# -- the command line ---------------------------------------------------------------------------
def cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["--lang", "zh_CN", *argv], out=out, clock=FixedClock(FIXED_NOW))
    return code, out.getvalue()


def test_setup_then_import_with_a_value_mapping_and_values_matched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = str(tmp_path / "clinic")
    sheet = files.xlsx(tmp_path / "legacy.xlsx", [
        ["姓名", "手机", "就诊日期", "治疗项目", "医生", "储值余额"],
        ["蒋一", "13300000001", "2026-10-01", "种植", "李医生", "500"],
        ["蒋二", "13300000002", "2026-10-02", "美白", "张医生", ""],
        ["蒋三", "13300000003", "2026-10-03", "洗牙", "李医生", ""]])
    assert cli("--data-dir", root, "init")[0] == EXIT_OK
    code, _out = cli("--data-dir", root, "import", str(sheet))
    assert code == EXIT_UNUSABLE and "请先运行 clinic-desktop setup" in capsys.readouterr().err
    # No password file and no terminal: refused, nothing set up.
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, _out = cli("--data-dir", root, "setup", "--clinic-name", "阳光口腔", "--admin", "boss")
    assert code == EXIT_UNUSABLE and "--password-file" in capsys.readouterr().err
    (tmp_path / "pw.txt").write_text("s3cret-pass\n", encoding="utf-8")
    code, out = cli("--data-dir", root, "setup", "--clinic-name", "阳光口腔", "--admin", "boss",
                    "--admin-name", "王院长", "--password-file", str(tmp_path / "pw.txt"))
    assert code == EXIT_OK and "阳光口腔" in out
    code, _out = cli("--data-dir", root, "setup", "--clinic-name", "又一家", "--admin", "x",
                     "--password-file", str(tmp_path / "pw.txt"))
    assert code == EXIT_UNUSABLE and "已经设置过" in capsys.readouterr().err
    # Without a mapping the suggestions apply and are listed.
    code, out = cli("--data-dir", root, "import", str(sheet), "--dry-run", "--json")
    result = json.loads(out)
    assert code == EXIT_OK and result["columns_ignored"] == []
    assert result["opening_balances"]["stored_value"] == 500
    assert result["opening_balances"]["stored_value_patients"] == 1
    matched = {(m["column"], m["value"]): (m["action"], m["to"]) for m in result["values_matched"]}
    assert matched[("procedure", "种植")] == ("match", "种植牙")
    assert matched[("procedure", "美白")] == ("new", "美白")
    assert matched[("doctor", "李医生")] == ("inactive", "李医生")
    assert result["tasks_by_plan"]["种植牙随访"] >= 1
    # A mapping naming a procedure the catalogue lacks: refused, nothing written.
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"values": {"procedure": {"种植": "种植体"}}}), encoding="utf-8")
    database = (tmp_path / "clinic" / "clinic.sqlite3").read_bytes()
    code, _out = cli("--data-dir", root, "import", str(sheet), "--mapping", str(bad))
    assert code == EXIT_UNUSABLE and "“种植体”不在项目目录中" in capsys.readouterr().err
    code, out = cli("--data-dir", root, "import", str(sheet), "--mapping", str(bad), "--json")
    refused = json.loads(out)  # a script reading --json gets the reason, not an empty read
    assert code == EXIT_UNUSABLE and refused["exit"] == EXIT_UNUSABLE
    assert "“种植体”不在项目目录中" in refused["error"] and refused["field"] == "mapping"
    assert (tmp_path / "clinic" / "clinic.sqlite3").read_bytes() == database
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"values": {
        "procedure": {"种植": "种植牙", "美白": {"new": "牙齿美白", "category": "修复"}},
        "doctor": {"李医生": {"inactive": "李建国"}, "张医生": {"inactive": "张伟"}}}},
        ensure_ascii=False), encoding="utf-8")
    code, out = cli("--data-dir", root, "import", str(sheet), "--mapping", str(mapping), "--json")
    result = json.loads(out)
    assert code == EXIT_OK and result["procedures_created"] == 1
    assert result["doctors_created"] == 2
    assert all(m["chosen"] for m in result["values_matched"] if m["value"] != "洗牙")
    from clinic_desktop.paths import DataDir
    from clinic_desktop.storage.database import open_database

    db = open_database(DataDir(tmp_path / "clinic"))
    try:
        with db.session() as session:
            assert session.execute(select(ProcedureType.category).where(
                ProcedureType.name == "牙齿美白")).scalar() == "修复"
            assert set(session.execute(select(Staff.display_name).where(
                Staff.active.is_(False))).scalars()) == {"李建国", "张伟"}
            assert session.execute(select(func.count()).select_from(CareTask).where(
                CareTask.plan_key == "implant")).scalar() >= 1
    finally:
        db.close()
    code, out = cli("--data-dir", root, "import", str(sheet), "--dry-run")
    # The stored value is on the card already: the same sheet again opens nothing more.
    assert code == EXIT_OK and "未导入的列" not in out and "期初余额" not in out
    assert "患者：新建 0，合并 3" in out


def test_setup_asks_for_the_password_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    answers = iter(["s3cret-pass", "s3cret-pass"])
    monkeypatch.setattr("sys.stdin", Terminal(""))
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    root = str(tmp_path / "clinic")
    code, _out = cli("--data-dir", root, "setup", "--clinic-name", "阳光口腔", "--admin", "boss")
    assert code == EXIT_OK
    from clinic_desktop.paths import DataDir
    from clinic_desktop.storage.database import open_database

    db = open_database(DataDir(tmp_path / "clinic"))
    try:
        actor = sign_in(db, username="boss", password="s3cret-pass", clock=FixedClock(FIXED_NOW))
        assert actor.display_name == "管理员"
        with db.session() as session:
            assert session.execute(select(func.count()).select_from(ProcedureType)).scalar() \
                == len(DEFAULT_PROCEDURES)
    finally:
        db.close()


# -- the patient form's fields, in the service ----------------------------------------------
def test_emergency_contact_and_referrer_note_are_saved_and_checked(admin_ctx: Context) -> None:
    from clinic_desktop.services.patients import update_patient

    saved = create_patient(admin_ctx, PatientInput(
        name="卫一", mobile="13200000001", emergency_contact=" 卫妈妈 ",
        emergency_phone="13200000002", referrer_note="楼下药店")).patient
    assert (saved.emergency_contact, saved.emergency_phone, saved.referrer_note) == (
        "卫妈妈", "13200000002", "楼下药店")
    with pytest.raises(UserError) as refused:
        update_patient(admin_ctx, saved.id, PatientInput(name="卫一", emergency_contact="长" * 65),
                       version=saved.version)
    assert refused.value.field == "emergency_contact"


def test_a_name_padded_with_spaces_is_the_same_person(admin_ctx: Context, tmp_path: Path) -> None:
    """Sheets pad two-character names to the width of three (张 伟, 张　伟): the same person
    as 张伟 on the same mobile, and the same referrer."""
    path = files.xlsx(tmp_path / "padded.xlsx", [
        ["姓名", "手机", "就诊日期", "治疗项目", "介绍人"],
        ["张伟", "13800000001", "2026-10-01", "洗牙", ""],
        ["张 伟", "１３８００００００01", "2026-10-08", "补牙", ""],
        ["王　芳", "13800000002", "2026-10-09", "洗牙", "张　伟"],
        ["John Smith", "13800000003", "2026-10-10", "洗牙", ""],
    ])
    done = run_import(admin_ctx, ImportRequest(path))
    assert done.patients_created == 3 and done.visits_created == 4
    assert not [w for w in done.warnings if "家属" in w.reason]
    ids = dict(rows_of(admin_ctx, select(Patient.name, Patient.id)))
    assert set(ids) == {"张伟", "王芳", "John Smith"}
    assert scalar(admin_ctx, select(func.count()).select_from(Visit)
                  .where(Visit.patient_id == ids["张伟"])) == 2
    assert scalar(admin_ctx, select(Patient.referred_by_id)
                  .where(Patient.id == ids["王芳"])) == ids["张伟"]


def test_the_patient_form_writes_a_padded_name_as_the_import_does(admin_ctx: Context) -> None:
    made = create_patient(admin_ctx, PatientInput(name=" 欧阳　娜娜 ", mobile="13800000009"))
    assert load_patient(admin_ctx, made.patient.id).name == "欧阳娜娜"
    latin = create_patient(admin_ctx, PatientInput(name="Anna  Lee", mobile="13800000008"))
    assert load_patient(admin_ctx, latin.patient.id).name == "Anna Lee"


def test_other_systems_headers_and_a_mapping_naming_one_column(
        admin_ctx: Context, tmp_path: Path) -> None:
    """客户名称, 处置 and a bare 应收 are recognised (应收 − 实收 is what the visit left
    owing); a mapping file naming one column leaves the others recognised, and "" or null
    keeps a column out."""
    from clinic_desktop.importing.mapping import load_mapping_file
    from clinic_desktop.services.loyalty.balances import balances_of
    path = files.xlsx(tmp_path / "his.xlsx", [
        ["客户名称", "手机", "日期", "处置", "应收", "实收", "备注"],
        ["吴敏", "13900000001", "2026-11-10", "种植", 3000, 2000, "老客户"],
        ["郑爽", "13900000002", "2026-11-11", "洗牙", 300, 300, ""],
    ])
    done = run_import(admin_ctx, ImportRequest(path))
    assert done.columns_ignored == ()
    ids = dict(rows_of(admin_ctx, select(Patient.name, Patient.id)))
    assert balances_of(admin_ctx, ids["吴敏"]).owed == 1000
    assert balances_of(admin_ctx, ids["郑爽"]).owed == 0
    assert dict(rows_of(admin_ctx, select(Treatment.procedure_name, Treatment.amount))) == {
        "种植牙": 3000, "超声洁牙": 300}
    assert dict(done.tasks_by_plan).get("种植牙随访", 0) > 0

    other = tmp_path / "other.xlsx"
    files.xlsx(other, [["顾客", "手机", "日期", "处置", "备注"],
                       ["钱多多", "13900000003", "2026-11-12", "补牙", "不要导入"]])
    (tmp_path / "map.json").write_text(json.dumps(
        {"columns": {"顾客": "name", "备注": None}}, ensure_ascii=False), encoding="utf-8")
    columns = load_mapping_file(tmp_path / "map.json").columns
    assert columns == {"顾客": "name", "备注": ""}
    second = run_import(admin_ctx, ImportRequest(other, profile=columns))
    assert second.patients_created == 1 and second.visits_created == 1
    assert second.columns_ignored == ("备注",)
    assert scalar(admin_ctx, select(Patient.notes).where(Patient.name == "钱多多")) == ""


def test_the_first_visit_is_the_earliest_one_known(admin_ctx: Context, tmp_path: Path) -> None:
    """首诊日期 from the file, from the file's visits or on file: the earliest wins, whatever
    the order the sheets are imported in, and none of them is reported as a disagreement."""
    def first_visit(name: str) -> date | None:
        return scalar(admin_ctx, select(Patient.first_visit_date).where(Patient.name == name))

    visits = files.xlsx(tmp_path / "visits.xlsx", [
        ["姓名", "手机", "就诊日期", "治疗项目", "首诊日期"],
        ["林小红", "13700000001", "2026-11-06", "洗牙", ""],
        ["孙三", "13700000002", "2026-03-01", "洗牙", "2026-06-01"],
        ["孙三", "13700000002", "2026-04-01", "补牙", "2026-05-01"],
    ])
    run_import(admin_ctx, ImportRequest(visits))
    assert first_visit("林小红") == date(2026, 11, 6) and first_visit("孙三") == date(2026, 3, 1)
    older = files.xlsx(tmp_path / "older.xlsx", [["姓名", "手机", "就诊日期", "治疗项目"],
                                                 ["林小红", "13700000001", "2026-05-06", "补牙"]])
    done = run_import(admin_ctx, ImportRequest(older))
    assert first_visit("林小红") == date(2026, 5, 6) and not done.warnings
    members = files.xlsx(tmp_path / "members.xlsx", [["姓名", "手机", "建档日期"],
                                                     ["林小红", "13700000001", "2020-01-01"],
                                                     ["孙三", "13700000002", "2026-10-01"]])
    done = run_import(admin_ctx, ImportRequest(members))
    assert first_visit("林小红") == date(2020, 1, 1) and first_visit("孙三") == date(2026, 3, 1)
    assert not [w for w in done.warnings if w.column == "建档日期"]
    undo_import(admin_ctx, done.batch_id or 0)
    assert first_visit("林小红") == date(2026, 5, 6)


def test_a_profile_saved_before_it_listed_its_left_out_columns_keeps_them_out() -> None:
    from clinic_desktop.importing.mapping import (
        is_complete_profile,
        mapping_from_profile,
        profile_from_mapping,
    )
    labels = ["姓名", "手机", "余额"]
    old = {"姓名": "name", "手机": "mobile"}  # 余额 deliberately left out, not listed
    assert not is_complete_profile(old)
    assert mapping_from_profile(labels, old, others=False) == {0: "name", 1: "mobile"}
    assert mapping_from_profile(labels, old) == {0: "name", 1: "mobile", 2: "stored_value"}
    new = profile_from_mapping(labels, {0: "name", 1: "mobile"})
    assert new == {"姓名": "name", "手机": "mobile", "余额": ""} and is_complete_profile(new)
    assert mapping_from_profile(labels, new) == {0: "name", 1: "mobile"}
