"""Build the shipped .docx templates of 公文/ (SPEC §11) — run once, commit the result.

    .venv/bin/python tools/make_docx_templates.py            # writes pipeline/write/docx_templates/

The templates carry the GB/T 9704-2012 layout (A4, margins 37/35/28/26 mm, 方正小标宋简体 title, 仿宋_GB2312
body, 黑体 / 楷体_GB2312 headings, 28 pt fixed lines, red 发文机关标志 and separator, page numbers
`— 1 —` at the outside edge) and docxtpl (Jinja) tags where the text goes. A clerk may open them
in Word or WPS, change the layout or replace the red header, and point `[documents] template_dir` at
the folder. Every font is set as a named style AND on the run holding the tag (w:eastAsia included),
so Word, WPS and LibreOffice all use it. The output is byte-identical on every run.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.write.documents import TEMPLATE_FOLDER, stable_zip  # noqa: E402

STAMP = dt.datetime(2000, 1, 1)  # the templates' own creation time: fixed, so a rebuild is identical
RED = RGBColor(0xFF, 0x00, 0x00)
TITLE_FONT, BODY_FONT, HEI, KAI, SONG = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体"
BODY_PT, TITLE_PT, MARK_PT, TABLE_PT, NOTE_PT = 16, 22, 30, 10.5, 14
LINE = Pt(28)
TEXT_WIDTH = Mm(210 - 28 - 26)
INDENT_2 = 640  # twips: two characters of 16 pt

# ---- ordered XML ------------------------------------------------------------------------------------
# WordprocessingML fixes the order of the children of w:pPr, w:rPr and w:tblPr; Word rejects a file
# whose children are out of order, so every element is inserted at its place.
PPR = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
       "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
       "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
       "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
       "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange")
RPR = ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline", "shadow",
       "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern",
       "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs",
       "em", "lang", "eastAsianLayout", "specVanish", "oMath")
TBLPR = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize", "tblW",
         "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
         "tblCaption", "tblDescription", "tblPrChange")


def put(parent: Any, name: str, order: tuple[str, ...], **attrs: str) -> Any:
    """The child w:`name` of `parent` (created at its schema position if missing), attributes set."""
    element = parent.find(qn(f"w:{name}"))
    if element is None:
        element = OxmlElement(f"w:{name}")
        later = order[order.index(name) + 1:]
        successor = next((c for c in parent if c.tag in {qn(f"w:{t}") for t in later}), None)
        if successor is None:
            parent.append(element)
        else:
            successor.addprevious(element)
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), value)
    return element


# ---- fonts and paragraph properties --------------------------------------------------------------


def set_font(target: Run | BaseStyle, name: str, size: float, *, bold: bool = False,
             colour: RGBColor | None = None, scale: int = 0) -> None:
    """Latin and East Asian font together: python-docx's font.name sets only w:ascii/w:hAnsi."""
    font = target.font
    font.name = name
    font.size = Pt(size)
    font.bold = bold
    if colour is not None:
        font.color.rgb = colour
    rpr = target.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    fonts.set(qn("w:hint"), "eastAsia")
    if scale:
        put(rpr, "w", RPR, val=str(scale))


def indent_chars(style: BaseStyle, first: int = 0, left: int = 0, right: int = 0) -> None:
    """Indents in characters (w:firstLineChars etc., hundredths), with twips for older readers."""
    ppr = style.element.get_or_add_pPr()
    attrs = {}
    if first:
        attrs |= {"firstLineChars": str(first * 100), "firstLine": str(first * BODY_PT * 20)}
    if left:
        attrs |= {"leftChars": str(left * 100), "left": str(left * BODY_PT * 20)}
    if right:
        attrs |= {"rightChars": str(right * 100), "right": str(right * BODY_PT * 20)}
    put(ppr, "ind", PPR, **attrs)


