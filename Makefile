# Two commands do all the set-up on a fresh machine:
#   make report   build the sample's reports (reports/hoang-giang/)
#   make test     run the linter (ruff), build the documentation (strict), then the tests
# Both create or reuse .venv/ in the project root.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
YEAR ?= 2023
PYTEST_ARGS ?=

.PHONY: report test test-core lint docs lab bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/cchc report --year $(YEAR)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mkdocs build --strict --quiet --site-dir build/site-check
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# the linter, the documentation's strict build, then the quick tests only: no notebook runs
test-core: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mkdocs build --strict --quiet --site-dir build/site-check
	$(BIN)/python -m pytest -m "not notebook" $(PYTEST_ARGS)

# ruff alone, configured in pyproject.toml ([tool.ruff]); make test and make test-core run it first
lint: $(STAMP)
	$(BIN)/ruff check .

# the pages of docs/ as a site, in build/site/ (mkdocs.yml); make test builds them strictly too
docs: $(STAMP)
	$(BIN)/mkdocs build --strict

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/explore.ipynb

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_year.py
	$(BIN)/python benchmarks/bench_province.py
	$(BIN)/python benchmarks/bench_units.py

clean:
	rm -rf $(VENV) reports/*/ reports/index.html .pytest_cache build/site build/site-check
