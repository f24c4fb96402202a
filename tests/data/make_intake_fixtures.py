"""Regenerate the Word-form and archive fixtures in tests/data/intake/ (used by tests/test_intake.py).

Run by hand from the repository root, then commit what it writes:

    .venv/bin/python tests/data/make_intake_fixtures.py

The forms hold the same content as the Excel template fixtures (make_fixtures.template_forms), so a test
can check that a Word form reads exactly like its .xlsx twin. What it writes (all small):

- word_*.docx -- hand-made with python-docx, no custom property, the way branches lay out Word forms:
  apply_merged (a label merged down six rows with its sub-labels beside it, labels and values spanning
  columns), monthly_inline (label and value in one cell `支部名称：…`, paragraphs outside tables, tables
  under captions), improve_two_row_header (a task table whose header spans two rows), apply_extra_columns
  (task columns reordered, two extra columns), quarterly (a plain two-column table), recognition;
- word_template_filled.docx -- the project's own Word template (pipeline.write.word_forms) filled in;
  word_template_lo.docx / .doc -- that form saved by LibreOffice as .docx and as Word 97-2003 (only when
  `soffice` is installed; otherwise the committed copies stay); word_97.wps -- the .doc under a WPS name;
- other formats: scan.pdf, photo.jpg, wps_sheet.et (an OLE2 workbook: read like .xls), wps_unknown.et;
- archives: zip_gbk_folder.zip (a school folder zipped on Windows: GBK names, no UTF-8 flag, a photo and
  macOS `__MACOSX/._*` residue), zip_utf8_noflag.zip (UTF-8 names without the flag, as macOS writes),
  archive.7z, nested.zip (a zip in a zip, and a 7z in it), deep.zip (four levels: the fourth is refused),
  archive.rar (RAR 4, stored members, written here byte by byte: no rar tool exists on Linux),
  and hostile ones -- zip_bomb.zip (64 MiB of zeros in 64 KiB), zip_bomb_lying.zip (the same with the
  sizes in its headers falsified to 1 MB), zip_escape.zip (`../` and absolute member names),
  zip_encrypted.zip (ZipCrypto, by bsdtar when present, else the flag bit), zip_symlink.zip, zip_truncated.zip,
  encrypted.7z, rar_encrypted.rar.

Everything is byte-identical from run to run except the LibreOffice output, zip_encrypted.zip (salt) and
the .7z files (py7zr stamps members with the current time).
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib
from pathlib import Path

import docx
import py7zr
from docx.document import Document

HERE = Path(__file__).resolve().parent
OUT = HERE / "intake"
ROOT = HERE.parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(HERE)]

from make_fixtures import template_bytes, template_forms  # noqa: E402

from pipeline.demo_archives import PHOTO  # noqa: E402
from pipeline.forms import APPLY_CREATE  # noqa: E402
from pipeline.write.word_forms import _repacked, shown, write_word_form  # noqa: E402
from pipeline.write.forms import AUTHOR  # noqa: E402

FORMS = template_forms()
TIME = (2014, 6, 3, 9, 0, 0)


# ---- Word forms as branches lay them out ---------------------------------------------------------

def text(kind_key: str, label: str, table: str | None = None, row: int = 0) -> str:
    """A fixture value as a branch types it in Word (2014年4月15日, 95%, 23)."""
    kind, values, tables, _ = FORMS[kind_key]
    if table is None:
        return shown(values.get(label), kind.field(label))
    spec = next(t for t in kind.tables if t.name == table)
    column = next(c for c in spec.columns if c.label == label)
    return shown(tables[table][row].get(label), column)


def save(document: Document, path: Path) -> None:
    """Fixed document and zip time stamps, so the fixture's bytes do not change from run to run."""
    when = dt.datetime(*TIME)
    props = document.core_properties
    props.created = props.modified = props.last_printed = when
    props.revision = 1
    out = io.BytesIO()
    document.save(out)
    path.write_bytes(_repacked(out.getvalue(), when))


def new_document(title: str) -> Document:
    document = docx.Document()
    document.core_properties.author = AUTHOR
    document.add_paragraph(title)
    return document


def grid(document: Document, rows: list[list[object]], cols: int) -> None:
    """A Word table: each item is text, or (text, columns spanned), or (text, columns, rows spanned)."""
    table = document.add_table(rows=len(rows), cols=cols)
    table.style = "Table Grid"
    taken: set[tuple[int, int]] = set()
    for r, items in enumerate(rows):
        c = 0
        for item in items:
            while (r, c) in taken:
                c += 1
            value, across, down = (item, 1, 1) if isinstance(item, str) else (*item, 1)[:3]  # type: ignore[misc]
            cell = table.cell(r, c)
            if across > 1 or down > 1:
                cell = cell.merge(table.cell(r + down - 1, c + across - 1))
            cell.text = str(value)
            taken |= {(rr, cc) for rr in range(r, r + down) for cc in range(c, c + across)}
            c += across


