# Two entry points on a fresh machine: `make demo` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test

.PHONY: demo test lint typecheck pytest bench clean

$(PY):
	python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet -e ".[demo]"
	touch $@

$(TSTAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet -e ".[test,demo]"
	touch $@

demo: $(STAMP)
	$(PY) examples/train_mnist_style.py

lint: $(TSTAMP)
	$(VENV)/bin/ruff check functorch_lite tests examples benchmarks
	$(VENV)/bin/ruff format --check functorch_lite tests examples benchmarks

typecheck: $(TSTAMP)
	$(VENV)/bin/mypy functorch_lite

pytest: $(TSTAMP)
	$(PY) -m pytest -q -n 2 --dist loadgroup

test: lint typecheck pytest

bench: $(TSTAMP)
	$(PY) benchmarks/eager_ops.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
