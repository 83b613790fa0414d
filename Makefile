# Samspil — `make run` starts the demo, `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
# `make run` is the development server with the demo municipality; production settings come from the environment.
DEV_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG:-1} SAMSPIL_DEMO_MODE=$${SAMSPIL_DEMO_MODE:-1}

.PHONY: run install system-packages migrate demo test test-postgres lint format vendor messages bench bench-import clean

$(VENV)/.installed: requirements.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) is required"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

install: system-packages $(VENV)/.installed .env

# pysaml2 signs and verifies SAML messages with Debian's xmlsec1 (MitID through NemLog-in, the staff IdP).
system-packages:
	@command -v xmlsec1 >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get install -y -qq xmlsec1 >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq xmlsec1 >/dev/null; }; \
	  else echo "xmlsec1 is required for SAML log-in: sudo apt-get install xmlsec1"; exit 1; fi; }

# A development checkout gets a .env (git-ignored) so `manage.py` works by hand with the development keys.
# Production never runs make: it sets DJANGO_DEBUG=0 and real keys in the environment, which win over .env.
.env:
	printf '# Development settings, made by `make install`. Never use these in production.\nDJANGO_DEBUG=1\nSAMSPIL_DEMO_MODE=1\n' > .env

migrate: install
	$(DEV_ENV) $(PY) manage.py migrate --noinput

demo: migrate
	$(DEV_ENV) $(PY) manage.py load_demo

run: demo
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# `SAMSPIL_TEST_CLOCK_SHIFT_DAYS=365 make test` runs the suite with the clock a year ahead (see conftest.py).
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/samspil} $(PY) -m pytest $(PYTEST_ARGS)

# A Copenhagen-scale municipality in its own PostgreSQL database (BENCH_DATABASE_URL; beside it <name>_small with
# 3,500 pathways and the access-log copies <name>_log, <name>_log_large), every page measured as a ratio to the
# bench-only floor view (SAMSPIL_BENCH=1 mounts it for the bench's own gunicorn on BENCH_PORT, the small size's on
# BENCH_PORT + 1); writes
# docs/benchmarks.md. Options in BENCH_ARGS, e.g. BENCH_ARGS="--requests 20 --seconds 30 --log-rows-large 10000000".
# Both benchmark commands refuse any database whose name does not start with `samspil_bench` (samspil/demo/guards.py).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/samspil_bench
BENCH_PORT ?= 8765
BENCH_DB_NAME = $(firstword $(subst ?, ,$(lastword $(subst /, ,$(BENCH_DATABASE_URL)))))
BENCH_ENV := DATABASE_URL=$(BENCH_DATABASE_URL) BENCH_PORT=$(BENCH_PORT) SAMSPIL_BENCH=1 DATABASE_STATEMENT_TIMEOUT=0 \
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=bench-only \
	SAMSPIL_CPR_ENCRYPTION_KEYS=c2Ftc3BpbC1kZXZlbG9wbWVudC1vbmx5LWtleS0wMDA= SAMSPIL_CPR_INDEX_KEY=bench-only-blind-index-key-never-in-production \
	DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_ALLOWED_HOSTS=127.0.0.1,testserver
bench: install
	createdb --maintenance-db=$(patsubst %/$(BENCH_DB_NAME),%/postgres,$(firstword $(subst ?, ,$(BENCH_DATABASE_URL)))) $(BENCH_DB_NAME) 2>/dev/null || true
	$(BENCH_ENV) $(PY) manage.py migrate --noinput -v0
	$(BENCH_ENV) $(PY) manage.py bench $(BENCH_ARGS)

