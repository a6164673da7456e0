"""Will this model run here? The weights' memory, counted before anything is loaded, against
the device the options pick.

A large model with no GPU, or one that cannot fit the GPU without offloading, is a UserError
(exit 2) that names the model, its download size and memory needs (the backend's hint) and
the command to fetch it, rather than hours of CPU denoising or an out-of-memory crash halfway.
Weights that are not on this machine at all are refused before this check (neural.weights);
`gpu_advice` is the line that message ends with when there is no GPU either.

The memory of a model folder is counted from its weight files: safetensors headers give every
tensor's shape, so the parameters are counted exactly and sized at the dtype they will be
loaded in; other weight files (.bin, .pt) count at their size on disk.
"""
from __future__ import annotations

import json
import struct
from pathlib import Path

from bridge.errors import UserError

LARGE_BYTES = 1 << 30  # above 1 GiB of weights a video DiT on a CPU takes hours per shot
ACTIVATION_BYTES = 3 << 30  # rough working memory of a 480p, 81-frame denoise, on top
WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth")
CPU_ANYWAY = "pass --device cpu to run it on this CPU anyway (expect hours per shot)"


def model_bytes(folder: Path, dtype_bytes: int) -> int | None:
    """The memory the weights in a model folder take at `dtype_bytes` per floating-point
    parameter; None when it holds no weight files."""
    files = [p for p in Path(folder).rglob("*") if p.suffix in WEIGHT_SUFFIXES and p.is_file()]
    if not files:
        return None
    return sum(_safetensors_bytes(p, dtype_bytes) if p.suffix == ".safetensors"
               else p.stat().st_size for p in files)


def pipeline_bytes(pipe) -> int:
    """The memory of an already loaded pipeline's parameters and buffers."""
    import torch

    total = 0
    for part in pipe.components.values():
        if isinstance(part, torch.nn.Module):
            tensors = [*part.parameters(), *part.buffers()]
            total += sum(t.numel() * t.element_size() for t in tensors)
    return total


def check_fits(model: str, size: int | None, options, device, hub: str, hint: str) -> None:
    """UserError when `model` (of `size` bytes; None: unknown, left to the loader) should not
    run on `device` with the options' offloading (module doc); `hub` and `hint`: the id to
    fetch and its download size and memory needs, for the message."""
    import torch

    if size is None:
        return
    if _cpu_by_default(options, device) and size > LARGE_BYTES:
        raise UserError(
            f"no CUDA GPU found for {model!r} (about {size / 1e9:.1f} GB of weights; {hint}). "
            f"Run it on a machine with an NVIDIA GPU (fetch the weights there with "
            f"`huggingface-cli download {hub}`), or {CPU_ANYWAY}")
    if device.type == "cuda" and options.offload == "none":
        total = torch.cuda.get_device_properties(device).total_memory
        need = size + ACTIVATION_BYTES
        if need > total:
            raise UserError(
                f"{model!r} needs about {need / 1e9:.1f} GB of GPU memory without offloading "
                f"(about {size / 1e9:.1f} GB of weights plus working memory); {device} has "
                f"{total / 1e9:.1f} GB. Pass --offload model (or sequential / group: slower, "
                "less memory), and --vae-tiling for large frames")


def gpu_advice(options, device) -> str:
    """A closing sentence for a refusal when the model would run on the CPU only because no
    GPU was found ('' otherwise)."""
    if not _cpu_by_default(options, device):
        return ""
    return (" No CUDA GPU found here either: run it on a machine with an NVIDIA GPU, or "
            f"{CPU_ANYWAY}.")


def _cpu_by_default(options, device) -> bool:
    """The device is the CPU because --device auto found no GPU."""
    return device.type == "cpu" and options.device == "auto"


def _safetensors_bytes(path: Path, dtype_bytes: int) -> int:
    """Floating-point tensors at `dtype_bytes` per value, the others at their own size."""
    with path.open("rb") as handle:
        (length,) = struct.unpack("<Q", handle.read(8))
        header = json.loads(handle.read(length))
    total = 0
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        count = 1
        for side in entry["shape"]:
            count *= side
        start, end = entry["data_offsets"]
        floating = entry["dtype"] in ("F16", "BF16", "F32", "F64")
        total += count * dtype_bytes if floating else end - start
    return total
