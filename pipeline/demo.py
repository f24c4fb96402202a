"""A realistic synthetic inbox: the roster and every submission a clerk would receive (SPEC §9).

`generate_demo(out, branches, seed, campaign)` writes the committee's roster, each branch's
application, monthly checks, quarterly reports and recognition application, the committee's
inspection records and the reviewers' score sheets, in the sub-folders and file names a clerk's
inbox would have. As branches really send them, a few applications are Word forms, one school's
monthly reports come as a zipped folder (GBK names) and one archive holds another (demo_archives.py).
A handful of realistic mistakes are planted (each listed in `说明.txt`) so that the issue list and
the send-back notices have something to show.

Everything is drawn from one `random.Random(seed)` and every workbook's timestamps come from its
own form date, so two runs with the same seed and campaign write byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from rapidfuzz import fuzz

from pipeline.config import Campaign
from pipeline.demo_archives import pack_nested, pack_school_folder
from pipeline.forms import (
    APPLY_CREATE,
    APPLY_IMPROVE,
    INSPECTION,
    MONTHLY,
    QUARTERLY,
    RECOGNITION,
    ROSTER,
    FormKind,
    form_kinds,
    review_kind,
)
from pipeline.names import strip_prefixes
from pipeline.workdays import is_workday
from pipeline.write.forms import write_form
from pipeline.write.word_forms import write_word_form

# ---- vocabulary ------------------------------------------------------------------------------

def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


TOWNS = ("东山", "秣陵", "汤山", "淳化", "禄口", "江宁", "谷里", "湖熟", "横溪", "麒麟")
PARENT_TOWNS = ("东山", "秣陵", "汤山", "淳化", "禄口")  # towns with a 片区学校党总支 above the branches
SCHOOLS = (  # school type, members low, members high
    ("小学", 8, 35), ("中心小学", 15, 45), ("实验小学", 20, 50), ("中学", 15, 50), ("初级中学", 12, 40),
    ("高级中学", 30, 60), ("幼儿园", 3, 12), ("中心幼儿园", 5, 15), ("职业学校", 20, 50),
)
# Types that get 第二…, 第三… schools once the plain ones run out.
NUMBERED = ("小学", "实验小学", "中学", "初级中学", "幼儿园")
EXCLUDED = {("江宁", "高级中学"), ("秣陵", "中学")}  # clash with the special units below
SPECIALS = (  # unit, branch type, branch name, members
    ("江宁区教育局机关", "联合支部", "江宁区教育局机关联合支部", 26),
    ("江苏省江宁高级中学", "支部", "江宁高级中学第一党支部", 38),
    ("南京市秣陵中学", "总支", "秣陵中学党总支", 57),
)
SUFFIX = {"支部": "党支部", "联合支部": "联合党支部", "总支": "党总支"}
CN_DIGITS = "零一二三四五六七八九"
TYPOS = {"秣": "抹", "淳": "醇", "熟": "孰", "麟": "林", "禄": "陆", "溪": "西", "汤": "唐", "谷": "古",
         "东": "冬", "横": "恒", "麒": "骐", "陵": "凌", "山": "三"}
UNKNOWN_BRANCH = "江宁区青龙山学校党支部"  # a school that is not (yet) on the roster

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯董程曹袁邓许沈曾彭吕苏蒋蔡丁魏叶潘杜"
GIVEN = _words(
    "建国 海燕 志强 丽华 晓东 秀英 文杰 红梅 春燕 国平 敏 静 伟 芳 军 勇 霞 娟 丹 俊 磊 玲 斌 "
    "慧 宏 洁 颖 峰 艳 新华 卫东 美玲 立新 明 雪梅 晓燕 永红 建华 玉兰 德明 子涵 思远 婷婷 "
    "亚军"
)

BRAND_A = _words("红烛 先锋 红帆 薪火 师德 润心 阳光 书香 红韵 初心 春晖 同心 明德")
BRAND_B = _words("领航 引领 铸魂 育人 润泽 同行 筑梦 聚力 护航 行动 工程")
BRANDS = ("党建引领 润泽童心", "红烛先锋", "一个党员一面旗", "红心向党 育人为本", "立德树人 薪火相传",
          "春风化雨 润物无声", "党旗下的好老师", "红领巾心向党")
LONG_BRAND = "党建引领促发展 立德树人育新人"

CARRIERS = _words("党员先锋岗 主题党日 师德师风建设 志愿服务 课堂教学 青蓝结对 家校共育 结对帮扶")
ACTIVITIES = _words(
    "主题党日活动 党员示范课展示 师德师风专题学习 党员志愿服务进社区 青蓝结对汇报课 "
    "群众路线教育实践活动专题学习 社会主义核心价值观主题教育 党员先锋岗亮岗承诺 "
    "结对帮扶学生家访 “中国梦”主题演讲比赛 红色经典诵读 支部党员大会"
)
MONTH_ACTIVITIES = {7: "庆祝建党{n}周年党员大会", 9: "教师节师德承诺签名", 10: "国庆“我的中国梦”主题活动"}
PARTY_FOUNDED = 1921  # the anniversary in July's activity is counted from the Party's founding year
PLACES = _words("学校会议室 党员活动室 多功能厅 阶梯教室 结对社区活动中心 雨花台烈士陵园 校园")
MEDIA = (("江宁教育网", "网站"), ("江宁区教育局网站", "网站"), ("学校网站", "网站"), ("《江宁新闻》", "报刊"),
         ("《南京日报》", "报刊"), ("《江苏教育报》", "报刊"), ("校园宣传栏", "宣传栏"),
         ("学校微信公众号", "微信公众号"), ("江宁电视台", "其他"))
TASKS = _words(
    "设立党员先锋岗并公开承诺 开展党员示范课展示活动 组织党员志愿服务进社区 "
    "开展师德师风专题学习讨论 建立青蓝结对帮扶机制 完善党员积分管理制度 "
    "建设党员活动室和宣传阵地 组织党员结对帮扶学困生 召开品牌创建推进会 开展品牌创建成果展示 "
    "编印品牌创建成果汇编"
)
PACE_NOTES = ("{m}月底前完成", "每月推进，{m}月底前全部完成", "分阶段实施，按月报告进展",
              "{m}月底前完成并形成书面材料")
INSPECTION_FINDINGS = (
    ("活动记录不够完整，缺少照片和签到材料", "补齐活动记录，规范资料归档"),
    ("任务推进滞后于任务分解表", "对照任务分解表加快进度，按月报告"),
    ("宣传氛围不够浓厚，宣传栏内容未及时更新", "更新宣传栏内容，加强宣传报道"),
    ("党员参与面不够广，个别党员未参加活动", "扩大党员参与面，把任务落实到人"),
)
REVIEW_NOTES = ("特色鲜明", "材料较完整", "宣传推广有待加强", "载体设计较好", "创建措施落实到位", "")

# Narrative sentences per field; {b} brand, {s} school, {c} carrier, {n} members, {k} activities.
PHRASES: dict[str, tuple[str, ...]] = {
    "品牌释义": (
        "“{b}”是支部在长期实践中提炼的党建品牌，体现了党员教师立足岗位、服务学生的价值追求。",
        "品牌名称简洁明快，寓意以党建工作引领学校发展，以党员示范带动全体教师共同成长。",
        "“{b}”突出党建与教育教学的深度融合，力求把党组织的政治优势转化为学校发展的优势。",
        "品牌以{c}为主要载体，让每一名党员都有岗位、有责任、有作为。",
        "我们希望通过品牌建设，让“{b}”成为师生认可、群众满意、叫得响的党建名片。",
    ),
    "目标要求": (
        "通过一年的创建，形成特色鲜明、群众认可的党建品牌，党员先锋模范作用进一步彰显。",
        "实现党员示范岗全覆盖，每名党员每学期至少上一节示范课、结对一名青年教师。",
        "支部组织生活规范有序，“三会一课”制度落实率达到100%。",
        "群众满意度达到95%以上，品牌影响力在片区内逐步扩大。",
        "把品牌创建与党的群众路线教育实践活动紧密结合，切实解决师生关心的实际问题。",
    ),
    "创建内容": (
        "围绕{c}，组织党员在教育教学、班级管理、服务家长等方面亮身份、作承诺、践诺言。",
        "开展师德师风专题教育，组织党员教师学习身边的先进典型，树立良好的职业形象。",
        "组建党员志愿服务队，定期走进社区开展义务辅导、关爱留守儿童等志愿服务。",
        "以课堂教学为主阵地，开展党员示范课、青蓝结对、教学比武等活动，提升教学质量。",
        "建设党员活动室和校园宣传栏，展示党员风采和品牌创建成果，营造浓厚氛围。",
        "结合{s}实际，开展“党员先锋岗”评比，每学期评选表彰一批优秀党员。",
    ),
    "方式方法": (
        "采取“支部+年级组”的方式，把党小组建在年级组上，做到党建工作与教学工作同部署、同检查。",
        "坚持典型引路，每月推出一名党员先进事迹，通过宣传栏、学校网站进行宣传。",
        "实行党员积分管理，将党员参与品牌创建情况纳入年度考核和评优评先。",
        "运用主题党日、专题讲座、现场观摩等形式，增强活动的吸引力和实效性。",
        "加强与结对社区的共建，整合资源、优势互补，拓宽品牌创建的途径。",
    ),
    "保障措施": (
        "成立由支部书记任组长的品牌创建领导小组，明确分工，层层落实责任。",
        "{s}在经费上给予保障，每年安排专项经费用于品牌创建活动。",
        "建立月检查、季汇报、年考核制度，及时发现和解决创建中的问题。",
        "完善党员学习、党员联系群众等制度，推动创建工作常态化、制度化。",
        "加强宣传引导，充分利用网站、报刊、宣传栏营造良好的创建氛围。",
    ),
    "工作步骤": (  # kept in order
        "第一阶段（4月）：调研论证，确定品牌项目，制定创建方案并申报。",
        "第二阶段（5月—10月）：全面实施，按任务分解表逐项推进，每月开展检查。",
        "第三阶段（11月）：总结提炼，整理佐证材料，提出认定申请。",
        "第四阶段（12月）：接受审核验收，巩固创建成果，形成长效机制。",
    ),
    "已有基础": (
        "支部现有党员{n}名，多数为学校骨干教师，近年来多名党员获得区级以上表彰。",
        "支部自{since}年起开展{c}活动，积累了一定经验，在师生和家长中有较好口碑。",
        "“{b}”品牌已初步形成，曾在区教育系统党建工作交流会上作经验介绍。",
        "支部组织建设规范，“三会一课”制度坚持较好，党员参与活动积极性高。",
    ),
    "完善重点": (
        "进一步丰富品牌内涵，突出时代特色和学校特色，提升品牌辨识度。",
        "在活动载体上求创新，把{c}与课堂教学、教师专业发展更紧密地结合起来。",
        "加强品牌宣传推广，扩大品牌在片区和全区的影响力。",
        "健全考核评价机制，推动品牌建设从“有形”向“有效”转变。",
    ),
    "本月小结": (
        "本月支部围绕“{b}”品牌创建，组织开展了{k}次主题活动，党员参与率较高。",
        "按照任务分解表推进各项工作，{c}活动扎实开展，受到师生好评。",
        "本月组织党员集中学习党的群众路线教育实践活动相关文件，撰写学习心得。",
        "党员示范岗作用明显，党员教师在教学工作中主动承担重任、攻坚克难。",
        "结合学校中心工作，党员志愿服务队参与了校园安全、家校沟通等服务。",
    ),
    "存在问题": (
        "个别党员参与活动的主动性有待提高。", "活动形式还不够丰富，创新性不足。",
        "宣传报道力度不够，品牌影响力还不大。", "教学任务较重，部分活动时间安排较紧。",
        "佐证材料的收集整理不够及时。",
    ),
    "下月计划": (
        "继续推进任务分解表中的各项工作，确保按期完成。", "组织开展一次党员示范课展示活动。",
        "加强活动资料的收集和整理。", "做好品牌创建的宣传报道工作。",
        "召开支部委员会，研究解决创建中存在的问题。",
    ),
    "工作进展": (
        "本季度支部按照创建方案扎实推进各项任务，完成了任务分解表中的阶段性目标。",
        "共开展主题活动{k}次，{c}活动常态化开展，党员参与积极。",
        "品牌创建领导小组定期召开推进会，逐项检查任务落实情况。",
        "党员先锋岗、示范课等活动有序开展，党员亮身份、作表率的意识明显增强。",
    ),
    "取得成效": (
        "党员教师的示范带动作用进一步发挥，教风学风明显好转。",
        "品牌创建得到师生和家长的广泛认可，群众满意度不断提高。",
        "支部凝聚力、战斗力进一步增强，党建工作与教育教学实现良性互动。",
        "多名党员教师在区级教学比赛中获奖，党员先锋形象更加鲜明。",
    ),
    "下季度打算": (
        "继续深化品牌内涵，丰富活动载体。", "加强宣传推广，争取在区级以上媒体发表报道。",
        "做好品牌认定的各项准备工作。", "总结提炼经验做法，形成可复制、可推广的工作模式。",
    ),
    "创建成效": (
        "经过一年的创建，“{b}”品牌内涵不断丰富，形成了一套行之有效的工作机制。",
        "党员先锋模范作用充分发挥，涌现出一批师德高尚、业务精湛的党员教师。",
        "品牌创建带动了{s}各项工作的发展，教育教学质量稳步提升。",
        "品牌活动多次被江宁教育网等媒体报道，在片区内产生了良好的示范效应。",
    ),
    "示范作用": (
        "支部经验在片区党建工作交流会上作了介绍，多所兄弟学校前来交流学习。",
        "品牌做法已在本校各党小组推广，带动了全体教师共同参与。",
        "党员志愿服务队的做法被结对社区推广，受到社区居民好评。",
    ),
    "佐证材料": (
        "创建方案、任务分解表及月检查表。", "活动记录、照片和签到表。", "宣传报道截图和获奖证书复印件。",
    ),
}
ORDERED = {"工作步骤"}
SHORT = {"存在问题", "下月计划", "下季度打算", "示范作用", "佐证材料"}  # one or two sentences suffice

FAULTS = ("misspelled", "long_brand", "collective_owner", "bad_month", "placeholder", "short_phone")


# ---- the people and branches -----------------------------------------------------------------

@dataclass
class Branch:
    code: str
    name: str
    kind: str
    unit: str  # 所在单位
    school: str  # the school's short name, e.g. 东山小学
    parent: str
    secretary: str
    contact: str
    phone: str
    members: int
    founded: dt.date
    dissolved: dt.date | None = None
    aliases: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)  # members who can own a task
    carrier: str = ""
    diligence: float = 0.9  # how reliably the branch reports on time
    quality: float = 0.8  # how good its work looks to reviewers
    style: int = 0  # which file-naming habit the branch's clerk has
    pct_style: str = "int"  # how it writes 完成比例: 60, "60%" or 0.6
    writes_code: bool = True
    registered: str = ""  # the brand an earlier campaign recognised (品牌认定名册), which it goes on improving
    registered_slip: str = ""  # "create" / "rename": applies as 创建 anyway, or under another brand name

    @property
    def short(self) -> str:
        """The name without the district prefix, as used in file names."""
        return self.name.removeprefix("江宁区")


@dataclass
class Task:
    seq: int
    content: str
    owner: str
    due: str  # month, e.g. 2014-09
    written: object  # 完成时限 as written: the month text or the month's last day
    start: str
    pace: float  # > 1 finishes early, < 1 runs late

    def progress(self, month: str) -> int:
        """Percent done by the end of `month`: linear from start to due at `pace`, in steps of 10."""
        if month < self.start:
            return 0
        start = _month_no(self.start)
        done = (_month_no(month) - start + 1) / (_month_no(self.due) - start + 1)
        return min(100, int(done * self.pace * 10) * 10)


@dataclass
class Application:
    kind: FormKind
    brand: str
    filed: dt.date
    tasks: list[Task]


class _Inbox:
    """Writes files under the inbox root, counting them by kind and noting planted mistakes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.counts: Counter[str] = Counter()
        self.mistakes: list[tuple[str, str]] = []
        self.word: set[str] = set()  # codes of the branches that fill their application in Word

    def write(self, rel: str, kind: FormKind, values: dict[str, object],
              tables: dict[str, list[dict[str, object]]], when: dt.date, note: str = "") -> str:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        created = dt.datetime.combine(when, dt.time(9))
        if path.suffix == ".docx":
            write_word_form(path, kind, values, tables, created=created, branch=str(values.get("支部编码") or ""))
        else:
            write_form(path, kind, values, tables, created=created, note=note)
        self._touch(path, when)
        self.counts[kind.key] += 1
        return rel

    def copy(self, rel: str, new_rel: str, kind: FormKind, when: dt.date) -> None:
        target = self.root / new_rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.root / rel, target)
        self._touch(target, when)
        self.counts[kind.key] += 1

    def flag(self, what: str, rel: str) -> None:
        self.mistakes.append((what, rel))

    @staticmethod
    def _touch(path: Path, when: dt.date) -> None:
        # The file's modification time is the day it arrived, as in a real inbox.
        stamp = dt.datetime.combine(when, dt.time(17, 30)).timestamp()
        os.utime(path, (stamp, stamp))