def border(ppr: Any, side: str, colour: str, size: int, space: int) -> None:
    bdr = put(ppr, "pBdr", PPR)
    line = OxmlElement(f"w:{side}")
    for key, value in (("val", "single"), ("sz", str(size)), ("space", str(space)), ("color", colour)):
        line.set(qn(f"w:{key}"), value)
    bdr.append(line)


# ---- styles ------------------------------------------------------------------------------------------

STYLES: dict[str, dict[str, object]] = {
    # name: id (ASCII, as Word writes them), font, size, and paragraph settings
    "公文正文": {"id": "GWBody", "font": BODY_FONT, "first": 2, "align": WD_ALIGN_PARAGRAPH.JUSTIFY},
    "主送机关": {"id": "GWRecipients", "font": BODY_FONT},
    "公文标题": {"id": "GWTitle", "font": TITLE_FONT, "size": TITLE_PT, "align": WD_ALIGN_PARAGRAPH.CENTER},
    "一级标题": {"id": "GWHeading1", "font": HEI, "first": 2, "keep": True},
    "发文机关标志": {"id": "GWMark", "font": TITLE_FONT, "size": MARK_PT, "colour": RED,
                  "align": WD_ALIGN_PARAGRAPH.CENTER, "line": Pt(44), "before": Pt(92), "scale": 75},
    "发文字号": {"id": "GWNumber", "font": BODY_FONT, "align": WD_ALIGN_PARAGRAPH.CENTER, "before": Pt(56)},
    "发文机关署名": {"id": "GWSignature", "font": BODY_FONT, "align": WD_ALIGN_PARAGRAPH.RIGHT, "right": 2},
    "成文日期": {"id": "GWDate", "font": BODY_FONT, "align": WD_ALIGN_PARAGRAPH.RIGHT, "right": 4},
    "附件标签": {"id": "GWAttachment", "font": HEI, "break": True},
    "表格文字": {"id": "GWTableText", "font": BODY_FONT, "size": TABLE_PT, "align": WD_ALIGN_PARAGRAPH.CENTER,
             "line": Pt(20)},
    "表头文字": {"id": "GWTableHeader", "font": HEI, "size": TABLE_PT, "align": WD_ALIGN_PARAGRAPH.CENTER,
             "line": Pt(20)},
    "页码": {"id": "GWPageNumber", "font": SONG, "size": NOTE_PT, "line": None},
    "版记": {"id": "GWImprint", "font": BODY_FONT, "size": NOTE_PT, "before": Pt(28)},
}


def add_styles(doc: DocumentObject) -> None:
    normal = doc.styles["Normal"]
    set_font(normal, BODY_FONT, BODY_PT)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, LINE
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.widow_control = False
    ppr = normal.element.get_or_add_pPr()
    for name in ("kinsoku", "overflowPunct", "autoSpaceDE", "autoSpaceDN"):
        put(ppr, name, PPR, val="1" if name in ("kinsoku", "overflowPunct") else "0")
    put(normal.element.get_or_add_rPr(), "lang", RPR, val="en-US", eastAsia="zh-CN")
    for name, spec in STYLES.items():
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.style_id = str(spec["id"])
        style.base_style = normal
        style.quick_style = True
        set_font(style, str(spec["font"]), float(spec.get("size", BODY_PT)),  # type: ignore[arg-type]
                 colour=spec.get("colour"), scale=int(spec.get("scale", 0)))  # type: ignore[arg-type]
        fmt = style.paragraph_format
        if "align" in spec:
            fmt.alignment = spec["align"]  # type: ignore[assignment]
        line = spec.get("line", LINE)
        if line is None:
            fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.SINGLE, None
        else:
            fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, line
        if "before" in spec:
            fmt.space_before = spec["before"]  # type: ignore[assignment]
        if spec.get("break"):
            fmt.page_break_before = True
        if spec.get("keep"):  # a heading never ends a page
            fmt.keep_with_next = True
        if any(k in spec for k in ("first", "right")):
            indent_chars(style, first=int(spec.get("first", 0)), right=int(spec.get("right", 0)))  # type: ignore[arg-type]
    lead = doc.styles.add_style("二级标题", WD_STYLE_TYPE.CHARACTER)
    lead.style_id = "GWHeading2"
    lead.quick_style = True
    set_font(lead, KAI, BODY_PT)
    number = doc.styles["发文字号"].element.get_or_add_pPr()
    border(number, "bottom", "FF0000", 12, 11)  # the red separator, 4 mm under the 发文字号
    note = doc.styles["版记"].element.get_or_add_pPr()
    border(note, "top", "000000", 8, 4)
    border(note, "bottom", "000000", 8, 4)
    tabs = put(note, "tabs", PPR)
    tab = OxmlElement("w:tab")
    tab.set(qn("w:val"), "right")
    # 印发日期 flush right: with the full 印发机关 name, a one-character right space leaves no gap between them
    tab.set(qn("w:pos"), str(int(TEXT_WIDTH.twips)))
    tabs.append(tab)


