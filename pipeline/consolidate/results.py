"""Everything the outputs show, computed in one pure step from the assessment and the campaign."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pipeline.assess import Assessment
from pipeline.config import Campaign
from pipeline.consolidate import completeness as cp
from pipeline.consolidate.ledger import ledger_frames
from pipeline.consolidate.notices import Notice, notices
from pipeline.consolidate.scoring import Inputs, scorecard
from pipeline.consolidate.shortlist import Quota, quota_of, shortlist
from pipeline.forms import COMMITTEE
from pipeline.names import strip_prefixes


@dataclass(frozen=True)
class Results:
    ledger: dict[str, pd.DataFrame]
    matrices: dict[str, pd.DataFrame]  # monthly / quarterly
    rates: pd.DataFrame
    by_parent: pd.DataFrame
    overall: dict[str, object]
    chase: pd.DataFrame
    not_applied: pd.DataFrame
    card: pd.DataFrame
    details: pd.DataFrame
    listed: pd.DataFrame
    missed: pd.DataFrame
    quota: Quota
    notices: tuple[Notice, ...]
    short_names: dict[str, str]  # 支部编码 → the name without the configured prefixes (sheet tabs)


def consolidate(assessment: Assessment, campaign: Campaign) -> Results:
    roster = assessment.roster
    ledger = ledger_frames(assessment, assessment.kinds, campaign.as_of)
    reports = cp.reports_of(assessment)
    matrices = {kind: cp.completeness_matrix(roster, reports, kind, campaign) for kind in cp.REPORT_TYPES}
    data = Inputs(ledger, cp.branch_rates(matrices, campaign))
    names = dict(zip(roster.branches.index, roster.branches["支部名称"], strict=True))
    card, details = scorecard(cp.active_codes(roster, campaign), names, data, campaign)
    listed, missed = shortlist(card, data, matrices["quarterly"], campaign)
    committee = frozenset(k.title for k in assessment.kinds if k.filled_by == COMMITTEE)
    return Results(
        ledger=ledger, matrices=matrices, rates=cp.rate_table(matrices, campaign),
        by_parent=cp.rate_by_parent(matrices, campaign), overall=cp.overall_rates(matrices, campaign),
        chase=cp.chase_list(roster, matrices, campaign), not_applied=cp.not_applied(roster, assessment, campaign),
        card=card, details=details, listed=listed, missed=missed, quota=quota_of(listed, missed, campaign),
        notices=notices(assessment.issues, assessment.manifest, set(names.values()), committee),
        short_names={str(code): strip_prefixes(str(name), campaign.prefixes) for code, name in names.items()},
    )
