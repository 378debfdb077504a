# Tổng kết — two commands on a fresh machine: `make demo` and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres
# Commands run here (tests, type checks) without DEBUG, as production does: with a strong key
# of their own unless one is set (`make demo`/`serve` run with DEBUG=1).
export SECRET_KEY ?= $(shell $(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')

.PHONY: demo test test-sqlite test-postgres lint typecheck install serve clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	DEBUG=1 $(BIN)/tongket migrate -v0
	DEBUG=1 $(BIN)/tongket demo
	@echo ""
	@echo "Mở http://127.0.0.1:8000 và đăng nhập bằng một tài khoản ở trên (Ctrl+C để dừng)."
	@# The job worker runs beside the web server (large imports are queued for it); Ctrl+C
	@# stops both.
	DEBUG=1 $(BIN)/tongket worker -v0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(BIN)/tongket runserver 127.0.0.1:8000

serve: $(STAMP)
	DEBUG=1 $(BIN)/tongket runserver 127.0.0.1:8000

lint: $(STAMP)
	$(BIN)/ruff check tongket bench
	$(BIN)/ruff format --check tongket bench

typecheck: $(STAMP)
	$(BIN)/mypy tongket

# Every test, on SQLite and then on PostgreSQL; the browser tests run in headless Chromium.
test: $(STAMP) lint typecheck
	$(BIN)/python -m tongket.core.testenv check
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite: $(STAMP)
	@echo "== Bộ kiểm thử trên SQLite"
	env -u DATABASE_URL $(BIN)/python -m pytest -n 2 -q

test-postgres: $(STAMP)
	@rc=0; $(BIN)/python -m tongket.core.testenv postgres "$(PG_URL)" || rc=$$?; \
	if [ $$rc -eq 0 ]; then \
		echo "== Bộ kiểm thử trên PostgreSQL"; \
		DATABASE_URL="$(PG_URL)" $(BIN)/python -m pytest -n 2 -q; \
	elif [ $$rc -ne 1 ]; then exit $$rc; fi

clean:
	rm -rf $(VENV) var test-artifacts