def word_apply_merged(path: Path) -> None:
    """Create application: 创建方案 merged down six rows beside its sub-labels; 所在单位 label over two columns."""
    k = "apply_create"
    document = new_document("附件2：基层党组织“一支部一品牌”品牌创建申报表")
    narrative = ["品牌释义", "目标要求", "创建内容", "方式方法", "保障措施", "工作步骤"]
    rows: list[list[object]] = [
        ["支部名称", (text(k, "支部名称"), 3), "支部编码", text(k, "支部编码")],
        [("所在单位", 2), (text(k, "所在单位"), 4)],
        ["支部书记", text(k, "支部书记"), "联系人", text(k, "联系人"), "联系电话", text(k, "联系电话")],
        ["党员人数", text(k, "党员人数"), "品牌名称", (text(k, "品牌名称"), 3)],
        [("创建方案", 1, 6), narrative[0], (text(k, narrative[0]), 4)],
        *[[label, (text(k, label), 4)] for label in narrative[1:]],
        ["填报日期", (text(k, "填报日期"), 5)],
    ]
    grid(document, rows, 6)
    document.add_paragraph("任务分解表")
    _tasks(document, k, ["序号", "任务内容", "承办人", "完成时限", "进度要求"])
    save(document, path)


def _tasks(document: Document, k: str, header: list[str], extra: dict[str, list[str]] | None = None) -> None:
    body = [[text(k, h, "任务分解", i) if h not in (extra or {}) else (extra or {})[h][i] for h in header]
            for i in range(len(FORMS[k][2]["任务分解"]))]
    grid(document, [header, *body], len(header))  # type: ignore[list-item]


def word_monthly_inline(path: Path) -> None:
    """Monthly check: facts as `label：value` paragraphs and cells, both tables under captions."""
    k = "monthly"
    document = new_document("“一支部一品牌”月检查表")
    document.add_paragraph(f"支部名称：{text(k, '支部名称')}")
    document.add_paragraph(f"支部编码：{text(k, '支部编码')}")
    grid(document, [[f"检查月份：{text(k, '检查月份')}", f"填报人：{text(k, '填报人')}",
                     f"填报日期：{text(k, '填报日期')}"]], 3)
    grid(document, [["本月小结", text(k, "本月小结")], ["存在问题", text(k, "存在问题")],
                    ["下月计划", text(k, "下月计划")]], 2)
    for table, caption in (("活动记录", "一、本月活动开展情况"), ("任务进度", "二、任务推进情况")):
        document.add_paragraph(caption)
        spec = next(t for t in FORMS[k][0].tables if t.name == table)
        header = list(spec.labels)
        body = [[text(k, h, table, i) for h in header] for i in range(len(FORMS[k][2][table]))]
        grid(document, [header, *body], len(header))  # type: ignore[list-item]
    save(document, path)


def word_improve_two_row_header(path: Path) -> None:
    """Improve application, two-column form; the task table's header spans two rows."""
    k = "apply_improve"
    kind = FORMS[k][0]
    document = new_document("附件1：基层党组织“一支部一品牌”品牌完善申报表")
    grid(document, [[f.label, text(k, f.label)] for f in kind.fields], 2)
    document.add_paragraph("任务分解表")
    rows: list[list[object]] = [
        [("序号", 1, 2), ("任务内容", 1, 2), ("承办人", 1, 2), ("时间与进度", 2)],
        ["完成时限", "进度要求"],
        *[[text(k, h, "任务分解", i) for h in ("序号", "任务内容", "承办人", "完成时限", "进度要求")]
          for i in range(len(FORMS[k][2]["任务分解"]))],
    ]
    grid(document, rows, 5)
    save(document, path)


def word_apply_extra_columns(path: Path) -> None:
    """Create application whose task table has its columns reordered and two extra columns."""
    k = "apply_create"
    kind = FORMS[k][0]
    document = new_document("基层党组织“一支部一品牌”品牌创建申报表")
    grid(document, [[f.label, text(k, f.label)] for f in kind.fields], 2)
    document.add_paragraph("任务分解表")
    extra = {"责任领导": ["王建国", "王建国", "周海燕"], "备注": ["", "每月一次", ""]}
    _tasks(document, k, ["任务内容", "序号", "责任领导", "承办人", "完成时限", "进度要求", "备注"], extra)
    save(document, path)


