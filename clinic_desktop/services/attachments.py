"""Attachments (X-rays, photos, PDFs, scans) copied into the data folder by content hash.

The copy is the record: once added, moving or deleting the original changes nothing. The
same content is stored once however many times it is attached.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.errors import NotFound, UserError
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.services.clinic import read_setting, write_setting
from clinic_desktop.services.patients import get_patient
from clinic_desktop.storage.blob_crypto import BlobUnreadable, read_blob, write_blob
from clinic_desktop.storage.database import Database
from clinic_desktop.storage.models.engagement import Attachment

KINDS = ("xray", "photo", "pdf", "scan", "other")
MAX_BYTES = 200 * 1024 * 1024


def kind_label(kind: str) -> str:
    return {"xray": _("X光片"), "photo": _("照片"), "pdf": _("PDF"), "scan": _("扫描件"),
            "other": _("其他")}.get(kind, kind)


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    patient_id: int
    original_name: str
    size: int
    mime: str
    kind: str
    caption: str
    added_at: datetime
    path: Path

    @property
    def is_image(self) -> bool:
        return self.mime.startswith("image/")


# On a server the files live in a folder every workstation reaches (set by ``migrate-to``
# --attachments, or in 设置): the database holds only their hashes.
SHARED_FOLDER_SETTING = "attachments.folder"


def store_root_in(session: Session, db: Database) -> Path | None:
    """Where the attachments' files are: on a server the folder every workstation shares
    (there is no data folder), else the data folder's; None when a server has none yet."""
    if not db.is_sqlite:
        shared = read_setting(session, SHARED_FOLDER_SETTING, None)
        if shared:
            return Path(shared)
    return db.data_dir.attachments if db.data_dir is not None else None


def _store_root(ctx: Context) -> Path:
    with ctx.transaction() as session:
        root = store_root_in(session, ctx.db)
    if root is None:
        raise UserError(_("附件要放在各工作站都能访问的共享文件夹：请管理员在“设置 → 附件文件夹…”"
                          "中指定。"), field="folder")
    return root


def shared_folder(ctx: Context) -> str | None:
    """The folder every workstation keeps the clinic's attachments in (a server clinic's)."""
    ctx.require(Permission.PATIENT_VIEW)
    with ctx.transaction() as session:
        shared = read_setting(session, SHARED_FOLDER_SETTING, None)
    return str(shared) if shared else None


def set_shared_folder(ctx: Context, folder: str) -> str:
    """Name the shared attachments folder, after checking this workstation can write there.
    Files already stored stay where they are (copy them over first when moving)."""
    ctx.require(Permission.SETTINGS_MANAGE)
    path = Path(folder.strip()).expanduser()
    if not folder.strip() or not path.is_absolute():
        raise UserError(_("请填写共享文件夹的完整路径（例如 \\\\fileserver\\clinic\\attachments"
                          " 或 /mnt/clinic/attachments）。"), field="folder")
    if not path.is_dir():
        raise UserError(_("文件夹 {path} 不存在，或这台电脑无法访问。", path=path), field="folder")
    probe = path / f".clinic-desktop-write-test-{os.getpid()}"
    try:
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        raise UserError(_("无法在文件夹 {path} 中写入：{reason}", path=path,
                          reason=exc.strerror or exc), field="folder") from exc
    with ctx.transaction(write=True) as session:
        write_setting(session, SHARED_FOLDER_SETTING, str(path))
        ctx.audit(session, "settings.attachments_folder", "setting", SHARED_FOLDER_SETTING,
                  str(path))
    return str(path)


def blob_path(root: Path, sha256: str) -> Path:
    return root / sha256[:2] / sha256


def guess_kind(path: Path, mime: str) -> str:
    if mime == "application/pdf":
        return "pdf"
    if mime.startswith("image/"):
        return "xray" if any(k in path.name.lower() for k in ("xray", "x光", "片", "ct")) \
            else "photo"
    return "other"


