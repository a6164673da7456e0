"""The asset and material catalogues: complete, documented, true to the registry, and the
README's generated blocks current."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from bridge.assets.furniture import CUSHION, RAIL
from bridge.assets.registry import ASSETS, CATEGORIES, PARAMS
from bridge.materials import MATERIALS
from simshot import catalog
from simshot.catalog import BLOCKS, README, assets_text, block, materials_text, with_blocks

REGENERATE = "python -m simshot.catalog --write-readme"


def plain_assets() -> dict[str, tuple[str, dict[str, str]]]:
    """Asset name -> (its heading's facts, {parameter: printed default}) from the plain text."""
    found: dict[str, tuple[str, dict[str, str]]] = {}
    for chunk in assets_text(markdown=False).split("\n\n"):
        heading = re.match(r"([a-z_]+): (material .*)", chunk)
        if heading:
            rows = re.findall(r"^ {4}(\w+) +(\S+) +\S+ +\S", chunk, re.MULTILINE)
            found[heading[1]] = heading[2], dict(rows)
    return found


def markdown_row(name: str) -> str:
    """The asset's row in its category's table (not the parameter table's `wall` row)."""
    material = ASSETS[name].material
    rows = [line for line in assets_text(markdown=True).splitlines()
            if line.startswith(f"| `{name}`") and f"| {material} |" in line]
    assert len(rows) == 1, name
    return rows[0]


def test_every_asset_and_material_appears_in_both_forms():
    assert set(plain_assets()) == set(ASSETS)
    markdown = assets_text(markdown=True)
    for name in ASSETS:
        markdown_row(name)
    for form in (materials_text(markdown=False), materials_text(markdown=True)):
        for name in MATERIALS:
            assert re.search(rf"^\|? ?`?{name}`? ", form, re.MULTILINE), name
    for title in CATEGORIES.values():
        assert title in assets_text(markdown=False) and f"**{title}**" in markdown


def test_every_parameter_has_a_unit_and_a_meaning():
    for spec in ASSETS.values():
        assert spec.category in CATEGORIES, spec.name
        for name in spec.params:
            assert name in PARAMS, f"{spec.name}.{name}: add its unit and meaning to PARAMS"
            unit, meaning = PARAMS[name]
            assert unit and meaning, name
        assert set(spec.param_notes) <= set(spec.params), spec.name
    used = {name for spec in ASSETS.values() for name in spec.params}
    assert set(PARAMS) == used, "PARAMS documents a parameter no asset has"


def test_printed_defaults_and_masses_are_the_registrys():
    for name, (facts, rows) in plain_assets().items():
        spec = ASSETS[name]
        assert {p: float(v) for p, v in rows.items()} == spec.params, name
        assert list(rows) == list(spec.params), name
        assert f"material {spec.material}," in facts
        mass = f"mass {spec.mass:g} kg" if spec.mass is not None else "mass density x volume"
        assert mass in facts and ("hollow" in facts) == spec.hollow, name
    for name, spec in ASSETS.items():
        printed = dict(re.findall(r"`(\w+)` ([\d.e-]+)", markdown_row(name)))
        assert {p: float(v) for p, v in printed.items()} == spec.params, name


def test_printed_materials_are_the_librarys():
    lines = materials_text(markdown=False).splitlines()
    for m in MATERIALS.values():
        cells = next(line.split() for line in lines if line.startswith(f"{m.name} "))
        density, friction, restitution, toughness, brittle, soft = cells[1:7]
        assert (float(density), float(friction), float(restitution)) == (
            m.density, m.friction, m.restitution)
        assert toughness == ("ductile" if m.toughness is None else catalog.number(m.toughness))
        assert brittle == ("yes" if m.brittle else "no")
        assert soft == ("yes" if m.contact_stiffness is not None else "no")
        assert m.color_name and catalog.appearance(m).startswith(m.color_name)
    assert "multiplies" in materials_text(markdown=False)


def test_pool_table_notes_match_its_builder():
    notes = " ".join(ASSETS["pool_table"].param_notes.values())
    assert f"{RAIL * 100:g} cm each" in notes and f"{CUSHION * 100:g} cm above" in notes


def test_plain_text_fits_a_terminal():
    for text in (assets_text(markdown=False), materials_text(markdown=False)):
        lines = text.splitlines()
        assert all(line == line.rstrip() for line in lines)
    assert max(len(line) for line in assets_text(markdown=False).splitlines()) <= catalog.WIDTH


def test_readme_blocks_are_generated_and_current():
    readme = README.read_text(encoding="utf-8")
    stale = [name for name in BLOCKS if block(name) not in readme]
    assert not stale, (f"README.md's catalogue blocks {stale} are out of date or missing: "
                       f"run `{REGENERATE}`")


def test_with_blocks_rewrites_only_between_the_markers():
    stale = "".join(f"<!-- catalog:{n}:begin -->\nold\n<!-- catalog:{n}:end -->\n"
                    for n in BLOCKS)
    new = with_blocks(f"intro\n{stale}outro\n")
    assert new == "intro\n" + "".join(f"{block(n)}\n" for n in BLOCKS) + "outro\n"
    assert with_blocks(new) == new
    with pytest.raises(ValueError, match="catalog:assets:begin"):
        with_blocks("no markers here")


def test_write_readme_command(tmp_path, monkeypatch, capsys):
    path = tmp_path / "README.md"
    path.write_text("".join(f"<!-- catalog:{n}:begin -->\n<!-- catalog:{n}:end -->\n"
                            for n in BLOCKS))
    monkeypatch.setattr(catalog, "README", path)
    assert catalog.main(["--write-readme"]) == 0
    assert all(block(n) in path.read_text() for n in BLOCKS)
    assert catalog.main(["--write-readme"]) == 0 and "already current" in capsys.readouterr().out
    path.write_text("no markers")
    assert catalog.main(["--write-readme"]) == 2


def test_catalog_starts_without_geometry_or_physics_libraries():
    code = ("import sys, simshot.catalog; "
            "print(sorted({'trimesh', 'pybullet', 'numpy', 'typer'} & set(sys.modules)))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert run.stdout.strip() == "[]"
