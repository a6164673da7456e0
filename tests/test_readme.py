"""The README works as written: its annotated script renders and passes its own checks, every
section is in the contents, every expectation field, joint field and exit code is
documented."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from bridge.errors import EXIT_CHECKS, EXIT_INTERNAL, EXIT_OK, EXIT_REFUSED, EXIT_USER
from bridge.schema import CHECKS, Joint, Motor, Rope, RopeEnd
from bridge.yamlio import load_string
from simshot.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start:end if end > 0 else None]


def annotated_script() -> str:
    text = section("A scene script, annotated")
    return text[text.index("```yaml\n") + len("```yaml\n"):text.index("```\n", text.index(
        "```yaml\n") + 8)]


@pytest.mark.slow
def test_the_annotated_script_runs_as_written_and_passes_its_checks(tmp_path, capsys):
    script = tmp_path / "glass.yaml"
    script.write_text(annotated_script())
    code = main(["render", str(script), "-o", str(tmp_path / "shot"), "--resolution", "96x96"])
    text = capsys.readouterr().out
    assert code == 0, text
    assert text.count("pass ") == len(load_string(annotated_script())["expect"]) == 4


def test_the_contents_list_every_section():
    contents = section("Contents")
    for title in re.findall(r"^## (.+)$", README, re.MULTILINE):
        if title != "Contents":
            anchor = re.sub(r"[^a-z0-9 -]", "", title.lower()).replace(" ", "-")
            assert f"[{title}](#{anchor})" in contents, title


def test_every_expectation_field_is_documented():
    table = section("Expectations")
    for kind, model in CHECKS.items():
        row = next(line for line in table.splitlines() if line.startswith(f"| `{{{kind}:"))
        for name, field in model.model_fields.items():
            key = field.alias or name
            if key not in (kind, "not"):
                assert f"{key}:" in row, f"{kind}: `{key}` is not in its README row"
    assert "`not: true`" in table


def test_every_joint_type_and_field_is_documented():
    text = section("Joints: hinges, balls, sliders, welds, springs and ropes")
    for kind in Joint.model_fields["type"].annotation.__args__:
        assert f"type: {kind}" in text, kind
    for name in list(Joint.model_fields) + list(Motor.model_fields) + list(Rope.model_fields) \
            + list(RopeEnd.model_fields):
        assert f"`{name}`" in text or f"{name}:" in text, name


def test_every_exit_code_is_in_the_exit_table():
    table = section("Command line")
    for code in (EXIT_OK, EXIT_INTERNAL, EXIT_USER, EXIT_REFUSED, EXIT_CHECKS):
        assert re.search(rf"^\| {code} \| ", table, re.MULTILINE), code
