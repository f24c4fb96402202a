"""`make` keeps pip's own chatter off the clerk's screen (issue 11, item 18): the install output goes to
.venv/install.log and is shown only when the install fails.

The real Makefile runs in a scratch folder whose .venv/bin/python is a stand-in that talks like pip on an
index with broken mirrors, so the test needs no network and takes milliseconds.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import factory as f
import pytest

WARNING = "WARNING: Location 'file:///opt/pypi-more/simple/pydantic/' is ignored"


def make_install(tmp_path: Path, exit_code: int) -> subprocess.CompletedProcess[str]:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    shutil.copy(f.ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    fake = tmp_path / ".venv" / "bin" / "python"
    fake.parent.mkdir(parents=True)
    fake.write_text(f'#!/bin/sh\necho "{WARNING}" >&2\necho "Successfully installed x"\nexit {exit_code}\n',
                    encoding="utf-8")
    fake.chmod(0o755)
    return subprocess.run(["make", "--no-print-directory", ".venv/.installed"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=30, check=False)


def test_a_good_install_shows_no_pip_output(tmp_path):
    done = make_install(tmp_path, 0)
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stdout + done.stderr and "Successfully" not in done.stdout + done.stderr
    assert "正在安装运行环境" in done.stdout
    assert WARNING in (tmp_path / ".venv" / "install.log").read_text(encoding="utf-8")
    assert (tmp_path / ".venv" / ".installed").exists()


def test_a_failed_install_shows_pip_output_and_where_it_is_kept(tmp_path):
    done = make_install(tmp_path, 1)
    assert done.returncode != 0
    assert WARNING in done.stderr and "安装失败" in done.stderr and ".venv/install.log" in done.stderr
    assert not (tmp_path / ".venv" / ".installed").exists()
