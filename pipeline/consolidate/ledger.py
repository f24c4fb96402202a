"""The consolidated ledger: accepted submissions only, one frame per sheet of 汇总台账 (SPEC §8).

Every later number (completeness, scores, shortlist) is computed from these frames, so what the
clerk sees in the ledger is exactly what was counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd

from pipeline.assess import CODE, NAME, Assessment, Filed
from pipeline.forms import APPLY_CREATE, APPLY_IMPROVE, INSPECTION, MONTHLY, QUARTERLY, RECOGNITION
from pipeline.parse.forms import CELLS

KEYS = ("支部编码", "支部名称", "来源文件")
SHEETS = ("申报", "任务分解", "月检查", "活动记录", "任务进度", "季度汇报", "宣传报道", "认定申请", "督查记录",
          "评审评分")
APPLICATION_TYPE = {"apply_create": "创建", "apply_improve": "完善"}


def ledger_frames(assessment: Assessment, review_labels: tuple[str, ...],
                  as_of: dt.date) -> dict[str, pd.DataFrame]:
    acc = assessment.accepted
    apps = acc.get("application", ())
    monthly, quarterly = acc.get("monthly", ()), acc.get("quarterly", ())
    application_labels = _union(APPLY_CREATE.labels, APPLY_IMPROVE.labels)
    frames = {
        "申报": _forms(apps, ("申报类型", *application_labels), extra=_application_extra),
        "任务分解": _tables(apps, "任务分解", ()),
        "月检查": _forms(monthly, MONTHLY.labels),
        "活动记录": _tables(monthly, "活动记录", ("检查月份",)),
        "任务进度": _tables(monthly, "任务进度", ("检查月份",)),
        "季度汇报": _forms(quarterly, QUARTERLY.labels),
        "宣传报道": _tables(quarterly, "宣传报道", ("季度",)),
        "认定申请": _forms(acc.get("recognition", ()), RECOGNITION.labels),
        "督查记录": _inspected_by(_row_tables(acc.get("inspection", ()), "督查记录", INSPECTION.tables[0].labels, ()),
                              as_of),
        "评审评分": _row_tables(acc.get("review", ()), "评审评分", ("支部名称", "支部编码", *review_labels, "备注"),
                            ("评审人", "评审日期")),
    }
    return {name: frames[name] for name in SHEETS}


def _inspected_by(frame: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """An inspection dated after as_of had not happened yet at that date."""
    if frame.empty:
        return frame
    keep = frame["督查日期"].map(lambda d: not isinstance(d, dt.date) or d <= as_of)
    return frame[keep].reset_index(drop=True)


def _union(*labels: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for group in labels:
        out += [label for label in group if label not in out]
    return tuple(out)


def _application_extra(f: Filed) -> dict[str, object]:
    return {"申报类型": APPLICATION_TYPE[f.sub.kind.key], "警告数": f.warnings,
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


def _tables(filed: tuple[Filed, ...], table: str, carried: tuple[str, ...]) -> pd.DataFrame:
    records = []
    for f in filed:
        frame = f.sub.tables.get(table)
        if frame is None or frame.empty:
            continue
        fixed = {**_key(f), **{label: f.sub.value(label) for label in carried}}
        records += [{**fixed, **row} for row in _records(frame)]
    spec = next(t for k in (APPLY_CREATE, MONTHLY, QUARTERLY) for t in k.tables if t.name == table)
    return _ordered(pd.DataFrame(records, dtype=object), [*KEYS, *carried, *spec.labels])


def _row_tables(filed: tuple[Filed, ...], table: str, labels: tuple[str, ...],
                carried: tuple[str, ...]) -> pd.DataFrame:
    """Committee files name the branch per row; rows that matched no branch are left out."""
    records = []
    for f in filed:
        fixed = {"来源文件": f.file, **{c: f.sub.value(c) for c in carried}}
        for row in _records(f.sub.tables[table]):
            code, name = row.pop(f"_{CODE}"), row.pop(f"_{NAME}")
            if code is not None:
                records.append({**row, **fixed, "支部编码": code, "支部名称": name})
    return _ordered(pd.DataFrame(records, dtype=object), [*KEYS, *carried, *labels])


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as dicts without the cell map; column lists are far cheaper than to_dict on tiny frames."""
    columns = [c for c in frame.columns if c != CELLS]
    return [dict(zip(columns, values, strict=True))
            for values in zip(*(frame[c].tolist() for c in columns), strict=True)]


def _ordered(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Known columns first in form order, unknown extra columns kept at the right; stable row order."""
    columns = list(dict.fromkeys(columns))
    out = frame.reindex(columns=[*columns, *[c for c in frame.columns if c not in columns]])
    if not out.empty:
        out = out.sort_values(["支部编码", "来源文件"], kind="stable").reset_index(drop=True)
    return out.astype(object)