# ---- the page -------------------------------------------------------------------------------------

def page_setup(doc: DocumentObject) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(20)
    section.gutter = Mm(0)
    doc.settings.odd_and_even_pages_header_footer = True
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:linePitch"), "560")  # no snapping to a grid: every style sets its own exact line height
    page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT, doc)
    page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT, doc)


def page_number(paragraph: Paragraph, side: WD_ALIGN_PARAGRAPH, doc: DocumentObject) -> None:
    """— 1 — in 4号 宋体, one character in from the outside edge (odd pages right, even left)."""
    paragraph.style = doc.styles["页码"]
    paragraph.alignment = side
    ppr = paragraph._p.get_or_add_pPr()
    which = "right" if side == WD_ALIGN_PARAGRAPH.RIGHT else "left"
    put(ppr, "ind", PPR, **{f"{which}Chars": "100", which: str(NOTE_PT * 20)})
    set_font(paragraph.add_run("— "), SONG, NOTE_PT)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), " PAGE ")
    run = paragraph.add_run("1")
    set_font(run, SONG, NOTE_PT)
    field.append(run._r)
    paragraph._p.append(field)
    set_font(paragraph.add_run(" —"), SONG, NOTE_PT)


# ---- paragraphs with tags ------------------------------------------------------------------------

def para(doc: DocumentObject, style: str, *runs: tuple[str, str]) -> Paragraph:
    """A paragraph of `style` whose runs (text, run style) carry the style's fonts directly."""
    paragraph = doc.add_paragraph(style=doc.styles[style])
    line = STYLES[style].get("line", LINE)
    if line is not None:  # also on the paragraph itself, as Word does when a clerk sets it by hand
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        paragraph.paragraph_format.line_spacing = line
    for text, run_style in runs:
        run = paragraph.add_run(text)
        spec = STYLES.get(run_style or style, {})
        if run_style == "二级标题":
            run.style = doc.styles["二级标题"]
            set_font(run, KAI, BODY_PT)
        else:
            set_font(run, str(spec.get("font", BODY_FONT)), float(spec.get("size", BODY_PT)),  # type: ignore[arg-type]
                     colour=spec.get("colour"), scale=int(spec.get("scale", 0)))  # type: ignore[arg-type]
    return paragraph


def tag(doc: DocumentObject, text: str) -> None:
    """A docxtpl control paragraph ({%p … %}); docxtpl removes it when rendering."""
    para(doc, "公文正文", (text, ""))


def blank(doc: DocumentObject, n: int = 1) -> None:
    for _ in range(n):
        para(doc, "公文正文", ("", ""))


