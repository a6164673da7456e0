"""Numbers, counts and quantities with units, converted to SI."""
from __future__ import annotations

import re
from dataclasses import dataclass

NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "pair": 2, "couple": 2, "both": 2,
    "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "dozen": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "few": 3, "several": 5, "some": 3, "many": 8,
    "multiple": 4, "lots": 8, "numerous": 8, "twice": 2, "thrice": 3, "once": 1,
}

# unit word -> (kind, factor to SI)
UNITS: dict[str, tuple[str, float]] = {
    "m/s": ("speed", 1.0), "meters per second": ("speed", 1.0),
    "metres per second": ("speed", 1.0), "mps": ("speed", 1.0),
    "km/h": ("speed", 1 / 3.6), "kmh": ("speed", 1 / 3.6), "kph": ("speed", 1 / 3.6),
    "kilometers per hour": ("speed", 1 / 3.6), "mph": ("speed", 0.44704),
    "miles per hour": ("speed", 0.44704),
    "mm": ("length", 0.001), "millimeters": ("length", 0.001),
    "millimetres": ("length", 0.001), "cm": ("length", 0.01), "centimeters": ("length", 0.01),
    "centimetres": ("length", 0.01), "m": ("length", 1.0), "meter": ("length", 1.0),
    "meters": ("length", 1.0), "metre": ("length", 1.0), "metres": ("length", 1.0),
    "ft": ("length", 0.3048), "feet": ("length", 0.3048), "foot": ("length", 0.3048),
    "in": ("length", 0.0254), "inch": ("length", 0.0254), "inches": ("length", 0.0254),
    "\"": ("length", 0.0254), "degrees": ("angle", 1.0), "degree": ("angle", 1.0),
    "deg": ("angle", 1.0), "°": ("angle", 1.0), "seconds": ("time", 1.0),
    "second": ("time", 1.0), "secs": ("time", 1.0), "sec": ("time", 1.0), "s": ("time", 1.0),
    "kg": ("mass", 1.0), "kilograms": ("mass", 1.0), "g": ("mass", 0.001),
    "grams": ("mass", 0.001),
}

_UNIT_ALT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_QUANTITY = re.compile(
    r"(?<![\w.])(\d{1,6}(?:\.\d{1,4})?|\d{0,6}\.\d{1,4})\s?-?\s?(" + _UNIT_ALT + r")(?![\w/])",
    re.IGNORECASE)
# "in" after a number is an inch only when no noun phrase follows ("6 in a row" is a count).
_NOT_INCH = re.compile(r"\s*(a|an|the|row|line|total|all|space|water|zero)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Quantity:
    kind: str  # length, speed, angle, time, mass
    value: float  # SI units (angles in degrees)
    start: int  # character span in the prompt
    end: int


def quantities(text: str) -> list[Quantity]:
    """Every number-with-unit in `text`, converted to SI."""
    found = []
    for match in _QUANTITY.finditer(text):
        unit = match.group(2).lower()
        if unit == "in" and _NOT_INCH.match(text, match.end()):
            continue
        kind, factor = UNITS[unit]
        found.append(Quantity(kind, float(match.group(1)) * factor, match.start(), match.end()))
    return found


def count_word(word: str) -> int | None:
    """The count a word denotes ('three' -> 3, '12' -> 12), or None."""
    word = word.lower()
    if word.isdigit() and len(word) <= 4:
        return int(word)
    return NUMBER_WORDS.get(word)
