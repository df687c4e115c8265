# Jieyou: `make run` serves the demo county, `make test` runs the suite.
# Both create .venv and install on first use; a change to pyproject.toml reinstalls.

PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test bench lint clean

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo "解忧 → http://127.0.0.1:$(PORT)/"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Serial on purpose: on two cores pytest-xdist was no faster, and the browser test's live
# server is simplest alone.
test: $(STAMP)
	$(BIN)/pytest -q

bench: $(STAMP)
	@set -e; found=; for f in bench/*.py; do \
		[ -e "$$f" ] || continue; found=1; \
		echo "== $$f"; $(BIN)/python "$$f"; \
	done; [ -n "$$found" ] || echo "bench/ has no benchmarks yet"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Keeps var/ (the database and the keys); delete var/ by hand to start afresh.
clean:
	rm -rf $(VENV) build *.egg-info .ruff_cache .pytest_cache var/static var/screenshots
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
