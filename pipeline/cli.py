"""The `pipeline` command: one small function per command, each calling one library function."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from pipeline.cli_zh import use_chinese
from pipeline.config import Campaign, ConfigError, StopRun, load_campaign
from pipeline.display import escape_text
from pipeline.model import RosterError
from pipeline.parse.values import parse_date
from pipeline.signals import Interrupted, interrupts_as_exceptions

EXIT_OK, EXIT_INTERNAL, EXIT_CONFIG = 0, 1, 2
use_chinese()
CONTEXT = {"help_option_names": ["-h", "--help"]}


def _date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    """The reader's own date parsing: 2014-12-31, 2014/12/31, 2014年12月31日 …"""
    if value is None:
        return None
    parsed = parse_date(value).value
    if not isinstance(parsed, dt.date):
        y = dt.date.today().year  # the example only: the CLI is the one place that reads the clock
        raise click.BadParameter(f"“{value}”不是日期，请写成 {y}-12-31、{y}/12/31 或 {y}年12月31日 这样的格式")
    return parsed


def config_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("--as-of", "as_of", metavar="日期", callback=_date,
                        help="统计截止日（按“年-月-日”或“某年某月某日”写），默认为当天（不晚于审核验收结束日）")(func)
    return click.option("--config", "config", metavar="文件", type=click.Path(path_type=Path),
                        default=Path("campaign.toml"),
                        show_default=True, help="活动参数文件")(func)


def campaign_or_exit(config: Path, as_of: dt.date | None, today: dt.date | None = None) -> Campaign:
    try:
        campaign = load_campaign(config, today=today or dt.date.today(), as_of=as_of)
    except ConfigError as err:
        fail(["活动参数有误，未运行：", *err.problems], EXIT_CONFIG)
        raise  # unreachable: fail() exits
    warning = as_of_warning(campaign)
    if warning:
        click.echo(warning, err=True)
    return campaign


def as_of_warning(campaign: Campaign) -> str | None:
    """A cut-off date outside the campaign is allowed, but almost always a slip of the pen."""
    as_of = campaign.as_of
    if as_of < campaign.application.start:
        return (f"警告：统计截止日 {as_of} 早于品牌申报开始日 {campaign.application.start}，"
                "此时还没有应报的材料，统计结果大多为空。请确认统计截止日是否写对。")
    if as_of > campaign.review.end:
        return (f"警告：统计截止日 {as_of} 晚于审核验收结束日 {campaign.review.end}，"
                "已在本年度活动之后。请确认统计截止日是否写对。")
    return None


def say(text: str, err: bool = False) -> None:
    """Echo with control, escape and bidi characters from file names shown escaped."""
    click.echo("\n".join(escape_text(line) for line in text.split("\n")), err=err)


def fail(lines: list[str], code: int) -> None:
    for line in lines:
        say(line, err=True)
    sys.exit(code)


STAGE_TEXT = {"校验": "逐项核对全部材料", "汇总": "计算报送率、积分和名单", "写出": "生成输出文件"}


class StageClock:
    """Told each stage as it starts (读取 / 校验 / 汇总 / 写出): shows it on a terminal (stderr) and keeps
    wall and CPU seconds per stage (this process and its reaped workers) for `--timings`."""

    def __init__(self) -> None:
        self.stages: list[tuple[str, float, float]] = []

    def __call__(self, name: str) -> None:
        self.stages.append((name, time.perf_counter(), _cpu_seconds()))
        if name != "读取" and sys.stderr.isatty():  # 读取 has its own bar (files read / all files)
            click.echo(f"{name}：{STAGE_TEXT.get(name, '')}……", err=True)

    def write(self, path: Path, files: int) -> None:
        end = ("", time.perf_counter(), _cpu_seconds())
        marks = [*self.stages, end]
        stages = {a[0]: {"wall_s": round(b[1] - a[1], 4), "cpu_s": round(b[2] - a[2], 4)}
                  for a, b in itertools.pairwise(marks)}
        total = {"wall_s": round(end[1] - marks[0][1], 4), "cpu_s": round(end[2] - marks[0][2], 4)}
        path.write_text(json.dumps({"files": files, "stages": stages, "total": total}, ensure_ascii=False,
                                   indent=1), encoding="utf-8")


