"""Branch names as the committee compares them: one normalisation, one prefix rule (SPEC §4)."""

from __future__ import annotations

import functools
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


_CN_DIGITS = {c: n for n, c in enumerate("零一二三四五六七八九", start=0)}
_NUMBERS = re.compile(r"(\d+|[零一二三四五六七八九十]+)")


def _cn_number(text: str) -> int:
    """一 … 九十九 as written in 第三季度, 十一月."""
    if "十" not in text:
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones[:1], 0) if ones else 0)


@functools.lru_cache(maxsize=1 << 16)  # file names repeat on every row of their file
def natural_key(text: str) -> tuple[tuple[int, int, str], ...]:
    """Text with its numbers compared as numbers: 5月 before 10月, 第二季度 before 第三季度.

    The one sort key for everything listed by file name or period (收件清单 and manifest.json, 问题清单,
    退回通知): 2014-05 … 2014-11, 2014Q2 … 2014Q4 and 汤山5月 … 汤山10月 in calendar order."""
    out = []
    for n, part in enumerate(_NUMBERS.split(text)):
        if n % 2:
            out.append((0, int(part) if part.isdigit() else _cn_number(part), part))
        elif part:
            out.append((1, 0, part))
    return tuple(out)


# What a sheet tab may drop from a roster name: administrative prefixes (a configured prefix naming a
# division or the party: 江宁区, 南京市, 中共) but not a bare place name (江宁 in 江宁小学 is the school's
# name), and the party-organisation suffix unless it is what tells two branches apart (第一党支部).
ADMINISTRATIVE_ENDINGS = ("省", "市", "区", "县", "旗", "镇", "乡", "街道", "党", "中共")
ORGANISATION_SUFFIXES = ("联合党支部", "党总支", "党支部", "联合支部", "总支", "支部", "党委")
_ORDINAL_END = re.compile(r"第[0-9零一二三四五六七八九十]+$")


def short_name(name: str, prefixes: tuple[str, ...]) -> str:
    """The school as a tab names it: 江宁区江宁小学党支部 → 江宁小学; 江宁高级中学第一党支部 stays whole."""
    out = strip_prefixes(name, tuple(p for p in prefixes if p.endswith(ADMINISTRATIVE_ENDINGS)))
    for suffix in ORGANISATION_SUFFIXES:
        head = out[: -len(suffix)]
        if out.endswith(suffix) and len(head) >= 2:
            return out if _ORDINAL_END.search(head) else head
    return out
