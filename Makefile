# archive: `make run` serves on embedded defaults; `make test` runs the whole suite.
# Both go through `make setup`, which is idempotent.

UV ?= $(shell command -v uv 2>/dev/null || echo .venv-tools/bin/uv)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test lint bench clean

setup:
	@scripts/setup.sh

run: setup
	.venv/bin/archive serve --host $(HOST) --port $(PORT)

test: setup
	-.venv/bin/python -m tests.support.rewrite_ahead  # a speed-up only: a failure here (a pytest upgrade) never stops the tests
	.venv/bin/pytest

lint: setup
	.venv/bin/ruff check services tests bench
	.venv/bin/mypy services
	.venv/bin/lint-imports

clean:
	rm -rf .venv .venv-tools archive-data .pytest_cache .mypy_cache .ruff_cache
