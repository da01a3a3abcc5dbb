# Two commands do all the set-up: `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# overrides/locale: our Hindi for Django's own admin strings (see docs/admin.md); it has a djangojs domain too.
LOCALE_DIRS := locale accounts/locale safety/locale imports/locale staff/locale audit/locale overrides/locale

.PHONY: run serve serve-env test install compilemessages makemessages lint bench bench-bombs bench-readers bench-lookup bench-pages bench-lighthouse bench-load worker beat

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when requirements.txt changes.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

# .mo files are build output: compiled with Babel, so a machine without gettext tools works too.
# Every dir has a django domain; the JavaScript one (djangojs) is compiled where a dir has one.
compilemessages: install
	@for dir in $(LOCALE_DIRS); do \
		[ -d $$dir ] && $(BIN)/pybabel compile --statistics -D django -d $$dir || exit 1; \
		if ls $$dir/*/LC_MESSAGES/djangojs.po >/dev/null 2>&1; then \
			$(BIN)/pybabel compile --statistics -D djangojs -d $$dir || exit 1; \
		fi; \
	done

# For developers, after changing strings (needs GNU gettext: apt-get install gettext). overrides/ holds
# Django's msgids, none of ours: ignored, so makemessages can never merge into it (and, with
# --no-obsolete, drop them).
makemessages: install
	$(BIN)/python manage.py makemessages -l hi --no-obsolete --ignore=.venv --ignore=staticfiles --ignore=bench --ignore=overrides

run: compilemessages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# The production stack on this machine, in the foreground (Ctrl-C stops it): what a deploy prepares,
# then gunicorn, a Celery worker and beat from the Procfile. README, 'Serving'.
SERVE_NEEDS := DJANGO_SECRET_KEY DJANGO_ALLOWED_HOSTS SITE_URL DATABASE_URL REDIS_URL CELERY_BROKER_URL
serve: export KESCO_ENV = production
serve: serve-env compilemessages
	$(BIN)/python manage.py check --deploy --fail-level ERROR
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py migrate --noinput
	mkdir -p .cache
	@# /metrics adds up every process's files there (docs/deploy.md): counts of a previous run go.
	[ -z "$$PROMETHEUS_MULTIPROC_DIR" ] || { mkdir -p "$$PROMETHEUS_MULTIPROC_DIR" && find "$$PROMETHEUS_MULTIPROC_DIR" -maxdepth 1 -name '*.db' -delete; }
	exec $(BIN)/honcho -f Procfile start

# Every missing variable named at once, before anything starts (REDIS_URL may be CACHE_URL instead).
serve-env:
	@missing=""; for name in $(SERVE_NEEDS); do \
		[ -n "$$(printenv $$name)" ] || { [ $$name = REDIS_URL ] && [ -n "$$CACHE_URL" ]; } || missing="$$missing $$name"; \
	done; \
	if [ -n "$$missing" ]; then echo "make serve: set these environment variables first:$$missing (README, 'Serving')" >&2; exit 1; fi

test: compilemessages
	DISK_CACHE_DIR=$(CURDIR)/.cache/test $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

# The import benchmark (not a test): needs DATABASE_URL to a scratch PostgreSQL database, which it empties.
BENCH_ROWS ?= --rows 75000 --rows 750000
bench: install
	$(BIN)/python bench/import_bench.py $(BENCH_ROWS)
	$(BIN)/python bench/bomb_bench.py

# The upload bombs of issue 12 (and ten times bigger), each refused how fast and for how much memory.
bench-bombs: install
	$(BIN)/python bench/bomb_bench.py

# The XLSX readers we could use (openpyxl, lxml, the fast reader; calamine and xlsx2csv if installed).
bench-readers: install
	$(BIN)/python bench/xlsx_readers.py --rows 750000

# A Celery worker for production-like runs: needs CELERY_BROKER_URL (and DATABASE_URL). Both queues;
# a host of its own for imports takes `-Q imports` (docs/deploy.md).
worker: install
	$(BIN)/celery -A kesco_lookup worker --loglevel=INFO --concurrency=2 --queues=celery,imports

# The scheduler for periodic tasks (the daily purge of old import files, the minutely sweep of batches
# whose worker died): one per deployment.
beat: install
	mkdir -p .cache
	$(BIN)/celery -A kesco_lookup beat --loglevel=INFO --schedule=.cache/celerybeat-schedule

# Lookup timing: misses on real and unknown numbers, as a ratio to a baseline in the same run.
bench-lookup: compilemessages
	$(BIN)/python bench/lookup_timing.py

# Load on the production server (gunicorn.conf.py) with wrk: needs PostgreSQL, Redis and wrk; fills
# a scratch database (BENCH_DATABASE_URL) and prints the table of README, 'Speed'.
bench-load: compilemessages
	$(BIN)/python bench/load_bench.py

# Page weight on a throttled phone (2G/slow 3G, CPU 4x slower) in Chromium: bytes, requests, first
# paint and load of each consumer page in both languages, as ratios to a bare page in the same run.
bench-pages: compilemessages
	$(BIN)/python bench/page_weight.py

# Lighthouse (mobile preset, Debian's Chromium headless) on every public page in both languages: the four
# category scores and each failing audit. Installs the version pinned in bench/lighthouse/package-lock.json
# (npm ci, into bench/lighthouse/node_modules, gitignored) when the lock changes.
bench/lighthouse/node_modules/.installed: bench/lighthouse/package-lock.json
	cd bench/lighthouse && npm ci --no-audit --no-fund --ignore-scripts
	touch $@

bench-lighthouse: compilemessages bench/lighthouse/node_modules/.installed
	CHROME_PATH=$${CHROME_PATH:-/usr/bin/chromium} $(BIN)/python bench/lighthouse_bench.py
