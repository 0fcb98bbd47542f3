# The README's commands. `make run` and `make test` each do all the set-up they need on a fresh
# machine: Python 3.10 venv with pinned packages, offline language assets, a trained model.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV  := .venv
PY    := $(VENV)/bin/python
RASA  := $(VENV)/bin/rasa
RUFF  ?= $(VENV)/bin/ruff
MYPY  ?= $(VENV)/bin/mypy
# The Python packages `make lint` type-checks (tests/ gets ruff only).
PACKAGES := actions clinic components channels insights scripts benchmarks staff
MODEL := models/clinic.tar.gz
# Exact pins: the Rasa server's, the action server's (each image installs its own) and the tests' and
# tools'; the development venv has all three.
REQUIREMENTS := requirements/rasa.txt requirements/actions.txt requirements/dev.txt
# What the model is trained from (data/content/ holds texts for actions; the warning-sign catalogue there
# is training data too).
TRAINING_FILES := config.yml domain.yml data/content/warning_signs.yml $(wildcard components/*.py) \
  $(shell find data -name '*.yml' -not -path 'data/content/*' 2>/dev/null)

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1
export ACTION_SERVER_URL ?= http://127.0.0.1:5055/webhook
# make test's pytest workers (pytest-xdist): much of the suite waits on servers, so two workers on two
# cores overlap the waits; TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= 2

.PHONY: help run shell test test-scale servers bench-scale test-fast lint setup web browser model train domain validate bench bench-safety bench-seeds bench-faq bench-languages bench-parts bench-load bench-readme lock clean bookings outbox report checkins staff

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

run: model web  ## set up, train if needed, start the servers and the clinic page with the chat widget
	scripts/run.sh serve

shell: model  ## chat with the assistant in the terminal
	scripts/run.sh shell

test: model web browser servers  ## the whole test suite (what CI runs)
	$(PY) -m pytest tests -n $(TEST_WORKERS) --dist loadgroup

test-scale: model servers  ## 2 Rasa + 2 action servers behind nginx on PostgreSQL and Redis (part of make test)
	$(PY) -m pytest tests/test_scale_out.py tests/test_lock_store.py

servers:  ## Debian's postgresql, redis-server and nginx-light for the scale-out tests (apt when missing)
	@scripts/ensure_servers.sh

test-fast: setup lint  ## quick inner loop: make lint, then the checks and unit tests that need no trained model
	$(PY) -m pytest tests -m "not slow"

lint: $(VENV)/.installed  ## ruff (rules and formatting, settings in pyproject.toml) on all Python code, mypy on the packages
	$(RUFF) check $(PACKAGES) tests
	$(RUFF) format --check $(PACKAGES) tests
	$(MYPY) --python-executable $(PY) $(PACKAGES)

setup: $(VENV)/.installed lang/.built web  ## Python 3.10 venv + offline language assets + chat widget

web: web/node_modules/.installed  ## the chat widget from npm (pinned by web/package-lock.json)

web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

browser:  ## Debian's chromium for the browser tests (installed with apt when missing)
	@scripts/ensure_chromium.sh

model: $(MODEL)  ## train a model if there is none or the training data changed
train: model

$(VENV)/.installed: $(REQUIREMENTS) scripts/setup_venv.sh
	scripts/setup_venv.sh $(PYTHON)
	@touch $@

lang/.built: scripts/build_lang_assets.py $(VENV)/.installed
	$(PY) scripts/build_lang_assets.py --out lang
	@touch $@

$(MODEL): $(TRAINING_FILES) lang/.built
	@start=$$(date +%s); $(RASA) train --fixed-model-name clinic --out models && \
	  echo "model ready in $$(( $$(date +%s) - start )) s: $@ ($$(du -h $@ | cut -f1))"
	@touch $@

bookings: setup  ## practitioners: list open requests; ARGS="confirm BR-XXXXXX --note '...'" / "decline ..." / "all"
	$(PY) -m clinic.practitioner $(ARGS)

staff: setup  ## staff accounts for the staff app: ARGS="add name@clinic --role practitioner|admin" (password asked), "list"
	$(PY) -m staff.cli $(ARGS)

checkins: setup  ## post-treatment check-ins: send the due ones now (RASA_URL, RASA_API_TOKEN); make run does it every minute
	$(PY) -m clinic.checkins run --once

outbox: setup  ## send e-mails waiting in the outbox now (SMTP_* settings from the environment)
	$(PY) -m clinic.practitioner outbox

report: setup  ## clinic insights as one HTML file in var/reports/; ARGS="--from 2026-11-01 --to 2026-11-30 --export-fallbacks FILE"
	$(PY) -m insights.report $(ARGS)

domain: setup  ## rewrite domain.yml's copies of clinic.yml contacts and topics.yml button titles (then make model)
	$(PY) scripts/sync_domain.py

validate: setup  ## rasa data validate --fail-on-warnings (external-event intents need no examples)
	$(PY) scripts/validate_data.py

bench: model  ## accuracy side by side (project, rasa_default, TF-IDF, MiniLM, MiniLM fine-tuned) + 5-fold CV + fallback curve + warning signs + blind FAQ set + other languages, to benchmarks/results/
	$(PY) benchmarks/safety.py
	$(PY) benchmarks/faq_blind.py
	$(PY) benchmarks/languages.py
	$(PY) benchmarks/message_parts.py
	$(PY) benchmarks/compare_pipelines.py $(ARGS)
	$(PY) benchmarks/cross_validation.py
	$(PY) benchmarks/fallback_curve.py
	$(PY) benchmarks/systems_table.py
	$(PY) benchmarks/contrastive_peer.py
	$(PY) benchmarks/make_readme.py

bench-safety: model  ## warning signs on the blind set: recall per kind, benign escalation, vs the old regex net; parse p50 with/without the check
	$(PY) benchmarks/safety.py $(ARGS)
	$(PY) benchmarks/make_readme.py

bench-seeds: model  ## the seeds' luck: the warning-sign figures of the shipped model and of one trained with other seeds (~11 min more), side by side
	$(PY) benchmarks/seed_spread.py $(ARGS)
	$(PY) benchmarks/make_readme.py

bench-faq: model  ## strangers' questions on the blind FAQ set: right topic, wrong answered confidently, clarified, refused; vs TF-IDF, MiniLM, logistic regression
	$(PY) benchmarks/faq_blind.py $(ARGS)
	$(PY) benchmarks/make_readme.py

bench-languages: model  ## messages in other languages on the blind language set: detection, no English FAQ answer, warning signs reaching urgent care
	$(PY) benchmarks/languages.py $(ARGS)
	$(PY) benchmarks/make_readme.py

bench-parts: model  ## several questions in one message: held-out single questions wrongly split, blind multi-question turns, parse p50 with/without
	$(PY) benchmarks/message_parts.py $(ARGS)
	$(PY) benchmarks/make_readme.py

bench-load: model  ## 1/10/50 concurrent patients over REST against the real servers, to benchmarks/results/load.*; ARGS="--compare-nlu-thread 3"
	$(PY) benchmarks/load.py $(ARGS)
	$(PY) benchmarks/make_readme.py

bench-scale: model servers  ## 1 vs 2 replicas behind nginx (PostgreSQL, Redis): messages/s and p95, to benchmarks/results/scale_load.*
	$(PY) benchmarks/load_scale.py $(ARGS)
	$(PY) benchmarks/make_readme.py

bench-readme: $(VENV)/.installed  ## rewrite the generated tables of benchmarks/README.md from benchmarks/results/ (after any benchmark)
	$(PY) benchmarks/make_readme.py

lock:  ## re-pin requirements/*.txt from requirements/*.in (locked together in a scratch venv)
	scripts/lock.sh

clean:  ## remove trained models and test outputs (keeps the venv)
	rm -rf models results .rasa .pytest_cache