# ---- helpers ---------------------------------------------------------------------------------

def _month_no(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def _month(no: int) -> str:
    return f"{no // 12}-{no % 12 + 1:02d}"


def _cn(n: int) -> str:
    """Chinese numeral for 1–99 (二, 十一, 二十三); Arabic digits beyond."""
    if n >= 100:
        return str(n)
    tens, ones = divmod(n, 10)
    return ((CN_DIGITS[tens] if tens > 1 else "") + "十" if tens else "") + (CN_DIGITS[ones] if ones else "")


def _diligence(rng: random.Random) -> float:
    """Most branches report reliably; about one in four is lax."""
    return rng.uniform(0.88, 1.0) if rng.random() < 0.75 else rng.uniform(0.6, 0.85)


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _phone(rng: random.Random) -> str:
    if rng.random() < 0.7:
        return f"1{rng.choice('3458')}{rng.randrange(10**9):09d}"
    extension = f"-{rng.randint(8001, 8099)}" if rng.random() < 0.1 else ""
    return f"025-{rng.choice('58')}{rng.randrange(10**7):07d}{extension}"


_is_workday = cache(is_workday)  # the holiday calendar is slow to ask, and asked thousands of times


def _workday(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    """A random working day in [start, end] (any day when the range has none)."""
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)] or [start]
    return rng.choice([d for d in days if _is_workday(d)] or days)


