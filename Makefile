# simshot: `make demo` renders a real shot, `make test` runs the suite; both set up .venv first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
export PYOPENGL_PLATFORM ?= egl

.PHONY: install demo test bench schema lint clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "simshot needs Python >= 3.11"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev,neural,cluster,data]'
	touch $(STAMP)

demo: install
	$(VENV)/bin/simshot make "A glass of orange juice is knocked off a table and shatters on the stone floor" -o shots/demo

test: install
	$(VENV)/bin/pytest

bench: install
	$(PY) -m bench.run
	$(PY) -m bench.planner --set all
	$(PY) -m bench.dataset
	$(PY) -m bench.noise
	$(PY) -m bench.refine
	$(PY) -m bench.refine_fidelity

schema: install
	$(VENV)/bin/simshot schema -o scenes/scene.schema.json

lint: install
	$(VENV)/bin/ruff check bridge physics renderer neural planner tests bench

clean:
	rm -rf shots .pytest_cache
