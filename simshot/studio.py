"""`simshot studio`: the browser page for prompting, editing, rendering and comparing shots.

The page is built with Gradio Blocks from simshot.studio_events' handlers. Jobs that run the
stages (plan, render, refine) share one queue slot, so two renders queue instead of
colliding. The server listens on 127.0.0.1 unless told otherwise, and serves files only from
the workspace (and Gradio's own upload cache).
"""
from __future__ import annotations

import os

# Gradio reports usage to its makers unless told not to; a local tool sends nothing.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

import gradio as gr

from bridge import limits
from bridge.schema_types import MESH_SUFFIXES
from simshot.studio_events import CLAIM_HEADERS, MANIFEST_HEADERS, SHOT_OUTPUTS, SIZES, Events
from simshot.studio_jobs import Studio
from simshot.studio_workspace import examples

STAGES = "stages"  # the queue slot that plan, render and refine share
# System fonts only: the page must not ask the internet for anything.
THEME = gr.themes.Default(font=["system-ui", "sans-serif"],
                          font_mono=["ui-monospace", "monospace"])
CSS = """
#studio-status { min-height: 1.5em; }
table { border-collapse: collapse; } th, td { border: 1px solid #ccc; padding: 2px 8px; }
tr.pass td:first-child { color: #17602a; } tr.fail td:first-child { color: #8e1b10; }
"""


def build(studio: Studio) -> gr.Blocks:
    """The page, wired to `studio`."""
    events = Events(studio)
    ws = studio.workspace
    # the server's copies of what it serves and of uploads, deleted after an hour
    with gr.Blocks(title="simshot studio", delete_cache=(3600, 3600)) as page:
        gr.Markdown(f"# simshot studio\nWorkspace: `{ws.root}`")
        status = gr.Markdown(elem_id="studio-status")
        with gr.Tab("Shot"):
            with gr.Row():
                prompt = gr.Textbox(label="Prompt", scale=4, elem_id="prompt",
                                    placeholder="a glass of orange juice is knocked off a "
                                    "table and shatters on the stone floor")
                plan = gr.Button("Plan and render", variant="primary", scale=1,
                                 elem_id="plan-button")
            with gr.Row():
                rounds = gr.Markdown(elem_id="plan-rounds")
                claims = gr.Dataframe(headers=CLAIM_HEADERS, label="Claims of the prompt",
                                      interactive=False, elem_id="claims")
            with gr.Row():
                # names are checked by the Workspace, not against a list that goes stale
                script = gr.Dropdown(ws.scripts(), label="Workspace scripts", value=None,
                                     allow_custom_value=True, elem_id="script-picker")
                example = gr.Dropdown(examples(), label="Open an example", value=None,
                                      elem_id="example-picker")
                mesh = gr.File(label="Upload a mesh", height=120,
                               file_types=list(MESH_SUFFIXES))
            with gr.Row():
                with gr.Column(scale=3):
                    name = gr.Textbox(label="Name (the script file and the shot folder)",
                                      elem_id="script-name")
                    editor = gr.Code(language="yaml", label="Scene script", lines=24,
                                     elem_id="editor")
                with gr.Column(scale=2):
                    problems = gr.Textbox(label="Problems (line:col)", lines=6,
                                          interactive=False, elem_id="problems")
                    size = gr.Dropdown(list(SIZES), value="script's size",
                                       label="Render size", elem_id="render-size")
                    with gr.Row():
                        save = gr.Button("Save", elem_id="save-button")
                        render = gr.Button("Render", variant="primary",
                                           elem_id="render-button")
                    preview = gr.Video(label="Quick preview", elem_id="preview-video",
                                       autoplay=True, loop=True)
            with gr.Row():
                video = gr.Video(label="Coarse render", elem_id="rgb-video", autoplay=True,
                                 loop=True)
                depth = gr.Video(label="Depth", elem_id="depth-video", loop=True)
                segmentation = gr.Video(label="Segmentation", elem_id="segmentation-video",
                                        loop=True)
                flow = gr.Video(label="Flow", elem_id="flow-video", loop=True)
            with gr.Row():
                expectations = gr.HTML(label="Expectations", elem_id="expectations")
                stages = gr.HTML(label="Stages", elem_id="stages")
            plots = gr.Gallery(label="Plots", columns=2, elem_id="plots")
            with gr.Row():
                refine = gr.Button("Refine (photoreal)", elem_id="refine-button")
                refined = gr.Video(label="Refined", elem_id="refined-video")
        with gr.Tab("Shots"):
            history = gr.Dataframe(headers=["shot", "verdict"], label="Shots, newest first",
                                   interactive=False, elem_id="history")
            reload = gr.Button("Reload the list")
            with gr.Row():
                first = gr.Dropdown([], label="Shot", allow_custom_value=True,
                                    elem_id="compare-first")
                second = gr.Dropdown([], label="Against", allow_custom_value=True,
                                     elem_id="compare-second")
                compare = gr.Button("Compare", elem_id="compare-button")
                open_first = gr.Button("Open the first in the Shot tab")
            with gr.Row(elem_id="compare-videos"):
                video_a = gr.Video(label="Shot", autoplay=True, loop=True)
                video_b = gr.Video(label="Against", autoplay=True, loop=True)
            diff = gr.Code(label="Script diff", elem_id="script-diff", language=None)
        with gr.Tab("Data"):
            gr.Markdown("Make samples of a workspace script that holds distributions (open "
                        "the example `dominoes_random`, save it by rendering or under a "
                        "name, then start). A rerun with the same settings completes the "
                        "dataset.")
            with gr.Row():
                data_script = gr.Dropdown(ws.scripts(), label="Dataset script",
                                          allow_custom_value=True, elem_id="data-script")
                count = gr.Number(8, label="Samples", minimum=1, maximum=10_000, precision=0)
                seed = gr.Number(0, label="Seed", minimum=0, precision=0)
                workers = gr.Number(1, label="Workers", minimum=1, maximum=64, precision=0)
                data_size = gr.Dropdown(list(SIZES), value="128x128", label="Size")
                start = gr.Button("Start", variant="primary", elem_id="data-start")
            data_status = gr.Markdown(elem_id="data-status")
            manifest = gr.Dataframe(headers=MANIFEST_HEADERS, label="Manifest",
                                    interactive=False, elem_id="manifest")
            with gr.Row():
                sample = gr.Dropdown([], label="Accepted sample", allow_custom_value=True,
                                     elem_id="sample-picker")
                sample_video = gr.Video(label="Sample", autoplay=True, loop=True)
        planned = gr.State(False)
        shot_outputs = [video, depth, segmentation, flow, expectations, stages, plots, claims]
        assert len(shot_outputs) == len(SHOT_OUTPUTS)
        stage_job = {"concurrency_id": STAGES, "concurrency_limit": 1}

        plan.click(events.plan, [prompt], [rounds, claims, name, editor, status, planned],
                   api_name="plan", **stage_job).then(
            _render_if(events), [planned, name, editor, size],
            [problems, status, preview, *shot_outputs], api_name=False, **stage_job)
        render.click(events.render, [name, editor, size],
                     [problems, status, preview, *shot_outputs], api_name="render", **stage_job)
        editor.change(events.check, [name, editor], [problems], api_name="check",
                      trigger_mode="always_last", show_progress="hidden")
        script.select(events.open_script, [script], [name, editor, problems],
                      api_name="open_script")
        script.focus(events.scripts, None, [script], api_name=False)
        example.select(events.open_example, [example], [name, editor, problems],
                       api_name="open_example")
        mesh.upload(events.upload, [mesh], [status], api_name="upload", **stage_job)
        refine.click(events.refine, [name], [status, refined], api_name="refine", **stage_job)
        save.click(events.save, [name, editor], [status, problems], api_name="save",
                   **stage_job)
        start.click(events.dataset, [data_script, count, seed, workers, data_size],
                    [data_status, manifest, sample], api_name="dataset", **stage_job)
        data_script.focus(events.scripts, None, [data_script], api_name=False)
        sample.select(events.sample, [data_script, sample], [data_status, sample_video],
                      api_name="sample")
        reload.click(events.history, None, [history, first, second], api_name="history")
        page.load(events.history, None, [history, first, second], api_name=False)
        compare.click(events.compare, [first, second], [video_a, video_b, diff],
                      api_name="compare")
        open_first.click(events.open_shot, [first], [status, name, editor, refined,
                                                      *shot_outputs], api_name="open_shot")
        page.load(None, None, None, js=SYNC_JS)
    return page


