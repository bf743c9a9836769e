"""The wheel carries the migrations and resources: install it for real and run ``init``.

The third-party dependencies are borrowed from the test venv through a plain path entry (no
re-download of PySide6 on every run); the app itself comes only from the installed wheel,
and the command runs outside the checkout so the source tree cannot stand in for it.
"""

from __future__ import annotations

import os
import site
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_wheel_installs_and_initialises_a_clinic(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(wheels), str(ROOT)],
        check=True, cwd=tmp_path,
    )
    wheel = next(wheels.glob("clinic_desktop-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "clinic_desktop/migrations/env.py" in names
    assert any(n.startswith("clinic_desktop/migrations/versions/20261124_01") for n in names)
    assert "clinic_desktop/resources/i18n/core_en.json" in names
    assert "clinic_desktop/resources/passwords/common_passwords.txt" in names
    assert "ui/app.py" in names
    # Every source package is listed in pyproject's explicit package list.
    for init in [*ROOT.glob("clinic_desktop/**/__init__.py"), *ROOT.glob("ui/**/__init__.py")]:
        assert str(init.relative_to(ROOT)) in names, f"{init.parent} missing from pyproject"

    target = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    bin_dir = target / ("Scripts" if os.name == "nt" else "bin")
    purelib = subprocess.run(
        [str(bin_dir / "python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", purelib,
         str(wheel)],
        check=True,
    )
    # Appended after the venv's own site-packages, without running that folder's .pth files
    # (which would re-enable the editable checkout).
    Path(purelib, "borrowed-deps.pth").write_text(site.getsitepackages()[0] + "\n")

    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    result = subprocess.run(
        [str(bin_dir / "python"), "-c",
         "import clinic_desktop, sys; print(clinic_desktop.__file__);"
         "from clinic_desktop.cli import main; sys.exit(main(['--lang', 'en', '--data-dir', "
         f"{str(data)!r}, 'init']))"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith(purelib)
    assert "Database ready" in result.stdout
    assert (data / "clinic.sqlite3").exists()
