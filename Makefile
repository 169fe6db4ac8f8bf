# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STORE ?= .sahelkg/store
export SAHELKG_STORE := $(STORE)

# Debian packages the tests use, as command:package: rapper parses exports independently, Java runs
# HermiT, Chromium drives the web page, Virtuoso is the second SPARQL server of the remote tests.
SYSTEM_PACKAGES := rapper:raptor2-utils java:default-jre-headless chromium:chromium \
	chromedriver:chromium-driver virtuoso-t:virtuoso-opensource isql-vt:virtuoso-opensource

.PHONY: demo test bench bench-full lint clean system-packages pictures

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
	$(BIN)/sahelkg plot network --as-of 2024-03-26 -o sahel-network.html

## Run the test suite (installs the Debian packages it needs when they are missing; needs root for that).
test: $(BIN)/sahelkg system-packages
	$(BIN)/python -m pytest

## Benchmark (README, "Benchmark"): corpora of 100 and 1,000 generated articles; the validated load against
## pyoxigraph's bulk_load, Store.load and rdflib, one more article into the largest store, every named query (median,
## p95, against rdflib at 1,000), the exports, the start-up; each target met or not. Writes bench/RESULTS.md (the raw
## figures: bench/.cache/results.json). `bench/run.py --only queries` (see --help) reruns a part.
bench: $(BIN)/sahelkg
	$(BIN)/python bench/run.py --sizes 100,1000 --results bench/RESULTS.md --json bench/.cache/results.json

## The issue's sizes, 10,000 and 100,000 articles (hours, and tens of GB of disk in bench/.cache/); rdflib at 1,000,
## since it would need about 1.5 GB a million quads (10,000 articles: 15 million).
bench-full: $(BIN)/sahelkg
	$(BIN)/python bench/run.py --sizes 1000,10000,100000 --rdflib-size 1000 --results bench/RESULTS.md \
	  --json bench/.cache/results.json

## Redraw the README's pictures (docs/) from data/, into a store of their own.
pictures: $(BIN)/sahelkg
	rm -rf .sahelkg/pictures && $(BIN)/sahelkg load data/ --store .sahelkg/pictures
	$(BIN)/sahelkg plot network --as-of 2024-03-26 -o docs/network-2024-03-26.png --store .sahelkg/pictures
	$(BIN)/sahelkg plot timeline Niger -o docs/timeline-niger.png --store .sahelkg/pictures

system-packages:
	@missing=""; for pair in $(SYSTEM_PACKAGES); do \
	  command -v "$${pair%%:*}" >/dev/null || missing="$$missing $${pair#*:}"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then echo "the tests need:$$missing (sudo apt-get install$$missing)" >&2; exit 1; fi; \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi

lint: $(BIN)/sahelkg
	$(BIN)/ruff check loader tests

clean:
	rm -rf $(VENV) .sahelkg sahel-kg.ttl sahel-network.html