def word_simple(path: Path, k: str) -> None:
    """A plain two-column form (quarterly report, recognition) with its tables under captions."""
    kind, _, tables, _ = FORMS[k]
    document = new_document(f"“一支部一品牌”{kind.title}")
    grid(document, [[f.label, text(k, f.label)] for f in kind.fields], 2)
    for spec in kind.tables:
        document.add_paragraph(spec.caption)
        header = list(spec.labels)
        body = [[text(k, h, spec.name, i) for h in header] for i in range(len(tables[spec.name]))]
        grid(document, [header, *body], len(header))  # type: ignore[list-item]
    save(document, path)


def filled_template(path: Path) -> None:
    kind, values, tables, _ = FORMS["apply_create"]
    assert kind is APPLY_CREATE
    write_word_form(path, kind, values, tables, created=dt.datetime(2014, 4, 15, 9), branch=str(values["支部编码"]))


def libreoffice(source: Path) -> None:
    """The filled template saved by LibreOffice as .docx and as Word 97-2003 (.doc), when installed."""
    soffice = shutil.which("soffice")
    if soffice is None:
        print("soffice not found: keeping the committed LibreOffice copies")
        return
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "profile"
        for fmt, name in (("docx:MS Word 2007 XML", "word_template_lo.docx"), ("doc:MS Word 97", "word_template_lo.doc")):
            work = Path(tmp) / "in"
            work.mkdir(exist_ok=True)
            shutil.copyfile(source, work / "form.docx")
            subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
                            "--outdir", str(Path(tmp) / "out"), str(work / "form.docx")], check=True,
                           capture_output=True, timeout=180)
            produced = next((Path(tmp) / "out").glob("form.*"))
            shutil.move(produced, OUT / name)


# ---- archives ------------------------------------------------------------------------------------

class GbkName(zipfile.ZipInfo):
    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


class RawUtf8Name(zipfile.ZipInfo):
    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802
        return self.filename.encode("utf-8"), self.flag_bits & ~0x800


def zip_of(members: list[tuple[str, bytes]], info: type[zipfile.ZipInfo] = zipfile.ZipInfo) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            entry = info(name, TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            zf.writestr(entry, data)
    return out.getvalue()


def seven_zip_of(members: list[tuple[str, bytes]], password: str | None = None) -> bytes:
    out = io.BytesIO()
    with py7zr.SevenZipFile(out, "w", password=password, header_encryption=bool(password)) as archive:
        for name, data in members:
            archive.writestr(data, name)
    return out.getvalue()


def rar4(members: list[tuple[str, bytes]], encrypted: bool = False) -> bytes:
    """A RAR 4 archive with stored (uncompressed) members and UTF-8 names, written byte by byte."""
    def block(head_type: int, flags: int, body: bytes, data: bytes = b"") -> bytes:
        head = struct.pack("<BHH", head_type, flags, 7 + len(body)) + body
        return struct.pack("<H", zlib.crc32(head) & 0xFFFF) + head + data
    dos_time = ((TIME[0] - 1980) << 25) | (TIME[1] << 21) | (TIME[2] << 16) | (TIME[3] << 11)
    out = b"Rar!\x1a\x07\x00" + block(0x73, 0, struct.pack("<HI", 0, 0))
    for name, data in members:
        raw = name.encode("utf-8")
        body = struct.pack("<IIBIIBBHI", len(data), len(data), 2, zlib.crc32(data), dos_time, 20, 0x30, len(raw),
                           0x20) + raw
        out += block(0x74, 0x8000 | 0x200 | (0x4 if encrypted else 0), body, data)
    return out + block(0x7B, 0x4000, b"")


def lying_bomb() -> bytes:
    """64 MiB of zeros whose local and central headers claim 1,000,000 bytes."""
    data = bytearray(zip_of([("月检查表.xlsx", bytes(64 * 1024 * 1024))]))
    real = (64 * 1024 * 1024).to_bytes(4, "little")
    fake = (1_000_000).to_bytes(4, "little")
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    data[local + 22:local + 26] = fake  # uncompressed size in the local header
    assert data[central + 24:central + 28] == real
    data[central + 24:central + 28] = fake
    return bytes(data)


def symlink_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        entry = zipfile.ZipInfo("材料/申报表.xlsx", TIME)
        entry.create_system = 3
        entry.external_attr = (0o120777 << 16)
        zf.writestr(entry, "/etc/passwd")
    return out.getvalue()


def encrypted_zip(member: bytes) -> bytes:
    bsdtar = shutil.which("bsdtar")
    if bsdtar:
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "月检查表.xlsx").write_bytes(member)
            subprocess.run([bsdtar, "-c", "--format", "zip", "--options", "zip:encryption=zipcrypt",
                            "--passphrase", "1234", "-f", "enc.zip", "月检查表.xlsx"], cwd=tmp, check=True)
            return (Path(tmp) / "enc.zip").read_bytes()
    data = bytearray(zip_of([("月检查表.xlsx", member)]))
    for sig, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # the general-purpose flag: bit 0 = encrypted
        at = data.find(sig)
        data[at + offset] |= 1
    return bytes(data)


