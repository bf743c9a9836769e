"""The two kinds of failure: what a person can fix (UserError) and bugs (everything else).

A ``UserError`` carries a finished sentence in the user's language and, where it is about a
form, the name of the field, so the GUI can put the message beside that field and keep what
was typed. Anything that is not a ``UserError`` is a bug: logged with its traceback and
shown in the crash dialog.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can understand and fix; ``field`` names the form field, if any."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class PermissionDenied(UserError):
    """The acting user's role does not allow this operation."""


class NotFound(UserError):
    """The record asked for does not exist (any more)."""


class ConcurrentEdit(UserError):
    """Someone else saved the record first; the caller must reload."""


class AuthenticationFailed(UserError):
    """Wrong username or password, or a locked or inactive account."""


class EnvironmentProblem(UserError):
    """The data folder or database cannot be used; the CLI exits with code 2."""


class AlreadyRunning(EnvironmentProblem):
    """Another Clinic Desktop process holds the data folder's lock."""


class SchemaTooNew(EnvironmentProblem):
    """The database was written by a newer version of the app."""


class DatabaseUnusable(EnvironmentProblem):
    """The file is not a database, or is damaged."""


class KeyRequired(DatabaseUnusable):
    """The database is encrypted and this PC holds no key for it (``passphrase``: the data
    folder keeps the key wrapped with a passphrase the caller may ask for)."""

    def __init__(self, message: str, *, passphrase: bool = False) -> None:
        super().__init__(message)
        self.passphrase = passphrase


class UpgradeFailed(EnvironmentProblem):
    """A schema upgrade failed; the database was left exactly as it was before the attempt."""


class DatabaseBusy(UserError):
    """Another workstation, the scheduler or an import held the write lock past the timeout."""


def os_error_sentence(error: OSError) -> str:
    """What a person reads when a file cannot be written or read (a full disk, a read-only
    folder, a file that went away): the file, and what to do."""
    import errno

    from clinic_desktop.i18n import _

    path = error.filename or ""
    reason = error.strerror or str(error)
    if error.errno == errno.ENOSPC:
        return _("磁盘已满，无法写入 {path}：请清理磁盘空间后再试。", path=path)
    if error.errno == errno.EROFS:
        return _("{path} 所在的磁盘是只读的，无法写入。", path=path)
    if error.errno in (errno.EACCES, errno.EPERM):
        return _("没有权限读写 {path}（{reason}）。", path=path, reason=reason)
    if error.errno == errno.ENOENT:
        return _("找不到 {path}。", path=path)
    return _("无法读写 {path}：{reason}。", path=path, reason=reason)