def add_attachment(ctx: Context, patient_id: int, source: Path, *, kind: str | None = None,
                   caption: str = "") -> AttachmentInfo:
    ctx.require(Permission.PATIENT_EDIT)
    if not source.is_file():
        raise UserError(_("文件 {name} 不存在或无法读取。", name=source.name), field="file")
    size = source.stat().st_size
    if size > MAX_BYTES:
        raise UserError(_("文件 {name} 太大（超过 200 MB）。", name=source.name), field="file")
    try:
        content = source.read_bytes()
    except OSError as exc:
        raise UserError(_("无法读取文件 {name}：{reason}", name=source.name,
                          reason=exc.strerror), field="file") from exc
    sha = hashlib.sha256(content).hexdigest()
    mime = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
    kind = kind or guess_kind(source, mime)
    if kind not in KINDS:
        raise UserError(_("附件类型无效。"), field="kind")
    root = _store_root(ctx)
    target = blob_path(root, sha)
    if not target.exists():
        # Sealed (AES-GCM) when the clinic is encrypted; never half-written under its name.
        write_blob(target, content, ctx.db.attachment_key)
    with ctx.transaction(write=True) as session:
        get_patient(session, patient_id)
        # A merge of two records that each had the file leaves the patient two rows of the
        # same content: the first one stands for both.
        existing = session.execute(select(Attachment).where(
            Attachment.patient_id == patient_id, Attachment.sha256 == sha)
            .order_by(Attachment.id).limit(1)).scalar_one_or_none()
        row = existing or Attachment(
            patient_id=patient_id, sha256=sha, original_name=source.name, size=size, mime=mime,
            kind=kind, caption=caption.strip(), added_at=ctx.now(),
            added_by=ctx.actor.staff_id)
        if existing is None:
            session.add(row)
            session.flush()
            ctx.audit(session, "attachment.add", "patient", patient_id, source.name)
        return _info(row, root)


def _info(row: Attachment, root: Path) -> AttachmentInfo:
    return AttachmentInfo(row.id, row.patient_id, row.original_name, row.size, row.mime,
                          row.kind, row.caption, row.added_at, blob_path(root, row.sha256))


def attachments_of(ctx: Context, patient_id: int) -> list[AttachmentInfo]:
    ctx.require(Permission.CLINICAL_VIEW)
    root = _store_root(ctx)
    with ctx.transaction() as session:
        rows = session.execute(select(Attachment).where(Attachment.patient_id == patient_id)
                               .order_by(Attachment.added_at.desc())).scalars()
        return [_info(r, root) for r in rows]


def _load(ctx: Context, attachment_id: int) -> AttachmentInfo:
    root = _store_root(ctx)
    with ctx.transaction() as session:
        row = session.get(Attachment, attachment_id)
        if row is None:
            raise NotFound(_("该附件已不存在。"))
        return _info(row, root)


def attachment_content(ctx: Context, attachment_id: int) -> bytes:
    """The attachment's plain bytes (decrypted when the clinic is encrypted)."""
    ctx.require(Permission.CLINICAL_VIEW)
    attachment = _load(ctx, attachment_id)
    try:
        return read_blob(attachment.path, ctx.db.attachment_keys)
    except FileNotFoundError as exc:
        raise NotFound(_("附件文件 {name} 不在数据文件夹中（可从备份恢复）。",
                         name=attachment.original_name)) from exc
    except BlobUnreadable as exc:
        raise UserError(_("附件 {name} 无法解密：文件已损坏或不属于这家诊所。",
                          name=attachment.original_name)) from exc


def viewable_copy(ctx: Context, attachment_id: int) -> Path:
    """A plain copy under its original name for the system's viewer, in a folder only this
    user can read that is emptied when the program exits (the stored file may be encrypted,
    and has no extension a viewer would recognise)."""
    content = attachment_content(ctx, attachment_id)
    attachment = _load(ctx, attachment_id)
    folder = _viewing_folder() / str(attachment.id)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = folder / Path(attachment.original_name).name
    target.write_bytes(content)
    target.chmod(0o600)
    return target


_viewing: tempfile.TemporaryDirectory[str] | None = None


def _viewing_folder() -> Path:
    global _viewing
    if _viewing is None:
        _viewing = tempfile.TemporaryDirectory(prefix="clinic-desktop-view-")
        os.chmod(_viewing.name, 0o700)
    return Path(_viewing.name)


def remove_attachment(ctx: Context, attachment_id: int) -> None:
    """Unlink the record; the stored file goes only when nothing else refers to it."""
    ctx.require(Permission.PATIENT_EDIT)
    ctx.require(Permission.CLINICAL_EDIT)  # X-rays and photos are clinical records
    root = _store_root(ctx)
    with ctx.transaction(write=True) as session:
        row = session.get(Attachment, attachment_id)
        if row is None:
            raise NotFound(_("该附件已不存在。"))
        session.delete(row)
        session.flush()
        others = session.execute(select(func.count(Attachment.id)).where(
            Attachment.sha256 == row.sha256)).scalar_one()
        ctx.audit(session, "attachment.remove", "patient", row.patient_id, row.original_name)
    if others == 0:
        blob_path(root, row.sha256).unlink(missing_ok=True)
