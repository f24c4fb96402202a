"""The naive baseline: pandas read_excel (openpyxl) per file, one pandera call per file, one to_excel.

What a first script would do: every sheet of every spreadsheet file into a DataFrame, each validated by
a small pandera schema on its own, all concatenated and written once. Usage: python bench/naive.py INBOX OUT.xlsx
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

SCHEMA = pa.DataFrameSchema({".*": pa.Column(object, nullable=True, regex=True, coerce=True)}, strict=False)


def main(inbox: Path, out: Path) -> None:
    warnings.simplefilter("ignore")
    frames = []
    for path in sorted(inbox.rglob("*.xlsx")):
        try:
            sheets = pd.read_excel(path, sheet_name=None, header=None, engine="openpyxl", dtype=object)
        except Exception:  # noqa: BLE001 - a broken file is skipped
            continue
        for name, frame in sheets.items():
            frame.columns = [f"c{i}" for i in range(frame.shape[1])]
            SCHEMA.validate(frame, lazy=True)
            frames.append(frame.assign(_file=str(path.relative_to(inbox)), _sheet=name))
    pd.concat(frames, ignore_index=True).astype(str).to_excel(out, index=False, engine="xlsxwriter")
    print(len(frames))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
