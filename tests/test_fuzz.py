"""Arbitrary cell contents in form-shaped workbooks never crash the reader."""

import datetime as dt
import functools
import io
import tempfile
from pathlib import Path

import factory as f
import openpyxl
from factory import campaign
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.forms import form_kinds
from pipeline.parse.file import read_file

CAMPAIGN = campaign()
KINDS = form_kinds(CAMPAIGN)
LABELS = sorted({label for k in KINDS for label in (*k.labels, *(c for t in k.tables for c in t.labels))})
TITLES = [k.title for k in KINDS]

cells = st.one_of(
    st.none(), st.sampled_from(LABELS), st.sampled_from(TITLES),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12),  # what a cell can hold
    st.integers(-5, 30_000_000), st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)), st.sampled_from(["2014-05", "二季度", "80%", "=A1"]),
)
grids = st.lists(st.lists(cells, min_size=1, max_size=7), min_size=1, max_size=14)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=st.sampled_from(TITLES), grid=grids, merge=st.booleans())
def test_form_shaped_noise_never_raises(title, grid, merge):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append([title])
    for row in grid:
        ws.append(row)
    if merge and len(grid) > 2:
        ws.merge_cells(start_row=2, start_column=1, end_row=3, end_column=2)
    out = io.BytesIO()
    book.save(out)
    received = read_file("f.xlsx", out.getvalue(), KINDS, CAMPAIGN)  # unguarded: a bug would raise here
    assert received.status is None or received.reason


@functools.cache
def _roster():
    box = Path(tempfile.mkdtemp())
    path = f.roster(box, [f.branch("JN001", "江宁区东山小学党支部"), f.branch("JN002", "秣陵中学党支部")])
    return read_file("支部名册.xlsx", path.read_bytes(), KINDS, CAMPAIGN)


# Each example runs the reader, assessment and consolidation (≈ 0.15 s): bounded so the suite stays fast.
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=st.sampled_from(TITLES[1:]), grid=grids)
def test_noise_through_assessment_never_raises(title, grid):
    from pipeline.assess import assess
    from pipeline.consolidate.results import consolidate

    book = openpyxl.Workbook()
    ws = book.active
    ws.append([title])
    for row in grid:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    received = read_file("f.xlsx", out.getvalue(), KINDS, CAMPAIGN)
    assessment = assess([_roster(), received], KINDS, CAMPAIGN)
    results = consolidate(assessment, CAMPAIGN)
    assert {r.文件 for r in assessment.manifest} == {"支部名册.xlsx", "f.xlsx"}
    assert sorted(results.card["支部编码"]) == ["JN001", "JN002"]  # noise never adds or drops a branch
