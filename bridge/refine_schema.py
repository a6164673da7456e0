"""The scene script's `refine` section: how `simshot refine` (and `simshot make` / `render`,
when a model is set) repaints the shot. Every field is optional; a field left out takes the
command line's flag, or else the refiner's default. A flag given on the command line wins.

The valid names live here so that the schema, the CLI and `neural.refine` share them.
"""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from bridge.schema_types import StrictModel

BACKENDS = ("wan", "cogvideox", "ltx", "wan_vace")
DTYPES = ("auto", "float32", "bfloat16", "float16")
OFFLOADS = ("none", "model", "sequential", "group")
NOISES = ("iid", "warped")
CONTROLS = ("depth", "edges")
DEVICE_PATTERN = r"^(auto|cpu|mps|cuda(:[0-9]{1,2})?)$"


class RefineSettings(StrictModel):
    """Refinement options stored with the scene (module doc); None: not set here."""

    backend: Literal[BACKENDS] | None = Field(  # type: ignore[valid-type]
        None, description="refiner: wan (default), cogvideox, ltx, or wan_vace (structure "
        "controlled)")
    model: str | None = Field(None, min_length=1, max_length=400,
                              description="hub id or local folder of the weights; set, "
                              "`simshot render` and `simshot make` refine after rendering")
    strength: Annotated[float, Field(ge=0, le=1)] | None = Field(
        None, description="SDEdit strength: the share of the schedule re-noised (default 0.6)")
    steps: Annotated[int, Field(ge=1, le=1000)] | None = Field(
        None, description="full-schedule denoising steps (default 30)")
    guidance: Annotated[float, Field(ge=0, le=50)] | None = Field(
        None, description="classifier-free guidance scale (default 5)")
    seed: Annotated[int, Field(ge=0, le=2**32 - 1)] | None = Field(
        None, description="default: the scene's seed")
    dtype: Literal[DTYPES] | None = None  # type: ignore[valid-type]
    device: str | None = Field(None, pattern=DEVICE_PATTERN,
                               description="auto, cpu, cuda or cuda:N")
    offload: Literal[OFFLOADS] | None = None  # type: ignore[valid-type]
    vae_tiling: bool | None = None
    noise: Literal[NOISES] | None = Field(  # type: ignore[valid-type]
        None, description="iid, or warped along the engine's flow")
    control: Literal[CONTROLS] | None = Field(  # type: ignore[valid-type]
        None, description="wan_vace's control video: the depth pass (default) or "
        "segmentation edges")
    window: Annotated[int, Field(ge=0, le=1000)] | None = Field(
        None, description="model frames per window of a long shot; 0: the model's maximum")

    def given(self) -> dict:
        """The fields the script sets."""
        return self.model_dump(exclude_none=True)
