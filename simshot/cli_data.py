"""`simshot dataset` and `simshot export`: synthetic data at scale."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bridge.errors import UserError
from simshot.cli_app import Resolution, command, err, out, parse_passes, parse_resolution
from simshot.dataset import DEFAULT_PASSES, MANIFEST

EXPORT_FORMATS = ("webdataset", "hf")


@command()
def dataset(scenes: Annotated[list[Path], typer.Argument(
                metavar="SCENE", show_default=False,
                help="scene scripts (may hold distributions and repeats)")],
            n: Annotated[int, typer.Option("-n", min=1, metavar="N",
                                           help="accepted samples wanted")],
            out_dir: Annotated[Path, typer.Option("-o", "--out", metavar="DIR",
                                                  help="dataset folder")],
            seed: Annotated[int, typer.Option(min=0, metavar="SEED",
                                              help="dataset seed")] = 0,
            workers: Annotated[int, typer.Option(min=1, metavar="K",
                                                 help="samples made at once")] = 1,
            ray: Annotated[str | None, typer.Option(
                "--ray", metavar="local|ADDRESS",
                help="run on Ray: 'local' starts one, or give a cluster address")] = None,
            resolution: Resolution = None,
            passes: Annotated[str, typer.Option(metavar="PASSES", help=(
                "comma-separated render passes; normals and object_coordinates are "
                "written only when named"))] = ",".join(DEFAULT_PASSES),
            max_attempts: Annotated[int, typer.Option(
                min=1, max=100, metavar="N", help="draws per sample before it is rejected")]
            = 5) -> None:
    """Generate N randomized samples of scene scripts.

    Rerun the same command to resume after a crash: finished samples are kept.

    \b
    Example: simshot dataset scenes/datasets/dominoes_random.yaml -n 100 -o data/dominoes
    """
    from simshot.dataset import DatasetSpec, generate
    from simshot.progress import DatasetProgress

    spec = DatasetSpec(tuple(p.resolve() for p in scenes), out_dir, n, seed, workers,
                       tuple(sorted(parse_passes(passes))), parse_resolution(resolution),
                       max_attempts, ray is not None, None if ray in (None, "local") else ray)
    with DatasetProgress(err) as progress:
        summary = generate(spec, progress)
    out.print(f"accepted {summary.accepted}, rejected {summary.rejected}, "
              f"re-drawn {summary.redraws}; made {summary.made} in {summary.seconds:.1f} s "
              f"({summary.per_minute:.1f} samples/min)")
    out.print(f"manifest: {out_dir / MANIFEST}")


@command()
def export(dataset_dir: Annotated[Path, typer.Argument(
               metavar="DATASET", show_default=False, help="a folder made by simshot dataset")],
           fmt: Annotated[str, typer.Option("--format", metavar="webdataset|hf",
                                            help="WebDataset tar shards, or a Hugging Face "
                                            "datasets folder")],
           out_dir: Annotated[Path, typer.Option("-o", "--out", metavar="DIR",
                                                 help="where to write")],
           shard_size: Annotated[float, typer.Option(metavar="MB",
                                                     help="webdataset: MB per tar shard")]
           = 256.0) -> None:
    """Export a dataset as WebDataset shards or for Hugging Face.

    \b
    Example: simshot export data/dominoes --format webdataset -o data/dominoes-wds
    """
    if fmt == "webdataset":
        from simshot.export_wds import export_webdataset

        shards = export_webdataset(dataset_dir, out_dir, shard_size)
        out.print(f"wrote {len(shards)} shard(s) to {out_dir}")
    elif fmt == "hf":
        from simshot.export_hf import export_hf

        out.print(f"wrote {export_hf(dataset_dir, out_dir)}")
    else:
        from bridge.suggest import unknown_name

        raise UserError(f"--format: {unknown_name('format', fmt, EXPORT_FORMATS)}")
