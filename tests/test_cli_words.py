"""What the clerk reads on the terminal (issue 11, items 16 and 17): dates as people write them, a
warning for a cut-off outside the campaign, and only Chinese — click's own words and TOML errors too."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import factory as f
import pytest
from click.testing import CliRunner

from pipeline.cli import _date, cli

A = ("JN001", "江宁区东山小学党支部")
ROOT = f.ROOT


def invoke(*args: str, config: Path = f.CONFIG):
    return CliRunner().invoke(cli, [*args, "--config", str(config)])


def english_words(text: str) -> set[str]:
    """Words of four or more Latin letters, other than the names of commands, options and files."""
    names = {"pipeline", "python", "help", "xlsx", "inbox", "outbox", "check", "templates", "config", "campaign",
             "toml", "roster", "missing", "publicty", "publicity", "application", "review_mean", "process_rates",
             "task_completion", "inspection", "branches", "true", "false", "demo", "seed", "chek", "inbx", "year",
             "register"}
    return {w for w in re.findall(r"[A-Za-z_]{4,}", text) if w.lower() not in names}


@pytest.fixture
def box(tmp_path: Path) -> Path:
    f.roster(tmp_path / "inbox", [f.branch(*A)])
    return tmp_path / "inbox"


# ---- 16: --as-of ---------------------------------------------------------------------------------

@pytest.mark.parametrize("written", ["2014年12月31日", "2014/12/31", "2014-12-31", "２０１４年１２月３１日"])
def test_as_of_accepts_the_ways_dates_are_written(written):
    assert _date(None, None, written) == dt.date(2014, 12, 31)  # type: ignore[arg-type]


def test_as_of_written_in_chinese_reaches_the_outbox(box, tmp_path):
    result = invoke("run", "--inbox", str(box), "--outbox", str(tmp_path / "out"), "--as-of", "2014年12月31日")
    assert result.exit_code == 0, result.output
    assert f.manifest(tmp_path / "out")["as_of"] == "2014-12-31"
    assert "警告" not in result.stderr


def test_as_of_before_the_campaign_warns_and_the_run_completes(box, tmp_path):
    result = invoke("run", "--inbox", str(box), "--outbox", str(tmp_path / "out"), "--as-of", "2014/3/1")
    assert result.exit_code == 0, result.output
    assert "警告" in result.stderr and "早于品牌申报开始日 2014-04-01" in result.stderr
    assert f.manifest(tmp_path / "out")["as_of"] == "2014-03-01"


def test_as_of_after_the_review_window_warns(box):
    result = invoke("check", str(box / "支部名册.xlsx"), "--as-of", "2015年2月1日")
    assert result.exit_code == 0, result.output
    assert "警告" in result.stderr and "晚于审核验收结束日 2014-12-31" in result.stderr


def test_a_date_that_is_no_date_is_a_usage_error():
    result = invoke("run", "--as-of", "2014年13月1日")
    assert result.exit_code == 2 and "不是日期" in result.output and "年12月31日" in result.output


# ---- 17: click's own words -------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "expected"), [
    (["chek"], "是不是要输入 'check'"),
    (["run", "--inbx", "x"], "是不是要输入 '--inbox'"),
    (["check"], "缺少参数 '文件...'。"),
    (["demo", "--help"], "[必填]"),
])
def test_clicks_own_words_are_chinese(args, expected):
    result = CliRunner().invoke(cli, args)
    assert expected in result.output, result.output
    assert english_words(result.output) == set(), result.output


def test_missing_roster_file_is_exit_2_with_a_clear_message(tmp_path):
    form = f.monthly(tmp_path, *A, "2014-06")
    result = invoke("check", "--roster", str(tmp_path / "missing.xlsx"), str(form))
    assert result.exit_code == 2 and "missing.xlsx" in result.output and "不存在" in result.output
    assert "程序内部错误" not in result.output


def test_checking_the_roster_itself(box, tmp_path):
    result = invoke("check", str(box / "支部名册.xlsx"), "--inbox", str(box))
    assert result.exit_code == 0 and "名册未发现问题" in result.output, result.output
    warned = f.roster(tmp_path / "warned", [f.branch(*A, 联系电话="12345")])
    result = invoke("check", str(warned), "--inbox", str(tmp_path / "none"))
    assert result.exit_code == 0 and "联系电话" in result.output and "警告" in result.output, result.output
    broken = f.roster(tmp_path / "broken", [f.branch(*A), f.branch(A[0], "江宁区秣陵中学党支部")])
    result = invoke("check", str(broken), "--inbox", str(tmp_path / "none"))
    assert result.exit_code == 2 and "支部编码" in result.output and "程序内部错误" not in result.output


def config_with(tmp_path: Path, old: str, new: str) -> Path:
    text = f.CONFIG.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "campaign.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "column"), [
    ("year = 2014", "year 2014", 6),
    ('first = "2014-05"', "first = “2014-05”", 9),
])
def test_toml_syntax_error_names_line_and_column_in_chinese(tmp_path, old, new, column):
    text = f.CONFIG.read_text(encoding="utf-8")
    where = f"第 {text[:text.index(old)].count(chr(10)) + 1} 行第 {column} 列"
    result = invoke("run", "--inbox", str(tmp_path), config=config_with(tmp_path, old, new))
    assert result.exit_code == 2 and where in result.output and new in result.output, result.output
    assert english_words(result.output.replace(new, "").replace(str(tmp_path), "")) == set(), result.output


def test_config_saved_with_a_bom_still_loads(box, tmp_path):
    path = tmp_path / "campaign.toml"
    path.write_bytes(b"\xef\xbb\xbf" + f.CONFIG.read_bytes())
    result = invoke("run", "--inbox", str(box), "--outbox", str(tmp_path / "out"), "--as-of", "2014-12-31",
                    config=path)
    assert result.exit_code == 0, result.output


def test_rubric_rule_typo_is_one_problem_not_also_a_sum(tmp_path):
    result = invoke("run", "--inbox", str(tmp_path),
                    config=config_with(tmp_path, 'rule = "publicity"', 'rule = "publicty"'))
    assert result.exit_code == 2 and "publicty" in result.output
    assert "合计" not in result.output, result.output


def test_a_real_sum_error_is_still_reported(tmp_path):
    result = invoke("run", "--inbox", str(tmp_path), config=config_with(tmp_path, "max = 25", "max = 20"))
    assert result.exit_code == 2 and "合计为 95" in result.output


# ---- the real process: the installed script, python -m, a C locale ----------------------------------

def run_process(*args: str, lang: str = "C") -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "LANG": lang, "LC_ALL": lang}
    env.pop("PYTHONIOENCODING", None)
    return subprocess.run(args, capture_output=True, cwd=ROOT, env=env, timeout=60, check=False)


def test_process_in_c_locale_speaks_chinese(tmp_path):
    form = f.monthly(tmp_path, *A, "2014-06")
    done = run_process(sys.executable, "-m", "pipeline", "check", "--roster", str(tmp_path / "missing.xlsx"),
                       str(form))
    err = done.stderr.decode("utf-8")
    assert done.returncode == 2 and "不存在" in err and "程序内部错误" not in err, err
    done = run_process(sys.executable, "-m", "pipeline", "chek")
    err = done.stderr.decode("utf-8")
    assert done.returncode == 2 and "是不是要输入 'check'" in err and english_words(err) == set(), err


def test_installed_script_and_python_m_are_the_same_command():
    script = Path(sys.executable).parent / "pipeline"
    if not script.exists():
        pytest.skip("pipeline script not installed in this environment")
    by_script = run_process(str(script), "--help", lang="C.UTF-8")
    by_module = run_process(sys.executable, "-m", "pipeline", "--help", lang="C.UTF-8")
    assert by_script.returncode == by_module.returncode == 0
    assert "“一支部一品牌”报送材料处理程序" in by_module.stdout.decode("utf-8")
    assert by_script.stdout.decode("utf-8").split("\n", 1)[1] == by_module.stdout.decode("utf-8").split("\n", 1)[1]