def _text(rng: random.Random, label: str, ctx: dict[str, object]) -> str:
    """A narrative of 50–200 characters (one or two sentences for short fields)."""
    pool = list(PHRASES[label])
    if label not in ORDERED:
        rng.shuffle(pool)
    low = 10 if label in SHORT else 50
    out = ""
    for sentence in pool:
        sentence = sentence.format(**ctx)
        if out and (len(out) >= low or len(out) + len(sentence) > 200):
            break
        out += sentence
    return out


def _ctx(b: Branch, brand: str, k: int = 0) -> dict[str, object]:
    return {"b": brand, "s": b.school, "c": b.carrier, "n": b.members, "k": max(k, 1)}


def _as_written(rng: random.Random, b: Branch) -> tuple[str, str]:
    """(支部名称, 支部编码) as a branch fills them in: templates prefill the code; some type an alias."""
    if b.aliases and not b.writes_code and rng.random() < 0.5:
        return rng.choice(b.aliases), ""
    return b.name, b.code if b.writes_code else ""


def _active(b: Branch, period: str, campaign: Campaign) -> bool:
    """Owes the report: founded by its due date, not dissolved before the period ends (SPEC §5)."""
    end = campaign.period_bounds(period)[1]
    return b.founded <= campaign.period_due(period) and (b.dissolved is None or b.dissolved >= end)


