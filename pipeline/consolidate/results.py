"""Everything the outputs show, computed in one pure step from the assessment and the campaign."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from pipeline.assess import Assessment
from pipeline.config import Campaign
from pipeline.consolidate import completeness as cp
from pipeline.consolidate.ledger import ledger_frames
from pipeline.consolidate.notices import Notice, notices
from pipeline.consolidate.register import Recognition, recognition
from pipeline.consolidate.scoring import Inputs, scorecard
from pipeline.consolidate.shortlist import Quota, ineligibility, quota_of, shortlist
from pipeline.forms import COMMITTEE
from pipeline.names import short_name


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
    short_names: dict[str, str]  # 支部编码 → the school's name without administrative prefixes (sheet tabs)
    recognition: Recognition = field(default_factory=Recognition.nothing)  # SPEC §12: register, 审核验收表

    @property
    def recognised(self) -> pd.DataFrame:
        """This campaign's new register rows (认定编号, 支部编码, 支部名称, 品牌名称, 认定年度, 有效期至), in
        积分卡 order: exactly the branches the committee's 审核验收 passed."""
        return self.recognition.recognised

    @property
    def decision_received(self) -> bool:
        """Whether a 审核验收表 with a decision dated by as_of was received."""
        return self.recognition.decided

    @property
    def passed(self) -> pd.DataFrame | None:
        """Whom 表彰决定（代拟稿） names (SPEC §11, §12): the new register rows once the committee's decision is
        in; None before that, and the decision lists the shortlist."""
        return self.recognised if self.decision_received else None


def consolidate(assessment: Assessment, campaign: Campaign) -> Results:
    roster = assessment.roster
    ledger = ledger_frames(assessment, tuple(k for k in assessment.kinds if k.in_ledger), campaign.as_of)
    standing = ledger_frames(assessment, tuple(k for k in assessment.kinds if not k.in_ledger), campaign.as_of)
    reports = cp.reports_of(assessment)
    matrices = {kind: cp.completeness_matrix(roster, reports, kind, campaign) for kind in cp.REPORT_TYPES}
    data = Inputs(ledger, cp.branch_rates(matrices, campaign))
    names = dict(zip(roster.branches.index, roster.branches["支部名称"], strict=True))
    card, details = scorecard(cp.active_codes(roster, campaign), names, data, campaign)
    listed, missed = shortlist(card, data, matrices["quarterly"], campaign)
    committee = frozenset(k.title for k in assessment.kinds if k.filled_by == COMMITTEE)
    applied = set(ledger["认定申请"]["支部编码"]) if "支部编码" in ledger["认定申请"] else set()

    def reasons(code: str, total: float) -> list[str]:
        return ineligibility(code, total, data, matrices["quarterly"], campaign)

    return Results(
        ledger=ledger, matrices=matrices, rates=cp.rate_table(matrices, campaign),
        by_parent=cp.rate_by_parent(matrices, campaign), overall=cp.overall_rates(matrices, campaign),
        chase=cp.chase_list(roster, matrices, campaign, cp.unopened_cells(assessment)),
        not_applied=cp.not_applied(roster, assessment, campaign),
        card=card, details=details, listed=listed, missed=missed, quota=quota_of(listed, missed, campaign),
        notices=notices(assessment.issues, assessment.manifest, set(names.values()), committee),
        short_names={str(code): short_name(str(name), campaign.prefixes) for code, name in names.items()},
        recognition=recognition(standing, card, missed, applied, reasons, assessment, campaign),
    )
