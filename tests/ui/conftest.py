"""GUI test fixtures: a real clinic in a temp folder, Chinese UI, deterministic tasks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Actor, Context
from clinic_desktop.paths import DataDir
from clinic_desktop.services.auth import setup_clinic
from clinic_desktop.services.clinic import read_clinic
from clinic_desktop.storage.database import Database, open_database
from tests.conftest import FIXED_NOW, ClinicTemplates
from ui.app import apply_style
from ui.app_services import AppServices
from ui.i18n import install_language
from ui.main_window import MainWindow
from ui.tasks import TaskManager

PASSWORD = "s3cret-pass"


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path_factory: pytest.TempPathFactory, qapp: QApplication) -> None:
    """QSettings (geometry, language) go to a temp folder, never the developer's own."""
    # Windows the last test closed are deleted now, not at the end of the session: every
    # widget still alive is re-polished and re-translated by the next test's set-up.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.setOrganizationName("ClinicDesktopTests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path_factory.mktemp("settings")))
    install_language(qapp, "zh_CN")
    apply_style(qapp)


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Static message boxes record (kind, text) instead of blocking the test."""
    seen: list[tuple[str, str]] = []

    def recorder(kind: str, answer: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok):
        def show(_parent: object, _title: str, text: str, *args: object) -> object:
            seen.append((kind, text))
            return answer
        return show

    monkeypatch.setattr(QMessageBox, "warning", recorder("warning"))
    monkeypatch.setattr(QMessageBox, "information", recorder("information"))
    monkeypatch.setattr(QMessageBox, "critical", recorder("critical"))
    monkeypatch.setattr(QMessageBox, "question", recorder("question",
                                                          QMessageBox.StandardButton.Yes))
    monkeypatch.setattr(QMessageBox, "exec", lambda self: seen.append(("box", self.text())))
    return seen


@pytest.fixture
def clinic_dir(tmp_path: Path) -> DataDir:
    return DataDir(tmp_path / "clinic")


@pytest.fixture
def clinic_db(clinic_dir: DataDir, fixed_clock: FixedClock,
              clinic_templates: ClinicTemplates) -> Iterator[tuple[Database, Actor]]:
    actor = None
    if fixed_clock.now() == FIXED_NOW:
        actor = clinic_templates.copy_into(clinic_dir, "仁爱口腔")
    db = open_database(clinic_dir, now=fixed_clock.now())
    if actor is None:
        actor = setup_clinic(db, clinic_name="仁爱口腔", timezone="Asia/Shanghai",
                             admin_username="admin", admin_display_name="王院长",
                             password=PASSWORD, clock=fixed_clock)
    yield db, actor
    db.close()


@pytest.fixture
def services(clinic_db: tuple[Database, Actor], fixed_clock: FixedClock) -> AppServices:
    """The signed-in administrator on the fixed clock (Tuesday 2026-11-24, 10:00 in Shanghai):
    no GUI test depends on the day it runs."""
    db, actor = clinic_db
    return AppServices(Context(db=db, actor=actor, clock=fixed_clock),
                       TaskManager(synchronous=True), read_clinic(db))


@pytest.fixture
def window(qtbot: object, services: AppServices) -> MainWindow:
    win = MainWindow(services)
    qtbot.addWidget(win)  # type: ignore[attr-defined]
    return win


@pytest.fixture(params=["zh_CN", "en"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    """The test once in Chinese and once in English (the fit tests)."""
    install_language(qapp, request.param)
    yield request.param
    install_language(qapp, "zh_CN")
