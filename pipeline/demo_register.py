"""Two campaigns end to end (SPEC §12, 两年一次认定): `pipeline demo --year Y` writes the inbox of campaign Y.

The configured campaign (campaign.toml, year Y0) is run first on its own demo inbox, the committee's
审核验收 decisions are filled in (通过 for the shortlist), and the register that run writes goes into
campaign Y's inbox, as the committee would carry it over. Campaign Y's config is campaign.toml with every
date moved by Y − Y0 years — the only thing that changes between years — written beside the forms.
The branches are the same (same seed); those recognised before improve their brand, but one applies as
创建 and one under a new name, and the last is dissolved before the review, so every rule of §12 shows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import tempfile
import tomllib
from pathlib import Path

import pandas as pd

from pipeline.config import Campaign, ConfigError, build_campaign
from pipeline.demo import Branch, generate_demo
from pipeline.forms import ACCEPTANCE, form_kinds
from pipeline.parse.file import read_file
from pipeline.run import compute
from pipeline.write.forms import write_form
from pipeline.write.register import REGISTER_FILE, write_register

CONFIG_FILE = "campaign.toml"
_DATE = re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?!\d)")
_MONTH = re.compile(r'"(\d{4})-(\d{2})"')
_QUARTER = re.compile(r'"(\d{4})Q([1-4])"')
_YEAR = re.compile(r"^(\s*year\s*=\s*)(\d{4})\b", re.MULTILINE)


def shifted_config(text: str, years: int) -> str:
    """campaign.toml with the campaign year and every date, month and quarter moved by `years` (comments
    kept, so the file still documents itself)."""
    def day(m: re.Match[str]) -> str:
        return _moved(dt.date(int(m[1]), int(m[2]), int(m[3])), years).isoformat()

    text = _DATE.sub(day, text)
    text = _MONTH.sub(lambda m: f'"{int(m[1]) + years}-{m[2]}"', text)
    text = _QUARTER.sub(lambda m: f'"{int(m[1]) + years}Q{m[2]}"', text)
    text = _YEAR.sub(lambda m: f"{m[1]}{int(m[2]) + years}", text)
    return f"# 由 pipeline demo 据活动参数生成：全部日期顺延 {years} 年，其余与原参数相同。\n{text}"


def _moved(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def later_campaign(config_text: str, base: Campaign, year: int, today: dt.date) -> tuple[str, Campaign]:
    """The config text of campaign `year` and the campaign it describes (a bad one raises ConfigError)."""
    text = shifted_config(config_text, year - base.year)
    return text, build_campaign(tomllib.loads(text), today)


def generate_sequel(out: Path, branches: int, seed: int, base: Campaign, config_text: str, year: int,
                    today: dt.date, register: Path | None = None) -> tuple[dict[str, int], Path]:
    """Write campaign `year`'s demo inbox into `out`, with the register of a run of the configured campaign
    (`register`: one such run already wrote) and the matching campaign.toml; return the files per kind
    and the config's path."""
    text, later = later_campaign(config_text, base, year, today)
    earlier = dataclasses.replace(base, as_of=base.review.end)
    with tempfile.TemporaryDirectory(prefix="pinpai-") as tmp:
        if register is None:
            register = Path(tmp) / "outbox" / REGISTER_FILE
            register.parent.mkdir()
            recognised = earlier_register(Path(tmp) / "inbox", register.parent, branches, seed, earlier)
        else:
            recognised = register_rows(register, earlier)
        counts = generate_demo(out, branches, seed, later, lambda roster: carry_over(roster, recognised, later))
        target = out / "局党工委" / f"{REGISTER_FILE.removesuffix('.xlsx')}（{base.year}年）.xlsx"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(register.read_bytes())
    stamp = dt.datetime.combine(later.application.start, dt.time(9)).timestamp()
    os.utime(target, (stamp, stamp))
    config = out / CONFIG_FILE
    config.write_text(text, encoding="utf-8")
    _tell(out, base.year, year, target)
    return {**counts, "register": 1}, config


def earlier_register(inbox: Path, outbox: Path, branches: int, seed: int, campaign: Campaign) -> pd.DataFrame:
    """Run the earlier campaign on its demo inbox, let the committee decide, write its register into
    `outbox`; return the register's rows."""
    generate_demo(inbox, branches, seed, campaign)
    first = compute(inbox, campaign).results
    (inbox / "审核验收").mkdir()
    write_form(inbox / "审核验收" / f"{ACCEPTANCE.title}.xlsx", ACCEPTANCE, {},
               {"审核验收": decisions(first.recognition.acceptance, campaign)},
               created=dt.datetime.combine(campaign.review.end, dt.time(9)))
    recognition = compute(inbox, campaign).results.recognition
    write_register(outbox, recognition, campaign)
    return recognition.register


def register_rows(path: Path, campaign: Campaign) -> pd.DataFrame:
    """The rows of a register the earlier campaign wrote (支部编码, 品牌名称 as written)."""
    received = read_file(path.name, path.read_bytes(), form_kinds(campaign), campaign)
    sub = received.submission
    if sub is None or not sub.kind.standing:
        raise ConfigError([f"{path} 不是品牌认定名册（{received.reason or '表格类型不符'}）。"])
    return sub.tables[sub.kind.tables[0].name].frame()


def decisions(acceptance: pd.DataFrame, campaign: Campaign) -> list[dict[str, object]]:
    """The committee passes the shortlist, defers the first branch below it and turns down the rest."""
    day = campaign.review.end - dt.timedelta(days=10)
    rows, deferred = [], False
    for r in acceptance.to_dict("records"):
        verdict = "通过" if r["是否入围"] == "是" else "不通过" if deferred else "暂缓"
        deferred = deferred or verdict == "暂缓"
        rows.append({"支部编码": r["支部编码"], "支部名称": r["支部名称"], "验收结论": verdict, "验收日期": day,
                     "审核人": "局党工委审核验收小组", "审核意见": "材料齐全，成效明显" if verdict == "通过" else ""})
    return rows


def carry_over(roster: list[Branch], register: pd.DataFrame, campaign: Campaign) -> None:
    """Branches recognised before go on improving their brand; the first applies as 创建 anyway, the
    second under another name, and the last is dissolved before the review (its row becomes 已撤销)."""
    brands = dict(zip(register["支部编码"], register["品牌名称"], strict=True))
    recognised = [b for b in roster if b.code in brands and b.dissolved is None
                  and b.founded < campaign.application.start]
    for b in recognised:
        b.registered = str(brands[b.code])
    for b, slip in zip(recognised, ("create", "rename"), strict=False):
        b.registered_slip = slip
    if len(recognised) > 1:
        recognised[-1].dissolved = campaign.review.start


def _tell(out: Path, earlier: int, year: int, register: Path) -> None:
    """Add the two campaigns to the demo's 说明.txt."""
    readme = out / "说明.txt"
    text = readme.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    text += (f"\n本收件箱是 {year} 年度的活动：{register.relative_to(out).as_posix()} 是 {earlier} 年度活动运行后、"
             f"经局党工委审核验收写出的品牌认定名册。\n本年度的活动参数是本文件夹中的 {CONFIG_FILE}（日期整体顺延，"
             f"其余不变），运行时请用 --config 指定它。\n")
    readme.write_bytes(text.replace("\n", "\r\n").encode("utf-8-sig"))