def _render_if(events: Events):
    """The render after planning, skipped when planning failed."""
    def render(planned: bool, name: str, text: str, size: str,
               progress=gr.Progress()):  # noqa: B008 - how Gradio hands over a progress bar
        if not planned:
            yield (gr.update(),) * (3 + len(SHOT_OUTPUTS))
            return
        yield from events.render(name, text, size, progress)
    return render


# The two compared videos play, pause and seek together.
SYNC_JS = """() => {
  document.addEventListener('play', e => sync(e, v => v.play()), true);
  document.addEventListener('pause', e => sync(e, v => v.pause()), true);
  document.addEventListener('seeked', e => sync(e, (v, t) => {
    if (Math.abs(v.currentTime - t) > 0.05) v.currentTime = t; }), true);
  function sync(e, act) {
    const box = e.target.closest && e.target.closest('#compare-videos');
    if (!box) return;
    box.querySelectorAll('video').forEach(v => { if (v !== e.target) act(v, e.target.currentTime); });
  }
}"""


def serve(studio: Studio, host: str = "127.0.0.1", port: int = 7860,
          block: bool = True) -> gr.Blocks:
    """Start the page's server; with `block` False it runs on a background thread.

    It serves files from the workspace's media folders only, keeps its own copies and
    uploads in the workspace's .gradio/, takes uploads up to the mesh size limit, and turns
    off what Gradio would read from the environment: a public share link, the MCP server,
    server-side rendering and the browser's run history."""
    ws = studio.workspace
    os.environ["GRADIO_TEMP_DIR"] = str(ws.root / ".gradio")  # read as the page is built
    page = build(studio)
    page.queue(default_concurrency_limit=None)
    page.launch(server_name=host, server_port=port,
                allowed_paths=[str(p) for p in ws.served()], max_file_size=limits.MAX_MESH_BYTES,
                prevent_thread_lock=not block, show_error=True, quiet=True, theme=THEME, css=CSS,
                footer_links=[], share=False, mcp_server=False, ssr_mode=False,
                run_history=False)
    return page


LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def local_url(host: str, port: int) -> str:
    """The address to open in this machine's browser."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    return f"http://{f'[{shown}]' if ':' in shown else shown}:{port}/"

