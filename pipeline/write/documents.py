"""outbox/公文/: the office's drafts as .docx (SPEC §11), poured into docxtpl templates.

The text comes from `pipeline.consolidate.documents`; the layout (GB/T 9704: page, fonts, red
header, page numbers) lives in the templates, shipped in `docx_templates/` (built by
tools/make_docx_templates.py) or taken from the clerk's own folder (`[documents] template_dir`; a
document whose template is not in that folder uses the shipped one). Output is byte-identical for the
same input: fixed document properties (dated as_of) and fixed zip entry times.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import io
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd
from docxtpl import DocxTemplate

from pipeline.config import Campaign, StopRun
from pipeline.consolidate.documents import Draft, compose_documents
from pipeline.consolidate.results import Results

FOLDER = "公文"
TEMPLATE_FOLDER = Path(__file__).parent / "docx_templates"


class DocumentError(StopRun):
    """A template the run cannot use (a clerk's edit broke its tags); the outbox is left as it was."""


def template_for(file: str, campaign: Campaign) -> Path:
    """The clerk's template when the configured folder has one, else the shipped template."""
    folder = campaign.documents.template_dir
    if folder is not None and (folder / file).is_file():
        return folder / file
    return TEMPLATE_FOLDER / file


def context(draft: Draft) -> dict[str, Any]:
    """What the template sees: the draft's fields, its tables by name."""
    fields = {f.name: getattr(draft, f.name) for f in dataclasses.fields(draft) if f.name != "tables"}
    return {**fields, **draft.tables}


def render(draft: Draft, template: Path, as_of: dt.date) -> bytes:
    """One .docx; Jinja escapes the text (a name with & or < stays text), properties are fixed."""
    try:
        doc = DocxTemplate(str(template))
        doc.render(context(draft), jinja2.Environment(autoescape=True))
    except (jinja2.TemplateError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise DocumentError([f"公文模板 {template} 无法使用：{exc}。请检查模板中的 {{{{ }}}} 和 {{% %}} 标记，"
                             "或删除该文件改用自带模板。"]) from None
    stamp = dt.datetime(as_of.year, as_of.month, as_of.day)
    props = doc.docx.core_properties
    props.title = draft.subject
    props.created = props.modified = stamp
    props.last_printed = stamp
    props.revision = 1
    props.last_modified_by = draft.signature
    props.author = draft.signature
    out = io.BytesIO()
    doc.save(out)
    return stable_zip(out.getvalue(), stamp)


def stable_zip(data: bytes, stamp: dt.datetime) -> bytes:
    """The same package with every entry dated `stamp`: zipfile otherwise stamps the wall clock."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            dst.writestr(info, src.read(item.filename))
    return out.getvalue()


def write_document_files(folder: Path, results: Results, campaign: Campaign,
                         passed: pd.DataFrame | None = None) -> list[Path]:
    """The three drafts into `folder`. `passed`: the branches the 审核验收表 passed (SPEC §12), if any."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for draft in compose_documents(results, campaign, passed):
        path = folder / draft.file
        path.write_bytes(render(draft, template_for(draft.file, campaign), campaign.as_of))
        written.append(path)
    return written


def write_documents(outbox: Path, results: Results, campaign: Campaign,
                    passed: pd.DataFrame | None = None) -> list[Path]:
    """outbox/公文/ inside an outbox being written (the run's staging folder)."""
    return write_document_files(outbox / FOLDER, results, campaign, passed)


def replace_documents(outbox: Path, results: Results, campaign: Campaign,
                      passed: pd.DataFrame | None = None) -> list[Path]:
    """Only outbox/公文/, swapped in whole once every draft is written (`pipeline docs`)."""
    with _swapped(outbox / FOLDER) as staging:
        written = write_document_files(staging, results, campaign, passed)
    return [outbox / FOLDER / p.name for p in written]


@contextlib.contextmanager
def _swapped(target: Path) -> Iterator[Path]:
    """Write into a sibling staging folder; replace `target` with it only on success."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    os.chmod(target, 0o755)
    shutil.rmtree(old, ignore_errors=True)
