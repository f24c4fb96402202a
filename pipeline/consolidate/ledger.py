"""The consolidated ledger: accepted submissions only, one frame per sheet of 汇总台账 (SPEC §8).

Every later number (completeness, scores, shortlist) is computed from these frames, so what the
clerk sees in the ledger is exactly what was counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd

from pipeline.assess import Assessment, Filed
from pipeline.forms import BY_ROW, FormKind, TableSpec
from pipeline.model import CODE, NAME
from pipeline.names import natural_key

KEYS = ("支部编码", "支部名称", "来源文件")
APPLICATION_TYPE = "申报类型"
# The sheets of 汇总台账 fixed by SPEC §8, in the order the kinds produce them.
SHEETS = ("申报", "任务分解", "月检查", "活动记录", "任务进度", "季度汇报", "宣传报道", "认定申请", "督查记录",
          "评审评分")


def ledger_frames(assessment: Assessment, kinds: tuple[FormKind, ...], as_of: dt.date) -> dict[str, pd.DataFrame]:
    """One frame per 汇总台账 sheet, in the kinds' order: each kind's form block (kinds sharing a
    sheet, such as 创建 and 完善, share its columns), then its tables."""
    acc = assessment.accepted
    frames: dict[str, pd.DataFrame] = {}
    for kind in kinds:
        if kind.master:
            continue
        filed = acc.get(kind.supersede_group, ())
        if kind.ledger_sheet and kind.ledger_sheet not in frames:
            sharing = [k for k in kinds if k.ledger_sheet == kind.ledger_sheet]
            labels = _union(*(k.labels for k in sharing))
            typed = any(k.is_application for k in sharing)
            frames[kind.ledger_sheet] = _forms(filed, (APPLICATION_TYPE, *labels) if typed else labels,
                                               extra=_application_extra if typed else None)
        for spec in kind.tables:
            if spec.name in frames:
                continue
            if kind.branch_per_row:
                frame = _row_tables(filed, spec, kind.carried)
                frame = _happened_by(frame, kind.row_date, as_of) if kind.row_date else frame
                if kind.supersedes == BY_ROW and kind.row_date:
                    frame = _latest_per_branch(frame, kind.row_date, {f.file: f.mtime for f in filed})
                frames[spec.name] = frame
            else:
                frames[spec.name] = _tables(filed, spec, kind.carried)
    return frames


def _happened_by(frame: pd.DataFrame, label: str, as_of: dt.date) -> pd.DataFrame:
    """A row dated after as_of (an inspection) had not happened yet at that date."""
    if frame.empty:
        return frame
    keep = frame[label].map(lambda d: not isinstance(d, dt.date) or d <= as_of)
    return frame[keep].reset_index(drop=True)


def _latest_per_branch(frame: pd.DataFrame, label: str, mtimes: dict[str, float]) -> pd.DataFrame:
    """Per branch the row with the latest date wins (SPEC §12: decisions supersede by 验收日期); ties go
    to the later-modified file, then to the path that sorts last, then to the lower row."""
    if frame.empty:
        return frame
    dates, files = frame[label].tolist(), frame["来源文件"].tolist()
    order = sorted(range(len(frame)), key=lambda n: (dates[n] if isinstance(dates[n], dt.date) else dt.date.min,
                                                     mtimes.get(files[n], 0.0), files[n], n))
    latest = {frame["支部编码"].iat[n]: n for n in order}
    return frame.iloc[sorted(latest.values())].reset_index(drop=True)


def _union(*labels: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for group in labels:
        out += [label for label in group if label not in out]
    return tuple(out)


def _application_extra(f: Filed) -> dict[str, object]:
    return {APPLICATION_TYPE: f.sub.kind.application_type, "警告数": f.warnings,
            "逾期申报": "late-application" in f.codes}


def _key(f: Filed) -> dict[str, object]:
    return {"支部编码": f.code, "支部名称": f.name, "来源文件": f.file}


def _forms(filed: tuple[Filed, ...], labels: tuple[str, ...],
           extra: Callable[[Filed], dict[str, object]] | None = None) -> pd.DataFrame:
    rows = []
    for f in filed:
        row = {k: f.sub.value(k) for k in labels if k in f.sub.record}
        if extra:
            row.update(extra(f))
        rows.append({**row, **_key(f)})  # the roster's code and name, not what the form says
    columns = [*KEYS, *[c for c in labels if c not in KEYS]]
    frame = pd.DataFrame(rows, dtype=object)
    return _ordered(frame, columns)


def _tables(filed: tuple[Filed, ...], spec: TableSpec, carried: tuple[str, ...]) -> pd.DataFrame:
    records = []
    for f in filed:
        frame = f.sub.tables.get(spec.name)
        if frame is None or frame.empty:
            continue
        fixed = {**_key(f), **{label: f.sub.value(label) for label in carried}}
        records += [{**fixed, **row} for row in frame.records()]
    return _ordered(pd.DataFrame(records, dtype=object), [*KEYS, *carried, *spec.labels])


def _row_tables(filed: tuple[Filed, ...], spec: TableSpec, carried: tuple[str, ...]) -> pd.DataFrame:
    """Committee files name the branch per row; rows that matched no branch are left out."""
    records = []
    for f in filed:
        fixed = {"来源文件": f.file, **{c: f.sub.value(c) for c in carried}}
        for row in f.sub.tables[spec.name].records():
            code, name = row.pop(f"_{CODE}"), row.pop(f"_{NAME}")
            if code is not None:
                records.append({**row, **fixed, "支部编码": code, "支部名称": name})
    return _ordered(pd.DataFrame(records, dtype=object), [*KEYS, *carried, *spec.labels])


def _ordered(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Known columns first in form order, unknown extra columns kept at the right; stable row order."""
    columns = list(dict.fromkeys(columns))
    out = frame.reindex(columns=[*columns, *[c for c in frame.columns if c not in columns]])
    if not out.empty:
        codes, files = out["支部编码"].astype(str).tolist(), out["来源文件"].astype(str).tolist()
        order = sorted(range(len(out)), key=lambda n: (codes[n], natural_key(files[n]), files[n]))
        out = out.iloc[order].reset_index(drop=True)
    return out.astype(object)