# One million rows of service consumption imported into its own PostgreSQL database; writes its own
# section of docs/benchmarks.md (between the bench-import markers).
BENCH_IMPORT_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/samspil_bench_import
bench-import: install
	createdb -h 127.0.0.1 -U postgres samspil_bench_import 2>/dev/null || true
	$(BENCH_ENV) DATABASE_URL=$(BENCH_IMPORT_DATABASE_URL) $(PY) manage.py migrate --noinput -v0
	$(BENCH_ENV) DATABASE_URL=$(BENCH_IMPORT_DATABASE_URL) $(PY) manage.py bench_import $(BENCH_IMPORT_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Refresh the vendored front-end files from npm (needs Node); the versions are in static/vendor/VERSIONS.txt.
DKFDS_VERSION ?= 11.2.0
HTMX_VERSION ?= 2.0.11
CHARTJS_VERSION ?= 4.6.1
vendor:
	rm -rf var/vendor && mkdir -p var/vendor
	cd var/vendor && npm pack --silent dkfds@$(DKFDS_VERSION) htmx.org@$(HTMX_VERSION) chart.js@$(CHARTJS_VERSION)
	cd var/vendor && mkdir dkfds htmx && tar xzf dkfds-$(DKFDS_VERSION).tgz -C dkfds && tar xzf htmx.org-$(HTMX_VERSION).tgz -C htmx
	rm -rf samspil/static/vendor/dkfds samspil/static/vendor/htmx
	mkdir -p samspil/static/vendor/dkfds/css samspil/static/vendor/dkfds/js samspil/static/vendor/htmx
	cp var/vendor/dkfds/package/dist/css/dkfds.min.css samspil/static/vendor/dkfds/css/
	cp var/vendor/dkfds/package/dist/js/dkfds.min.js samspil/static/vendor/dkfds/js/
	cp -r var/vendor/dkfds/package/dist/img samspil/static/vendor/dkfds/
	mkdir -p samspil/static/vendor/dkfds/fonts/IBMPlexSans/complete
	cp -r var/vendor/dkfds/package/dist/fonts/IBMPlexSans/complete/woff var/vendor/dkfds/package/dist/fonts/IBMPlexSans/complete/woff2 samspil/static/vendor/dkfds/fonts/IBMPlexSans/complete/
	mkdir -p samspil/static/vendor/dkfds/fonts/IBMPlexSans/complete/eot samspil/static/vendor/dkfds/fonts/IBMPlexSans/complete/ttf
	cp var/vendor/dkfds/package/dist/fonts/IBMPlexSans/complete/eot/IBMPlexSans-Regular.eot samspil/static/vendor/dkfds/fonts/IBMPlexSans/complete/eot/
	cp var/vendor/dkfds/package/dist/fonts/IBMPlexSans/complete/ttf/IBMPlexSans-Regular.ttf samspil/static/vendor/dkfds/fonts/IBMPlexSans/complete/ttf/
	cp var/vendor/dkfds/package/dist/LICENSE.md samspil/static/vendor/dkfds/
	cp var/vendor/htmx/package/dist/htmx.min.js samspil/static/vendor/htmx/
	cp var/vendor/htmx/package/LICENSE samspil/static/vendor/htmx/
	rm -rf samspil/static/vendor/chartjs && mkdir -p var/vendor/chartjs samspil/static/vendor/chartjs
	tar xzf var/vendor/chart.js-$(CHARTJS_VERSION).tgz -C var/vendor/chartjs
	cp var/vendor/chartjs/package/dist/chart.umd.min.js var/vendor/chartjs/package/LICENSE.md samspil/static/vendor/chartjs/
	sed -i 's|//# sourceMappingURL=.*$$||' samspil/static/vendor/chartjs/chart.umd.min.js
	# The source maps are not shipped; their references would break the hashed static manifest.
	sed -i 's|/\*# sourceMappingURL=[^*]*\*/||' samspil/static/vendor/dkfds/css/dkfds.min.css
	sed -i 's|//# sourceMappingURL=.*$$||' samspil/static/vendor/dkfds/js/dkfds.min.js
	echo "dkfds $(DKFDS_VERSION) (npm), htmx.org $(HTMX_VERSION) (npm)" > samspil/static/vendor/VERSIONS.txt

# Re-extract and compile translations (needs GNU gettext); the compiled .mo files are committed.
messages: install
	$(DEV_ENV) $(PY) manage.py makemessages -l da --ignore=.venv --ignore=var
	$(DEV_ENV) $(PY) manage.py compilemessages -l da --ignore=.venv

clean:
	rm -rf var/samspil.sqlite3* var/static
