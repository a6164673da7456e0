# simshot: `make demo` renders a real shot, `make test` runs the suite; both set up .venv first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
CORE := $(VENV)/.core-stamp
FULL := $(VENV)/.installed-stamp
export PYOPENGL_PLATFORM ?= egl

.PHONY: install install-core demo gallery test test-quick bench schema lint clean

# The core (plan, simulate, render, dataset, report) is all `make demo` needs; `make install`
# adds every extra: neural (torch, diffusers), cluster (ray), data (pyarrow, webdataset), studio
# (gradio), dev.
install-core: $(CORE)
install: $(FULL)

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "simshot needs Python >= 3.11"'
	$(PYTHON) -m venv $(VENV)

$(CORE): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -e .
	touch $(CORE)

$(FULL): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev,neural,cluster,data,studio]'
	touch $(CORE) $(FULL)

demo: install-core
	$(VENV)/bin/simshot make "A glass of orange juice is knocked off a table and shatters on the stone floor" -o shots/demo

gallery: install-core  # a contact sheet per example into docs/gallery/ (the README shows some)
	$(PY) -m simshot.gallery

# One worker per core, a test file to a worker (its module fixtures are made once).
test: install
	$(VENV)/bin/pytest -n auto --dist loadfile

test-quick: install  # the inner loop: everything but the tests marked slow
	$(VENV)/bin/pytest -m "not slow"

bench: install
	$(PY) -m bench.run
	$(PY) -m bench.look
	$(PY) -m bench.fluid
	$(PY) -m bench.joints
	$(PY) -m bench.air
	$(PY) -m bench.cloth
	$(PY) -m bench.soft
	$(PY) -m bench.scale
	$(PY) -m bench.planner --set all
	$(PY) -m bench.dataset
	$(PY) -m bench.studio
	$(PY) -m bench.noise
	$(PY) -m bench.refine
	$(PY) -m bench.refine_fidelity

schema: install-core
	$(VENV)/bin/simshot schema -o scenes/scene.schema.json

lint: install
	$(VENV)/bin/ruff check bridge physics renderer neural planner simshot tests bench

clean:
	rm -rf shots .pytest_cache
