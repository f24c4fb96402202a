"""Build small, exact inboxes for tests: real .xlsx files written by the project's own form writer."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.config import Campaign, load_campaign
from pipeline.forms import (
    APPLY_CREATE,
    APPLY_IMPROVE,
    INSPECTION,
    MONTHLY,
    QUARTERLY,
    RECOGNITION,
    ROSTER,
    FormKind,
    review_kind,
)
from pipeline.write.forms import write_form

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "campaign.toml"
SAMPLE = ROOT / "inbox"  # the shipped sample inbox
CREATED = dt.datetime(2014, 12, 1)
LONG = "围绕立德树人根本任务，组织党员开展示范课、结对帮扶和志愿服务，推动党建与教育教学深度融合。"


def campaign(as_of: dt.date = dt.date(2014, 12, 31)) -> Campaign:
    return load_campaign(CONFIG, today=as_of, as_of=as_of)


def branch(code: str, name: str, **kw: object) -> dict[str, object]:
    row = {"支部编码": code, "支部名称": name, "支部类型": "支部", "所在单位": name.replace("党支部", ""),
           "上级组织": "", "支部书记": "王建国", "联系人": "李红", "联系电话": "13912345678", "党员人数": 12,
           "成立日期": dt.date(2008, 9, 1), "撤销日期": None, "别名": ""}
    row.update(kw)
    return row


def write(path: Path, kind: FormKind, values: dict[str, object] | None = None,
          tables: dict[str, list[dict[str, object]]] | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_form(path, kind, values or {}, tables or {}, created=CREATED)
    return path


def roster(inbox: Path, branches: list[dict[str, object]]) -> Path:
    return write(inbox / "支部名册.xlsx", ROSTER, {}, {"支部名册": branches})


def application(inbox: Path, code: str, name: str, *, filed: dt.date = dt.date(2014, 4, 15),
                improve: bool = False, tasks: int = 3, file: str = "", **values: object) -> Path:
    kind = APPLY_IMPROVE if improve else APPLY_CREATE
    record = {"支部名称": name, "支部编码": code, "所在单位": name, "支部书记": "王建国", "联系人": "李红",
              "联系电话": "13912345678", "党员人数": 12, "品牌名称": "红烛先锋", "品牌释义": LONG,
              "目标要求": LONG, "创建内容": LONG, "方式方法": LONG, "保障措施": LONG, "工作步骤": LONG,
              "已有基础": LONG, "完善重点": LONG, "填报日期": filed}
    record = {k: v for k, v in {**record, **values}.items() if k in kind.labels}
    rows = [{"序号": i, "任务内容": f"开展第{i}项品牌建设任务", "承办人": "张敏", "完成时限": "2014-10",
             "进度要求": "按月推进"} for i in range(1, tasks + 1)]
    return write(inbox / (file or f"申报/{code}.xlsx"), kind, record, {"任务分解": rows})


def monthly(inbox: Path, code: str, name: str, month: str, *, filed: dt.date | None = None,
            progress: list[tuple[int, str, float]] | None = None, file: str = "", **values: object) -> Path:
    year, mon = (int(p) for p in month.split("-"))
    record = {"支部名称": name, "支部编码": code, "检查月份": month, "填报人": "李红",
              "填报日期": filed or dt.date(year, mon, 28), "本月小结": LONG}
    record.update(values)
    activities = [{"活动日期": dt.date(year, mon, 10), "活动名称": "主题党日", "参与人数": 10}]
    rows = [{"任务序号": t, "进展状态": s, "完成比例": p} for t, s, p in (progress or [])]
    return write(inbox / (file or f"月检查/{month}/{code or name}.xlsx"), MONTHLY, record,
                 {"活动记录": activities, "任务进度": rows})


def quarterly(inbox: Path, code: str, name: str, quarter: str, *, filed: dt.date | None = None,
              posts: int = 1, file: str = "", **values: object) -> Path:
    q = int(quarter[-1])
    record = {"支部名称": name, "支部编码": code, "季度": quarter, "填报人": "李红",
              "填报日期": filed or dt.date(2014, q * 3, 28), "工作进展": LONG, "取得成效": LONG}
    record.update(values)
    rows = [{"发布日期": dt.date(2014, q * 3, 1 + i), "渠道": "网站", "标题": f"第{i + 1}篇报道"} for i in range(posts)]
    return write(inbox / (file or f"季度汇报/{quarter}/{code}.xlsx"), QUARTERLY, record, {"宣传报道": rows})


def recognition(inbox: Path, code: str, name: str, *, filed: dt.date = dt.date(2014, 11, 20),
                file: str = "", **values: object) -> Path:
    record = {"支部名称": name, "支部编码": code, "品牌名称": "红烛先锋", "申请日期": filed, "创建成效": LONG}
    record.update(values)
    return write(inbox / (file or f"认定申请/{code}.xlsx"), RECOGNITION, record)


def inspections(inbox: Path, rows: list[dict[str, object]], file: str = "督查/督查记录.xlsx") -> Path:
    return write(inbox / file, INSPECTION, {}, {"督查记录": rows})


def review(inbox: Path, reviewer: str, rows: list[dict[str, object]], *, day: dt.date = dt.date(2014, 12, 15),
           file: str = "") -> Path:
    kind = review_kind(campaign())
    return write(inbox / (file or f"评审/{reviewer}.xlsx"), kind, {"评审人": reviewer, "评审日期": day},
                 {"评审评分": rows})


def run_cli(inbox: Path, outbox: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["run", "--inbox", str(inbox), "--outbox", str(outbox),
                                      "--config", str(CONFIG), *args])
    return result.exit_code, result.output


def manifest(outbox: Path) -> dict[str, object]:
    return json.loads((outbox / "manifest.json").read_text(encoding="utf-8"))


def drawn_text(path: Path, sheet: str) -> str:
    """The text of every text box drawn on `sheet` (notes printed with a table but kept out of its
    cells), in drawing order: xl/workbook.xml → the sheet's part → its drawing part."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as z:
        def rels(part: str) -> dict[str, str]:
            folder, name = part.rsplit("/", 1)
            xml = z.read(f"{folder}/_rels/{name}.rels").decode()
            return {m[0]: m[1] for m in re.findall(r'Id="([^"]+)"[^>]*Target="([^"]+)"', xml)
                    + [(b, a) for a, b in re.findall(r'Target="([^"]+)"[^>]*Id="([^"]+)"', xml)]}

        book = z.read("xl/workbook.xml").decode()
        rid = next(m[1] for m in re.findall(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"', book) if m[0] == sheet)
        part = "xl/" + rels("xl/workbook.xml")[rid].removeprefix("/xl/")
        try:
            targets = [t for t in rels(part).values() if "drawings/" in t and t.endswith(".xml")]
        except KeyError:
            return ""
        out = []
        for target in targets:
            xml = z.read("xl/drawings/" + target.rsplit("/", 1)[1]).decode()
            for box in re.findall(r"<xdr:txBody>.*?</xdr:txBody>", xml, flags=re.S):
                out.append("".join(re.findall(r"<a:t>([^<]*)</a:t>", box)))
        return "\n".join(out)
