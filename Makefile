# Quick start: `make site` builds the site from the bundled content; `make test` runs every test.
# Both create .venv and install the pinned versions from constraints.txt on first use, and the
# editors' web form (cms/: Decap CMS, its local backend and a YAML library) from the npm registry.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site release test serve cms cms-install validate bench lint format lock clean

# The web form (/admin/) needs Node.js and npm. decap-server and yaml come from cms/package-lock.json
# (integrity hashes); the Decap CMS browser bundle is fetched with `npm pack` (its npm dependencies
# are only needed to rebuild it: 730 packages, 390 MB) and checked against this pinned checksum.
DECAP_CMS := decap-cms@3.16.3
DECAP_CMS_INTEGRITY := sha512-hf+dPlCh7TJmWl8+6VRzHYOWhri5xgUknrZbDewaWe4s9B7xJ8PQugp2QHeSldMUKzav6+z0oIpwUYhUJDYtYw==
CMS_STAMP := cms/node_modules/.installed

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

$(CMS_STAMP): cms/package.json cms/package-lock.json Makefile
	cd cms && npm ci --no-audit --no-fund --loglevel=error
	cd cms && npm pack --silent --pack-destination node_modules $(DECAP_CMS) >/dev/null
	$(PYTHON) -c "import base64, hashlib, sys; \
	digest = hashlib.sha512(open(sys.argv[1], 'rb').read()).digest(); \
	sys.exit(0 if 'sha512-' + base64.b64encode(digest).decode() == sys.argv[2] \
	else 'checksum mismatch: ' + sys.argv[1])" cms/node_modules/$(subst @,-,$(DECAP_CMS)).tgz $(DECAP_CMS_INTEGRITY)
	mkdir -p cms/node_modules/decap-cms
	tar -xzf cms/node_modules/$(subst @,-,$(DECAP_CMS)).tgz -C cms/node_modules/decap-cms \
		--strip-components=1 --exclude='*.map' --exclude='package/dist/*.cms.js' \
		--exclude='package/dist/cms.*'
	rm cms/node_modules/$(subst @,-,$(DECAP_CMS)).tgz
	touch $(CMS_STAMP)

cms-install: $(CMS_STAMP)

site: $(STAMP) $(CMS_STAMP)
	$(BIN)/kennisbank validate
	$(BIN)/kennisbank build
	@echo "Open the site with: $(BIN)/kennisbank serve  (or serve site/ with any web server)"

# What the Pages workflow runs: as `site`, but refuses an example address (site_url).
release: $(STAMP) $(CMS_STAMP)
	$(BIN)/kennisbank validate
	$(BIN)/kennisbank build --release

test: $(STAMP) $(CMS_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

serve: $(STAMP)
	$(BIN)/kennisbank serve

# The preview and the web form's local backend together: open http://127.0.0.1:8000/admin/
cms: $(STAMP) $(CMS_STAMP)
	$(BIN)/kennisbank serve --cms

validate: $(STAMP)
	$(BIN)/kennisbank validate

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[bench]'
	$(BIN)/python benchmarks/table.py

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
	rm -rf build site $(VENV) cms/node_modules