def _filed(rng: random.Random, b: Branch, period: str, campaign: Campaign) -> dt.date:
    """When a periodic report arrives: mostly on time (and within the campaign), sometimes late."""
    end, due = campaign.period_bounds(period)[1], campaign.period_due(period)
    # A report due after the year-end review (Q4) is mostly sent in before the review ends.
    beyond = due > campaign.review.end
    if rng.random() < (0.05 + (1 - b.diligence) * 0.4) * (0.3 if beyond else 1):
        return _workday(rng, due + dt.timedelta(days=1), due + dt.timedelta(days=14))
    last = due if not beyond or rng.random() < 0.1 else campaign.review.end
    return _workday(rng, end - dt.timedelta(days=6), last)


def _file_name(b: Branch, title: str) -> str:
    patterns = ("{short}-{title}", "{short}{title}", "{title}（{short}）", "{school}{title}")
    return patterns[b.style].format(short=b.short, school=b.school, title=title) + ".xlsx"


# ---- roster ----------------------------------------------------------------------------------

def _unit_pool(count: int) -> list[tuple[str, str, int, int]]:
    """School units (unit, town, members low, high) in roster order, at least `count` of them."""
    pool = [(f"江宁区{town}{school}", town, lo, hi) for town in TOWNS for school, lo, hi in SCHOOLS
            if (town, school) not in EXCLUDED]
    n = 2
    while len(pool) < count:
        pool += [(f"江宁区{town}第{_cn(n)}{school}", town, lo, hi) for town in TOWNS
                 for school, lo, hi in SCHOOLS if school in NUMBERED]
        n += 1
    return pool


def make_roster(rng: random.Random, count: int, campaign: Campaign) -> list[Branch]:
    """`count` branches: the bureau's own units first, then schools by town; one founded mid-campaign
    and one dissolved (when there are at least three)."""
    specials = SPECIALS[:min(len(SPECIALS), max(count - 3, 1))]
    pool = _unit_pool(count - len(specials))
    picked = sorted(rng.sample(range(len(pool)), count - len(specials)))
    entries = [(unit, kind, name, members, "") for unit, kind, name, members in specials]
    for i in picked:
        unit, town, lo, hi = pool[i]
        school = next(s for s, _, _ in SCHOOLS if unit.endswith(s))
        kind = ("总支" if school in ("高级中学", "职业学校") and rng.random() < 0.5 else
                "联合支部" if "幼儿园" in school and rng.random() < 0.4 else "支部")
        members = max(rng.randint(lo, hi), 30) if kind == "总支" else rng.randint(lo, hi)
        entries.append((unit, kind, unit + SUFFIX[kind], members, town))
    roster = []
    for i, (unit, kind, name, members, town) in enumerate(entries, start=1):
        school = unit.removeprefix("江宁区").removeprefix("江苏省").removeprefix("南京市")
        secretary = _person(rng)
        b = Branch(
            code=f"JN{i:03d}", name=name, kind=kind,
            unit=unit if unit.startswith(("南京", "江苏")) else "南京市" + unit, school=school,
            parent=f"江宁区{town}片区学校党总支" if town in PARENT_TOWNS and kind != "总支" else "",
            secretary=secretary, contact=secretary if rng.random() < 0.3 else _person(rng), phone=_phone(rng),
            members=members,
            founded=dt.date(rng.randint(campaign.year - 29, campaign.year - 2), rng.randint(1, 12),
                            rng.randint(1, 28)),
            carrier=rng.choice(CARRIERS), diligence=_diligence(rng), style=rng.randrange(4),
            pct_style=rng.choice(("int", "int", "pct", "frac")), writes_code=rng.random() < 0.8,
        )
        b.quality = min(1.0, 0.45 + 0.45 * b.diligence + rng.uniform(0, 0.15))
        b.people = [b.secretary, b.contact] + [_person(rng) for _ in range(3)]
        if rng.random() < 0.15:
            b.aliases = [school, school + ("总支" if kind == "总支" else "支部")]
        roster.append(b)
    if count >= 3:
        newcomer, leaver = rng.sample(roster[len(specials):] or roster, 2)
        newcomer.founded = dt.date.fromisoformat(f"{campaign.months[min(2, len(campaign.months) - 1)]}-15")
        leaver.dissolved = campaign.period_bounds(campaign.months[min(4, len(campaign.months) - 1)])[1]
    return roster


def write_roster(inbox: _Inbox, roster: list[Branch], campaign: Campaign) -> None:
    rows: list[dict[str, object]] = [{
        "支部编码": b.code, "支部名称": b.name, "支部类型": b.kind, "所在单位": b.unit, "上级组织": b.parent,
        "支部书记": b.secretary, "联系人": b.contact, "联系电话": b.phone, "党员人数": b.members,
        "成立日期": b.founded, "撤销日期": b.dissolved, "别名": "、".join(b.aliases),
    } for b in roster]
    note = "说明：支部编码由局党工委统一编制，各支部报送材料时请照填；别名之间用“、”分隔。"
    inbox.write("支部名册.xlsx", ROSTER, {}, {"支部名册": rows}, campaign.application.start, note)


def assign_faults(rng: random.Random, roster: list[Branch], campaign: Campaign) -> dict[str, Branch]:
    """One ordinary branch per planted mistake (shared only when the roster is too small)."""
    ordinary = [b for b in roster if b.dissolved is None and b.founded < campaign.application.start] or roster
    # The misspelling must stay a clear fuzzy match (SPEC §4): pick the branch where it is clearest.
    first = max(ordinary, key=lambda b: (_typo_clarity(b, roster, campaign), b.code))
    rest = [b for b in ordinary if b is not first]
    rng.shuffle(rest)
    chosen = [first, *rest]
    return {fault: chosen[i % len(chosen)] for i, fault in enumerate(FAULTS)}


