"""`pipeline check`: validate a few files against the roster and show their issues."""

from __future__ import annotations

from pathlib import Path

from pipeline.assess import Assessment, Received, RosterError, assess
from pipeline.config import Campaign
from pipeline.forms import form_kinds
from pipeline.read.inbox import inbox_files, read_file
from pipeline.write.common import display_width


def find_roster(roster: Path | None, inbox: Path, campaign: Campaign) -> Received:
    kinds = form_kinds(campaign)
    candidates = [roster] if roster else (inbox_files(inbox) if inbox.is_dir() else [])
    for path in candidates:
        received = read_file(path.name, path.read_bytes(), kinds, campaign)
        if received.submission and received.submission.kind.key == "roster":
            return received
    raise RosterError([f"没有找到支部名册：请用 --roster 指定名册文件，或把名册放在 {inbox}/ 中。"])


def check_files(files: list[Path], roster: Path | None, inbox: Path, campaign: Campaign) -> Assessment:
    kinds = form_kinds(campaign)
    received = [find_roster(roster, inbox, campaign)]
    for path in files:
        item = read_file(path.as_posix(), path.read_bytes(), kinds, campaign)
        if item.submission and item.submission.kind.key == "roster":
            continue
        received.append(item)
    return assess(received, kinds, campaign)


def issue_table(assessment: Assessment) -> str:
    rows = [("文件", "状态", "位置", "级别", "问题", "修改建议")]
    for m in assessment.manifest:
        if m.类型 == "支部名册":
            continue
        found = [i for i in assessment.issues if i.file == m.文件]
        if not found:
            rows.append((m.文件, m.状态, "", "", m.说明 or "未发现问题", ""))
        for i in found:
            rows.append((m.文件, m.状态, f"{i.sheet}!{i.cell}" if i.cell else i.sheet, i.severity, i.message, i.fix))
    widths = [max(display_width(r[c]) for r in rows) for c in range(len(rows[0]))]
    return "\n".join("  ".join(_pad(v, w) for v, w in zip(r, widths, strict=True)).rstrip() for r in rows)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))
