# Quick start: `make site` builds the site from the bundled content; `make test` runs every test;
# `make help` lists every target (in Dutch, for editors). `site` installs .venv with the site's
# pinned packages (constraints.txt) and the editors' web form (cms/: Decap CMS, its local backend
# and a YAML library) from the npm registry; `test` adds the test tools to the same .venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
#: the site's packages, and (for `make test`) the test tools on top of them
SITE_STAMP := $(VENV)/.installed-site
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help site release test check-content serve cms cms-install validate bench lint format lock clean

# The web form (/admin/) needs Node.js and npm. decap-server and yaml come from cms/package-lock.json
# (integrity hashes); the Decap CMS browser bundle is fetched with `npm pack` (its npm dependencies
# are only needed to rebuild it: 730 packages, 390 MB) and checked against this pinned checksum.
DECAP_CMS := decap-cms@3.16.3
DECAP_CMS_INTEGRITY := sha512-hf+dPlCh7TJmWl8+6VRzHYOWhri5xgUknrZbDewaWe4s9B7xJ8PQugp2QHeSldMUKzav6+z0oIpwUYhUJDYtYw==
CMS_STAMP := cms/node_modules/.installed

help: ## deze lijst
	@echo "Gebruik: make DOEL (zonder DOEL: deze lijst)"
	@echo
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## /\1\t/' \
		| awk -F '\t' '{ printf "  %-12s %s\n", $$1, $$2 }'

$(SITE_STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $(SITE_STAMP)

$(STAMP): $(SITE_STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

$(CMS_STAMP): cms/package.json cms/package-lock.json Makefile
	cd cms && npm ci --no-audit --no-fund --loglevel=error
	cd cms && npm pack --silent --pack-destination node_modules $(DECAP_CMS) >/dev/null
	$(PYTHON) -c "import base64, hashlib, sys; \
	digest = hashlib.sha512(open(sys.argv[1], 'rb').read()).digest(); \
	sys.exit(0 if 'sha512-' + base64.b64encode(digest).decode() == sys.argv[2] \
	else 'controlegetal klopt niet: ' + sys.argv[1])" cms/node_modules/$(subst @,-,$(DECAP_CMS)).tgz $(DECAP_CMS_INTEGRITY)
	mkdir -p cms/node_modules/decap-cms
	tar -xzf cms/node_modules/$(subst @,-,$(DECAP_CMS)).tgz -C cms/node_modules/decap-cms \
		--strip-components=1 --exclude='*.map' --exclude='package/dist/*.cms.js' \
		--exclude='package/dist/cms.*'
	rm cms/node_modules/$(subst @,-,$(DECAP_CMS)).tgz
	touch $(CMS_STAMP)

cms-install: $(CMS_STAMP) ## installeer het invulformulier in cms/node_modules/ (vraagt Node.js en npm)

site: $(SITE_STAMP) $(CMS_STAMP) ## controleer de records en bouw de site in site/ (installeert wat nodig is)
	$(BIN)/kennisbank validate
	$(BIN)/kennisbank build
	@echo "Bekijk de site met: $(BIN)/kennisbank serve  (of zet site/ op een webserver)"

# What the Pages workflow runs: as `site`, but refuses an example address (site_url).
release: $(SITE_STAMP) $(CMS_STAMP) ## bouw de site om te publiceren (weigert een voorbeeldadres in mkdocs.yml)
	$(BIN)/kennisbank validate
	$(BIN)/kennisbank build --release

test: $(STAMP) $(CMS_STAMP) ## ruff en alle tests (installeert ook de testhulpmiddelen)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n auto --dist loadfile

# The content lane: what a pull request that changes only records gets (.ci/lanes.py decides;
# `make test` is the full lane). Validates, builds (with the output gate), then runs the privacy
# gate and opens the pages of the records changed since BASE in a browser, on that built site.
# In the workflow: `make check-content BASE=origin/main FORMAT=github`.
BASE ?= origin/main
FORMAT ?= text
CONTENT_TESTS := tests/browser/test_privacy.py tests/browser/test_changed_records.py
check-content: $(STAMP) ## de controle van een pull request met alleen records (BASE=origin/main)
	$(BIN)/kennisbank validate --format $(FORMAT)
	$(BIN)/kennisbank build
	changed="$$($(BIN)/python .ci/lanes.py records --base $(BASE))" && \
	KENNISBANK_RECORD_SEEDS=none KENNISBANK_BUILT_PROJECT="$(CURDIR)" \
	KENNISBANK_CHANGED_RECORDS="$$changed" $(BIN)/python -m pytest -p no:cacheprovider $(CONTENT_TESTS)

serve: $(SITE_STAMP) ## voorvertoning op http://127.0.0.1:8000/, bouwt opnieuw bij elke wijziging
	$(BIN)/kennisbank serve

# The preview and the web form together: the form has its own address, http://127.0.0.1:8081/admin/
cms: $(SITE_STAMP) $(CMS_STAMP) ## voorvertoning met het invulformulier op een eigen adres: http://127.0.0.1:8081/admin/
	$(BIN)/kennisbank serve --cms

validate: $(SITE_STAMP) ## controleer alle records in initiatives/
	$(BIN)/kennisbank validate

bench: $(STAMP) ## de benchmarks (bouwen, controleren, zoeken) met hun tabel
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[bench]'
	$(BIN)/python benchmarks/table.py

lint: $(STAMP) ## controleer de code met ruff
	$(BIN)/ruff check .

format: $(STAMP) ## maak de code op met ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Re-pin every dependency to the newest allowed versions (then run `make test`).
lock: ## zet alle pakketten op de nieuwste toegestane versie (daarna: make test)
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet -e '.[test]'
	.lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^kennisbank' > constraints.txt
	rm -rf .lock-venv

clean: ## verwijder build/, site/, .venv en cms/node_modules
	rm -rf build site $(VENV) cms/node_modules
