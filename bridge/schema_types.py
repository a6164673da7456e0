"""Building blocks shared by the scene-script models: strict models and common field types."""
from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from bridge.suggest import closest

NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$"
SUBJECT_PATTERN = r"^[A-Za-z0-9_.*?\[\]-]{1,64}$"
GROUND = "ground"  # the reserved name of the ground plane
MESH_SUFFIXES = (".obj", ".glb", ".gltf", ".stl", ".ply")

Name = Annotated[str, Field(pattern=NAME_PATTERN, description="a body name")]
Subject = Annotated[
    Annotated[str, Field(pattern=SUBJECT_PATTERN)] | list[Name],
    Field(description="a body name, a glob such as 'domino_*', or a list of names"),
]
Vec3 = tuple[float, float, float]
RGB = tuple[
    Annotated[float, Field(ge=0, le=1)],
    Annotated[float, Field(ge=0, le=1)],
    Annotated[float, Field(ge=0, le=1)],
]
Time = Annotated[float, Field(ge=0, description="seconds of simulated time")]
Positive = Annotated[float, Field(gt=0)]


def refuse_zero(vector: tuple[float, ...], error: str, field: str, fix: str) -> None:
    """Raise the schema error `error` when `vector` is zero: `field` is zero, and the fix."""
    if not any(vector):
        raise PydanticCustomError(error, f"`{field}` is zero; {fix}")


class StrictModel(BaseModel):
    """Rejects unknown keys with a 'did you mean' hint, and any NaN or infinity."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, populate_by_name=False)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            valid = [f.alias or n for n, f in cls.model_fields.items()]
            for key in data:
                if key not in valid:
                    guess = closest(str(key), valid)
                    raise PydanticCustomError(
                        "unknown_field",
                        "unknown field '{key}'{hint} (valid fields: {valid})",
                        {"key": str(key), "hint": f"; did you mean '{guess}'?" if guess else "",
                         "valid": ", ".join(valid)},
                    )
        return data
