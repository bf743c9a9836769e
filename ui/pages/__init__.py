"""The page registry: each area adds its page here, the main window shows the allowed ones."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QStyle, QWidget

from clinic_desktop.permissions import Permission
from ui.app_services import AppServices


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: Callable[[], str]  # called after the translator is installed
    icon: QStyle.StandardPixmap
    permission: Permission | None
    factory: Callable[[AppServices], QWidget]
    order: int = 100


def all_pages() -> list[PageSpec]:
    """Imported lazily so that a page's heavy imports cost nothing until it is needed."""
    from ui.calendar import page as calendar_page
    from ui.pages import (
        admin_page,
        audit_page,
        callbacks_page,
        care_plans_page,
        dashboard_page,
        import_page,
        lists_page,
        loyalty_page,
        messages_page,
        patients_page,
        reports_page,
        segments_page,
    )

    specs = [calendar_page.SPEC, patients_page.SPEC, callbacks_page.SPEC, messages_page.SPEC,
             lists_page.SPEC, dashboard_page.SPEC, reports_page.SPEC, loyalty_page.SPEC,
             segments_page.SPEC, care_plans_page.SPEC, import_page.SPEC, admin_page.SPEC,
             audit_page.SPEC]
    return sorted(specs, key=lambda spec: spec.order)


def pages_for(services: AppServices) -> list[PageSpec]:
    return [p for p in all_pages() if p.permission is None or services.can(p.permission)]
