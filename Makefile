# README's two commands: `make demo` and `make test`. Each installs what it needs first.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-stamp

.PHONY: demo test install lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

node_modules/.installed-stamp: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/aggregator demo

test: $(STAMP) node_modules/.installed-stamp
	$(BIN)/pytest -q -p no:cacheprovider -n auto --dist worksteal

lint: $(STAMP)
	$(BIN)/mypy aggregator

clean:
	rm -rf $(VENV) node_modules output data/demo
