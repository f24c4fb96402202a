# pinpai — “一支部一品牌”报送材料处理
# make        建环境（首次）并处理 inbox/ → outbox/
# make test   运行全部测试
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
INBOX  ?= inbox
OUTBOX ?= outbox

.PHONY: all run test lint clean bench bench-bounds sample

all: run

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the project's dependencies change. pip's own output (index warnings, notices)
# goes to .venv/install.log and reaches the screen only when the install fails.
$(STAMP): pyproject.toml | $(BIN)/python
	@echo "正在安装运行环境（只在第一次或依赖变化时进行，需联网）……"
	@$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev]' >$(VENV)/install.log 2>&1 \
		|| { cat $(VENV)/install.log >&2; echo "安装失败，原因见上方（已保存在 $(VENV)/install.log）。" >&2; exit 1; }
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/pipeline run --inbox $(INBOX) --outbox $(OUTBOX)

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check pipeline schemas tests

BRANCHES ?= 250 1000 3000
REPEAT   ?= 3
NAIVE_MAX ?= 1000

# Timings side by side (never part of make test); inboxes are generated once under .cache/bench/.
bench: $(STAMP)
	$(BIN)/python -m pipeline.bench --branches $(BRANCHES) --repeat $(REPEAT) --naive-max $(NAIVE_MAX) --date "$$(date '+%Y-%m-%d %H:%M %Z')"

# Lower bounds for a cold run (issue 10): the container checks and the 汇总台账's values alone, side by side
# with the floor and a cold run; one size (BOUNDS_BRANCHES, default 1000).
BOUNDS_BRANCHES ?= 1000
bench-bounds: $(STAMP)
	$(BIN)/python bench/bounds.py --branches $(BOUNDS_BRANCHES) --repeat $(REPEAT)

# Regenerate the shipped sample inbox (synthetic data); files of the same name are overwritten,
# nothing is deleted.
sample: $(STAMP)
	$(BIN)/pipeline demo --branches 40 --seed 2014 --out $(INBOX)

clean:
	rm -rf $(OUTBOX)
	mkdir -p $(OUTBOX)
