# Quick start: `make site` builds the site from the bundled content; `make test` runs every test.
# Both create .venv and install the pinned versions from constraints.txt on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site release test serve validate bench lint format lock clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

site: $(STAMP)
	$(BIN)/kennisbank validate
	$(BIN)/kennisbank build
	@echo "Open the site with: $(BIN)/kennisbank serve  (or serve site/ with any web server)"

# What the Pages workflow runs: as `site`, but refuses an example address (site_url).
release: $(STAMP)
	$(BIN)/kennisbank validate
	$(BIN)/kennisbank build --release

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

serve: $(STAMP)
	$(BIN)/kennisbank serve

validate: $(STAMP)
	$(BIN)/kennisbank validate

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

lint: $(STAMP)
	$(BIN)/ruff check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Re-pin every dependency to the newest allowed versions (then run `make test`).
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet -e '.[test]'
	.lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^kennisbank' > constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf build site $(VENV)
