"""`simshot studio`: the web page for the prompt, edit and re-render loop."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bridge.errors import UserError
from simshot.cli_app import command, out


@command()
def studio(port: Annotated[int, typer.Option(min=1, max=65535, metavar="PORT",
                                             help="the port to listen on")] = 7860,
           workspace: Annotated[Path, typer.Option(
               metavar="DIR", help="the folder the studio reads and writes")] = Path("studio"),
           host: Annotated[str, typer.Option(
               metavar="ADDRESS", help="the address to listen on; 0.0.0.0 lets other "
               "machines in (anyone who can reach it can render and read the workspace)")]
           = "127.0.0.1") -> None:
    """Open the studio in the browser: prompt, edit the script, render and compare shots.

    It reads and writes only inside the workspace folder.

    \b
    Example: simshot studio --workspace studio   (then open http://127.0.0.1:7860/)
    """
    import importlib.util

    if importlib.util.find_spec("gradio") is None:
        raise UserError("simshot studio needs the studio extra: pip install -e '.[studio]' "
                        "(make install includes it)")
    from simshot.studio import LOCAL_HOSTS, local_url, serve
    from simshot.studio_jobs import Studio
    from simshot.studio_workspace import Workspace

    ws = Workspace(workspace)
    scope = ("this machine only; --host 0.0.0.0 to let others in" if host in LOCAL_HOSTS
             else "[yellow]every machine that can reach this address[/yellow]")
    out.print(f"studio: {local_url(host, port)}  (listening on {host}: {scope})")
    out.print(f"workspace: {ws.root}")
    out.print("stop it with Ctrl+C")
    serve(Studio(ws), host, port)
