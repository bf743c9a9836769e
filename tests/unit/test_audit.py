"""The hash-chained audit log catches rows altered outside the app."""

from __future__ import annotations

from sqlalchemy import text

from clinic_desktop.context import Context
from clinic_desktop.services import chairs
from clinic_desktop.services.audit import recent_entries, verify_chain
from tests.unit.test_audit_chain import past_the_app


def test_every_change_is_attributed_and_chained(admin_ctx: Context) -> None:
    chairs.add_chair(admin_ctx, name="1号椅位")
    entries = recent_entries(admin_ctx, limit=5)
    assert entries[0].action == "chair.add" and entries[0].username == "admin"
    with admin_ctx.db.session() as session:
        report = verify_chain(session, admin_ctx.db.audit_trail)
    assert report.ok and report.entries == len(recent_entries(admin_ctx))


def test_an_edited_or_deleted_row_is_named(admin_ctx: Context) -> None:
    for name in ("1号椅位", "2号椅位", "3号椅位"):
        chairs.add_chair(admin_ctx, name=name)
    admin_ctx.db.close()
    # edited past the app, as a database tool would
    with past_the_app(admin_ctx) as connection:
        target = connection.execute(text(
            "SELECT id FROM audit_entry WHERE summary = '2号椅位'")).scalar_one()
        connection.execute(text("UPDATE audit_entry SET summary = '9号椅位' WHERE id = :id"),
                           {"id": target})
    with admin_ctx.db.session() as session:
        report = verify_chain(session, admin_ctx.db.audit_trail)
    assert report.first_bad_id == target and not report.ok
    with past_the_app(admin_ctx) as connection:
        connection.execute(text("UPDATE audit_entry SET summary = '2号椅位' WHERE id = :id"),
                           {"id": target})
        connection.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": target})
    with admin_ctx.db.session() as session:
        assert verify_chain(session, admin_ctx.db.audit_trail).first_bad_id == target + 1
