"""Will this model run here? The weights' memory, counted before anything is loaded, against
the device the options pick.

A large model with no GPU, or one that cannot fit the GPU without offloading, is a UserError
(exit 2) that names the model, its download size and memory needs (the backend's hint) and
the command to fetch it, rather than hours of CPU denoising or an out-of-memory crash halfway.

The memory of a model folder is counted from its weight files: safetensors headers give every
tensor's shape, so the parameters are counted exactly and sized at the dtype they will be
loaded in; other weight files (.bin, .pt) count at their size on disk. A hub id is looked up
in the local Hugging Face cache. An id not cached has no known size: online it counts as
large (so nothing is downloaded to a machine that cannot run it), offline (HF_HUB_OFFLINE) and
for a missing folder the check is left to the loader's missing-weights error.
"""
from __future__ import annotations

import json
import struct
from pathlib import Path

from bridge.errors import UserError

LARGE_BYTES = 1 << 30  # above 1 GiB of weights a video DiT on a CPU takes hours per shot
ACTIVATION_BYTES = 3 << 30  # rough working memory of a 480p, 81-frame denoise, on top
WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth")


def model_bytes(model: str, dtype_bytes: int) -> int | None:
    """The memory the weights of a local folder or a cached hub id take at `dtype_bytes` per
    floating-point parameter; None when nothing is found (an uncached id)."""
    folder = _folder(model)
    if folder is None:
        return None
    files = [p for p in folder.rglob("*") if p.suffix in WEIGHT_SUFFIXES and p.is_file()]
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
    """UserError when `model` (of `size` bytes, None: unknown) should not run on `device`
    with the options' offloading (module doc); `hub` and `hint`: the id to fetch and its
    download size and memory needs, for the message."""
    import torch

    if size is None and not _downloadable(model):
        return  # the loader says what is missing
    fetch = f"`huggingface-cli download {hub}`"
    about = "not downloaded yet" if size is None else f"about {size / 1e9:.1f} GB of weights"
    if device.type == "cpu" and options.device == "auto" and (size is None
                                                               or size > LARGE_BYTES):
        raise UserError(
            f"no CUDA GPU found for {model!r} ({about}; {hint}). Run it on a machine with an "
            f"NVIDIA GPU (fetch the weights there with {fetch}), or pass --device cpu to run "
            "it on this CPU anyway (expect hours per shot)")
    if device.type == "cuda" and options.offload == "none" and size is not None:
        total = torch.cuda.get_device_properties(device).total_memory
        need = size + ACTIVATION_BYTES
        if need > total:
            raise UserError(
                f"{model!r} needs about {need / 1e9:.1f} GB of GPU memory without offloading "
                f"({about} plus working memory); {device} has {total / 1e9:.1f} GB. Pass "
                "--offload model (or sequential / group: slower, less memory), and "
                "--vae-tiling for large frames")


def _downloadable(model: str) -> bool:
    """A hub id that diffusers would fetch now (not a folder, not offline)."""
    from neural.diffusers_backend import hub_id, offline

    return not offline() and hub_id(model, "") == model


def _folder(model: str) -> Path | None:
    from neural.diffusers_backend import hub_id

    path = Path(model).expanduser()
    if path.is_dir():
        return path
    if hub_id(model, "") != model:
        return None
    from huggingface_hub import try_to_load_from_cache

    index = try_to_load_from_cache(model, "model_index.json")
    return Path(index).parent if isinstance(index, str) else None


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
