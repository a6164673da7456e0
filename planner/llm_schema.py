"""The JSON schema sent to LLM servers: the scene schema, flattened to what they all accept.

Servers differ in how much JSON Schema they understand. OpenAI structured outputs reject
`default` and want `anyOf` rather than `oneOf`; llama.cpp (and Ollama, which uses its grammar
converter) mishandles nested `$ref` and `prefixItems`, honours `pattern` only in a regex
subset and skips what it does not know silently; vLLM's xgrammar falls back to slower
backends on unusual keywords. So this module sends a conservative subset:

- every `$ref` is inlined (no `$defs`); the scene schema is not recursive, and depth is bounded;
- tuples (`prefixItems`) become `items` plus `minItems`/`maxItems`, keeping the item rules
  that all positions share;
- `oneOf` becomes `anyOf`, `const` becomes a one-value `enum`;
- `default`, `title`, `pattern`, `format`, `discriminator` and `$schema` are dropped; a short
  default is folded into the description so the model still knows it may leave a field out;
- asset and material names become `enum`s, so grammar-constrained servers cannot misspell them.

The schema guides generation only: the reply is always validated by the real pydantic model,
and whatever it rejects goes back to the model as feedback. That is also why the request is
not `strict`: strict mode would require every optional field and forbid the open `params` map.
"""
from __future__ import annotations

import json
from typing import Any

from bridge.assets.registry import ASSETS
from bridge.materials import MATERIALS
from bridge.schema import json_schema
from planner.llm_claims import claims_schema

ALLOWED_KEYWORDS = frozenset({
    "type", "properties", "required", "additionalProperties", "items", "minItems", "maxItems",
    "enum", "anyOf", "description", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "minLength", "maxLength",
})
MAX_DEPTH = 10  # OpenAI's documented nesting limit for structured outputs
SCHEMA_NAME = "simshot_plan"
_SHORT_DEFAULT = 40  # characters; longer defaults (light lists) would only add noise
_SUBSCHEMA_KEYS = ("items", "additionalProperties")


def response_schema() -> dict:
    """The reply envelope: either `scene` (a script) or `refuse` (why the prompt is out of scope)."""
    scene = scene_schema()
    scene["description"] = "the scene script"
    return {
        "type": "object",
        "properties": {
            "refuse": {"type": "string", "description": "only when the prompt asks for physics "
                       "the engine cannot simulate: the reason, and no scene"},
            "notes": {"type": "string", "description": "one or two sentences on the choices made"},
            "scene": scene,
            "claims": claims_schema(),
        },
        "additionalProperties": False,
    }


def response_format() -> dict:
    """The `response_format` request field for structured outputs."""
    return {"type": "json_schema",
            "json_schema": {"name": SCHEMA_NAME, "schema": response_schema(), "strict": False}}


def scene_schema() -> dict:
    """The scene schema, with references inlined and unsupported keywords removed."""
    raw = json_schema()
    defs = raw.pop("$defs", {})
    _name_enums(defs)
    return _simplify(raw, defs, depth=0)


def _name_enums(defs: dict) -> None:
    """Replace free-text asset and material names by the library's names."""
    targets = (("Body", "asset", sorted(ASSETS)), ("Body", "material", sorted(MATERIALS)),
               ("Ground", "material", sorted(MATERIALS)))
    for model, field, names in targets:
        prop = defs[model]["properties"][field]
        options = prop.get("anyOf", [prop])
        for option in options:
            if option.get("type") == "string":
                option["enum"] = names


def _simplify(node: dict, defs: dict, depth: int) -> dict:
    if depth > MAX_DEPTH * 3:  # each level may wrap anyOf and items; a loop means a cycle
        raise ValueError("the scene schema nests too deeply to inline")
    if "$ref" in node:
        target = defs[node["$ref"].rsplit("/", 1)[-1]]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    if "allOf" in node and len(node["allOf"]) == 1:
        node = {**node.pop("allOf")[0], **node}
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "properties":
            out[key] = {n: _simplify(v, defs, depth + 1) for n, v in value.items()}
        elif key in ("anyOf", "oneOf"):
            out["anyOf"] = [_simplify(v, defs, depth + 1) for v in value]
        elif key == "prefixItems":
            out["items"] = _common(_simplify(v, defs, depth + 1) for v in value)
        elif key in _SUBSCHEMA_KEYS and isinstance(value, dict):
            out[key] = _simplify(value, defs, depth + 1)
        elif key == "const":
            out["enum"] = [value]
        elif key in ALLOWED_KEYWORDS:
            out[key] = value
    _fold_default(node, out)
    return out


def _common(items: Any) -> dict:
    """The rules every tuple position shares (e.g. width and height differ only in bounds)."""
    items = list(items)
    return {k: v for k, v in items[0].items() if all(i.get(k) == v for i in items[1:])}


def _fold_default(node: dict, out: dict) -> None:
    default = node.get("default")
    if default is None:
        return
    text = json.dumps(default)
    if len(text) <= _SHORT_DEFAULT:
        out["description"] = f"{out.get('description', '')} (default {text})".strip()


def schema_depth(node: Any) -> int:
    """Nesting depth counted in objects and arrays, the way servers limit it."""
    if not isinstance(node, dict):
        return 0
    children = list(node.get("properties", {}).values()) + node.get("anyOf", [])
    children += [node[k] for k in _SUBSCHEMA_KEYS if isinstance(node.get(k), dict)]
    nested = max((schema_depth(c) for c in children), default=0)
    # an anyOf branch is an alternative, not a level
    own = 1 if node.get("type") in ("object", "array") else 0
    return own + nested
