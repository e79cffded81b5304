# IntakeDesk. `make run` serves on the embedded defaults; `make test` passes the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
NODE_INSTALLED := node_modules/.installed-$(shell cat package.json package-lock.json 2>/dev/null | cksum | cut -d' ' -f1)

.PHONY: run test test-sqlite test-postgresql lint format schema migration bench install clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

$(NODE_INSTALLED): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -f node_modules/.installed-*
	touch $@

install: $(INSTALLED)

run: $(INSTALLED)
	$(BIN)/intakedesk serve

test: $(INSTALLED) $(NODE_INSTALLED) lint
	$(BIN)/python -m pytest --db=sqlite
	$(BIN)/python -m pytest --db=postgresql

test-sqlite: $(INSTALLED) $(NODE_INSTALLED)
	$(BIN)/python -m pytest --db=sqlite

test-postgresql: $(INSTALLED) $(NODE_INSTALLED)
	$(BIN)/python -m pytest --db=postgresql

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy resolvers models

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

schema: $(INSTALLED)
	$(BIN)/intakedesk export-schema

# While nothing is released, the initial migration is regenerated from the models.
migration: $(INSTALLED)
	rm -f migrations/versions/0001_initial_schema.py /tmp/intakedesk-migration.db
	$(BIN)/python -c "from alembic import command; from app.migrate import alembic_config; \
	command.revision(alembic_config('sqlite+aiosqlite:////tmp/intakedesk-migration.db'), \
	message='initial schema', autogenerate=True, rev_id='0001')"
	sed -i 's/astext_type=Text()/astext_type=sa.Text()/g' migrations/versions/0001_initial_schema.py
	$(BIN)/ruff format -q migrations

bench: $(INSTALLED)
	$(BIN)/python bench/auth_me.py
	$(BIN)/python bench/safety.py
	$(BIN)/python bench/referral_list.py
	$(BIN)/python bench/same_work.py
	$(BIN)/python bench/concurrent_writes.py --db sqlite
	$(BIN)/python bench/concurrent_writes.py --db postgresql
	$(BIN)/python bench/reporting.py --db sqlite
	$(BIN)/python bench/reporting.py --db postgresql
	$(BIN)/python bench/extraction.py --per-layout 3 --both
	$(BIN)/python bench/emr.py
	$(BIN)/python bench/pipeline_runs.py

clean:
	rm -rf $(VENV) node_modules data
