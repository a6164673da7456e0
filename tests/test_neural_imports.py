"""Importing any module of `neural` does nothing but define things: no heavy dependency (torch,
diffusers, transformers, the hub client, PyAV), no output, no file, no change to the
environment, the warning filters, logging or numpy's global generator."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("torch", "diffusers", "transformers", "huggingface_hub", "av")
PROBE = """
import importlib, json, logging, os, sys, warnings
import numpy as np

before = (dict(os.environ), list(warnings.filters), list(logging.root.handlers),
          logging.root.level, list(sys.path), repr(np.random.get_state()))
for name in sys.argv[1:]:
    importlib.import_module(name)
after = (dict(os.environ), list(warnings.filters), list(logging.root.handlers),
         logging.root.level, list(sys.path), repr(np.random.get_state()))
heavy = sorted({m.split(".")[0] for m in sys.modules} & set(json.loads(os.environ["HEAVY"])))
sys.stderr.write(json.dumps({"heavy": heavy, "same": before == after}))
"""


def test_importing_neural_has_no_side_effects(tmp_path):
    modules = [f"neural.{p.stem}" for p in sorted((ROOT / "neural").glob("*.py"))
               if p.stem != "__init__"]
    assert "neural.refine" in modules and "neural.testing" in modules
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HEAVY": repr(list(HEAVY))
           .replace("'", '"')}
    done = subprocess.run([sys.executable, "-c", PROBE, "neural", *modules], cwd=tmp_path,
                          env=env, capture_output=True, text=True, check=True)
    assert done.stdout == ""
    assert done.stderr == '{"heavy": [], "same": true}'
    assert list(tmp_path.iterdir()) == []
