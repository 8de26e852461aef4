# The README's commands. Each target does its own set-up, so a fresh clone needs nothing else.
# `make run`  — set up and serve the app with demo data on http://127.0.0.1:8000
# `make test` — set up and run the whole test suite (SQLite, in-process tasks)
# `make test-fast` — the same without the checks marked `slow` (collectstatic as the image build runs it)
# `make bench` — load a million Returns into PostgreSQL and measure the return lists (bench/README.md)
# `make bench-load` — the mixed load under gunicorn against the minimal pages (bench/README.md)
# `make bench-pdf` — render a 5,000-line chargeback statement to PDF, time and peak memory (bench/README.md)
# `make screenshot` — the returns list at 390 px as store1 and a chargeback PDF page, as PNGs in test-artifacts/
# `make migration-check` — a database seeded at 88eb11b migrated to this checkout loses nothing (bench/README.md)
# `make backup` — the database (one pg_dump snapshot) and its files into backups/aftersales-<date>/ with checksums
# `make restore FROM=backups/aftersales-<date>` — that backup into an EMPTY database and storage (README, Production)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# System packages (Debian names): PDF rendering with Chinese fonts, gettext; and for tests a PDF
# text extractor and the browser Playwright drives.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext
TEST_SYSTEM_PACKAGES := poppler-utils chromium
# Graphviz draws the workflow pictures (`make docs` only; the tests compare the committed sources without it).
DOCS_SYSTEM_PACKAGES := graphviz
PYTEST_ARGS ?= -n 2
# pytest with byte-code caching on even where the environment turns it off (PYTHONDONTWRITEBYTECODE=1): otherwise
# every worker of every run compiles the project and re-writes the asserts of ~600 test modules (about 20 s each).
PYTEST := PYTHONDONTWRITEBYTECODE= $(PY) -m pytest
# The PostgreSQL + Redis pass (see README "Testing against PostgreSQL and Redis").
PG_URL ?= postgres://postgres@127.0.0.1:5432
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15
CI_DB := aftersales_ci_$(shell echo $$$$)

.PHONY: run test test-fast test-postgres backup restore bench bench-load bench-pdf bench-same-tests screenshot migration-check lint check-deploy schema docs messages system-packages system-packages-test venv venv-dev clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed
venv-dev: $(VENV)/.installed-dev

# Installs the Debian packages when it can (root or password-less sudo); otherwise says what to install.
define install_debian
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -z "$$missing" ]; then echo "System packages present: $(1)"; \
	elif ! command -v apt-get >/dev/null; then echo "WARNING: install these system packages yourself: $$missing"; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	elif sudo -n true 2>/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else echo "WARNING: cannot install system packages without root; please run: sudo apt-get install $$missing"; fi
endef

system-packages:
	$(call install_debian,$(SYSTEM_PACKAGES))

system-packages-test:
	$(call install_debian,$(SYSTEM_PACKAGES) $(TEST_SYSTEM_PACKAGES))

messages: $(VENV)/.installed
	@if command -v msgfmt >/dev/null; then $(PY) manage.py compilemessages --ignore=.venv -v0; \
	else echo "gettext is missing: using the committed compiled catalogues"; fi

run: system-packages $(VENV)/.installed messages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Serving on http://127.0.0.1:8000 — log in with one of the demo logins above."
	$(PY) manage.py runserver 127.0.0.1:8000

test: system-packages-test $(VENV)/.installed-dev messages
	$(PYTEST) $(PYTEST_ARGS)

test-fast: system-packages-test $(VENV)/.installed-dev messages
	$(PYTEST) $(PYTEST_ARGS) -m "not slow"

# The same suite against PostgreSQL and Redis (services on 127.0.0.1; a throw-away database).
test-postgres: $(VENV)/.installed-dev
	psql "$(PG_URL)/postgres" -qc "CREATE DATABASE $(CI_DB)"
	DATABASE_URL="$(PG_URL)/$(CI_DB)" REDIS_URL="$(REDIS_TEST_URL)" $(PYTEST) $(PYTEST_ARGS); \
	status=$$?; psql "$(PG_URL)/postgres" -qc "DROP DATABASE IF EXISTS $(CI_DB)"; exit $$status

# The read benchmark at a million Returns on PostgreSQL (bench/README.md): loads $(BENCH_DB) once, then writes
# bench/RESULTS.md. The database is kept for the next run; drop it with `dropdb $(BENCH_DB)`.
BENCH_DB ?= as_bench
BENCH_RETURNS ?= 1000000
bench: $(VENV)/.installed
	psql "$(PG_URL)/postgres" -qtAc "SELECT 1 FROM pg_database WHERE datname = '$(BENCH_DB)'" | grep -q 1 || \
		psql "$(PG_URL)/postgres" -qc "CREATE DATABASE $(BENCH_DB)"
	DATABASE_URL="$(PG_URL)/$(BENCH_DB)" $(PY) bench/bench_returns.py --ensure $(BENCH_RETURNS)

