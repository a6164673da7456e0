"""simshot studio in Debian's Chromium through Playwright, as a new user would use it: type the
juice-glass prompt and get a video, edit the camera and re-render with the simulation
cached, make a typo and see it at its line; no console errors, nothing fetched from outside."""
from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("gradio")
sync_api = pytest.importorskip("playwright.sync_api")

from simshot.studio import serve
from simshot.studio_jobs import Studio
from simshot.studio_workspace import Workspace
from tests.helpers import free_port

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning")]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PROMPT = "A glass of orange juice is knocked off a table and shatters on the stone floor"
WAIT_MS = 240_000


def _set_editor(page, text: str) -> None:
    """Replace the editor's text as a paste would (typing would trigger auto-indent)."""
    page.click("#editor .cm-content")
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(text)


def _status(page, needle: str) -> str:
    page.wait_for_function("n => document.querySelector('#studio-status').innerText"
                           ".includes(n)", arg=needle, timeout=WAIT_MS)
    return page.inner_text("#studio-status")


def test_prompt_edit_and_rerender_in_chromium(tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    studio = Studio(Workspace(tmp_path / "ws"))
    port = free_port()
    server = serve(studio, port=port, block=False)
    problems, outside = [], []
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                 args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("request", lambda r: None if r.url.startswith(
                (f"http://127.0.0.1:{port}", "data:", "blob:")) else outside.append(r.url))
            page.goto(f"http://127.0.0.1:{port}/", wait_until="load")
            page.wait_for_selector("#prompt textarea", timeout=60_000)
            page.click("#render-size input")
            page.click("[role=option]:has-text('128x128')")
            page.fill("#prompt textarea", PROMPT)
            page.click("#plan-button")
            first = _status(page, "render: ran")
            page.wait_for_selector("#rgb-video video[src]", timeout=WAIT_MS)
            name = page.locator("#script-name").locator("textarea, input").first.input_value()
            # the prompt's claims stay on the page once the shot is rendered
            assert "shatters" in page.inner_text("#claims")
            text = studio.workspace.script(name).read_text()
            assert "simulate: planned" in first  # the planner's own run, not a second one

            _set_editor(page, text.replace("preset: wide", "preset: medium", 1))
            page.click("#render-button")
            assert "simulate: cached, render: ran" in _status(page, "simulate: cached")
            assert "preset: medium" in (studio.workspace.shot(name) / "scene.yaml").read_text()

            _set_editor(page, text.replace("fps:", "fsp:", 1))
            line = 1 + text.splitlines().index(next(li for li in text.splitlines()
                                                    if li.startswith("fps:")))
            page.wait_for_function(
                "t => document.querySelector('#problems textarea').value.startsWith(t)",
                arg=f"{line}:1: fsp: unknown field", timeout=30_000)
            page.screenshot(path=str(tmp_path / "studio.png"), full_page=True)
            browser.close()
    finally:
        server.close()
    assert (problems, outside) == ([], [])