def _cpu_seconds() -> float:
    try:
        import resource
    except ImportError:  # not POSIX: this process only
        return time.process_time()
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def cache_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("--no-cache", "no_cache", is_flag=True,
                        help="不使用读取缓存（全部文件重新读取）")(func)
    return click.option("--cache", "cache_dir", metavar="目录", type=click.Path(path_type=Path, file_okay=False),
                        default=Path(".cache"), show_default=True,
                        help="读取缓存目录：内容未变的文件直接使用上次的读取结果，不影响输出")(func)


def progress_bar(label: str) -> Callable[[Iterator[Path]], Iterator[Path]]:
    def wrap(items: Iterator[Path]) -> Iterator[Path]:
        files = list(items)
        if not sys.stderr.isatty():
            yield from files
            return
        with click.progressbar(files, label=label, file=sys.stderr, width=30, show_pos=True) as bar:
            yield from bar
    return wrap


@click.group(help="“一支部一品牌”报送材料处理程序。", context_settings=CONTEXT, options_metavar="[选项]",
             subcommand_metavar="命令 [参数]...")
def cli() -> None:
    pass


@cli.command(options_metavar="[选项]",
             help="处理收件箱中的全部文件，在输出目录生成收件清单、问题清单、台账、督查和考核材料。\n\n"
                  "示例：pipeline run --inbox inbox --outbox outbox")
@click.option("--inbox", metavar="目录",
              type=click.Path(path_type=Path, file_okay=False), default=Path("inbox"),
              show_default=True, help="收件箱目录")
@click.option("--outbox", metavar="目录",
              type=click.Path(path_type=Path, file_okay=False), default=Path("outbox"),
              show_default=True, help="输出目录")
@click.option("--jobs", metavar="个数", type=click.IntRange(1, 256), default=None,
              help="同时读取文件的进程数，默认为处理器核数；1 表示在本进程中读取")
@click.option("--wait", metavar="秒", type=click.IntRange(0, 86400), default=None,
              help="另一次运行正在写同一输出目录时最多等待的秒数，默认见 campaign.toml [limits]")
@click.option("--today", "today", metavar="日期", callback=_date,
              help="发文日期（退回通知的落款和重新报送期限由此起算），默认为当天")
@cache_options
@click.option("--timings", "timings", type=click.Path(path_type=Path, dir_okay=False), default=None, hidden=True,
              help="developer: write each stage's wall and CPU seconds to this JSON file")
@config_options
def run(inbox: Path, outbox: Path, jobs: int | None, wait: int | None, config: Path, as_of: dt.date | None,
        today: dt.date | None, cache_dir: Path, no_cache: bool, timings: Path | None) -> None:
    from pipeline.read.pool import default_jobs
    from pipeline.run import run as run_pipeline
    from pipeline.summary import summary_lines
    from pipeline.write.documents import DocumentError

    campaign = campaign_or_exit(config, as_of, today)
    if not inbox.is_dir():
        fail([f"找不到收件箱目录 {inbox}，请先建立该目录并放入支部名册和报送文件。"], EXIT_CONFIG)
    try:
        with interrupts_as_exceptions():
            clock = StageClock()
            result = run_pipeline(inbox, outbox, campaign, progress_bar("读取"), jobs or default_jobs(), wait,
                                  None if no_cache else cache_dir, clock)
    except RosterError as err:
        fail(["支部名册有问题，未运行：", *err.problems], EXIT_CONFIG)
        return
    except DocumentError as err:
        fail(["公文模板有问题，输出目录未改动：", *err.problems], EXIT_CONFIG)
        return
    except StopRun as err:
        fail(err.problems, EXIT_CONFIG)
        return
    except Interrupted as stop:
        fail([stop.message], stop.code)
        return
    for line in summary_lines(result, outbox):
        say(line)
    if timings is not None:
        clock.write(timings, len(result.assessment.manifest))