# The mixed load under gunicorn (bench/bench_load.py, issue 19): the Dockerfile's command on loopback, driven by wrk
# (Debian's package) with the real mix and the minimal mix interleaved; writes its section of bench/RESULTS.md.
# Uses the same database as `make bench` (loaded to $(BENCH_RETURNS) Returns first).
BENCH_LOAD_ARGS ?=
bench-load: $(VENV)/.installed
	$(call install_debian,wrk)
	psql "$(PG_URL)/postgres" -qtAc "SELECT 1 FROM pg_database WHERE datname = '$(BENCH_DB)'" | grep -q 1 || \
		psql "$(PG_URL)/postgres" -qc "CREATE DATABASE $(BENCH_DB)"
	DATABASE_URL="$(PG_URL)/$(BENCH_DB)" $(PY) bench/bench_load.py --ensure $(BENCH_RETURNS) $(BENCH_LOAD_ARGS)

# The PDF benchmark (bench/bench_pdf.py): a 5,000-line chargeback statement 扣款单 rendered to PDF in a fresh
# process, wall and CPU time and peak memory; no database. Record the figures in bench/RESULTS.md by hand.
BENCH_PDF_LINES ?= 5000
bench-pdf: system-packages $(VENV)/.installed
	$(PY) bench/bench_pdf.py --lines $(BENCH_PDF_LINES)

# Issue 12's suite figure: the tests collected at 88eb11b (bench/suite/ids_88eb11b.txt), found today, run as the
# suite runs (bench/same_tests.py; SAME_TESTS_ARGS to change pytest's arguments). With DATABASE_URL and REDIS_URL
# set it runs on PostgreSQL and Redis, as test-postgres does.
SAME_TESTS_ARGS ?= -n 2 -p no:randomly
bench-same-tests: system-packages-test $(VENV)/.installed-dev messages
	PYTHONDONTWRITEBYTECODE= $(PY) bench/same_tests.py $(SAME_TESTS_ARGS)

# Pictures anyone can look at (bench/screenshot.py): against `make run`'s server, or SCREENSHOT_ARGS=--start.
SCREENSHOT_ARGS ?=
screenshot: $(VENV)/.installed-dev
	$(call install_debian,poppler-utils chromium)
	$(PY) bench/screenshot.py $(SCREENSHOT_ARGS)

# Issue 12's proof that moving models between apps loses nothing (bench/migration_check.py): a database seeded
# at $(MIGRATION_FROM) with its history is migrated to this checkout and compared table by table. SQLite, then
# PostgreSQL when it answers at $(PG_URL) (a throw-away database, dropped afterwards).
MIGRATION_FROM ?= 88eb11b
MIGRATION_CHECK_ARGS ?=
migration-check: $(VENV)/.installed
	$(PY) bench/migration_check.py --from $(MIGRATION_FROM) $(MIGRATION_CHECK_ARGS)
	@if psql "$(PG_URL)/postgres" -qtAc "SELECT 1" >/dev/null 2>&1; then \
		echo "$(PY) bench/migration_check.py --from $(MIGRATION_FROM) --database postgres --pg-url $(PG_URL) $(MIGRATION_CHECK_ARGS)"; \
		$(PY) bench/migration_check.py --from $(MIGRATION_FROM) --database postgres --pg-url $(PG_URL) $(MIGRATION_CHECK_ARGS); \
	else echo "PostgreSQL does not answer at $(PG_URL): the PostgreSQL pass is skipped."; fi

lint: $(VENV)/.installed-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	# The apps' import layers (pyproject.toml, [tool.importlinter]): downward only, the core imports no app.
	$(VENV)/bin/lint-imports

# Django's deployment checklist under production-like variables.
check-deploy: $(VENV)/.installed
	DJANGO_DEBUG=false DJANGO_SECRET_KEY="$$(head -c 48 /dev/urandom | base64)" DJANGO_ALLOWED_HOSTS=aftersales.example.cn \
	DATABASE_URL=postgres://aftersales@127.0.0.1/aftersales REDIS_URL=redis://127.0.0.1:6379/0 \
	$(PY) manage.py check --deploy --fail-level WARNING

# Backups (aftersales/backups.py) of the database DATABASE_URL names and the files of the storage the settings
# choose (DJANGO_MEDIA_ROOT or AFTERSALES_S3_*): PostgreSQL needs pg_dump/pg_restore of the server's version or newer.
BACKUP_DIR ?= backups
backup: $(VENV)/.installed
	$(PY) manage.py backup --output "$(BACKUP_DIR)"

# Into a new, empty database (createdb; no migrate before) and an empty media folder or bucket; anything else is
# refused. Checks every checksum first and compares row counts and files with the manifest afterwards.
restore: $(VENV)/.installed
	@if [ -z "$(FROM)" ]; then echo "Usage: make restore FROM=$(BACKUP_DIR)/aftersales-YYYYMMDD-HHMMSS"; exit 2; fi
	$(PY) manage.py restore "$(FROM)"

# Regenerate the committed OpenAPI schema after changing the API.
schema: $(VENV)/.installed
	$(PY) manage.py spectacular --lang en --file docs/openapi.yaml --validate --fail-on-warn

# Redraw docs/workflow/ (the state machines of returns, shipments and repair tickets) from the code.
docs: $(VENV)/.installed
	$(call install_debian,$(DOCS_SYSTEM_PACKAGES))
	$(PY) manage.py draw_workflow

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
