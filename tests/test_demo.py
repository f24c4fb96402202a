"""The demo inbox and the form writer: deterministic bytes, well-formed workbooks, planted mistakes."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook, SheetVisibleEnum
from rapidfuzz import fuzz

from pipeline.config import Campaign, load_campaign
from pipeline.demo import UNKNOWN_BRANCH, generate_demo
from pipeline.forms import MONTHLY, form_kinds
from pipeline.write.forms import write_form

ROOT = Path(__file__).resolve().parents[1]
SEED = 7


@pytest.fixture(scope="module")
def campaign() -> Campaign:
    return load_campaign(ROOT / "campaign.toml", today=dt.date(2014, 12, 31))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, campaign: Campaign) -> tuple[Path, dict[str, int]]:
    """A 16-branch inbox: enough ordinary branches for every planted mistake to sit in its own branch, and
    for a Word application, a zipped school folder and a nested archive."""
    out = tmp_path_factory.mktemp("demo")
    return out, generate_demo(out, 16, SEED, campaign)


def _hashes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _workbooks(root: Path) -> list[Path]:
    return sorted(root.rglob("*.xlsx"))


def _forms(root: Path) -> list[tuple[str, bytes]]:
    """Every form the demo wrote, .xlsx and .docx, loose or inside its (possibly nested) archives."""
    out: list[tuple[str, bytes]] = []

    def visit(rel: str, data: bytes) -> None:
        if rel.endswith((".xlsx", ".docx")):
            out.append((rel, data))
        elif rel.endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(data), metadata_encoding="cp936") as zf:
                for info in zf.infolist():
                    visit(f"{rel}/{info.filename}", zf.read(info))

    for path in sorted(root.rglob("*")):
        if path.is_file():
            visit(path.relative_to(root).as_posix(), path.read_bytes())
    return out


def _roster(root: Path) -> list[dict[str, object]]:
    rows = CalamineWorkbook.from_path(str(root / "支部名册.xlsx")).get_sheet_by_name("支部名册").to_python()
    header = [str(h).rstrip("*") for h in rows[2]]
    return [dict(zip(header, r, strict=True)) for r in rows[3:] if any(v != "" for v in r)]


def _form_value(path: Path, label: str) -> object:
    """The value right of `label` (written with or without the required marker) on the first sheet."""
    for row in CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python():
        if row and str(row[0]).rstrip("*") == label:
            return row[1]
    return None


def test_same_seed_gives_byte_identical_files(tmp_path: Path, campaign: Campaign) -> None:
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    assert generate_demo(first, 6, SEED, campaign) == generate_demo(second, 6, SEED, campaign)
    hashes = _hashes(first)
    assert hashes == _hashes(second)
    generate_demo(other, 6, SEED + 1, campaign)
    assert _hashes(other) != hashes


def test_counts_match_the_files_written(demo: tuple[Path, dict[str, int]], campaign: Campaign) -> None:
    root, counts = demo
    assert sum(counts.values()) == len(_forms(root))
    # every kind is represented; the committee's 审核验收 decision and register come with a later campaign
    assert set(counts) == {k.key for k in form_kinds(campaign) if k.in_ledger}
    assert counts["roster"] == 1 and counts["review"] == 5
    readme = (root / "说明.txt").read_text(encoding="utf-8-sig")
    assert "样例数据" in readme and "pipeline demo" in readme


def test_every_workbook_carries_its_kind(demo: tuple[Path, dict[str, int]], campaign: Campaign) -> None:
    root, counts = demo
    kinds = {k.key: k for k in form_kinds(campaign)}
    seen: Counter[str] = Counter()
    for path, data in _forms(root):
        if path.endswith(".docx"):  # the kind sits in a custom document property
            with zipfile.ZipFile(io.BytesIO(data)) as docx:
                custom = docx.read("docProps/custom.xml").decode("utf-8")
                body = docx.read("word/document.xml").decode("utf-8")
            key = re.search(r'name="pinpai_kind"><vt:lpwstr>(\w+)<', custom).group(1)  # type: ignore[union-attr]
            assert kinds[key].title in body and kinds[key].is_application, path
            seen[key] += 1
            continue
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        meta = book.get_sheet_by_name("_meta").to_python()
        key = meta[0][1]
        assert meta[0][0] == "kind" and meta[1] == ["title", kinds[key].title], path
        assert book.sheet_names[-1] == "_meta" and book.sheets_metadata[-1].visible == SheetVisibleEnum.Hidden
        title = book.get_sheet_by_index(0).to_python()[0][0]
        assert kinds[key].title in title, path
        seen[key] += 1
    assert seen == Counter(counts)


def test_word_forms_and_archives_as_branches_send_them(demo: tuple[Path, dict[str, int]]) -> None:
    root = demo[0]
    assert list(root.rglob("申报/*.docx"))
    archives = sorted((root / "邮件附件").glob("*.zip"))
    assert len(archives) == 2
    flat, nested = archives if "打包" in archives[1].name else archives[::-1]
    with zipfile.ZipFile(flat) as zf:  # Windows-style: GBK names, no UTF-8 flag
        infos = zf.infolist()
        assert infos and all(not i.flag_bits & 0x800 for i in infos)
        names = [i.orig_filename.encode("cp437").decode("gbk") for i in infos]
        assert all(n.endswith("月检查表.xlsx") or "月检查表（" in n for n in names), names
    with zipfile.ZipFile(nested) as zf:
        inner = [n for n in zf.namelist() if n.endswith(".zip")]
        assert len(inner) == 1 and zipfile.is_zipfile(io.BytesIO(zf.read(inner[0])))
    readme = (root / "说明.txt").read_text(encoding="utf-8-sig")
    assert "Word" in readme and flat.name in readme and nested.name in readme


def test_roster_rows_are_unique_and_plausible(demo: tuple[Path, dict[str, int]], campaign: Campaign) -> None:
    rows = _roster(demo[0])
    assert len(rows) == 16
    assert len({r["支部编码"] for r in rows}) == 16 and len({r["支部名称"] for r in rows}) == 16
    assert {r["支部类型"] for r in rows} <= {"支部", "联合支部", "总支"}
    assert all(3 <= r["党员人数"] <= 60 for r in rows)  # type: ignore[operator]
    assert sum(r["撤销日期"] != "" for r in rows) == 1
    assert sum(r["成立日期"] > campaign.application.start for r in rows) == 1  # type: ignore[operator]


def test_planted_names_are_one_unknown_and_one_close_misspelling(
        demo: tuple[Path, dict[str, int]], campaign: Campaign) -> None:
    root = demo[0]
    roster = _roster(root)
    known = {r["支部名称"] for r in roster} | {a for r in roster for a in str(r["别名"]).split("、") if a}
    written = {_form_value(p, "支部名称") for p in _workbooks(root) if p.parts[-2] != "评审"} - {None}
    strangers = written - known
    assert UNKNOWN_BRANCH in strangers and len(strangers) == 2

    def strip(name: str) -> str:
        while (p := next((p for p in campaign.prefixes if name.startswith(p) and len(name) > len(p)), "")):
            name = name[len(p):]
        return name

    def scores(name: object) -> list[float]:
        return sorted((fuzz.ratio(strip(str(name)), strip(str(r["支部名称"]))) for r in roster), reverse=True)

    unknown = scores(UNKNOWN_BRANCH)
    assert unknown[0] < campaign.fuzzy_accept
    best, runner_up = scores((strangers - {UNKNOWN_BRANCH}).pop())[:2]
    assert best >= campaign.fuzzy_accept and best - runner_up >= campaign.fuzzy_margin


def test_planted_mistakes_sit_in_different_branches(demo: tuple[Path, dict[str, int]]) -> None:
    readme = (demo[0] / "说明.txt").read_text(encoding="utf-8-sig")
    planted = [line for line in readme.splitlines() if line.startswith("  - ")]
    assert len(planted) == 8  # six in roster branches, the unknown branch, the duplicate copy
    assert any("全体党员" in line for line in planted) and any("“略”" in line for line in planted)
    files = [line.rsplit("：", 1)[1] for line in planted]
    assert all((demo[0] / f).is_file() for f in files)
    # File names carry the school's name: the six branch mistakes are in six different branches.
    schools = [re.sub("^(南京市江宁区|南京市|江苏省)", "", str(r["所在单位"])) for r in _roster(demo[0])]
    owners = {max((s for s in schools if s in Path(f).name), key=len) for f in files[:6]}
    assert len(owners) == 6


def test_resubmissions_and_byte_identical_copy(demo: tuple[Path, dict[str, int]]) -> None:
    root = demo[0]
    revised = [p for p in _workbooks(root) if "（修改版）" in p.name]
    assert len(revised) == 3
    for path in revised:
        original = path.with_name(path.name.replace("（修改版）", ""))
        assert original.is_file()
        assert _form_value(path, "填报日期") > _form_value(original, "填报日期")  # type: ignore[operator]
    copies = list((root / "邮件附件").glob("*.xlsx"))
    assert len(copies) == 1
    hashes = _hashes(root)
    assert list(hashes.values()).count(hashes[f"邮件附件/{copies[0].name}"]) == 2


def test_monthly_progress_never_falls(demo: tuple[Path, dict[str, int]]) -> None:
    root = demo[0]
    last: dict[tuple[object, object], float] = {}
    for path in sorted((root / "月检查").rglob("*.xlsx"), key=lambda p: (p.parent.name, "修改版" in p.name)):
        code, name = _form_value(path, "支部编码"), _form_value(path, "支部名称")
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("任务进度").to_python()[2:]
        for seq, state, pct, _note in rows:
            value = float(str(pct).rstrip("%")) if isinstance(pct, str) else pct * (100 if pct <= 1 else 1)
            assert value >= last.get((code or name, seq), 0)
            assert (state == "已完成") == (value == 100)
            last[(code or name, seq)] = value


def test_writer_keeps_types_and_text() -> None:
    """Strings stay text (never formulas), dates are real dates, months are text, fractions are percents."""
    target = io.BytesIO()
    values: dict[str, object] = {"支部名称": "=HYPERLINK(\"http://x\")", "检查月份": dt.date(2014, 6, 1),
                                 "填报日期": dt.date(2014, 7, 3), "本月小结": "本月开展主题党日活动。" * 5}
    progress: list[dict[str, object]] = [{"任务序号": 1, "进展状态": "进行中", "完成比例": 0.6}]
    write_form(target, MONTHLY, values, {"任务进度": progress}, created=dt.datetime(2014, 12, 1))
    book = openpyxl.load_workbook(io.BytesIO(target.getvalue()))
    form = book["月检查表"]
    assert form["A1"].value == "“一支部一品牌”月检查表" and "A1:F1" in form.merged_cells
    assert form["A2"].value == "支部名称*" and form["B2"].data_type == "s"
    assert form["B2"].value.startswith("=HYPERLINK")
    assert form["B4"].value == "2014-06"
    assert form["B6"].value == dt.datetime(2014, 7, 3) and form["B6"].number_format == "yyyy-mm-dd"
    progress = book["任务进度"]
    assert progress.freeze_panes == "A3" and progress["C3"].number_format == "0%"
    assert progress.data_validations.dataValidation[0].formula1 == '"未开始,进行中,已完成,已延期"'
    assert book["_meta"].sheet_state == "hidden" and book["_meta"]["B1"].value == "monthly"
