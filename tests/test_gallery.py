"""`make gallery`: one small contact sheet per example, as a JPEG, within the budget."""
from __future__ import annotations

import io

from PIL import Image

from simshot import gallery


def test_a_gallery_sheet_is_a_small_jpeg_of_the_example(tmp_path):
    assert gallery.main(["bouncing_balls", "--out", str(tmp_path), "--width", "96"]) == 0
    sheet = tmp_path / "bouncing_balls.jpg"
    image = Image.open(io.BytesIO(sheet.read_bytes()))
    assert image.format == "JPEG"
    assert image.width <= gallery.SHEET_WIDTH and image.height > 40
    assert sheet.stat().st_size < 60_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bouncing_balls.jpg"]  # no leftovers


def test_the_committed_gallery_covers_every_example_within_its_budget():
    sheets = sorted(gallery.OUT.glob("*.jpg"))
    assert [p.stem for p in sheets] == sorted(p.stem for p in gallery.SCENES.glob("*.yaml"))
    assert sum(p.stat().st_size for p in sheets) < gallery.BUDGET_BYTES
