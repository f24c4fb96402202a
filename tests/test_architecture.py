"""The house rules a reviewer would check by hand: imports run one way, and a kind is data."""

from __future__ import annotations

import ast
import datetime as dt
import io
import re
import tokenize
from pathlib import Path

from pipeline.config import load_campaign
from pipeline.forms import form_kinds

ROOT = Path(__file__).resolve().parent.parent

# The flow, bottom to top. A module may import its own layer or any layer below it, never above.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("pipeline.config", "pipeline.config_documents", "pipeline.model", "pipeline.forms", "pipeline.issues",
     "pipeline.names", "pipeline.limits", "pipeline.display", "pipeline.rubric"),
    ("pipeline.read",),
    ("pipeline.parse",),
    ("pipeline.validate", "schemas"),
    ("pipeline.assess",),
    ("pipeline.consolidate",),
    ("pipeline.write",),
    ("pipeline.run", "pipeline.check", "pipeline.templates", "pipeline.demo", "pipeline.demo_archives",
     "pipeline.demo_register", "pipeline.bench", "pipeline.summary"),
    ("pipeline.cli", "pipeline.cli_zh", "pipeline.__main__", "pipeline.signals"),
)


def layer_of(module: str) -> int | None:
    for level, prefixes in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return level
    return None


def modules() -> list[tuple[str, Path]]:
    out = []
    for base in ("pipeline", "schemas"):
        for path in sorted((ROOT / base).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out.append((name, path))
    return out


def runtime_imports(path: Path) -> list[str]:
    """Project imports that run at import time (typing-only imports under TYPE_CHECKING are skipped)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}
    found = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names]
    return [m for m in found if m.split(".")[0] in ("pipeline", "schemas")]


def test_every_module_has_a_layer():
    unplaced = [name for name, _ in modules() if name not in ("pipeline", "schemas") and layer_of(name) is None]
    assert unplaced == [], "place these modules in a layer of tests/test_architecture.py: " + ", ".join(unplaced)


def test_imports_run_down_the_flow():
    upward = []
    for name, path in modules():
        own = layer_of(name)
        if own is None:
            continue
        for target in runtime_imports(path):
            level = layer_of(target)
            if level is not None and level > own:
                upward.append(f"{name} imports {target}")
    assert upward == []


def test_no_kind_key_compared_outside_forms():
    keys = "|".join(k.key for k in form_kinds(load_campaign(ROOT / "campaign.toml", today=dt.date(2000, 1, 1))))
    pattern = re.compile(rf"\.key\s*(==|!=|in\s*\(|not\s+in)|(kind|group)\w*\s*[=!]=\s*\"({keys})\"")
    hits = [f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
            for _, path in modules() if path.name != "forms.py" or path.parent.name != "pipeline"
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
            if pattern.search(line)]
    assert hits == []


def test_no_year_in_the_code():
    """Dates come from campaign.toml: no year in code — in text as a date, month, quarter or 年 (2014-05-03,
    2014年, 2014Q2), as a number 2005–2035 (sizes such as 2000 stay legal); comments and docstrings may cite one."""
    in_text = re.compile(r"(?<![\d./-])(19[5-9]\d|20\d\d)(?=\s*(?:[-/.]\d|年|Q\d))")
    hits = []
    for _, path in modules():
        text = path.read_text(encoding="utf-8")
        docstrings = {(node.body[0].lineno, node.body[0].col_offset) for node in ast.walk(ast.parse(text))
                      if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef) and node.body
                      and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            number = tok.type == tokenize.NUMBER and tok.string.isdigit() and 2005 <= int(tok.string) <= 2035
            string = tok.type == tokenize.STRING and tok.start not in docstrings and in_text.search(tok.string)
            if number or string:
                hits.append(f"{path.relative_to(ROOT)}:{tok.start[0]}: {tok.string[:60]}")
    assert hits == []
