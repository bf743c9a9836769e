"""The message channel settings: the mail security mode, the clinic's CA file, and refusals
shown beside the field that caused them."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from clinic_desktop.services import messages
from ui.app_services import AppServices
from ui.pages.messages_page import ChannelsDialog


@pytest.fixture
def dialog(qtbot: QtBot, services: AppServices) -> ChannelsDialog:
    widget = ChannelsDialog(services)
    qtbot.addWidget(widget)
    return widget


def _ca_pem(folder: Path) -> Path:
    cert = folder / "clinic-ca.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(folder / "ca.key"),
                    "-out", str(cert), "-days", "30", "-subj", "/CN=Clinic CA"],
                   check=True, capture_output=True)
    return cert


def test_plain_text_to_another_host_is_refused_beside_the_security_mode(
    dialog: ChannelsDialog, services: AppServices
) -> None:
    dialog.host.setText("smtp.example.com")
    dialog.security.setCurrentIndex(dialog.security.findData("none"))
    dialog.submit()
    assert dialog.errors.marked is dialog.security and "不在本机" in dialog.errors.text
    assert dialog.host.text() == "smtp.example.com"  # what was typed is kept
    assert messages.read_channels(services.ctx).smtp_host == ""


def test_the_ca_file_is_chosen_checked_and_saved(
    dialog: ChannelsDialog, services: AppServices, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    chosen = [str(tmp_path / "missing.pem")]
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *args: (chosen[0], "证书 (*.pem *.crt *.cer)"))
    dialog.browse_ca_file()
    assert dialog.ca_file.text() == chosen[0]
    dialog.submit()
    assert dialog.errors.marked is dialog.ca_file and "找不到 CA 证书文件" in dialog.errors.text
    chosen[0] = str(_ca_pem(tmp_path))
    dialog.browse_ca_file()
    dialog.host.setText("mail.clinic.lan")
    dialog.from_address.setText("clinic@example.com")
    dialog.security.setCurrentIndex(dialog.security.findData("ssl"))
    dialog.submit()
    saved = messages.read_channels(services.ctx)
    assert (saved.smtp_security, saved.smtp_port, saved.ca_file) == ("ssl", 465, chosen[0])


def test_the_port_follows_the_mode_unless_typed(dialog: ChannelsDialog) -> None:
    assert (dialog.security.currentData(), dialog.port.value()) == ("starttls", 587)
    dialog.security.setCurrentIndex(dialog.security.findData("ssl"))
    assert dialog.port.value() == 465
    dialog.port.setValue(2465)
    dialog.security.setCurrentIndex(dialog.security.findData("starttls"))
    assert dialog.port.value() == 2465


def test_an_unencrypted_gateway_is_refused_and_the_dialog_fits(dialog: ChannelsDialog) -> None:
    dialog.sms_url.setText("http://sms.example.com/send?apikey=SECRET")
    dialog.submit()
    assert dialog.errors.marked is dialog.sms_url and "https://" in dialog.errors.text
    assert "SECRET" not in dialog.errors.text
    dialog.show()
    size = dialog.sizeHint()
    assert size.width() <= 1280 and size.height() <= 650
