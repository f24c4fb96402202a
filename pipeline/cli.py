"""The `pipeline` command: one small function per command, each calling one library function."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from pipeline.assess import RosterError
from pipeline.cli_zh import use_chinese
from pipeline.config import Campaign, ConfigError, StopRun, load_campaign
from pipeline.display import escape_text
from pipeline.signals import Interrupted, interrupts_as_exceptions

EXIT_OK, EXIT_INTERNAL, EXIT_CONFIG = 0, 1, 2
use_chinese()
CONTEXT = {"help_option_names": ["-h", "--help"]}


def _date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"“{value}”不是日期，请写成 2014-12-31 这样的格式") from None


def config_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("--as-of", "as_of", metavar="日期", callback=_date,
                        help="统计截止日（YYYY-MM-DD），默认为当天")(func)
    return click.option("--config", "config", metavar="文件", type=click.Path(path_type=Path),
                        default=Path("campaign.toml"),
                        show_default=True, help="活动参数文件")(func)


def campaign_or_exit(config: Path, as_of: dt.date | None) -> Campaign:
    try:
        return load_campaign(config, today=dt.date.today(), as_of=as_of)
    except ConfigError as err:
        fail(["活动参数有误，未运行：", *err.problems], EXIT_CONFIG)
        raise  # unreachable: fail() exits


def say(text: str, err: bool = False) -> None:
    """Echo with control, escape and bidi characters from file names shown escaped."""
    click.echo("\n".join(escape_text(line) for line in text.split("\n")), err=err)


def fail(lines: list[str], code: int) -> None:
    for line in lines:
        say(line, err=True)
    sys.exit(code)


def progress_bar(label: str) -> Callable[[Iterator[Path]], Iterator[Path]]:
    def wrap(items: Iterator[Path]) -> Iterator[Path]:
        files = list(items)
        if not sys.stderr.isatty():
            yield from files
            return
        with click.progressbar(files, label=label, file=sys.stderr, width=30) as bar:
            yield from bar
    return wrap


@click.group(help="“一支部一品牌”报送材料处理程序。", context_settings=CONTEXT, options_metavar="[选项]",
             subcommand_metavar="命令 [参数]...")
def cli() -> None:
    pass


@cli.command(options_metavar="[选项]",
             help="处理收件箱中的全部文件，在输出目录生成收件清单、问题清单、台账、督查和考核材料。\n\n"
                  "示例：pipeline run --inbox inbox --outbox outbox --as-of 2014-12-31")
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
@config_options
def run(inbox: Path, outbox: Path, jobs: int | None, wait: int | None, config: Path, as_of: dt.date | None) -> None:
    campaign = campaign_or_exit(config, as_of)
    if not inbox.is_dir():
        fail([f"找不到收件箱目录 {inbox}，请先建立该目录并放入支部名册和报送文件。"], EXIT_CONFIG)
    try:
        with interrupts_as_exceptions():  # from the first heavy import on
            from pipeline.read.pool import default_jobs
            from pipeline.run import run as run_pipeline
            from pipeline.summary import summary_lines

            result = run_pipeline(inbox, outbox, campaign, progress_bar("读取文件"), jobs or default_jobs(), wait)
    except RosterError as err:
        fail(["支部名册有问题，未运行：", *err.problems], EXIT_CONFIG)
        return
    except StopRun as err:
        fail(err.problems, EXIT_CONFIG)
        return
    except Interrupted as stop:
        fail([stop.message], stop.code)
        return
    for line in summary_lines(result, outbox):
        say(line)


@cli.command(options_metavar="[选项]",
             help="检查指定文件，列出问题（不生成输出）。有错误时退出码为 1。"
                  "未指定 --roster 时，参照收件箱中的名册和已有材料（如任务分解表）核对。\n\n"
                  "示例：pipeline check 收到的/月检查表.xlsx --roster inbox/支部名册.xlsx")
@click.argument("files", nargs=-1, required=True, metavar="文件...",
                type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--roster", metavar="文件",
              type=click.Path(path_type=Path, dir_okay=False), default=None,
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
             help="生成空白模板和每个支部的预填模板（带下拉选项）。\n\n"
                  "示例：pipeline templates --out 模板")
@click.option("--out", metavar="目录",
              type=click.Path(path_type=Path, file_okay=False), default=Path("templates"),
              show_default=True, help="模板输出目录")
@click.option("--roster", metavar="文件",
              type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="支部名册文件，默认在 inbox/ 中查找；有名册时为每个支部生成预填模板")
@click.option("--inbox", metavar="目录",
              type=click.Path(path_type=Path, file_okay=False), default=Path("inbox"),
              show_default=True)
@config_options
def templates(out: Path, roster: Path | None, inbox: Path, config: Path, as_of: dt.date | None) -> None:
    from pipeline.templates import write_templates

    campaign = campaign_or_exit(config, as_of)
    count = write_templates(out, roster, inbox, campaign)
    click.echo(f"已生成 {count} 个模板文件，位于 {out}/")


@cli.command(options_metavar="[选项]",
             help="生成一套逼真的模拟收件箱（含名册、各类报送表和若干典型错误），"
                  "用于演示、测试和性能测试。\n\n"
                  "示例：pipeline demo --branches 40 --seed 2014 --out inbox")
@click.option("--branches", metavar="个数",
              type=click.IntRange(2, 5000), default=40, show_default=True, help="支部数")
@click.option("--seed", metavar="整数",
              type=int, default=2014, show_default=True, help="随机种子（相同种子生成相同文件）")
@click.option("--out", metavar="目录",
              type=click.Path(path_type=Path, file_okay=False), required=True, help="输出目录")
@config_options
def demo(branches: int, seed: int, out: Path, config: Path, as_of: dt.date | None) -> None:
    from pipeline.demo import generate_demo
    from pipeline.forms import form_kinds

    campaign = campaign_or_exit(config, as_of)
    counts = generate_demo(out, branches, seed, campaign)
    titles = {k.key: k.title for k in form_kinds(campaign)}
    click.echo(f"已在 {out}/ 生成模拟收件箱：" + "，".join(f"{titles[k]} {v} 个" for k, v in counts.items()))


def main() -> None:
    try:
        cli(standalone_mode=True)
    except SystemExit:
        raise
    except Exception as exc:  # noqa: BLE001 - the last line of defence: a Chinese message, exit 1
        click.echo(f"程序内部错误：{exc!r}。请把此信息和收件箱情况告知技术人员。", err=True)
        sys.exit(EXIT_INTERNAL)
