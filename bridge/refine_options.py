"""The refine options, defined once: each one's default, valid values and one-line help.

`OPTIONS` is the single source. From it come the scene script's `refine` section
(bridge.refine_schema), the checks of the command line's values (whose messages name the
flag), the defaults of `neural.refine.RefineOptions` (`DEFAULTS`), the backend names, which key
the refiner registry (`BACKENDS`: module neural/<name>.py), and the help of `simshot refine
--<flag>` and of the JSON schema (`option_help`). Plain data, so the command line reads it
without importing pydantic.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

BACKENDS = ("wan", "cogvideox", "ltx", "wan_vace")  # each is a module neural/<name>.py
DTYPES = ("auto", "float32", "bfloat16", "float16")
OFFLOADS = ("none", "model", "sequential", "group")
NOISES = ("iid", "warped")
CONTROLS = ("depth", "edges")
DEVICE_PATTERN = r"^(auto|cpu|mps|cuda(:[0-9]{1,2})?)$"


@dataclass(frozen=True)
class Option:
    """One refine option: what it does, its default and the values it takes."""

    help: str  # one line, without the default or the valid values (option_help adds them)
    default: Any = None
    meaning: str = ""  # what the default stands for, where the value alone does not say
    choices: tuple[str, ...] = ()
    ge: float | None = None
    le: float | None = None
    max_length: int | None = None
    pattern: str | None = None
    pattern_words: str = ""  # the pattern's values, as people read them

    def valid(self) -> str:
        """The values it takes, in words ('' when any value of its type goes)."""
        if self.choices:
            return f"one of {', '.join(self.choices)}"
        if self.ge is not None and self.le is not None:
            return f"in [{_number(self.ge)}, {_number(self.le)}]"
        if self.max_length is not None:
            return f"1 to {self.max_length} characters"
        return self.pattern_words

    def shown_default(self) -> str:
        """'default 0.6', 'default auto: cuda when available, else cpu', 'default: ...'."""
        if self.default is None:
            return f"default: {self.meaning}"
        value = (("on" if self.default else "off") if isinstance(self.default, bool)
                 else _number(self.default))
        return f"default {value}: {self.meaning}" if self.meaning else f"default {value}"


def _number(value: object) -> str:
    """5.0 -> '5', 0.6 -> '0.6', 4294967295 -> '4294967295'; other values as str()."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


OPTIONS: dict[str, Option] = {
    "backend": Option("the video model that repaints the frames; wan_vace is structure "
                      "controlled", "wan", choices=BACKENDS),
    "model": Option("hub id or local folder of the weights", meaning="the backend's own model",
                    max_length=400),
    "strength": Option("SDEdit strength: the share of the schedule re-noised and denoised",
                       0.6, ge=0, le=1),
    "steps": Option("full-schedule denoising steps; about strength x steps of them run", 30,
                    ge=1, le=1000),
    "guidance": Option("classifier-free guidance scale; 1 or less turns it off", 5.0, ge=0,
                       le=50),
    "seed": Option("noise seed", meaning="the scene's seed", ge=0, le=2**32 - 1),
    "dtype": Option("the weights' floating-point type", "auto",
                    meaning="bfloat16 on CUDA, float32 on CPU", choices=DTYPES),
    "device": Option("where the model runs", "auto", meaning="cuda when available, else cpu",
                     pattern=DEVICE_PATTERN, pattern_words="auto, cpu, mps, cuda or cuda:N"),
    "offload": Option("keep model parts off the GPU until used: less GPU memory, slower",
                      "none", choices=OFFLOADS),
    "vae_tiling": Option("decode the VAE in tiles: less GPU memory for large frames", False),
    "noise": Option("SDEdit noise: i.i.d., or warped along the engine's flow pass", "iid",
                    choices=NOISES),
    "control": Option("wan_vace's control video: the depth pass or segmentation edges",
                      meaning="the backend's own, depth", choices=CONTROLS),
    "window": Option("model frames per window of a long shot", 0,
                     meaning="the model's maximum", ge=0, le=1000),
}
DEFAULTS: dict[str, Any] = {name: option.default for name, option in OPTIONS.items()}


def flag(name: str) -> str:
    """The command line's flag for an option: vae_tiling -> --vae-tiling."""
    return "--" + name.replace("_", "-")


def option_help(name: str) -> str:
    """One line of help for an option: what it does, the values it takes, its default."""
    option = OPTIONS[name]
    valid = option.valid()
    return f"{option.help} ({valid + '; ' if valid else ''}{option.shown_default()})"
