"""report.html: one self-contained page that shows a shot folder at a glance.

Everything the page shows is embedded as data: URIs (videos as H.264 MP4, images as PNG) and
its Content-Security-Policy forbids any other source, so it opens offline and makes no
request. Every string read from the folder is HTML-escaped.
"""
from __future__ import annotations

import base64
import html
from pathlib import Path

from bridge import shot
from bridge.files import atomic_write
from bridge.trajectory import Trajectory

VIDEO_CAPTIONS = {"rgb": "coarse render", "refined": "refined"}
PASS_CAPTIONS = {"depth": "depth (near bright, far dark)",
                 "segmentation": "segmentation (a colour per instance)",
                 "flow": "forward optical flow (hue: direction, brightness: speed)"}
CSP = "default-src 'none'; img-src data:; media-src data:; style-src 'unsafe-inline'"
STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1320px;
       padding: 0 16px; color: #1d1d1f; background: #fafafa; }
h1 { margin: 0 0 4px; font-size: 24px; } h2 { margin: 28px 0 10px; font-size: 18px; }
.facts, .note, figcaption, footer { color: #555; } footer { margin-top: 28px; }
.verdict { display: inline-block; padding: 2px 10px; border-radius: 10px; font-weight: 600; }
.pass { background: #d9f2dd; color: #17602a; } .fail { background: #fadbd8; color: #8e1b10; }
.na { background: #eee; color: #555; }
.grid { display: flex; flex-wrap: wrap; gap: 14px; align-items: flex-start; }
figure { margin: 0; } figcaption { font-size: 12px; margin-top: 4px; }
video { display: block; height: 256px; max-width: 100%; background: #000; }
img { display: block; max-width: 100%; }
.plots { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 12px; }
table { border-collapse: collapse; background: #fff; }
th, td { border: 1px solid #ddd; padding: 4px 10px; text-align: left; vertical-align: top; }
"""


def write_report(shot_dir: Path) -> Path:
    """Write shot_dir/report.html (and contact_sheet.png when there is a video); return its path."""
    from simshot.report_media import contact_sheet, pass_previews
    from simshot.report_plots import make_plots

    shot_dir = Path(shot_dir)
    meta = shot.read_json(shot_dir / shot.METADATA)
    fps = int(meta["scene"]["fps"])
    rgb = shot_dir / shot.RGB
    plots = make_plots(Trajectory.load(shot_dir / shot.TRAJECTORY), meta,
                       _optional(shot_dir / shot.EVENTS))
    passes = pass_previews(shot_dir, fps)
    sheet_png = contact_sheet(rgb, meta["frames"]["sim_time"]) if rgb.exists() else None
    if sheet_png is None:
        (shot_dir / shot.CONTACT_SHEET).unlink(missing_ok=True)  # a stale sheet of an older render
    else:
        atomic_write(shot_dir / shot.CONTACT_SHEET, sheet_png)
    page = _page(shot_dir, meta, passes, sheet_png, plots)
    atomic_write(shot_dir / shot.REPORT_HTML, page)
    return shot_dir / shot.REPORT_HTML


def _optional(path: Path) -> dict:
    return shot.read_json(path) if path.exists() else {}


def _page(shot_dir: Path, meta: dict, passes: dict[str, bytes], sheet: bytes | None,
          plots: dict[str, bytes]) -> str:
    report = _optional(shot_dir / shot.REPORT)
    name = _esc(meta["scene"]["name"])
    body = "\n".join([
        _header(meta, report),
        _videos(shot_dir, passes),
        _section("contact-sheet", "Contact sheet",
                 _image("contact-sheet-image", "contact sheet of the coarse video", sheet)
                 if sheet else _note("No coarse video: the shot was not rendered.")),
        _plots(plots),
        _section("expectations", "Expectations",
                 expectations_table(report.get("expectations", []))),
        _section("stages", "Stages", stages_table(report, _optional(shot_dir / shot.STAGES))),
        "<footer>Made by <code>simshot report</code> from the files in this folder.</footer>",
    ])
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>simshot: {name}</title>\n<style>{STYLE}</style></head>\n"
            f"<body>\n{body}\n</body></html>\n")


def _header(meta: dict, report: dict) -> str:
    scene = meta["scene"]
    width, height = scene["resolution"]
    facts = (f"{scene['duration']:g} s · {scene['fps']} fps · {scene['num_frames']} frames · "
             f"{width}×{height} · seed {scene['seed']} · gravity "
             f"[{', '.join(f'{g:g}' for g in scene['gravity'])}] m/s²")
    if not report:
        verdict = '<span class="verdict na">no report.json</span>'
    elif report.get("passed"):
        verdict = '<span class="verdict pass">expectations passed</span>'
    else:
        verdict = '<span class="verdict fail">expectations failed</span>'
    return (f"<header><h1>{_esc(scene['name'])}</h1>{verdict}"
            f'<p class="facts">{_esc(facts)}</p></header>')


def _videos(shot_dir: Path, passes: dict[str, bytes]) -> str:
    files = {"rgb": shot_dir / shot.RGB, "refined": shot_dir / shot.REFINED}
    figures = [_video(key, VIDEO_CAPTIONS[key], path.read_bytes())
               for key, path in files.items() if path.exists()]
    figures += [_video(key, PASS_CAPTIONS[key], data) for key, data in passes.items()]
    missing = [key for key in PASS_CAPTIONS if key not in passes]
    if not files["rgb"].exists():
        missing.insert(0, shot.RGB)
    note = _note(f"Not in this folder: {', '.join(missing)}.") if missing else ""
    grid = f'<div class="grid">{"".join(figures)}</div>' if figures else ""
    return _section("videos", "Videos", grid + note)


def _video(key: str, caption: str, data: bytes) -> str:
    return (f'<figure><video id="video-{key}" src="{_data_uri("video/mp4", data)}" controls '
            f'muted loop autoplay playsinline preload="auto"></video>'
            f"<figcaption>{_esc(caption)}</figcaption></figure>")


def _plots(plots: dict[str, bytes]) -> str:
    from simshot.report_plots import PLOTS

    images = "".join(_image(f"plot-{key}", PLOTS[key], data) for key, data in plots.items())
    return _section("plots", "Plots", f'<div class="plots">{images}</div>')


def expectations_table(results: list[dict]) -> str:
    """The expectations as an HTML table (a note when there are none); the studio shows it too."""
    if not results:
        return _note("The script has no expectations.")
    rows = [[_result(r.get("passed")), ("not " if r.get("negated") else "") + str(r["check"]),
             _subject(r.get("subject")), str(r.get("detail", ""))] for r in results]
    return _table("expectations-table", ["result", "check", "subject", "detail"], rows,
                  classes=[_verdict_class(r.get("passed")) for r in results])


def _result(passed: bool | None) -> str:
    return "n/a" if passed is None else "pass" if passed else "fail"


def _verdict_class(passed: bool | None) -> str:
    return "na" if passed is None else "pass" if passed else "fail"


def _subject(subject: object) -> str:
    if isinstance(subject, list):
        return ", ".join(map(str, subject))
    return "" if subject is None else str(subject)


def stages_table(report: dict, hashes: dict) -> str:
    """Each stage's status, time and input hash as an HTML table."""
    timings = flatten_timings(report.get("timings_s", {}))
    status = report.get("stages", {})
    names = list(dict.fromkeys([*timings, *status, *hashes]))
    if not names:
        return _note("No stage timings recorded.")
    rows = [[name, str(status.get(name, "")), _seconds(timings.get(name)),
             str(hashes.get(name, ""))] for name in names]
    return _table("timings-table", ["stage", "status", "time (s)", "input hash"], rows)


def flatten_timings(timings: dict, prefix: str = "") -> dict[str, object]:
    """Nested timing dicts as one level: {"render": {"gl": 1}} -> {"render / gl": 1}."""
    flat: dict[str, object] = {}
    for key, value in timings.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten_timings(value, f"{name} / "))
        else:
            flat[name] = value
    return flat


def _seconds(value: object) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:.3f}"
    return "" if value is None else str(value)


def _table(table_id: str, header: list[str], rows: list[list[str]],
           classes: list[str] | None = None) -> str:
    head = "".join(f"<th>{_esc(h)}</th>" for h in header)
    body = []
    for n, row in enumerate(rows):
        first = f' class="{classes[n]}"' if classes else ""
        cells = "".join(f"<td{first if i == 0 else ''}>{_esc(c)}</td>" for i, c in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    return (f'<table id="{table_id}"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def _image(image_id: str, alt: str, data: bytes) -> str:
    return f'<img id="{image_id}" alt="{_esc(alt)}" src="{_data_uri("image/png", data)}">'


def _section(section_id: str, title: str, content: str) -> str:
    return f'<section id="{section_id}"><h2>{_esc(title)}</h2>{content}</section>'


def _note(text: str) -> str:
    return f'<p class="note">{_esc(text)}</p>'


def _data_uri(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)
