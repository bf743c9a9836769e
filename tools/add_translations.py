"""Merge English translations into resources/i18n/core_en.json: add_translations.py FILE.json"""

from __future__ import annotations

import json
import sys

from tools.core_messages import CATALOG, load_catalog


def main(path: str) -> int:
    """Adds the new messages only: an English text already in the catalogue is kept (a
    helper's file once renamed 周一 "Mon" everywhere); differing proposals are listed so a
    deliberate change is made by hand."""
    with open(path, encoding="utf-8") as handle:
        new: dict[str, str] = json.load(handle)
    catalog = load_catalog()
    for key, english in new.items():
        if not english:
            continue
        if key not in catalog:
            catalog[key] = english
        elif catalog[key] != english:
            print(f"kept {key!r}: {catalog[key]!r} (proposed {english!r})")
    CATALOG.write_text(json.dumps(catalog, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
