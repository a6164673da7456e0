"""`sloshes`: a drink's middle swinging across its container, measured in the container's own
frame (a cup carried along with its coffee is no slosh)."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from simshot.expectations import Outcome, check_all
from tests.helpers import make_scene, trajectory_of


def _outcome(container_path: np.ndarray, quats: np.ndarray, middles: np.ndarray) -> Outcome:
    scene = make_scene(duration=0.25, bodies=[{"name": "cup", "asset": "cup"}],
                       liquids=[{"name": "coffee", "inside": "cup", "volume_ml": 100}],
                       expect=[{"sloshes": "coffee", "container": "cup", "distance": 0.002}])
    traj = trajectory_of(scene, {"cup": (container_path, quats)})
    cloud = np.array([[0.01, 0, 0], [-0.01, 0, 0], [0, 0.01, 0], [0, -0.01, 0]])
    traj.particles["coffee"] = middles[:, None, :] + cloud
    return Outcome(scene, traj, {"fractures": []}, {})


def test_a_cup_carried_with_its_coffee_does_not_slosh_and_a_swinging_middle_does():
    n = 6
    still = np.tile([0.0, 0.0, 0.0, 1.0], (n, 1))
    slide = np.linspace([0, 0, 0], [0.3, 0, 0], n)  # 30 cm along, the coffee with it
    (carried,) = check_all(_outcome(slide, still, slide + [0, 0, 0.03]))
    assert carried["passed"] is False and "0.0 mm" in carried["detail"]
    swing = slide + [0, 0, 0.03] + np.outer(np.sin(np.linspace(0, np.pi, n)), [0, 0.004, 0])
    (sloshed,) = check_all(_outcome(slide, still, swing))
    assert sloshed["passed"] is True and "3.8 mm" in sloshed["detail"]


def test_a_turned_cup_measures_the_swing_across_its_own_axes():
    # the cup turned 90 degrees about z: a swing along world x is along its own y, still
    # across it; a coffee that rises along the cup's own z (world x once tipped) is not
    n = 4
    turned = np.tile(Rotation.from_euler("z", 90, degrees=True).as_quat(), (n, 1))
    swing = np.array([[0, 0, 0.03], [0.003, 0, 0.03], [0, 0, 0.03], [0, 0, 0.03]])
    (across,) = check_all(_outcome(np.zeros((n, 3)), turned, swing))
    assert across["passed"] is True and "3.0 mm" in across["detail"]
    tipped = np.tile(Rotation.from_euler("y", 90, degrees=True).as_quat(), (n, 1))
    (along,) = check_all(_outcome(np.zeros((n, 3)), tipped, swing))
    assert along["passed"] is False


def test_sloshes_names_a_liquid_and_a_container_the_script_has():
    from bridge.errors import UserError
    from bridge.loader import scene_from_document

    with pytest.raises(UserError, match="tea"):
        scene_from_document({"name": "x", "bodies": [{"name": "cup", "asset": "cup"}],
                             "liquids": [{"name": "coffee", "inside": "cup", "volume_ml": 90}],
                             "expect": [{"sloshes": "tea", "container": "cup"}]})
