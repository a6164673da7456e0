"""Where a model's weights come from: this machine only, never the network.

A hub id ("owner/name", not an existing path) is looked up in the local Hugging Face cache
(huggingface_hub's own lookup, which reads files only; HF_HUB_CACHE / HF_HOME move it), and
its cached snapshot folder is what the backend loads; anything else is a local diffusers
folder. Weights that are not here are a UserError that says so first, with the
`huggingface-cli download` command, before any other check: refining never downloads, so an
uncached id costs neither a 28 GB surprise nor half a minute of retried requests to the hub
on a machine without internet (HF_HUB_OFFLINE or not).

`load_weights` is the one loader every backend goes through; a backend hands it only its own
from_pretrained calls on the folder's path (a folder: diffusers reads it and asks the hub
nothing).
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from bridge.errors import UserError

INDEX = "model_index.json"  # what makes a folder a diffusers pipeline
Pipeline = TypeVar("Pipeline")


def is_hub_id(model: str) -> bool:
    """`model` names a hub repository (exactly "owner/name") rather than a local folder."""
    return (model.count("/") == 1 and not model.startswith((".", "/", "~"))
            and not Path(model).expanduser().exists())


def hub_id(model: str, default: str) -> str:
    """The hub id to fetch: `model` when it is one, else the backend's `default`."""
    return model if is_hub_id(model) else default


def weights_folder(model: str) -> Path | None:
    """The diffusers folder of `model` on this machine: a local folder with model_index.json,
    or a hub id's snapshot in the Hugging Face cache; None when it is not here."""
    if not is_hub_id(model):
        path = Path(model).expanduser()
        return path if (path / INDEX).is_file() else None
    from huggingface_hub import try_to_load_from_cache

    index = try_to_load_from_cache(model, INDEX)
    return Path(index).parent if isinstance(index, str) else None


def not_here(model: str, default: str, hint: str) -> str:
    """The message for weights that are not on this machine: where they were looked for and
    how to download them (`default` and its size `hint` when `model` is a folder)."""
    if is_hub_id(model):
        from huggingface_hub import constants

        where = f"not in the Hugging Face cache, {constants.HF_HUB_CACHE}"
    else:
        path = Path(model).expanduser()
        where = (f"{path} is not a diffusers model folder (no {INDEX})" if path.is_dir()
                 else f"no folder {path}")
    return f"{model!r}: weights not on this machine ({where}). {_download(model, default, hint)}"


def missing_weights(model: str, why: str, default: str, hint: str) -> str:
    """The message for weights that are here but do not load (`why`), e.g. half downloaded."""
    return (f"{model!r}: the weights could not be loaded ({why}). "
            f"{_download(model, default, hint)}")


def _download(model: str, default: str, hint: str) -> str:
    hub = hub_id(model, default)
    return (f"Download them on a machine with internet access: `huggingface-cli download "
            f"{hub}` (or `hf download {hub}`), then pass the hub id with the cache copied "
            f"over, or the downloaded folder, as the model. {hub}: {hint}.")


def load_weights(model: str, default: str, hint: str,
                 load: Callable[[str], Pipeline]) -> Pipeline:
    """`load(folder)` on the path of the weights' folder on this machine; UserError when
    they are not here or do not load (`default` and `hint`: the backend's model id and its
    download size and memory needs)."""
    folder = weights_folder(model)
    if folder is None:
        raise UserError(not_here(model, default, hint))
    try:
        return load(str(folder))
    except (OSError, ValueError) as err:
        why = f"{type(err).__name__}: {err}".splitlines()[0]
        raise UserError(missing_weights(model, why, default, hint)) from None
