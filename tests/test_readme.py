"""The README's first half is the clerk's manual (issue 11, item 18): it starts from the roster, says how
别名 are separated, keeps `make test` for developers, and covers Windows and WPS. Every command it
shows for the clerk is one the CLI really has."""

from __future__ import annotations

import re

import factory as f
from click.testing import CliRunner

from pipeline.cli import cli

TEXT = (f.ROOT / "README.md").read_text(encoding="utf-8")
CLERK, DEVELOPERS = TEXT.split("## For developers", 1)


def commands(text: str) -> list[str]:
    blocks = re.findall(r"```\n(.*?)```", text, flags=re.S)
    return [line.split("#")[0].strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_the_first_step_is_the_roster():
    first = CLERK.index("**第一步")
    assert "支部名册" in CLERK[first:first + 40]
    step = CLERK[first:CLERK.index("**第二步")]
    assert "pipeline templates" in step and "支部名册.xlsx" in step and "inbox/" in step
    assert "、" in step and "“;”" in step and "别名" in step


def test_make_test_is_a_developer_command():
    assert "make test" in DEVELOPERS
    assert "make test" not in commands(CLERK)
    assert "make" in commands(CLERK)


def test_windows_and_wps_are_covered():
    assert "WSL" in CLERK and "python.org" in CLERK and "py -m pipeline" in CLERK
    assert "WPS" in CLERK and ".xlsx" in CLERK[CLERK.index("WPS"):]
    assert re.search(r"约 \d+ 分钟", CLERK)


def test_every_pipeline_command_the_clerk_is_shown_exists():
    shown = {c.split()[1] for c in commands(CLERK) if c.startswith(".venv/bin/pipeline")}
    shown |= {c.split()[3] for c in commands(CLERK) if c.startswith("py -m pipeline")}
    assert shown >= {"run", "check", "templates"}
    for name in sorted(shown):
        assert CliRunner().invoke(cli, [name, "--help"]).exit_code == 0, name