@cli.command(options_metavar="[选项]",
             help="只重新生成公文草稿（输出目录下的 公文/：督查情况通报、表彰建议名单公示、表彰决定代拟稿），"
                  "统计口径与 run 相同，其他输出不改动。修改公文模板或 [documents] 参数后可用它快速查看效果。\n\n"
                  "示例：pipeline docs --inbox inbox --outbox outbox")
@click.option("--inbox", metavar="目录",
              type=click.Path(path_type=Path, file_okay=False), default=Path("inbox"),
              show_default=True, help="收件箱目录")
@click.option("--outbox", metavar="目录",
              type=click.Path(path_type=Path, file_okay=False), default=Path("outbox"),
              show_default=True, help="输出目录（只改写其中的 公文/）")
@cache_options
@config_options
def docs(inbox: Path, outbox: Path, config: Path, as_of: dt.date | None, cache_dir: Path, no_cache: bool) -> None:
    from pipeline.run import regenerate_documents
    from pipeline.write.documents import DocumentError

    campaign = campaign_or_exit(config, as_of)
    if not inbox.is_dir():
        fail([f"找不到收件箱目录 {inbox}，请先建立该目录并放入支部名册和报送文件。"], EXIT_CONFIG)
    try:
        written = regenerate_documents(inbox, outbox, campaign, progress_bar("读取"),
                                       None if no_cache else cache_dir)
    except RosterError as err:
        fail(["支部名册有问题，未生成公文：", *err.problems], EXIT_CONFIG)
        return
    except DocumentError as err:
        fail(["公文模板有问题，公文/ 未改动：", *err.problems], EXIT_CONFIG)
        return
    except StopRun as err:  # the outbox's checks and lock, as for run
        fail(err.problems, EXIT_CONFIG)
        return
    click.echo(f"统计截止：{campaign.as_of.isoformat()}")
    for path in written:
        click.echo(f"已生成 {path}")


@cli.command(options_metavar="[选项]",
             help="检查指定文件，列出问题（不生成输出）。有错误时退出码为 1。"
                  "未指定 --roster 时，参照收件箱中的名册和已有材料（如任务分解表）核对。\n\n"
                  "示例：pipeline check 收到的/月检查表.xlsx --roster inbox/支部名册.xlsx")
@click.argument("files", nargs=-1, required=True, metavar="文件...",
                type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--roster", metavar="文件",
              type=click.Path(path_type=Path, exists=True, dir_okay=False), default=None,
              help="支部名册文件，默认在 inbox/ 中查找")
@click.option("--inbox", metavar="目录",
              type=click.Path(path_type=Path, file_okay=False), default=Path("inbox"),
              show_default=True, help="未指定 --roster 时在此目录查找名册")
@config_options
def check(files: tuple[Path, ...], roster: Path | None, inbox: Path, config: Path, as_of: dt.date | None) -> None:
    from pipeline.check import check_files, issue_table

    campaign = campaign_or_exit(config, as_of)
    try:
        found = check_files(list(files), roster, inbox, campaign)
    except RosterError as err:
        fail(["支部名册有问题：", *err.problems], EXIT_CONFIG)
        return
    say(issue_table(found))
    sys.exit(1 if any(i.is_error for i in found.issues) else 0)


@cli.command(options_metavar="[选项]",
             help="生成空白模板和每个在册支部的预填模板（带下拉选项和填写提示，栏目名锁定）。"
                  "支部申报已受理的，月检查表列出其任务，认定申请表填好品牌名称。\n\n"
                  "示例：pipeline templates --out 模板")
@click.option("--out", metavar="目录",
              type=click.Path(path_type=Path, file_okay=False), default=Path("templates"),
              show_default=True, help="模板输出目录")
@click.option("--roster", metavar="文件",
              type=click.Path(path_type=Path, exists=True, dir_okay=False), default=None,
              help="支部名册文件，默认在 inbox/ 中查找；有名册时为每个支部生成预填模板")
