"""A server clinic keeps attachments in one shared folder, named in its settings: without it
an attachment is refused with where to set it; a folder that is not there, not absolute or
not writable is refused naming the field; once set, files go there (the hash in the
database), and the panel finds them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.services.attachments import (
    add_attachment,
    attachment_content,
    set_shared_folder,
    shared_folder,
)
from clinic_desktop.services.audit import recent_entries
from clinic_desktop.services.auth import setup_clinic
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.storage.database import open_database
from tests.conftest import FIXED_NOW

pytestmark = pytest.mark.postgresql


@pytest.fixture
def server_ctx(pg_url: str) -> Iterator[Context]:
    db = open_database(url=pg_url, now=FIXED_NOW)  # a clinic set up on the server itself
    actor = setup_clinic(db, clinic_name="仁爱口腔", timezone="Asia/Shanghai",
                         admin_username="admin", admin_display_name="王院长",
                         password="s3cret-pass", clock=FixedClock(FIXED_NOW))
    yield Context(db=db, actor=actor, clock=FixedClock(FIXED_NOW))
    db.close()


def test_attachments_wait_for_the_shared_folder(server_ctx: Context, tmp_path: Path) -> None:
    pid = create_patient(server_ctx, PatientInput(name="张三", mobile="13800138000")).patient.id
    scan = tmp_path / "xray-46.png"
    scan.write_bytes(b"\x89PNG x-ray")
    with pytest.raises(UserError) as refused:
        add_attachment(server_ctx, pid, scan)
    assert "设置 → 附件文件夹" in str(refused.value)
    for bad, says in (("", "完整路径"), ("attachments", "完整路径"),
                      (str(tmp_path / "missing"), "不存在")):
        with pytest.raises(UserError) as refused:
            set_shared_folder(server_ctx, bad)
        assert refused.value.field == "folder" and says in str(refused.value), bad
    assert shared_folder(server_ctx) is None
    share = tmp_path / "share"
    share.mkdir()
    assert set_shared_folder(server_ctx, str(share)) == str(share)
    info = add_attachment(server_ctx, pid, scan)
    assert info.path.is_relative_to(share) and attachment_content(server_ctx, info.id) == \
        b"\x89PNG x-ray"
    assert not list(share.glob(".clinic-desktop-write-test-*"))  # the probe is gone
    assert recent_entries(server_ctx, limit=5)[1].action == "settings.attachments_folder"


def test_a_folder_this_workstation_cannot_write_is_refused(server_ctx: Context) -> None:
    # /proc takes no new files, not even from root (the tests often run as root).
    with pytest.raises(UserError) as refused:
        set_shared_folder(server_ctx, "/proc")
    assert refused.value.field == "folder" and "无法在文件夹 /proc 中写入" in str(refused.value)
    assert shared_folder(server_ctx) is None
