"""Merge English translations into resources/i18n/core_en.json: add_translations.py FILE.json"""

from __future__ import annotations

import json
import sys

from tools.core_messages import CATALOG, load_catalog


def main(path: str) -> int:
    with open(path, encoding="utf-8") as handle:
        new: dict[str, str] = json.load(handle)
    catalog = load_catalog() | {k: v for k, v in new.items() if v}
    CATALOG.write_text(json.dumps(catalog, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
