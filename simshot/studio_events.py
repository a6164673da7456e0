"""The studio page's event handlers: each takes the components' values and returns theirs.

No user input may kill the server: every simshot error is shown in the page (the status
line or the problems box) and the page carries on. Anything else is a bug, shown as one.
"""
from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from pathlib import Path

import gradio as gr

from bridge.errors import RefusedError, SimshotError
from simshot.studio_jobs import ShotView, Studio, problem_lines
from simshot.studio_workspace import checked_name

SIZES = {"script's size": None, "512x512": (512, 512), "256x256": (256, 256),
         "128x128": (128, 128)}
CLAIM_HEADERS = ["claim", "kind", "fate", "detail"]
MANIFEST_HEADERS = ["sample", "status", "attempts", "seconds", "reason"]
UNTITLED = "untitled"  # the name a script is checked under before it has one
HAS_PROBLEMS = ("**The script has problems**: fix them (listed beside the editor) and render "
                "again")


def _message(err: Exception) -> str:
    if isinstance(err, RefusedError):
        return f"**Refused:** {err}"
    if isinstance(err, SimshotError):
        return f"**Error:** {err}"
    return f"**Internal error** ({type(err).__name__}): {err}"


class Events:
    """The handlers, bound to one Studio."""

    def __init__(self, studio: Studio):
        self.studio = studio

    # -- the prompt ---------------------------------------------------------------------
    def plan(self, prompt: str) -> Iterator[tuple]:
        """Yields (rounds text, claims, name, script, status, planned?) as planning goes."""
        rounds: queue.Queue = queue.Queue()
        outcome: dict = {}

        def work() -> None:
            try:
                outcome["planned"] = self.studio.plan(prompt, on_round=rounds.put)
            except Exception as err:  # noqa: BLE001 - shown in the page, never raised
                outcome["error"] = err
            rounds.put(None)

        threading.Thread(target=work, daemon=True).start()
        lines: list[str] = []
        keep = gr.update()
        yield "planning…", keep, keep, keep, "planning…", False
        while (entry := rounds.get()) is not None:
            lines.append(_round_line(entry))
            yield "\n".join(lines), keep, keep, keep, "planning…", False
        if "error" in outcome:
            yield "\n".join(lines), keep, keep, keep, _message(outcome["error"]), False
            return
        planned = outcome["planned"]
        if planned.verified:
            verdict = "verified"
        elif planned.checks_passed:
            verdict = "**partly verified**: the claims marked dropped were left out"
        else:
            verdict = "**not verified**"
        yield ("\n".join(lines), claim_rows(planned.claims), planned.name, planned.text,
               f"planned `{planned.name}`: {verdict} after {len(planned.rounds)} round(s)",
               True)

    # -- the script -----------------------------------------------------------------------
    def check(self, name: str | None, text: str | None) -> str:
        """The problems box: each problem at line:col, or that the script validates. With no
        name yet, the script is checked as if it were saved as 'untitled'."""
        try:
            problems = self.studio.check(name or UNTITLED, text or "")
        except Exception as err:  # noqa: BLE001 - shown in the page, never raised
            return str(err)
        return problem_lines(problems) if problems else "ok: the script validates"

    def open_script(self, name: str) -> tuple[str, str, str]:
        """(name, text, problems) of a workspace script."""
        try:
            text = self.studio.workspace.script(name).read_text(encoding="utf-8")
        except (SimshotError, OSError, ValueError) as err:  # ValueError: not UTF-8
            return gr.update(), gr.update(), f"cannot open '{name}': {err}"
        return name, text, self.check(name, text)

    def open_example(self, example: str) -> tuple[str, str, str]:
        try:
            text = self.studio.workspace.open_example(example)
        except SimshotError as err:
            return gr.update(), gr.update(), str(err)
        return example, text, self.check(example, text)

    def upload(self, file: str | None) -> str:
        if not file:
            return ""
        try:
            where = self.studio.workspace.save_upload(Path(file), Path(file).name)
        except SimshotError as err:
            return f"**Upload refused:** {err}"
        return f"uploaded: name it in a body as `mesh: {where}`"

    def save(self, name: str, text: str | None) -> tuple[str, str]:
        """(status, problems) after saving the editor's text as the workspace script `name`."""
        try:
            path = self.studio.workspace.save_script(name, text or "")
        except SimshotError as err:
            return _message(err), gr.update()
        return f"saved `{path.name}`", self.check(name, text)

    def scripts(self) -> dict:
        return gr.update(choices=self.studio.workspace.scripts())

    # -- rendering ------------------------------------------------------------------------
    def render(self, name: str, text: str, size: str,
               progress=gr.Progress()  # noqa: B008 - how Gradio hands a handler its progress bar
               ) -> Iterator[tuple]:
        """Yields (problems, status, preview video, shot outputs...) as the render goes: the
        quick preview first, then the full shot."""
        keep = (gr.update(),) * len(SHOT_OUTPUTS)
        text = text or ""
        try:
            checked_name(name)
            problems = self.studio.check(name, text)
        except Exception as err:  # noqa: BLE001 - shown in the page, never raised
            yield str(err), _message(err), gr.update(), *keep
            return
        if problems:
            yield (problem_lines(problems), HAS_PROBLEMS, gr.update(), *keep)
            return
        report = _progress(progress)
        try:
            preview = self.studio.render(name, text, preview=True, size=SIZES[size],
                                         progress=report)
            if preview is not None:
                view = self.studio.view(name, preview=True)
                status = f"preview ready ({view.stages_line}); rendering the full shot…"
                yield "ok: the script validates", status, str(view.video), *keep
            self.studio.render(name, text, size=SIZES[size], progress=report)
            view = self.studio.view(name)
        except Exception as err:  # noqa: BLE001 - shown in the page, never raised
            yield "ok: the script validates", _message(err), gr.update(), *keep
            return
        yield ("ok: the script validates", _shot_status(view), gr.update(),
               *shot_values(view))

    def refine(self, name: str) -> tuple[str, object]:
        try:
            refined = self.studio.refine(name)
        except Exception as err:  # noqa: BLE001 - shown in the page, never raised
            return _message(err), gr.update()
        return f"refined: `{refined.name}`", str(refined)

    # -- data -----------------------------------------------------------------------------
    def dataset(self, name: str, count: float, seed: float, workers: float, size: str
                ) -> Iterator[tuple]:
        """Yields (status, manifest rows, sample choices) as the samples are made."""
        done = threading.Event()
        outcome: dict = {}
        if None in (count, seed, workers):
            yield "**Error:** fill in the samples, the seed and the workers", gr.update(), \
                gr.update()
            return

        def work() -> None:
            try:
                outcome["summary"] = self.studio.dataset(name, int(count), int(seed),
                                                         int(workers), SIZES[size])
            except Exception as err:  # noqa: BLE001 - shown in the page, never raised
                outcome["error"] = err
            done.set()

        threading.Thread(target=work, daemon=True).start()
        while not done.wait(0.5):
            yield self._manifest(name, f"making samples of `{name}`…")
        if "error" in outcome:
            yield _message(outcome["error"]), gr.update(), gr.update()
            return
        summary = outcome["summary"]
        yield self._manifest(name, f"`{name}`: accepted {summary.accepted}, rejected "
                                   f"{summary.rejected}; made {summary.made} in "
                                   f"{summary.seconds:.1f} s")

    def _manifest(self, name: str, status: str) -> tuple:
        try:
            lines = self.studio.samples(name)
        except SimshotError as err:
            return _message(err), gr.update(), gr.update()
        rows = [[line["key"], line["status"], line.get("attempts", ""),
                 line.get("seconds", ""), line.get("reason", "")] for line in lines]
        accepted = [line["key"] for line in lines if line["status"] == "accepted"]
        return status, rows, gr.update(choices=accepted)

    def sample(self, name: str, key: str) -> tuple[str, object]:
        """(status, the sample's video)."""
        try:
            return f"sample {key} of `{name}`", str(self.studio.sample_video(name, key))
        except SimshotError as err:
            return _message(err), gr.update()

    # -- history --------------------------------------------------------------------------
    def history(self) -> tuple[list[list], dict, dict]:
        """(the table of shots, choices for the two compare pickers)."""
        shots = self.studio.workspace.shots()
        rows = [[s.name, {True: "passed", False: "failed", None: "no checks"}[s.passed]]
                for s in shots]
        names = [s.name for s in shots]
        return rows, gr.update(choices=names), gr.update(choices=names)

    def open_shot(self, name: str) -> tuple:
        """(status, name, script, refined video, shot outputs...) of a finished shot: the
        Shot tab then shows it and edits, renders and refines it."""
        try:
            view = self.studio.view(name)
            text = (view.folder / "scene.yaml").read_text(encoding="utf-8", errors="replace")
        except Exception as err:  # noqa: BLE001 - shown in the page, never raised
            return _message(err), *(gr.update(),) * (3 + len(SHOT_OUTPUTS))
        return (_shot_status(view), name, text, str(view.refined) if view.refined else None,
                *shot_values(view))

    def compare(self, first: str, second: str) -> tuple[object, object, str]:
        """(first video, second video, the scripts' diff)."""
        try:
            video_a, video_b, diff = self.studio.compare(first, second)
        except Exception as err:  # noqa: BLE001 - shown in the page, never raised
            return gr.update(), gr.update(), _message(err)
        return (str(video_a) if video_a else None, str(video_b) if video_b else None, diff)


