# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STORE ?= .sahelkg/store
export SAHELKG_STORE := $(STORE)

.PHONY: demo test lint clean

$(BIN)/sahelkg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

## Build the graph from ontology/ and data/ into the on-disk store, then answer the project's questions.
demo: $(BIN)/sahelkg
	$(BIN)/sahelkg load data/
	$(BIN)/sahelkg stats
	$(BIN)/sahelkg query who-rules --param state=Niger
	$(BIN)/sahelkg query foreign-presences --param host=Niger --as-of 2024-03-26
	$(BIN)/sahelkg query partners --param state=Niger
	$(BIN)/sahelkg query memberships --param organization=ECOWAS --as-of 2024-03-26
	$(BIN)/sahelkg query contacts --param a=Niger --param b=Russia
	$(BIN)/sahelkg query claims
	$(BIN)/sahelkg export --format turtle -o sahel-kg.ttl

## Run the test suite.
test: $(BIN)/sahelkg
	$(BIN)/python -m pytest

lint: $(BIN)/sahelkg
	$(BIN)/ruff check loader tests

clean:
	rm -rf $(VENV) .sahelkg sahel-kg.ttl
