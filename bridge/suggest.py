"""'Did you mean X?' for misspelled names."""
from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(name: str, options: Iterable[str]) -> str | None:
    """The option nearest to `name`, or None when nothing is close."""
    options = list(options)
    lowered = {o.lower(): o for o in options}
    if name.lower() in lowered:
        return lowered[name.lower()]
    found = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[found[0]] if found else None


def unknown_name(kind: str, name: str, options: Iterable[str]) -> str:
    """A message for a name that is not among `options`, with a suggestion when one is close."""
    options = sorted(options)
    guess = closest(name, options)
    hint = f"; did you mean '{guess}'?" if guess else ""
    return f"unknown {kind} '{name}'{hint} (valid: {', '.join(options)})"