def _typo_clarity(b: Branch, roster: list[Branch], campaign: Campaign) -> tuple[bool, bool, float]:
    """Whether the misspelt name is accepted by the fuzzy rule, is a homophone slip, and by what margin
    it beats the runner-up."""
    typo = strip_prefixes(_misspell(b.name), campaign.prefixes)
    scores = sorted(((fuzz.ratio(typo, strip_prefixes(r.name, campaign.prefixes)), r is b) for r in roster),
                    reverse=True)
    best, own = scores[0]
    margin = best - (scores[1][0] if len(scores) > 1 else 0.0)
    accepted = own and best >= campaign.fuzzy_accept and margin >= campaign.fuzzy_margin
    return accepted, any(ch in TYPOS for ch in b.short), margin


def _misspell(name: str) -> str:
    """Swap one character of the school's own name for a homophone, keeping the district prefix."""
    head, body = ("江宁区", name[3:]) if name.startswith("江宁区") else ("", name)
    i = next((i for i, ch in enumerate(body) if ch in TYPOS), -1)
    if i < 0:  # no character with a common homophone: the 党 gets left out (or put in) instead
        return name.replace("党", "", 1) if "党" in name else name[:-2] + "党" + name[-2:]
    return head + body[:i] + TYPOS[body[i]] + body[i + 1:]


# ---- applications ----------------------------------------------------------------------------

def _brand(rng: random.Random) -> str:
    if rng.random() < 0.35:
        return rng.choice(BRANDS)
    first = rng.choice(BRAND_A)
    return first + rng.choice([w for w in BRAND_B if w != first])


def _application_date(rng: random.Random, b: Branch, campaign: Campaign, timing: str) -> dt.date:
    """In the window; `late` after its rolled last day; a branch founded later gets its 30 days."""
    deadline = campaign.application_deadline_for(b.founded)
    if b.founded > campaign.application.start:
        latest = min(b.founded + dt.timedelta(days=25), deadline)
        return _workday(rng, b.founded + dt.timedelta(days=7), latest)
    if timing == "late":
        return _workday(rng, deadline + dt.timedelta(days=1), deadline + dt.timedelta(days=9))
    if timing == "last_day":
        return deadline
    return _workday(rng, campaign.application.start, deadline - dt.timedelta(days=1))


def _tasks(rng: random.Random, b: Branch, campaign: Campaign, brand: str, filed: dt.date,
           collective: bool) -> list[Task]:
    """3–6 tasks, the plan first, due in the campaign's months (through the review month)."""
    first = max(_month_no(campaign.months[0]), filed.year * 12 + filed.month - 1)
    last = max(first, campaign.review.end.year * 12 + campaign.review.end.month - 1)
    n = rng.randint(3, 6)
    contents = [f"制定“{brand}”品牌创建实施方案", *rng.sample(TASKS, n - 1)]
    dues = [first, *sorted(rng.randint(first, last) for _ in range(n - 1))]
    tasks = []
    for seq, (content, due) in enumerate(zip(contents, dues, strict=True), start=1):
        owner = "全体党员" if collective and seq == 2 else rng.choice(b.people)
        due_month = _month(due)
        written: object = due_month
        if rng.random() < 0.25:
            written = campaign.period_bounds(due_month)[1]
        pace = rng.uniform(0.75, 1.25) + (b.diligence - 0.8) * 0.5
        tasks.append(Task(seq, content, owner, due_month, written, _month(rng.randint(first, due)), pace))
    return tasks


def _task_rows(rng: random.Random, tasks: list[Task]) -> list[dict[str, object]]:
    return [{"序号": t.seq, "任务内容": t.content, "承办人": t.owner, "完成时限": t.written,
             "进度要求": rng.choice(PACE_NOTES).format(m=int(t.due[5:]))} for t in tasks]


def write_application(inbox: _Inbox, rng: random.Random, b: Branch, campaign: Campaign,
                      faults: dict[str, Branch], timing: str, revise: bool) -> Application:
    """The branch's 申报表 (创建 or 完善) with its task breakdown; `revise` adds a corrected copy."""
    kind = APPLY_IMPROVE if rng.random() < 0.4 else APPLY_CREATE
    brand = LONG_BRAND if faults.get("long_brand") is b else _brand(rng)
    if b.registered:  # a recognised brand is improved (完善), under its name, unless the branch slips
        kind = APPLY_CREATE if b.registered_slip == "create" else APPLY_IMPROVE
        brand = brand if b.registered_slip == "rename" else b.registered
    filed = _application_date(rng, b, campaign, timing)
    tasks = _tasks(rng, b, campaign, brand, filed, faults.get("collective_owner") is b)
    name, code = _as_written(rng, b)
    ctx = {**_ctx(b, brand), "since": campaign.year - 4}  # 已有基础: the carrier has run for four years
    phone = b.phone
    if faults.get("short_phone") is b:
        phone = f"1{rng.choice('358')}{rng.randrange(10**8):08d}"  # one digit short
    values: dict[str, object] = {
        "支部名称": name, "支部编码": code, "所在单位": b.unit, "支部书记": b.secretary, "联系人": b.contact,
        "联系电话": phone, "党员人数": b.members, "品牌名称": brand, "填报日期": filed,
    }
    for label in kind.labels:
        if label in PHRASES:
            values[label] = _text(rng, label, ctx)
    if faults.get("placeholder") is b:
        values["保障措施"] = "略"
    rel = _file_name(b, kind.title)
    if b.code in inbox.word:
        rel = rel.removesuffix(".xlsx") + ".docx"
    written = inbox.write(f"申报/{rel}", kind, values, {"任务分解": _task_rows(rng, tasks)}, filed)
    for fault, what in (("long_brand", f"品牌名称超过 10 个字（“{brand}”）"),
                        ("collective_owner", "任务分解表第 2 项承办人写作“全体党员”"),
                        ("placeholder", "保障措施只填了“略”"),
                        ("short_phone", f"联系电话位数不足（{phone}）")):
        if faults.get(fault) is b:
            inbox.flag(what, written)
    slips = {"create": f"已有认定品牌“{b.registered}”，仍报送品牌创建申报表",
             "rename": f"品牌名称“{brand}”与已认定的“{b.registered}”不一致"}
    if b.registered_slip:
        inbox.flag(slips[b.registered_slip], written)
    if revise:
        # The branch sends a corrected version a few days later, with one more task.
        filed = _workday(rng, filed + dt.timedelta(days=2), filed + dt.timedelta(days=8))
        extra = rng.choice([t for t in TASKS if t not in {x.content for x in tasks}])
        last = tasks[-1]
        tasks = [*tasks, Task(len(tasks) + 1, extra, rng.choice(b.people), last.due, last.due, last.start,
                              last.pace)]
        values["填报日期"] = filed
        inbox.write(f"申报/{rel.removesuffix('.xlsx')}（修改版）.xlsx", kind, values,
                    {"任务分解": _task_rows(rng, tasks)}, filed)
    return Application(kind, brand, filed, tasks)


