# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test notebooks fuzz bench bench-scale clean

# Re-install when the package metadata changes; the install is editable, so code
# changes need no re-install.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m rangecov demo

test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2

# The notebooks run and saved with their outputs, which are committed (the suite checks they are current).
notebooks: $(STAMP)
	$(BIN)/python notebooks/execute.py

# The long fuzzing run (issue 15), by hand: 9 fuzz tests x 11,200 cases = 100,800 cases, fixed seed,
# two processes; 1.7 hours of one core in all (2026-12-01), about an hour on the 2-core CI machine. Results: bench/RESULTS.md.
fuzz: $(STAMP)
	RANGECOV_FUZZ_EXAMPLES=11200 $(BIN)/python -m pytest -q -n 2 -p no:cacheprovider tests/test_fuzz.py \
		--hypothesis-show-statistics --durations=10

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	$(BIN)/python bench/points.py

# Targets beyond memory (about 25 minutes, 7 GB in /tmp/rc-scale): bench/RESULTS.md.
bench-scale: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	$(BIN)/python bench/scale.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
