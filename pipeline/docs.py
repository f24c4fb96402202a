"""`pipeline docs`: regenerate only outbox/公文/ — for a clerk who edits the templates or the
[documents] wording and wants to see the drafts again without rewriting every workbook.

The numbers are computed exactly as `pipeline run` computes them (same reading, assessment and
consolidation), so the drafts always agree with the workbooks of a run at the same as_of.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from pipeline.assess import assess
from pipeline.config import Campaign
from pipeline.consolidate.results import consolidate
from pipeline.forms import form_kinds
from pipeline.read.inbox import read_inbox
from pipeline.write.documents import replace_documents


def regenerate_documents(inbox: Path, outbox: Path, campaign: Campaign,
                         progress: Callable[[Iterator[Path]], Iterator[Path]] = iter) -> list[Path]:
    """Compute as the run does, then swap in a fresh outbox/公文/; nothing else in outbox/ changes."""
    kinds = form_kinds(campaign)
    assessment = assess(read_inbox(inbox, kinds, campaign, progress), kinds, campaign)
    return replace_documents(outbox, consolidate(assessment, campaign), campaign)
