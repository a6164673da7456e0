"""The studio's loop, timed through its own web server and printed as JSON (issue 19).

    python -m bench.studio [--repeats N] [--out FILE]

- camera edit: the juice-glass example (3 s, 24 fps, 512x512) is rendered once; then its
  camera is edited and rendered again through the page's /render endpoint, as the browser
  calls it; the time runs from the request to the last output (the video, the pass previews
  and plots made, their files handed over). Target: <= 3 s.
- first preview: the juice-glass prompt is planned, then the time from the end of planning to
  the 256x256 preview's video (the page's first picture of the shot). Target: <= 2 s.
"""
from __future__ import annotations

import argparse
import socket
import statistics
import tempfile
import time
from pathlib import Path

from bench.run import emit

EXAMPLE = Path(__file__).resolve().parents[1] / "scenes" / "juice_glass_falls.yaml"
PROMPT = "A glass of orange juice is knocked off a table and shatters on the stone floor"
CAMERA_PRESETS = ("medium", "close_up", "eye_level")  # each edit differs from the last


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def camera_edit(root: Path, repeats: int) -> dict:
    """Seconds from a camera edit's render request to its last output, through the server."""
    from gradio_client import Client

    from simshot.studio import serve
    from simshot.studio_jobs import Studio
    from simshot.studio_workspace import Workspace

    port = _port()
    page = serve(Studio(Workspace(root / "edit")), port=port, block=False)
    client = Client(f"http://127.0.0.1:{port}/", verbose=False)
    text = EXAMPLE.read_text()
    client.predict("juice", text, "script's size", api_name="/render")  # the first render
    times, previews = [], []
    for k in range(repeats):
        edited = text.replace("{preset: wide,", f"{{preset: {CAMERA_PRESETS[k % 3]},", 1)
        assert edited != text
        preview, full, status = _timed_render(client, edited)
        previews.append(preview)
        times.append(full)
    page.close()
    return {"seconds": [round(t, 3) for t in times], "median_s": round(statistics.median(times), 3),
            "target_s": 3.0, "preview_median_s": round(statistics.median(previews), 3),
            "status": status}


def _timed_render(client, text: str) -> tuple[float, float, str]:
    """(seconds to the quick preview, seconds to the last output, the final status line)."""
    started = time.perf_counter()
    job = client.submit("juice", text, "script's size", api_name="/render")
    preview = None
    while not job.done():
        if preview is None and job.outputs():
            preview = time.perf_counter() - started
        time.sleep(0.01)
    full = time.perf_counter() - started
    return (full if preview is None else preview), full, job.result()[1]


def first_preview(root: Path, repeats: int) -> dict:
    """Seconds from the end of planning to the quick preview's video."""
    from simshot.studio_jobs import Studio
    from simshot.studio_workspace import Workspace

    times, planning = [], []
    for k in range(repeats):
        studio = Studio(Workspace(root / f"prompt-{k}"))
        started = time.perf_counter()
        planned = studio.plan(PROMPT)
        planning.append(time.perf_counter() - started)
        started = time.perf_counter()
        studio.render(planned.name, planned.text, preview=True)
        video = studio.view(planned.name, preview=True).video
        times.append(time.perf_counter() - started)
        assert video is not None
    return {"seconds": [round(t, 3) for t in times], "median_s": round(statistics.median(times), 3),
            "target_s": 2.0, "planning_median_s": round(statistics.median(planning), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="simshot-bench-studio-") as tmp:
        results = {"benchmark": "studio", "repeats": args.repeats,
                   "camera_edit_rerender": camera_edit(Path(tmp), args.repeats),
                   "first_preview_after_planning": first_preview(Path(tmp), args.repeats)}
    emit(results, args.out)


if __name__ == "__main__":
    main()
