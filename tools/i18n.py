"""UI translations: Chinese source strings in ui/, English in resources/i18n/ui_en.ts/.qm.

    python tools/i18n.py update    # lupdate: add new strings to the .ts (keeps translations)
    python tools/i18n.py release   # lrelease: compile the .ts into the shipped .qm
    python tools/i18n.py check     # exit 1 and list strings without an English translation
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "resources" / "i18n" / "ui_en.ts"
QM = TS.with_suffix(".qm")


def _tool(name: str) -> str:
    found = shutil.which(f"pyside6-{name}") or shutil.which(
        f"pyside6-{name}", path=str(Path(sys.executable).parent))
    if found is None:
        raise SystemExit(f"pyside6-{name} not found: install PySide6-Essentials")
    return found


def sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "ui").rglob("*.py"))


def update(ts: Path = TS) -> None:
    subprocess.run([_tool("lupdate"), "-no-obsolete", "-source-language", "zh_CN",
                    "-target-language", "en", *sources(), "-ts", str(ts)],
                   check=True, cwd=ROOT, capture_output=True)


def release(target: Path = QM) -> None:
    subprocess.run([_tool("lrelease"), "-silent", str(TS), "-qm", str(target)], check=True,
                   cwd=ROOT)


def untranslated(ts: Path = TS) -> list[tuple[str, str]]:
    """(context, source) of every message with no finished English text."""
    missing = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is None or translation.get("type") in ("unfinished", "vanished") \
                    or not (translation.text or "").strip():
                if translation is not None and translation.get("type") in ("vanished",
                                                                           "obsolete"):
                    continue
                missing.append((name, message.findtext("source") or ""))
    return missing


def fill(glossary: dict[str, str], ts: Path = TS) -> int:
    """Give every unfinished message whose source is in ``glossary`` its English text.
    A key ``"Context::source"`` applies to that class's message only (the same Chinese word
    can need two English ones: 预约 the page, 预约 the button)."""
    tree = ET.parse(ts)
    filled = 0
    for context in tree.getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            source = message.findtext("source") or ""
            english = glossary.get(f"{name}::{source}") or glossary.get(source)
            if translation is not None and translation.get("type") == "unfinished" and english:
                translation.text = english
                del translation.attrib["type"]
                filled += 1
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    return filled


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "update":
        update()
    elif command == "release":
        release()
    elif command == "fill":
        import json

        print(f"filled {fill(json.loads(Path(argv[2]).read_text(encoding='utf-8')))}")
    gaps = untranslated()
    for context, source in gaps:
        print(f"{context}: no English for {source!r}")
    return 1 if gaps and command == "check" else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