def head(doc: DocumentObject) -> None:
    """版头: the red 发文机关标志, the 发文字号 over the red line, the title, the 主送机关."""
    para(doc, "发文机关标志", ("{{ mark }}", ""))
    para(doc, "发文字号", ("{{ number }}", ""))
    blank(doc, 2)
    tag(doc, "{%p for line in title %}")
    para(doc, "公文标题", ("{{ line }}", ""))
    tag(doc, "{%p endfor %}")
    blank(doc)
    tag(doc, "{%p if recipients %}")
    para(doc, "主送机关", ("{{ recipients }}", ""))
    tag(doc, "{%p endif %}")


def blocks(doc: DocumentObject, name: str, *, ends_text: bool = False) -> None:
    """The composed text: 一、 headings in 黑体; paragraphs with an optional （一） lead in 楷体. When the
    signature follows (`ends_text`), the last paragraph keeps with it: no page holds the signature alone."""
    tag(doc, f"{{%p for b in {name} %}}")
    tag(doc, "{%p if b.heading %}")
    para(doc, "一级标题", ("{{ b.text }}", ""))
    if ends_text:
        tag(doc, "{%p elif loop.last %}")
        para(doc, "公文正文", ("{{ b.lead }}", "二级标题"), ("{{ b.text }}", "")).paragraph_format.keep_with_next = True
    tag(doc, "{%p else %}")
    para(doc, "公文正文", ("{{ b.lead }}", "二级标题"), ("{{ b.text }}", ""))
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")


def closing(doc: DocumentObject) -> None:
    """附件说明, then 署名 and 成文日期."""
    kept: list[Paragraph] = []
    tag(doc, "{%p if attachment_note %}")
    kept.append(para(doc, "公文正文", ("", "")))
    tag(doc, "{%p for line in attachment_note %}")
    kept.append(para(doc, "公文正文", ("{{ line }}", "")))
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    kept += [para(doc, "公文正文", ("", "")) for _ in range(2)]
    kept.append(para(doc, "发文机关署名", ("{{ signature }}", "")))
    para(doc, "成文日期", ("{{ date }}", ""))
    for paragraph in kept:  # the signature block and what leads to it stay on one page
        paragraph.paragraph_format.keep_with_next = True


def imprint(doc: DocumentObject) -> None:
    """版记: 印发机关 and 印发日期 between two lines."""
    para(doc, "版记", ("\u3000{{ printed_by }}\t{{ printed_on }}", ""))


def table(doc: DocumentObject, name: str, columns: list[tuple[str, str, float]]) -> Table:
    """A table whose header row repeats on every page, one row per item of `name`.rows."""
    grid = doc.add_table(rows=4, cols=len(columns))
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    tbl_pr = grid._tbl.tblPr
    borders = put(tbl_pr, "tblBorders", TBLPR)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{side}")
        for key, value in (("val", "single"), ("sz", "4"), ("space", "0"), ("color", "000000")):
            line.set(qn(f"w:{key}"), value)
        borders.append(line)
    put(tbl_pr, "tblLayout", TBLPR, type="fixed")
    total = sum(w for _, _, w in columns)
    widths = [int(TEXT_WIDTH * w / total) for _, _, w in columns]
    for i, width in enumerate(widths):
        grid.columns[i].width = width
        for row in grid.rows:
            row.cells[i].width = width
            row.cells[i].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    header, start, body, end = grid.rows
    trpr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    trpr.append(repeat)
    for row in (header, body):
        split = OxmlElement("w:cantSplit")
        row._tr.get_or_add_trPr().append(split)
    for i, (label, field, _) in enumerate(columns):
        _cell_text(doc, header.cells[i].paragraphs[0], label, "表头文字")
        _cell_text(doc, body.cells[i].paragraphs[0], f"{{{{ r.{field} }}}}", "表格文字")
    _cell_text(doc, start.cells[0].paragraphs[0], f"{{%tr for r in {name}.rows %}}", "表格文字")
    _cell_text(doc, end.cells[0].paragraphs[0], "{%tr endfor %}", "表格文字")
    return grid


