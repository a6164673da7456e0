"""The physics stage: scene -> recording and events (physics.simulate).

PyBullet prints its build time on stderr when it is first imported. It is imported here, before
any module of the stage, with stderr pointed at /dev/null for that one import, so a command
prints only what it means to.
"""
import os
import sys


def _import_pybullet_quietly() -> None:
    if "pybullet" in sys.modules:
        return
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
            import pybullet  # noqa: F401 - cached in sys.modules for the stage's modules
    finally:
        os.dup2(saved, 2)
        os.close(saved)


_import_pybullet_quietly()
