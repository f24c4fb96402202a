"""Golden files (csvkit-style): the sample's exact wording, so a change of text is a deliberate change.

Regenerate after an intended change with `PINPAI_UPDATE_GOLDEN=1 make test` and review the diff of
tests/golden/ like code.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import openpyxl
import pytest

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("PINPAI_UPDATE_GOLDEN") == "1"


@pytest.fixture
def outbox(sample_outbox: Path) -> Path:
    """The sample's outbox (as of 2014-12-31, notices dated 2015-01-05), run once per session (conftest.py)."""
    return sample_outbox


def sheet_csv(path: Path, sheet: str | int) -> str:
    book = openpyxl.load_workbook(path)
    ws = book[sheet] if isinstance(sheet, str) else book.worksheets[sheet]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in ws.iter_rows(values_only=True):
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue()


def compare(name: str, text: str) -> None:
    target = GOLDEN / name
    if UPDATE:
        target.write_text(text, encoding="utf-8")
    assert target.exists(), f"golden file {name} missing: run with PINPAI_UPDATE_GOLDEN=1"
    assert text == target.read_text(encoding="utf-8"), f"{name} differs from its golden file"


def test_manifest_json_is_as_golden(outbox):
    manifest = json.loads((outbox / "manifest.json").read_text(encoding="utf-8"))
    compare("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")


def test_one_notice_is_as_golden(outbox):
    """The first roster branch (by file name) whose notice sends a file back."""
    notices = sorted(p for p in (outbox / "退回通知").iterdir() if not p.name.startswith("未识别-"))
    returned = [p for p in notices if "已退回" in sheet_csv(p, 0)]
    assert returned
    compare("退回通知.csv", sheet_csv(returned[0], 0))


def test_one_assessment_sheet_is_as_golden(outbox):
    compare("年度考核表-第一个支部.csv", sheet_csv(outbox / "年度考核表.xlsx", 1))
