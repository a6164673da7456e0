"""The asset and material catalogues as text: plain for `simshot assets` and `simshot materials`,
markdown for the README's generated blocks.

`python -m simshot.catalog --write-readme` rewrites those blocks. Only the light catalogue
modules are read (no trimesh, no pybullet), so the commands start fast.
"""
from __future__ import annotations

import argparse
import re
import sys
import textwrap
from pathlib import Path

from bridge.assets.registry import ASSETS, CATEGORIES, PARAMS, AssetSpec, param_doc
from bridge.files import atomic_write
from bridge.materials import MATERIALS, Material

README = Path(__file__).resolve().parents[1] / "README.md"
WIDTH = 96  # plain text wraps here, so it reads in an ordinary terminal


def _rubber_on_stone() -> str:
    """The README's example pair, from the library's own factors."""
    rubber, stone = MATERIALS["rubber"].restitution, MATERIALS["stone"].restitution
    return f"rubber {rubber:g} on stone {stone:g} bounces with e = {rubber * stone:.2g}"


ASSET_LEGEND = [
    ("Origin: the centre of the footprint at the lowest point, +z up, so `position` places an "
     "asset's bottom and z = 0 stands it on the ground (a ball too: its centre is then "
     "`radius` up)."),
    ("Mass: the real object's, in kg, while the body keeps its default material (scaled with "
     "the volume when `params` or `scale` change), else density x volume; a script's `mass` "
     "overrides both."),
    "Hollow: a thin-walled container with an open top, which can hold a liquid or a marble.",
    "Prompt words: other words the planner reads as this asset (a script uses the name).",
    "`params` sets any parameter, e.g. `params: {angle_deg: 20}`; m = metres, deg = degrees.",
]
MATERIAL_LEGEND = [
    ("Friction and restitution are per-material factors: Bullet multiplies the two bodies' "
     f"factors to get the pair's coefficient ({_rubber_on_stone()})."),
    ("Toughness: fracture toughness K_IC in MPa*sqrt(m), which with a body's size sets the "
     "force that breaks it; ductile: no figure, and a body of it breaks only when its script "
     "sets `breakable`, then as a very tough one."),
    ("Brittle: bodies of it are breakable by default (`breakable: false` turns that off); "
     "others break only when their script sets `breakable`."),
    "Soft: a foam's soft contact, which gives under load instead of staying rigid.",
    ("Yield: yield strength in MPa, which with a crushable body's wall and size sets the force "
     "that dents it; -: a crushable body of it needs a `crush_force`."),
]


def assets_text(markdown: bool) -> str:
    """Every asset by category, with material, mass, parameters, defaults, units and notes."""
    return _assets_markdown() if markdown else _assets_plain()


def materials_text(markdown: bool) -> str:
    """Every material with its density, contact factors, toughness and appearance."""
    rows = [_material_row(m) for m in MATERIALS.values()]
    if markdown:
        header = ["material", "density (kg/m³)", "friction", "restitution",
                  "toughness (MPa·√m)", "brittle", "soft", "yield (MPa)", "appearance"]
        rows = [[f"`{r[0]}`", *r[1:]] for r in rows]
        return "\n\n".join([_md_list(MATERIAL_LEGEND), _md_table(header, rows)])
    header = [["material", "density", "friction", "restitution", "toughness", "brittle",
               "soft", "yield", "appearance"],
              ["", "kg/m^3", "factor", "factor", "MPa*sqrt(m)", "", "", "MPa", ""]]
    legend = [_wrap(line) for line in MATERIAL_LEGEND]
    return "\n".join([*legend, "", *_columns(header + rows)])


def number(value: float) -> str:
    """The shortest text that reads back as exactly `value` (2.0 -> "2")."""
    return repr(float(value)).removesuffix(".0")


def default_mass(spec: AssetSpec) -> str:
    return f"{number(spec.mass)} kg" if spec.mass is not None else "density x volume"


def _by_category() -> list[tuple[str, list[AssetSpec]]]:
    return [(title, [s for s in ASSETS.values() if s.category == category])
            for category, title in CATEGORIES.items()]


def _assets_plain() -> str:
    rows = [[name, number(value), param_doc(spec.name, name)[0]]
            for spec in ASSETS.values() for name, value in spec.params.items()]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [_wrap(line) for line in ASSET_LEGEND]
    for title, specs in _by_category():
        lines += ["", title, "=" * len(title)]
        for spec in specs:
            lines += ["", *_asset_plain(spec, widths)]
    return "\n".join(lines)


def _asset_plain(spec: AssetSpec, widths: list[int]) -> list[str]:
    """The asset's heading, its note and one aligned row per parameter."""
    facts = [f"material {spec.material}", f"mass {default_mass(spec)}"]
    if spec.hollow:
        facts.append("hollow")
    if spec.synonyms:
        facts.append(f"prompt words: {_words(spec)}")
    lines = [_wrap(f"{spec.name}: {', '.join(facts)}", indent="    ")]
    if spec.description:
        lines.append(_wrap(spec.description, first="  "))
    for name, value in spec.params.items():
        unit, meaning = param_doc(spec.name, name)
        cells = [name, number(value), unit]
        prefix = "    " + "".join(c.ljust(w + 2) for c, w in zip(cells, widths, strict=True))
        lines.append(_wrap(meaning, indent=" " * len(prefix), first=prefix))
    return lines


