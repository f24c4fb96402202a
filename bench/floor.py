"""The raw-read floor: python-calamine reads every sheet of every spreadsheet file in the inbox, one process.

Usage: python bench/floor.py INBOX  (prints the number of files read)
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from python_calamine import CalamineWorkbook

SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods")


def main(inbox: Path) -> None:
    files = 0
    for path in sorted(inbox.rglob("*")):
        if path.suffix.lower() not in SPREADSHEETS or not path.is_file():
            continue
        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))
            for name in book.sheet_names:
                book.get_sheet_by_name(name).to_python()
        except Exception:  # noqa: BLE001 - a broken file is simply not part of the floor
            continue
        files += 1
    print(files)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
