# The two commands of README.md: `make run` and `make test`. Everything else is a helper.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint typecheck migrations-check pytest browser demo clean

$(BIN)/.installed: pyproject.toml constraints.txt
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

install: $(BIN)/.installed

# Local production-style server: gunicorn + whitenoise, DEBUG off, SQLite under var/.
# HUZHU_HTTPS=false because the demo is served on plain http://127.0.0.1 (a real deployment
# sits behind TLS and sets HUZHU_HTTPS=true).
run: install
	$(BIN)/huzhu migrate --noinput -v 0
	$(BIN)/huzhu demo
	$(BIN)/huzhu collectstatic --noinput -v 0
	@echo "huzhu 正在 http://$(HOST):$(PORT)/ 上运行（Ctrl+C 停止）"
	HUZHU_HTTPS=$${HUZHU_HTTPS:-false} $(BIN)/gunicorn huzhu.wsgi --bind $(HOST):$(PORT) \
		--workers $${HUZHU_WORKERS:-2} --access-logfile - --log-level warning

demo: install
	$(BIN)/huzhu migrate --noinput -v 0
	$(BIN)/huzhu demo

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: install
	$(BIN)/mypy huzhu e2e conftest.py gunicorn.conf.py $(wildcard bench/*.py)

migrations-check: install
	$(BIN)/huzhu makemigrations --check --dry-run

# Browser tests need Debian's Chromium; on a root machine with apt it is installed here.
browser:
	@test -x /usr/bin/chromium || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) ; } || \
		echo "注意：未找到 /usr/bin/chromium，浏览器测试将被跳过（CI 中则视为失败）"

pytest: install browser
	$(BIN)/huzhu collectstatic --noinput -v 0
	$(BIN)/pytest --cov=huzhu/rules --cov-branch --cov-report=term-missing:skip-covered \
		--cov-fail-under=100 $(PYTEST_ARGS)

test: lint typecheck migrations-check pytest

clean:
	rm -rf $(VENV) var/*.sqlite3 var/static .mypy_cache .ruff_cache .pytest_cache