def _assets_markdown() -> str:
    params = [[f"`{name}`", unit, meaning] for name, (unit, meaning) in PARAMS.items()]
    parts = [_md_list(ASSET_LEGEND),
             _md_table(["parameter", "unit", "meaning (unless an asset's notes say more)"],
                       params)]
    header = ["asset", "material", "mass", "hollow", "parameters (defaults)", "notes"]
    for title, specs in _by_category():
        parts += [f"**{title}**", _md_table(header, [_asset_md_row(s) for s in specs])]
    return "\n\n".join(parts)


def _asset_md_row(spec: AssetSpec) -> list[str]:
    name = f"`{spec.name}`" + (f" (prompt words: {_words(spec)})" if spec.synonyms else "")
    params = ", ".join(f"`{p}` {_with_unit(v, PARAMS[p][0])}" for p, v in spec.params.items())
    notes = [spec.description] if spec.description else []
    notes += [f"`{p}`: {meaning}" for p, meaning in spec.param_notes.items()]
    return [name, spec.material, default_mass(spec),
            "yes" if spec.hollow else "", params, "; ".join(notes)]


def _words(spec: AssetSpec) -> str:
    """The asset's synonyms as a prompt would spell them."""
    return ", ".join(s.replace("_", " ") for s in spec.synonyms)


def _with_unit(value: float, unit: str) -> str:
    # A count needs no unit after it: "4" reads better than "4 count".
    return number(value) if unit == "count" else f"{number(value)} {unit}"


def _material_row(m: Material) -> list[str]:
    toughness = number(m.toughness) if m.toughness is not None else "ductile"
    return [m.name, number(m.density), number(m.friction), number(m.restitution), toughness,
            "yes" if m.brittle else "no", "yes" if m.contact_stiffness is not None else "no",
            number(m.yield_strength) if m.yield_strength is not None else "-", appearance(m)]


PATTERN_WORDS = {"wood": "wood grain", "planks": "floor boards", "tiles": "tiles",
                 "concrete": "concrete", "stone": "stone slabs", "fabric": "woven",
                 "brushed_metal": "brushed"}  # how the renderer's surface patterns read


def appearance(m: Material) -> str:
    """One phrase: the colour, then metallic, glossy or matte, and transparency."""
    finish = ["metallic"] if m.metallic >= 0.5 else []
    if m.roughness <= 0.2:
        finish.append("glossy")
    elif m.roughness >= 0.9:
        finish.append("matte")
    if m.transparency > 0:
        finish.append(f"{m.transparency:.0%} transparent")
    if m.pattern is not None:
        finish.append(PATTERN_WORDS[m.pattern])
    return "; ".join([m.color_name, ", ".join(finish)]) if finish else m.color_name


def _columns(rows: list[list[str]]) -> list[str]:
    """Rows with every column but the last padded to a common width."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return [("".join(c.ljust(w + 2) for c, w in zip(row, widths, strict=False))
             + row[-1]).rstrip() for row in rows]


def _md_list(lines: list[str]) -> str:
    return "\n".join(f"- {line}" for line in lines)


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = [header, ["---"] * len(header), *rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)


def _wrap(text: str, indent: str = "  ", first: str = "") -> str:
    return textwrap.fill(text, WIDTH, initial_indent=first, subsequent_indent=indent,
                         break_on_hyphens=False)


BLOCKS = {"assets": assets_text, "materials": materials_text}


def block(name: str) -> str:
    """The README block `name` as it should read, markers included."""
    return (f"<!-- catalog:{name}:begin -->\n\n{BLOCKS[name](markdown=True)}\n\n"
            f"<!-- catalog:{name}:end -->")


def with_blocks(readme: str) -> str:
    """The README text with every catalogue block regenerated; ValueError if a block's markers are missing."""
    for name in BLOCKS:
        pattern = re.compile(rf"<!-- catalog:{name}:begin -->.*?<!-- catalog:{name}:end -->",
                             re.DOTALL)
        found = pattern.search(readme)
        if found is None:
            raise ValueError(f"README.md has no <!-- catalog:{name}:begin --> ... "
                             f"<!-- catalog:{name}:end --> markers")
        readme = readme[:found.start()] + block(name) + readme[found.end():]
    return readme


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simshot.catalog",
                                     description="Print or regenerate the catalogue text.")
    parser.add_argument("--write-readme", action="store_true",
                        help="rewrite the catalogue blocks between README.md's markers")
    args = parser.parse_args(argv)
    if not args.write_readme:
        print("\n\n".join(block(name) for name in BLOCKS))
        return 0
    old = README.read_text(encoding="utf-8")
    try:
        new = with_blocks(old)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if new != old:
        atomic_write(README, new)
    print(f"{README}: {'catalogue blocks rewritten' if new != old else 'already current'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
