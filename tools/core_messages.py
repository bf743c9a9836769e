"""Keep resources/i18n/core_en.json in step with the core's ``_("...")`` messages.

    python tools/core_messages.py check     # exit 1 and list messages with no English
    python tools/core_messages.py missing   # print a JSON skeleton of the missing ones
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "resources" / "i18n" / "core_en.json"


def core_messages(root: Path = ROOT / "clinic_desktop") -> dict[str, str]:
    """Every literal passed to ``_()`` in the core, with the first place it appears."""
    found: dict[str, str] = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "_" and node.args
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
            ):
                found.setdefault(node.args[0].value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def load_catalog() -> dict[str, str]:
    if not CATALOG.exists():
        return {}
    data: dict[str, str] = json.loads(CATALOG.read_text(encoding="utf-8"))
    return data


def missing() -> dict[str, str]:
    catalog = load_catalog()
    return {m: where for m, where in core_messages().items() if not catalog.get(m)}


def main(argv: list[str]) -> int:
    gaps = missing()
    if argv[1:] == ["missing"]:
        print(json.dumps({m: "" for m in gaps}, ensure_ascii=False, indent=1))
        return 0
    for message, where in gaps.items():
        print(f"{where}: no English for {message!r}")
    return 1 if gaps else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