def _cell_text(doc: DocumentObject, paragraph: Paragraph, text: str, style: str) -> None:
    paragraph.style = doc.styles[style]
    spec = STYLES[style]
    set_font(paragraph.add_run(text), str(spec["font"]), float(spec["size"]))  # type: ignore[arg-type]


def attachment(doc: DocumentObject, name: str, columns: list[tuple[str, str, float]]) -> None:
    """An attachment on a new page: label (附件1) in 黑体, its title, the table."""
    tag(doc, f"{{%p if {name} %}}")
    para(doc, "附件标签", (f"{{{{ {name}.label }}}}", ""))
    blank(doc)
    tag(doc, f"{{%p for line in {name}.heading %}}")
    para(doc, "公文标题", ("{{ line }}", ""))
    tag(doc, "{%p endfor %}")
    blank(doc)
    table(doc, name, columns)
    tag(doc, "{%p endif %}")


# ---- the three templates -------------------------------------------------------------------------

# (header, field of the row, width in points; each table's widths add up to the 442-pt text width)
CHASE = [("序号", "no", 34), ("上级组织", "parent", 76), ("支部名称", "name", 100), ("缺报项", "owed", 102),
         ("联系人", "contact", 45), ("联系电话", "phone", 85)]
PARENTS = [("序号", "no", 34), ("上级组织", "parent", 144), ("类型", "kind", 56), ("应报", "expected", 36),
           ("实报", "sent", 36), ("按时", "on_time", 36), ("报送率", "rate", 50), ("按时率", "on_time_rate", 50)]
LISTED = [("序号", "no", 34), ("支部名称", "name", 170), ("品牌名称", "brand", 130), ("总分", "total", 50),
          ("等次", "grade", 58)]
HONOURED = [("序号", "no", 34), ("支部名称", "name", 230), ("品牌名称", "brand", 178)]


def notice(doc: DocumentObject) -> None:
    head(doc)
    blocks(doc, "body", ends_text=True)
    closing(doc)
    attachment(doc, "chase", CHASE)
    attachment(doc, "parents", PARENTS)
    imprint(doc)


def publicity(doc: DocumentObject) -> None:
    head(doc)
    blocks(doc, "body", ends_text=True)  # the last paragraph leads into the list (or, with no list, the signature)
    tag(doc, "{%p if listed %}")
    table(doc, "listed", LISTED)
    tag(doc, "{%p endif %}")
    blocks(doc, "closing", ends_text=True)
    closing(doc)


def decision(doc: DocumentObject) -> None:
    head(doc)
    blocks(doc, "body", ends_text=True)
    closing(doc)
    attachment(doc, "honoured", HONOURED)
    imprint(doc)


TEMPLATES: dict[str, Callable[[DocumentObject], None]] = {
    "督查情况通报.docx": notice, "表彰建议名单公示.docx": publicity, "表彰决定（代拟稿）.docx": decision,
}


def build(name: str, fill: Callable[[DocumentObject], None]) -> bytes:
    doc = Document()
    _drop_thumbnail(doc)
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    add_styles(doc)
    page_setup(doc)
    fill(doc)
    props = doc.core_properties
    props.title, props.subject = "{{ subject }}", "“一支部一品牌”创建活动"
    props.author, props.last_modified_by = "{{ signature }}", ""
    props.comments, props.keywords, props.category = f"公文模板：{name}（docxtpl）", "", ""
    props.created = props.modified = STAMP
    props.revision = 1
    out = io.BytesIO()
    doc.save(out)
    return stable_zip(out.getvalue(), STAMP)


def _drop_thumbnail(doc: DocumentObject) -> None:
    rels = doc.part.package.rels
    for key in [k for k, rel in rels.items() if rel.reltype == RT.THUMBNAIL]:
        del rels[key]


def main(folder: Path = TEMPLATE_FOLDER) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, fill in TEMPLATES.items():
        path = folder / name
        path.write_bytes(build(name, fill))
        written.append(path)
    return written


if __name__ == "__main__":
    for path in main(Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATE_FOLDER):
        print(path)
