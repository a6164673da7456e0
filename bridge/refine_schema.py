"""The scene script's `refine` section, built from bridge.refine_options: every field
optional; a field left out takes the command line's flag, or else the default; a flag given on
the command line wins; a script that sets `model` is refined after `simshot render` and
`simshot make`.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, ValidationError

from bridge.refine_options import (
    BACKENDS,
    CONTROLS,
    DTYPES,
    NOISES,
    OFFLOADS,
    OPTIONS,
    flag,
    option_help,
)
from bridge.schema_types import StrictModel


def _field(name: str) -> Any:
    """The script field of an option: None (not set) by default, with its bounds and help."""
    option = OPTIONS[name]
    return Field(None, description=option_help(name), ge=option.ge, le=option.le,
                 min_length=None if option.max_length is None else 1,
                 max_length=option.max_length, pattern=option.pattern)


class RefineSettings(StrictModel):
    """Refinement options stored with the scene (module doc); None: not set here."""

    backend: Literal[BACKENDS] | None = _field("backend")  # type: ignore[valid-type]
    model: str | None = _field("model")
    strength: float | None = _field("strength")
    steps: int | None = _field("steps")
    guidance: float | None = _field("guidance")
    seed: int | None = _field("seed")
    dtype: Literal[DTYPES] | None = _field("dtype")  # type: ignore[valid-type]
    device: str | None = _field("device")
    offload: Literal[OFFLOADS] | None = _field("offload")  # type: ignore[valid-type]
    vae_tiling: bool | None = _field("vae_tiling")
    noise: Literal[NOISES] | None = _field("noise")  # type: ignore[valid-type]
    control: Literal[CONTROLS] | None = _field("control")  # type: ignore[valid-type]
    window: int | None = _field("window")

    def given(self) -> dict:
        """The fields the script sets."""
        return self.model_dump(exclude_none=True)


def problems(values: dict[str, Any]) -> list[str]:
    """What is wrong with option values (None: not given), one message per bad value, each
    naming the command line's flag: ["--strength must be in [0, 1], got 1.5"]."""
    try:
        RefineSettings.model_validate(values)
    except ValidationError as err:
        return [_problem(error) for error in err.errors()]
    return []


def _problem(error: Any) -> str:
    if not error["loc"]:  # not about one value (an unknown name): pydantic's own words
        return error["msg"]
    name = str(error["loc"][0])
    return f"{flag(name)} must be {OPTIONS[name].valid()}, got {error['input']!r}"