# ---- monthly checks --------------------------------------------------------------------------

def _activities(rng: random.Random, b: Branch, month: str, count: int) -> list[dict[str, object]]:
    first, last = Campaign.period_bounds(month)
    special = MONTH_ACTIVITIES.get(int(month[5:]), "").format(n=int(month[:4]) - PARTY_FOUNDED)
    rows = []
    for i in range(count):
        name = special if special and i == 0 else rng.choice(ACTIVITIES)
        rows.append({"活动日期": _workday(rng, first, last), "活动名称": name,
                     "参与人数": rng.randint(max(1, b.members // 2), b.members + rng.randint(0, 20)),
                     "活动载体": b.carrier if rng.random() < 0.6 else rng.choice(CARRIERS),
                     "活动地点": rng.choice(PLACES)})
    return sorted(rows, key=lambda r: r["活动日期"])  # type: ignore[arg-type, return-value]


def _percent(b: Branch, pct: int) -> object:
    return {"int": pct, "pct": f"{pct}%", "frac": pct / 100}[b.pct_style]


def _progress_rows(b: Branch, app: Application, month: str) -> list[dict[str, object]]:
    rows = []
    for t in app.tasks:
        pct = t.progress(month)
        state = ("已完成" if pct == 100 else "未开始" if pct == 0 else
                 "已延期" if month > t.due else "进行中")
        note = {"已完成": "已按期完成", "已延期": "受教学工作影响进度滞后，下月加快推进"}.get(state, "")
        rows.append({"任务序号": t.seq, "进展状态": state, "完成比例": _percent(b, pct), "说明": note})
    return rows


def _monthly(rng: random.Random, b: Branch, app: Application | None, month: str, filed: dt.date,
             name: str, code: str) -> tuple[dict[str, object], dict[str, list[dict[str, object]]]]:
    activities = _activities(rng, b, month, rng.choice((0, 1, 1, 2, 2, 3)))
    ctx = _ctx(b, app.brand if app else "党建品牌", len(activities))
    values: dict[str, object] = {
        "支部名称": name, "支部编码": code, "检查月份": month, "填报人": b.contact, "填报日期": filed,
        **{label: _text(rng, label, ctx) for label in ("本月小结", "存在问题", "下月计划")},
    }
    quiet = app is None or app.filed > filed or rng.random() < 0.08
    return values, {"活动记录": activities, "任务进度": [] if quiet else _progress_rows(b, app, month)}


def write_monthly(inbox: _Inbox, rng: random.Random, b: Branch, app: Application, campaign: Campaign,
                  faults: dict[str, Branch], revise_month: str | None) -> list[str]:
    """One 月检查表 per month the branch owes, with gaps, late ones and an optional revision."""
    written = []
    for month in campaign.months:
        bad = faults.get("bad_month") is b and month == campaign.months[-1]
        if not _active(b, month, campaign) or (
                not bad and month != revise_month and rng.random() < (1 - b.diligence) * 0.5):
            continue
        filed = _filed(rng, b, month, campaign)
        values, tables = _monthly(rng, b, app, month, filed, *_as_written(rng, b))
        if bad:  # typed the filing month instead of the month reported on
            values["检查月份"] = _month(_month_no(campaign.months[-1]) + 1)
        folder, title = f"月检查/{month}", f"{int(month[5:])}月检查表"
        rel = inbox.write(f"{folder}/{_file_name(b, title)}", MONTHLY, values, tables, filed)
        written.append(rel)
        if bad:
            inbox.flag(f"检查月份填成 {values['检查月份']}（不在检查月份之内）", rel)
        if month == revise_month:
            filed = _workday(rng, filed + dt.timedelta(days=1), filed + dt.timedelta(days=6))
            values["填报日期"] = filed
            values["本月小结"] = str(values["本月小结"]) + "（补充本月党员志愿服务活动情况。）"
            tables["活动记录"] = tables["活动记录"] + _activities(rng, b, month, 1)
            inbox.write(f"{folder}/{_file_name(b, title + '（修改版）')}", MONTHLY, values, tables, filed)
    return written


def write_unknown(inbox: _Inbox, rng: random.Random, campaign: Campaign) -> None:
    """A monthly check from a school that is not on the roster."""
    school = UNKNOWN_BRANCH.removeprefix("江宁区").removesuffix("党支部")
    stranger = Branch("", UNKNOWN_BRANCH, "支部", "南京市江宁区" + school, school, "", _person(rng),
                      _person(rng), _phone(rng), 12, campaign.application.start, carrier=rng.choice(CARRIERS))
    month = campaign.months[min(1, len(campaign.months) - 1)]
    filed = _filed(rng, stranger, month, campaign)
    values, tables = _monthly(rng, stranger, None, month, filed, UNKNOWN_BRANCH, "")
    rel = f"月检查/{month}/{stranger.short}{int(month[5:])}月份检查表.xlsx"
    inbox.write(rel, MONTHLY, values, tables, filed)
    inbox.flag(f"支部名称“{UNKNOWN_BRANCH}”不在支部名册中", rel)


# ---- quarterly reports -----------------------------------------------------------------------

def _publicity(rng: random.Random, b: Branch, quarter: str, filed: dt.date) -> list[dict[str, object]]:
    first, last = Campaign.period_bounds(quarter)
    rows = []
    for _ in range(rng.choice((0, 1, 1, 2, 3))):
        media, channel = rng.choice(MEDIA)
        rows.append({"发布日期": _workday(rng, first, min(last, filed)), "渠道": channel,
                     "标题": f"{b.school}开展{rng.choice(ACTIVITIES)}", "发布媒体": media})
    return sorted(rows, key=lambda r: r["发布日期"])  # type: ignore[arg-type, return-value]


def write_quarterly(inbox: _Inbox, rng: random.Random, b: Branch, app: Application, campaign: Campaign,
                    faults: dict[str, Branch], revise_quarter: str | None) -> list[str]:
    """One 季度汇报表 per quarter the branch owes; the misspelled branch name sits in one of them."""
    written = []
    typo_quarter = campaign.quarters[min(1, len(campaign.quarters) - 1)]
    for quarter in campaign.quarters:
        typo = faults.get("misspelled") is b and quarter == typo_quarter
        if not _active(b, quarter, campaign) or (
                not typo and quarter != revise_quarter and rng.random() < (1 - b.diligence) * 0.6):
            continue
        filed = _filed(rng, b, quarter, campaign)
        name, code = (_misspell(b.name), "") if typo else _as_written(rng, b)
        satisfaction = rng.randint(88, 99)
        values: dict[str, object] = {
            "支部名称": name, "支部编码": code, "季度": quarter, "填报人": b.contact, "填报日期": filed,
            "群众满意度": f"{satisfaction}%" if rng.random() < 0.5 else satisfaction / 100,
            **{label: _text(rng, label, _ctx(b, app.brand, rng.randint(3, 8)))
               for label in ("工作进展", "取得成效", "存在问题", "下季度打算")},
        }
        tables = {"宣传报道": _publicity(rng, b, quarter, filed)}
        title = f"第{_cn(int(quarter[-1]))}季度汇报表"
        folder = f"季度汇报/{quarter[:4]}年第{_cn(int(quarter[-1]))}季度"
        rel = inbox.write(f"{folder}/{_file_name(b, title)}", QUARTERLY, values, tables, filed)
        written.append(rel)
        if typo:
            inbox.flag(f"支部名称写错（“{name}”，应为“{b.name}”），未填支部编码", rel)
        if quarter == revise_quarter:
            filed = _workday(rng, filed + dt.timedelta(days=1), filed + dt.timedelta(days=5))
            values["填报日期"] = filed
            tables["宣传报道"] = tables["宣传报道"] + _publicity(rng, b, quarter, filed)[:1]
            inbox.write(f"{folder}/{_file_name(b, title + '（修改版）')}", QUARTERLY, values, tables, filed)
    return written


# ---- recognition -----------------------------------------------------------------------------

def write_recognition(inbox: _Inbox, rng: random.Random, b: Branch, app: Application,
                      campaign: Campaign) -> None:
    """Most branches still active in November apply for recognition; a few apply late."""
    window = campaign.recognition
    if (b.dissolved is not None and b.dissolved <= window.end) or rng.random() > 0.35 + 0.55 * b.diligence:
        return
    if rng.random() < 0.05:
        day = _workday(rng, window.end + dt.timedelta(days=1), window.end + dt.timedelta(days=5))
    else:
        day = _workday(rng, window.start + dt.timedelta(days=2), window.end - dt.timedelta(days=1))
    name, code = _as_written(rng, b)
    ctx = _ctx(b, app.brand)
    values: dict[str, object] = {"支部名称": name, "支部编码": code, "品牌名称": app.brand, "申请日期": day}
    values.update({label: _text(rng, label, ctx) for label in ("创建成效", "示范作用", "佐证材料")})
    inbox.write(f"认定申请/{_file_name(b, '认定申请表')}", RECOGNITION, values, {}, day)


# ---- the committee's inspections and the reviewers' scores -----------------------------------

def write_inspections(inbox: _Inbox, rng: random.Random, roster: list[Branch], campaign: Campaign) -> None:
    """Two rounds: a scheduled one early on, a mixed one later with a couple of 未整改 findings."""
    staff = [_person(rng) for _ in range(4)]
    months = campaign.months
    rounds = ((months[min(1, len(months) - 1)], "定期督查记录", False),
              (months[max(len(months) - 2, 0)], "督查记录表", True))
    for month, title, later in rounds:
        first, last = Campaign.period_bounds(month)
        present = [b for b in roster if b.founded <= first and (b.dissolved is None or b.dissolved > last)]
        visited = rng.sample(present, max(1, round(len(present) * 0.35)))
        unfixed = set(map(id, visited[:2])) if later else set()
        rows = []
        for b in visited:
            finding = rng.random() < 0.5 or id(b) in unfixed
            problem, demand = rng.choice(INSPECTION_FINDINGS) if finding else ("无", "")
            state = rng.choice(("已整改", "已整改", "整改中")) if finding else ""
            state = "未整改" if id(b) in unfixed else state
            score = rng.randint(12, 17) / 2 if finding else rng.randint(17, 20) / 2
            rows.append({"督查日期": _workday(rng, first, last), "支部名称": b.name,
                         "督查方式": rng.choice(("定期", "不定期")) if later else "定期",
                         "督查人": "、".join(rng.sample(staff, 2)), "发现问题": problem, "整改要求": demand,
                         "整改情况": state, "评分": score})
        rows.sort(key=lambda r: (r["督查日期"], r["支部名称"]))  # type: ignore[arg-type, return-value]
        note = f"督查单位：江宁区教育局党工委　　记录人：{staff[0]}"
        rel = f"督查/{first.year}年{first.month}月{title}.xlsx"
        inbox.write(rel, INSPECTION, {}, {"督查记录": rows}, last, note)


def write_reviews(inbox: _Inbox, rng: random.Random, roster: list[Branch], apps: dict[str, Application],
                  campaign: Campaign, reviewers: int = 5) -> None:
    """One 评审评分表 per reviewer; a reviewer may leave a branch out."""
    kind = review_kind(campaign)
    window = campaign.review
    reviewed = [b for b in roster if b.code in apps and (b.dissolved is None or b.dissolved > window.start)]
    for i in range(1, reviewers + 1):
        reviewer, bias, halves = _person(rng), rng.uniform(-0.06, 0.06), rng.random() < 0.5
        day = _workday(rng, window.start + dt.timedelta(days=7),
                       min(window.end, window.start + dt.timedelta(days=23)))
        skipped = set(rng.sample(range(len(reviewed)), 1 if len(reviewed) > 1 and i in (2, 4) else 0))
        rows = []
        for j, b in enumerate(reviewed):
            if j in skipped:
                continue
            row: dict[str, object] = {"支部名称": b.name, "支部编码": b.code}
            for item in campaign.review_items:
                q = min(1.0, max(0.3, b.quality + bias + rng.gauss(0, 0.05)))
                row[item.item] = round(q * item.max * 2) / 2 if halves else round(q * item.max, 1)
            row["备注"] = rng.choice(REVIEW_NOTES)
            rows.append(row)
        values: dict[str, object] = {"评审人": reviewer, "评审日期": day}
        inbox.write(f"评审/评审专家{i}.xlsx", kind, values, {"评审评分": rows}, day)


# ---- the whole inbox -------------------------------------------------------------------------

README = """样例数据说明

本文件夹中的文件全部是样例数据（合成数据），由 `pipeline demo` 命令自动生成
（{branches} 个支部，随机种子 {seed}），仅用于演示和测试“一支部一品牌”创建活动的
收件、汇总、催报和评分流程。其中的支部、人员、电话、品牌均为虚构，不代表任何真实单位。
正式使用前，请删除本文件夹中的全部样例文件，换成局党工委的支部名册和各支部实际报送的
Excel 文件（子文件夹、文件名不限）。

文件夹说明：
  支部名册.xlsx   局党工委维护的支部名册
  申报/           品牌创建、品牌完善申报表（含任务分解表）
  月检查/         月检查表，按月份分文件夹
  季度汇报/       季度汇报表
  认定申请/       认定申请表
  督查/           局党工委督查记录表
  评审/           评审专家评分表
  邮件附件/       从邮箱下载的附件：重复下载的文件（与其他文件内容完全相同），学校打包发送的压缩包

样例中有意设置的问题（用于演示问题清单和退回通知）：
{mistakes}
另有：部分支部缺报、逾期报送；个别支部报送了修改版（文件名带“（修改版）”）；
一个支部年中新成立、一个支部中途撤销（见支部名册）。
"""


def _archives(out: Path, packers: list[Branch], reports: dict[str, tuple[list[str], list[str]]],
              keep: str) -> list[str]:
    """One school's monthly reports zipped as its folder (GBK names), a school's quarterly reports in an
    archive inside an archive (another school's when there is one); the duplicate's original stays loose."""
    said = []
    zipped = [b for b in packers if [r for r in reports[b.code][0] if r != keep]]
    if zipped:
        school = zipped[0]
        rel = pack_school_folder(out, [r for r in reports[school.code][0] if r != keep], school.school)
        said.append(f"{school.school}把月检查表打包成压缩包发送（Windows 压缩，文件名为 GBK 编码）：{rel}")
    nested = sorted((b for b in packers if reports[b.code][1]), key=lambda b: b in zipped[:1])
    if nested:
        rel = pack_nested(out, reports[nested[0].code][1], nested[0].school)
        said.append(f"{nested[0].school}的压缩包里又套了一个压缩包（另有一张活动照片）：{rel}")
    return said


def write_readme(out: Path, branches: int, seed: int, mistakes: list[tuple[str, str]],
                 extras: tuple[str, ...] | list[str] = ()) -> None:
    lines = "\n".join(f"  - {what}：{rel}" for what, rel in mistakes)
    text = README.format(branches=branches, seed=seed, mistakes=lines)
    if extras:
        text += "\n不是单个 Excel 文件的材料（程序同样读取）：\n" + "\n".join(f"  * {line}" for line in extras) + "\n"
    (out / "说明.txt").write_bytes(text.replace("\n", "\r\n").encode("utf-8-sig"))


def generate_demo(out: Path, branches: int, seed: int, campaign: Campaign,
                  prepare: Callable[[list[Branch]], None] | None = None) -> dict[str, int]:
    """Write a synthetic inbox of `branches` branches into `out`; return the number of files per kind.

    Files of the same names are overwritten; nothing else in `out` is touched.
    """
    if branches < 1:
        raise ValueError("支部数至少为 1")
    rng = random.Random(seed)
    inbox = _Inbox(out)
    roster = make_roster(rng, branches, campaign)
    if prepare is not None:  # a later campaign: what the earlier one left (pipeline.demo_register)
        prepare(roster)
    faults = assign_faults(rng, roster, campaign)
    spare = [b for b in roster if b not in faults.values() and b.dissolved is None
             and b.founded < campaign.application.start]
    rng.shuffle(spare)
    revised = {"application": spare[0:1], "monthly": spare[1:2], "quarterly": spare[2:3]}
    late = spare[3:3 + max(1, branches // 12)]
    last_day = spare[3 + len(late):4 + len(late)]
    # Taken from the same shuffled list (never a revised or faulty branch), so no draw changes and every
    # other file stays as it was.
    others = spare[3:]
    word, packers = others[:max(1, branches // 12)], others[max(1, branches // 12):]
    inbox.word = {b.code for b in word}

    out.mkdir(parents=True, exist_ok=True)
    write_roster(inbox, roster, campaign)
    apps: dict[str, Application] = {}
    for b in roster:
        timing = "late" if b in late else "last_day" if b in last_day else "normal"
        apps[b.code] = write_application(inbox, rng, b, campaign, faults, timing, b in revised["application"])
    monthly: list[str] = []
    reports: dict[str, tuple[list[str], list[str]]] = {}  # code → (monthly, quarterly) files
    for b in roster:
        revise_month = campaign.months[min(1, len(campaign.months) - 1)] if b in revised["monthly"] else None
        months = write_monthly(inbox, rng, b, apps[b.code], campaign, faults, revise_month)
        monthly += months
        revise_quarter = campaign.quarters[len(campaign.quarters) // 2] if b in revised["quarterly"] else None
        reports[b.code] = (months, write_quarterly(inbox, rng, b, apps[b.code], campaign, faults, revise_quarter))
        write_recognition(inbox, rng, b, apps[b.code], campaign)
    write_unknown(inbox, rng, campaign)
    write_inspections(inbox, rng, roster, campaign)
    write_reviews(inbox, rng, roster, apps, campaign)
    if monthly:
        original = rng.choice(monthly)
        copy = f"邮件附件/{Path(original).name}"
        inbox.copy(original, copy, MONTHLY, campaign.period_bounds(campaign.months[-1])[1])
        inbox.flag(f"与 {original} 内容完全相同的重复文件", copy)
    extras = [f"{b.school}用 Word 填写申报表（.docx）" for b in word]
    extras += _archives(out, packers, reports, original if monthly else "")
    write_readme(out, branches, seed, inbox.mistakes, extras)
    return {k.key: inbox.counts[k.key] for k in form_kinds(campaign) if inbox.counts[k.key]}
