# Two commands on a fresh machine: `make run` and `make test` (see README).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test test-pg setup lint format bench loadtest browser-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(VENV)/.installed $@

setup: $(VENV)/.installed
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_plan
	DEBUG=1 $(BIN)/python manage.py create_demo_users

# Static files as production serves them: hashed names, gzip/brotli copies, cached for ten years (README
# 「スマートフォン・回線・アクセシビリティ」). Run `make run` again after editing static/.
run: setup
	DEBUG=1 STATIC_MANIFEST=1 $(BIN)/python manage.py collectstatic --noinput -v0
	DEBUG=1 STATIC_MANIFEST=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Chromium (end-to-end tests), Japanese fonts (screenshots), LibreOffice (opening the Excel export, turning the
# 自己評価書 .docx into PDF) and poppler (reading those PDFs back).
browser-deps:
	@if [ -x /usr/bin/chromium ] && command -v soffice >/dev/null && command -v pdftotext >/dev/null \
		&& [ -e /usr/lib/libreoffice/program/libswlo.so ] && fc-list 2>/dev/null | grep -q "Noto Sans CJK"; then \
		echo "chromium, fonts-noto-cjk, libreoffice (calc, writer), poppler-utils: present"; \
	elif [ "$$(id -u)" = "0" ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk libreoffice-calc-nogui libreoffice-writer-nogui poppler-utils >/dev/null; \
	else \
		echo "Install as root: apt-get install chromium fonts-noto-cjk libreoffice-calc-nogui libreoffice-writer-nogui poppler-utils"; exit 1; \
	fi

test: $(VENV)/.installed-dev browser-deps
	$(BIN)/python -m pytest

# The same suite against PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/smrj make test-pg
test-pg: $(VENV)/.installed-dev browser-deps
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "DATABASE_URL must point to PostgreSQL"; exit 1;; esac
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run.py

# Load and fault test: 50 users against gunicorn and a throwaway PostgreSQL server, about two minutes (README).
loadtest: $(VENV)/.installed-dev
	$(BIN)/python bench/load_test.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