@click.option("--inbox", metavar="目录",
              type=click.Path(path_type=Path, file_okay=False), default=Path("inbox"),
              show_default=True)
@config_options
def templates(out: Path, roster: Path | None, inbox: Path, config: Path, as_of: dt.date | None) -> None:
    from pipeline.templates import write_templates

    campaign = campaign_or_exit(config, as_of)
    written = write_templates(out, roster, inbox, campaign)
    click.echo(f"已生成 {written.count} 个模板文件，位于 {out}/")
    if written.branches:
        click.echo(f"其中 {written.branches} 个支部各有一套预填模板，位于 {out}/各支部/，可分别发给各支部。")
    else:
        click.echo(f"还没有可用的支部名册，只生成了空白模板。请先填好 {out}/空白模板/支部名册.xlsx，"
                   "放入收件箱后再运行一次，即可为每个支部生成预填模板。", err=True)
        for line in written.roster_problems:
            click.echo(f"  {line}", err=True)


@cli.command(options_metavar="[选项]",
             help="生成一套逼真的模拟收件箱（含名册、各类报送表和若干典型错误），"
                  "用于演示、测试和性能测试。\n\n指定 --year 时生成该年度的活动："
                  "先按活动参数运行一次原年度的活动并审核验收，其品牌认定名册放入新收件箱，"
                  "新年度的 campaign.toml（日期整体顺延）写在收件箱中。\n\n"
                  "示例：pipeline demo --branches 40 --out inbox；"
                  "下一次活动：pipeline demo --year 年度 --out 新收件箱")
@click.option("--branches", metavar="个数",
              type=click.IntRange(2, 5000), default=40, show_default=True, help="支部数")
@click.option("--seed", metavar="整数",
              type=int, default=None, help="随机种子（相同种子生成相同文件），默认为活动参数中的年度")
@click.option("--year", metavar="年度", type=int, default=None,
              help="生成该年度的活动收件箱（晚于活动参数中的年度），含上一次活动的品牌认定名册")
@click.option("--register", metavar="文件", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              default=None, help="与 --year 同用：上一次活动写出的品牌认定名册（默认先按活动参数运行一次并审核验收）")
@click.option("--out", metavar="目录",
              type=click.Path(path_type=Path, file_okay=False), required=True, help="输出目录")
@config_options
def demo(branches: int, seed: int | None, year: int | None, register: Path | None, out: Path, config: Path,
         as_of: dt.date | None) -> None:
    from pipeline.demo import generate_demo
    from pipeline.demo_register import generate_sequel
    from pipeline.forms import form_kinds

    campaign = campaign_or_exit(config, as_of)
    seed = campaign.year if seed is None else seed
    later = None
    if year is None or year == campaign.year:
        counts = generate_demo(out, branches, seed, campaign)
    elif year < campaign.year:
        fail([f"--year {year} 早于活动参数中的年度 {campaign.year}，请指定更晚的年度。"], EXIT_CONFIG)
        return
    else:
        try:
            counts, later = generate_sequel(out, branches, seed, campaign, config.read_text(encoding="utf-8"),
                                            year, dt.date.today(), register)
        except ConfigError as err:
            fail([f"顺延到 {year} 年的活动参数有误：", *err.problems], EXIT_CONFIG)
            return
    titles = {k.key: k.title for k in form_kinds(campaign)}
    click.echo(f"已在 {out}/ 生成模拟收件箱：" + "，".join(f"{titles[k]} {v} 个" for k, v in counts.items()))
    if later is not None:
        click.echo(f"{year} 年度的活动参数已写入 {later}；运行：pipeline run --inbox {out} --config {later}")


def main() -> None:
    try:
        cli(standalone_mode=True)
    except SystemExit:
        raise
    except Exception as exc:  # noqa: BLE001 - the last line of defence: a Chinese message, exit 1
        click.echo(f"程序内部错误：{exc!r}。请把此信息和收件箱情况告知技术人员。", err=True)
        sys.exit(EXIT_INTERNAL)
