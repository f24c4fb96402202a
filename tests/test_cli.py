"""The other commands through click: check, templates, demo, help."""

from pathlib import Path

import factory as f
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.forms import form_kinds
from pipeline.parse.file import read_file

A = ("JN001", "江宁区东山小学党支部")


def invoke(*args: str):
    return CliRunner().invoke(cli, [*args, "--config", str(f.CONFIG)])


@pytest.mark.parametrize("command", ["run", "check", "templates", "demo"])
def test_every_command_has_chinese_help_with_an_example(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0 and "示例" in result.output


def test_check_exits_0_without_errors_and_1_with(tmp_path: Path):
    box = tmp_path / "inbox"
    roster = f.roster(box, [f.branch(*A)])
    good = f.monthly(tmp_path / "new", *A, "2014-06")
    bad = f.monthly(tmp_path / "new", *A, "2014-12", file="bad.xlsx")
    ok = invoke("check", str(good), "--roster", str(roster))
    assert ok.exit_code == 0, ok.output
    assert "未发现问题" in ok.output
    result = invoke("check", str(good), str(bad), "--inbox", str(box))
    assert result.exit_code == 1
    assert "检查月份" in result.output and "错误" in result.output and "月检查表!B4" in result.output


def test_check_without_roster_exits_2(tmp_path: Path):
    good = f.monthly(tmp_path / "new", *A, "2014-06")
    result = invoke("check", str(good), "--inbox", str(tmp_path / "none"))
    assert result.exit_code == 2 and "支部名册" in result.output


def test_templates_read_back_as_their_kind_with_branch_facts(tmp_path: Path):
    box = tmp_path / "inbox"
    f.roster(box, [f.branch(*A), f.branch("JN002", "秣陵中学党支部")])
    out = tmp_path / "模板"
    result = invoke("templates", "--out", str(out), "--inbox", str(box))
    assert result.exit_code == 0, result.output
    campaign = f.campaign()
    kinds = form_kinds(campaign)
    blanks = sorted(p.name for p in (out / "空白模板").iterdir())
    word = ("品牌创建申报表", "品牌完善申报表", "认定申请表")  # the notice's 附件 also come as Word forms
    assert blanks == sorted([f"{k.title}.xlsx" for k in kinds] + [f"{t}.docx" for t in word])
    for path in (out / "空白模板").iterdir():
        received = read_file(path.name, path.read_bytes(), kinds, campaign)
        assert received.submission is not None and received.submission.kind.title == path.stem
    for name in ("月检查表.xlsx", "品牌创建申报表.docx", "认定申请表.docx"):
        filled = out / "各支部" / f"{A[0]}-{A[1]}" / name
        sub = read_file(name, filled.read_bytes(), kinds, campaign).submission
        assert sub.value("支部名称") == A[1] and sub.value("支部编码") == A[0], name


def test_demo_writes_a_roster_and_forms(tmp_path: Path):
    result = invoke("demo", "--branches", "5", "--seed", "7", "--out", str(tmp_path / "d"))
    assert result.exit_code == 0, result.output
    assert "支部名册 1 个" in result.output
    assert (tmp_path / "d" / "支部名册.xlsx").exists()


def test_bad_as_of_is_a_chinese_usage_error(tmp_path: Path):
    result = invoke("run", "--inbox", str(tmp_path), "--as-of", "2014/13/01")
    assert result.exit_code == 2 and "不是日期" in result.output


def test_today_is_read_only_by_the_cli():
    import pipeline

    for path in Path(pipeline.__file__).parent.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name not in ("cli.py",):
            assert "date.today()" not in text and "datetime.now()" not in text, path


@pytest.mark.parametrize("args", [["--help"], ["run", "--bogus"], ["check", "没有这个文件.xlsx"],
                                  ["demo", "--branches", "1", "--out", "x"]])
def test_cli_words_are_chinese(args):
    import re

    result = CliRunner().invoke(cli, args)
    words = set(re.findall(r"[A-Za-z]{4,}", result.output))
    assert words <= {"pipeline", "bogus", "help", "xlsx", "inbox", "outbox", "branches", "demo", "check", "docs",
                     "templates", "config", "campaign", "toml", "seed", "roster",
                     "jobs", "wait"}, words  # names of commands, options