# The outputs a finished shot fills, in order (simshot.studio builds components to match).
SHOT_OUTPUTS = ("video", "depth", "segmentation", "flow", "expectations", "stages", "plots",
                "claims")


def shot_values(view: ShotView) -> tuple:
    """The values of SHOT_OUTPUTS for a shot."""
    passes = [str(view.passes[k]) if k in view.passes else None
              for k in ("depth", "segmentation", "flow")]
    plots = [(str(path), name) for name, path in view.plots.items()]
    return (str(view.video) if view.video else None, *passes, view.expectations_html,
            view.stages_html, plots, claim_rows(view.claims))


def claim_rows(claims: list[dict]) -> list[list[str]]:
    """The claims table's rows."""
    return [[c["text"], c["kind"], c["fate"], c["detail"]] for c in claims]


def _shot_status(view: ShotView) -> str:
    verdict = {True: "expectations passed", False: "**an expectation failed**",
               None: "no expectations"}[view.report.get("passed")]
    return f"`{view.name}`: {verdict}; {view.stages_line}"


def _round_line(entry: dict) -> str:
    checks = entry.get("expectations") or []
    failed = [c["check"] for c in checks if c.get("passed") is False]
    state = (f"errors: {'; '.join(entry['errors'])}" if entry.get("errors") else
             f"{len(checks) - len(failed)}/{len(checks)} checks pass"
             + (f" (failed: {', '.join(failed)})" if failed else ""))
    return f"- round {entry['round']} ({entry['action']}): {state}"


def _progress(progress):
    def report(stage: str, done: int, total: int) -> None:
        progress((done, total), desc=stage, unit="frames" if stage == "render" else "steps")
    return report
