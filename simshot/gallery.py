"""`make gallery`: a small contact sheet of every example scene into docs/gallery/, which the
README shows.

Each example is rendered at a reduced size (the physics is the script's own, so the sheet shows
what a full render shows) and its contact sheet saved as a JPEG: photographic frames are a
fifth of their PNG size, and the whole gallery must stay small enough to keep in the
repository (under 2 MB).

    python -m simshot.gallery [--out docs/gallery] [--width 320] [names ...]
"""
from __future__ import annotations

import argparse
import io
import sys
import tempfile
from pathlib import Path

from PIL import Image

from bridge import shot
from bridge.files import atomic_write
from bridge.loader import load_scene
from simshot.cli_run import with_resolution
from simshot.pipeline import run_shot

ROOT = Path(__file__).resolve().parents[1]
SCENES = ROOT / "scenes"
OUT = ROOT / "docs" / "gallery"
RENDER_WIDTH = 320  # pixels; the sheet's tiles are smaller still
SHEET_WIDTH = 720  # pixels: the README shows sheets about this wide
JPEG_QUALITY = 70
BUDGET_BYTES = 2_000_000  # the whole gallery


def render_sheet(script: Path, width: int = RENDER_WIDTH) -> bytes:
    """The example's contact sheet, rendered at `width` pixels wide, as a JPEG."""
    loaded = load_scene(script)
    w, h = loaded.scene.resolution
    size = (width, max(2, round(width * h / w / 2) * 2))
    with tempfile.TemporaryDirectory(prefix="simshot-gallery-") as tmp:
        sized = with_resolution(loaded, size, Path(tmp))
        result = run_shot(sized, Path(tmp) / "shot", passes=frozenset({"rgb", "segmentation"}),
                          page=True)
        sheet = Image.open(result.out / shot.CONTACT_SHEET).convert("RGB")
    if sheet.width > SHEET_WIDTH:
        sheet = sheet.resize((SHEET_WIDTH, round(sheet.height * SHEET_WIDTH / sheet.width)),
                             Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    sheet.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()


def build(names: list[str], out: Path, width: int = RENDER_WIDTH) -> list[Path]:
    """One sheet per named example (default: every example), written atomically."""
    scripts = [SCENES / f"{name}.yaml" for name in names] or sorted(SCENES.glob("*.yaml"))
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for script in scripts:
        target = out / f"{script.stem}.jpg"
        atomic_write(target, render_sheet(script, width))
        written.append(target)
        print(f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}: "
              f"{target.stat().st_size // 1024} KB", file=sys.stderr)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="example names (default: all)")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--width", type=int, default=RENDER_WIDTH)
    args = parser.parse_args(argv)
    build(args.names, args.out, args.width)
    total = sum(p.stat().st_size for p in args.out.glob("*.jpg"))
    print(f"gallery: {total / 1e6:.2f} MB in {args.out}", file=sys.stderr)
    if total > BUDGET_BYTES:
        print(f"gallery over its {BUDGET_BYTES / 1e6:.0f} MB budget: lower --width",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
