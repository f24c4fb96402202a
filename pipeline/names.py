"""Branch names as the committee compares them: one normalisation, one prefix rule (SPEC §4)."""

from __future__ import annotations

import re
import unicodedata


def squash(name: str) -> str:
    """NFKC, no whitespace: how two spellings of one name are compared."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", name))


def strip_prefixes(name: str, prefixes: tuple[str, ...]) -> str:
    """Drop configured prefixes (中共, 南京市, 江宁区 …) as often as they lead the name."""
    out = squash(name)
    changed = True
    while changed:
        changed = False
        for p in prefixes:
            if p and out.startswith(p) and len(out) > len(p):
                out, changed = out[len(p):], True
    return out
