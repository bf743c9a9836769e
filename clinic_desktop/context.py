"""The Context every service call takes: database, acting user, clock.

A service function looks like::

    def add_chair(ctx: Context, *, name: str) -> ChairInfo:
        ctx.require(Permission.CHAIRS_MANAGE)
        with ctx.transaction(write=True) as session:
            ...                      # one unit of work
            ctx.audit(session, "chair.add", "chair", chair.id, name)
        return ChairInfo(...)        # a frozen dataclass, never an ORM object
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from clinic_desktop.changes import ChangeLog, ChangeSet
from clinic_desktop.clock import Clock
from clinic_desktop.errors import PermissionDenied
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission, Role, has_permission
from clinic_desktop.storage.database import Database


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in staff member, or the system (scheduler, CLI maintenance)."""

    staff_id: int | None
    username: str
    display_name: str
    role: Role


SYSTEM_ACTOR = Actor(staff_id=None, username="system", display_name="系统", role=Role.ADMINISTRATOR)


@dataclass(kw_only=True)
class Context:
    """One caller's view of the clinic. ``clock`` has no default on purpose: every entry point
    (the GUI's start-up, the CLI's ``main``, the scheduler, a test) says which clock it runs
    on, so nothing silently depends on today's date."""

    db: Database
    clock: Clock
    actor: Actor = SYSTEM_ACTOR
    # Everything this context's transactions committed (see ``clinic_desktop.changes``).
    log: ChangeLog = field(default_factory=ChangeLog, compare=False, repr=False)

    def now(self) -> datetime:
        return self.clock.now()

    def can(self, permission: Permission) -> bool:
        return has_permission(self.actor.role, permission)

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            raise PermissionDenied(
                _("{user} 没有权限执行此操作（需要权限：{permission}）。",
                  user=self.actor.display_name, permission=permission.value)
            )

    @contextmanager
    def transaction(self, *, write: bool = False) -> Iterator[Session]:
        """One unit of work. Say ``write=True`` when it will change anything: it then starts
        holding the write lock, so what it reads before writing (a clash, the next code, the
        audit chain's tail) cannot change under it. A read transaction refuses to write."""
        with self.db.session(write=write, on_commit=self.log.record) as session:
            yield session

    @property
    def changes(self) -> ChangeSet:
        """What this context's committed writes changed so far."""
        return self.log.changes

    def fork(self) -> Context:
        """The same user and clock with a change log of its own: one per operation, so an
        operation's change set holds only what it did."""
        return Context(db=self.db, actor=self.actor, clock=self.clock)

    def audit(
        self, session: Session, action: str, entity: str, entity_id: object | None,
        summary: str = "",
    ) -> None:
        """Append an audit entry inside the caller's transaction."""
        from clinic_desktop.services.audit import append_entry

        append_entry(
            session, trail=self.db.audit_trail, at=self.now(), actor=self.actor, action=action,
            entity=entity,
            entity_id=None if entity_id is None else str(entity_id), summary=summary,
        )

    def as_actor(self, actor: Actor) -> Context:
        return Context(db=self.db, actor=actor, clock=self.clock)
