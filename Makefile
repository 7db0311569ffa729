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
	@$(BIN)/python -c "import socket; socket.create_server(('$(HOST)', $(PORT)))" 2>/dev/null || \
		{ echo "端口 $(PORT) 已被占用（也许 make run 已在另一个终端运行）：请先停止占用它的程序，或改用其他端口，如 make run PORT=8001"; exit 1; }
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

# Coverage (STYLE): 100% of the branches of huzhu/rules, and of every actions.py. Each database
# runs a few branches of its own in the actions (COPY and the one-statement free-share grant on
# PostgreSQL, executemany on SQLite), so the actions are held to it on PostgreSQL, the database
# of CI and of production.
pytest: install browser
	$(BIN)/huzhu collectstatic --noinput -v 0
	$(BIN)/pytest --cov=huzhu --cov-branch --cov-report= $(PYTEST_ARGS)
	$(BIN)/coverage report --include='huzhu/rules/*' --skip-covered -m --fail-under=100
	@if [ "$${HUZHU_DATABASE_URL#postgres}" != "$${HUZHU_DATABASE_URL:-}" ]; then \
		$(BIN)/coverage report --include='huzhu/*/actions.py,huzhu/members/checks.py' --skip-covered -m --fail-under=100; \
	else echo "actions.py coverage is checked on PostgreSQL (CI)"; fi

test: lint typecheck migrations-check pytest

clean:
	rm -rf $(VENV) var/*.sqlite3 var/static .mypy_cache .ruff_cache .pytest_cache
