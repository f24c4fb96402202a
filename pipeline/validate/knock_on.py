"""Root causes and their consequences (SPEC §4, rev. 2): what cannot be checked because of another
problem is said once, naming that problem; the problem says what it holds up."""

from __future__ import annotations

from dataclasses import replace

from pipeline.forms import FormKind
from pipeline.issues import Issue, brief, issue_order
from pipeline.validate.rules import BLOCKED, Application

NAMED_CAUSES = 3  # a cause names at most this many of the application's errors, then 等


def why_no_application(sent_back: list[list[Issue]]) -> Application:
    """The branch has no accepted application: the latest one sent back (its errors), or none at all."""
    if not sent_back:
        return Application(None)
    errors = sorted((i for i in sent_back[-1] if i.is_error), key=issue_order)
    named = list(dict.fromkeys(brief(i) for i in errors))
    shown = "、".join(named[:NAMED_CAUSES]) + ("等" if len(named) > NAMED_CAUSES else "")
    return Application(None, f"品牌申报表未受理（{shown}）", "请按退回通知改正品牌申报表后尽快重报")


def blocked_text(kinds: tuple[FormKind, ...]) -> str:
    """What a sent-back application holds up: every kind's rule that needs the accepted application."""
    items = list(dict.fromkeys((k.report_type or k.title.removesuffix("表")) + BLOCKED[rule]
                               for k in kinds for rule in k.rules if rule in BLOCKED))
    if not items:
        return ""
    both = "均" if len(items) > 1 else ""
    return f"申报表退回后，本支部的{'、'.join(items)}{both}无法核对，请尽快重报"


def say_what_it_blocks(found: list[Issue], text: str) -> list[Issue]:
    """The application's first error (in the order the school reads them) carries what it blocks."""
    errors = sorted((i for i in found if i.is_error), key=issue_order)
    if not errors:
        return found
    first = errors[0]
    return [replace(i, fix=f"{i.fix}。{text}") if i is first else i for i in found]