def main() -> None:
    OUT.mkdir(exist_ok=True)
    word_apply_merged(OUT / "word_apply_merged.docx")
    word_monthly_inline(OUT / "word_monthly_inline.docx")
    word_improve_two_row_header(OUT / "word_improve_two_row_header.docx")
    word_apply_extra_columns(OUT / "word_apply_extra_columns.docx")
    word_simple(OUT / "word_quarterly.docx", "quarterly")
    word_simple(OUT / "word_recognition.docx", "recognition")
    filled_template(OUT / "word_template_filled.docx")
    libreoffice(OUT / "word_template_filled.docx")
    if (OUT / "word_template_lo.doc").exists():
        shutil.copyfile(OUT / "word_template_lo.doc", OUT / "word_97.wps")
    (OUT / "scan.pdf").write_bytes(b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    (OUT / "photo.jpg").write_bytes(PHOTO)
    shutil.copyfile(HERE / "template_monthly.xls", OUT / "wps_sheet.et")
    (OUT / "wps_unknown.et").write_bytes(b"\x00WPS-ET\x00" + bytes(range(256)) * 4)

    monthly, quarterly, recognition = (template_bytes(k) for k in ("monthly", "quarterly", "recognition"))
    application = (OUT / "word_apply_merged.docx").read_bytes()
    folder = "秣陵幼儿园报送材料"
    (OUT / "zip_gbk_folder.zip").write_bytes(zip_of([
        (f"{folder}/6月检查表.xlsx", monthly), (f"{folder}/品牌创建申报表.docx", application),
        (f"{folder}/活动照片.jpg", PHOTO), (f"__MACOSX/{folder}/._6月检查表.xlsx", b"\x00\x05\x16\x07" + bytes(60)),
    ], GbkName))
    (OUT / "zip_utf8_noflag.zip").write_bytes(zip_of([("东山中学/第二季度汇报表.xlsx", quarterly)], RawUtf8Name))
    (OUT / "archive.7z").write_bytes(seven_zip_of([("季度汇报/第二季度汇报表.xlsx", quarterly), ("说明.txt",
                                                    "第二季度材料".encode())]))
    inner = zip_of([("认定申请表.xlsx", recognition)])
    inner_7z = seven_zip_of([("6月检查表.xlsx", monthly)])
    (OUT / "nested.zip").write_bytes(zip_of([("内层/认定材料.zip", inner), ("内层/月报.7z", inner_7z)]))
    level4 = zip_of([("说明.txt", "第四层".encode())])
    level3 = zip_of([("第四层.zip", level4)])
    level2 = zip_of([("第三层.zip", level3)])
    (OUT / "deep.zip").write_bytes(zip_of([("第二层.zip", level2)]))
    (OUT / "archive.rar").write_bytes(rar4([("秣陵幼儿园/6月检查表.xlsx", monthly), ("秣陵幼儿园/说明.txt",
                                                                                 "六月材料".encode())]))
    (OUT / "rar_encrypted.rar").write_bytes(rar4([("6月检查表.xlsx", monthly)], encrypted=True))
    (OUT / "zip_bomb.zip").write_bytes(zip_of([("月检查表.xlsx", bytes(64 * 1024 * 1024))]))
    (OUT / "zip_bomb_lying.zip").write_bytes(lying_bomb())
    (OUT / "zip_escape.zip").write_bytes(zip_of([("../../outside.xlsx", monthly), ("/tmp/absolute.xlsx", monthly),
                                                 ("ok.xlsx", monthly)]))
    (OUT / "zip_encrypted.zip").write_bytes(encrypted_zip(monthly))
    (OUT / "zip_symlink.zip").write_bytes(symlink_zip())
    whole = (OUT / "zip_gbk_folder.zip").read_bytes()
    (OUT / "zip_truncated.zip").write_bytes(whole[: len(whole) * 6 // 10])
    (OUT / "encrypted.7z").write_bytes(seven_zip_of([("6月检查表.xlsx", monthly)], password="1234"))
    for path in sorted(OUT.iterdir()):
        print(f"{path.stat().st_size:>8}  {path.name}")


if __name__ == "__main__":
    main()
