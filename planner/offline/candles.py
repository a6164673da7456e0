"""Candles: lit candles on a table or a birthday cake (or a lit match held over the table),
blown out by a breath, or in a draught or a wind that leans their flames or puts them out.

The person blowing is not a body: their breath is a jet from where their mouth would be,
aimed at each flame in turn as a person sweeps across a cake. Its speed at the mouth is
chosen so that the jet still reaches each flame at 1.5 times the blow-out speed.
"""
from __future__ import annotations

import math
import re

from bridge.air import CANDLE_BLOW_OUT_SPEED, CORE_DIAMETERS, peak_factor
from bridge.assets.objects import wick_length
from bridge.assets.registry import ASSETS
from planner.offline.gusts import SPEEDS as FAN_SPEEDS
from planner.offline.layout import Item, Plan
from planner.offline.motion_claims import STAYS_LIT
from planner.offline.parse import Intent
from planner.offline.refuse import candles_act
from planner.offline.windows import names_window, open_window, opened_claims

BLOW_WORDS = re.compile(r"\b(blow\w*|blew|puff\w*|breath\w*|exhal\w*)\b")
WIND_WORDS = {  # word -> wind speed, m/s (indoor draughts; Beaufort for outdoor winds)
    "draught": 0.5, "draft": 0.5, "breeze": 1.5, "gentle breeze": 1.5, "light breeze": 1.0,
    "wind": 5.0, "windy": 5.0, "gust": 7.0, "gusts": 7.0, "strong wind": 9.0, "gale": 15.0,
    # a fan's stream over the few centimetres of a row of candles stands in as a wind
    **{word: speed for word, speed in FAN_SPEEDS.items() if "fan" in word}}
KEEPS_LIT = re.compile(STAYS_LIT + r"|\bkeeps? going\b|\b(does not|doesn't|do not|don't|"
                       r"never|fails? to|won't|will not) (go|blow|goes|blows?) out\b")
GOES_OUT = re.compile(r"\b(blow\w* (\w+ )?out|blew (\w+ )?out|goes out|go out|went out|"
                      r"puts? (\w+ )?out|extinguish\w*|snuff\w*)\b")
# 'the closest one goes out, the other two keep burning': one flame of a row, named by where
# it stands, said to go out
ONE_GOES_OUT = re.compile(r"\b(closest|nearest|first)( one| candle| flame)? (goes|went|blows?|"
                          r"is blown|gets blown) out\b")
MOUTH_DIAMETER = 0.02  # m, pursed lips
FAN_DIAMETER = 0.15  # m: a desk fan's stream where it leaves the blades
FAN_BACK = 0.4  # m from the flame it blows on, level with the wicks
MOUTH_BACK, MOUTH_UP = 0.35, 0.12  # m from the cake's (or row's) middle, and above the wicks
MAX_BREATH = 30.0  # m/s: the fastest a person blows out through pursed lips
MARGIN = 1.5  # times the blow-out speed the breath brings to each flame
BLOW_START, BLOW_SPACING, BLOW_LENGTH = 1.0, 0.2, 0.3  # s
SMOKE_AFTER = 1.5  # s of smoke shown after the last flame goes out
TABLE_TOP = 0.76
# a window named with the candles: its sill level with the table top, past the table's far
# edge (0.6 m) and the mouth or fan (0.4 m), width x height
WINDOW_BACK, WINDOW_SIZE = -0.75, (0.9, 1.0)
BIRTHDAY = {"radius": 0.004, "height": 0.06}  # m: a birthday candle
RING_SHARE = 0.6  # candles stand on a ring this share of the cake's radius
ROW_SPACING = 0.12  # m between candles standing on a table
GUSTS, FLUTTER = 0.2, 0.15  # a planned wind's gusts and turbulence, shares of its mean
LIT_MATCH = re.compile(r"\b((lit|burning|lighted) (match(es)?|matchsticks?)|matchsticks?|"
                       r"match(es)?'?s? flames?|flames? of (a|the) match|"
                       r"(blow\w*|blew|puff\w*|snuff\w*|put\w*) out (a|the) (lit )?match|"
                       r"match(es)? (goes|go|went|flickers?|is lit|stays? lit))\b")
GAME = re.compile(r"\b(teams?|players?|referee|crowd|field|pitch|football|soccer|tennis|"
                  r"chess|boxing|cricket|score\w*|wins?|winning|won|game|stadium)\b")
MATCH_MOVES = re.compile(r"\b(fall\w*|fell|drop\w*|thrown|throw\w*|toss\w*|roll\w*|slid\w*|"
                         r"knock\w*|struck|strik\w*|light\w* (a|the)|sets?|ignit\w*|"
                         r"burns? (a|the|down))\b")
MATCH_STICK = {"length": 0.003, "width": 0.003, "height": 0.05}  # m: a wooden match
MATCH_HELD, MATCH_FLAME = 0.95, 0.025  # m: its foot's height in the hand, its flame's
CLOSEST, CLOSEST_MATCH = 0.45, 0.22  # m: the camera's least distance from the flames


CANDLE_SCENE = {"candle", "birthday_cake", "table"}  # what the candle scenario builds
# what makes a prompt about a candle's flame (a candle that falls is not planned here)
FLAME_CUES = re.compile(r"\b(lit|flames?|flicker\w*|burn\w*|blow\w*|blew|breath\w*|puff\w*|"
                        r"wind\w*|breezes?|draughts?|drafts?|gusts?|out|birthday|smoke)\b")


def wanted(intent: Intent) -> bool:
    """Candles (or a match) are the prompt's subject, and nothing else in it acts (a ball
    knocking a candle over is a ball's scene, planned as one)."""
    # a window is the setting the wind comes in through
    window = names_window(intent)
    assets = {m.asset for m in intent.mentions if not (window and m.asset == "pane")}
    return ("candle" in assets or _lit_match(intent.text.lower())) and assets <= CANDLE_SCENE \
        and candles_act(intent.text) and FLAME_CUES.search(intent.text.lower()) is not None


def _lit_match(text: str) -> bool:
    """A burning match held still: said to be lit or burning, or blown out; not a game (a
    football match), nor one that moves or sets something alight."""
    return LIT_MATCH.search(text) is not None and GAME.search(text) is None \
        and MATCH_MOVES.search(text) is None


def build(plan: Plan, intent: Intent) -> None:
    """Candles on a table or a cake (or a match), their flames, and the air the prompt asks
    for."""
    plan.body("the table", name="table", asset="table", static=True, position=[0, 0, 0])
    match = not any(m.asset == "candle" for m in intent.mentions)
    spots, wick = _match(plan) if match else _candles(plan, intent)
    _air(plan, intent, spots, wick)
    window = names_window(intent)
    if window:  # behind the table, upwind
        open_window(plan, (WINDOW_BACK, 0.0, TABLE_TOP), "y", *WINDOW_SIZE, -1.0)
        plan.claims += opened_claims(intent, BLOW_START)
    plan.camera = _camera(spots, wick, CLOSEST_MATCH if match and not window else CLOSEST,
                          window)


def _match(plan: Plan) -> tuple[list[tuple[float, float]], float]:
    """A lit match held upright over the table (the hand holding it is not simulated)."""
    plan.body("a wooden match held upright over the table", name="match", asset="box",
              static=True, position=[0.0, 0.0, MATCH_HELD],
              params=dict(MATCH_STICK), color=[0.85, 0.7, 0.45])
    plan.flames.append(Item({"name": "flame", "on": "match", "size": MATCH_FLAME},
                            "burning at its head, smaller than a candle's"))
    return [(0.0, 0.0)], MATCH_HELD + MATCH_STICK["height"]


def _candles(plan: Plan, intent: Intent) -> tuple[list[tuple[float, float]], float]:
    cake = any(m.asset == "birthday_cake" for m in intent.mentions) or intent.has("cake")
    count = _count(intent, cake)
    top = TABLE_TOP
    if cake:
        spec = ASSETS["birthday_cake"].params
        plan.body("a frosted cake on the table", name="cake", asset="birthday_cake",
                  static=True, position=[0, 0, top])
        top += spec["height"]
        spots = _ring(count, RING_SHARE * spec["radius"])
        params = dict(BIRTHDAY)
    else:
        spots = [(0.0, (k - (count - 1) / 2) * ROW_SPACING) for k in range(count)]
        params = dict(ASSETS["candle"].params)
    wick = top + params["height"] + wick_length(params["height"])
    for k, (x, y) in enumerate(spots):
        name = f"candle_{k + 1}" if count > 1 else "candle"
        why = "a lit candle" + (", pressed into the frosting" if cake else "")
        plan.body(why if k == 0 else "", name=name, asset="candle", params=params,
                  position=[round(x, 4), round(y, 4), top],
                  **({"static": True, "color": [0.95, 0.55, 0.65]} if cake else {}))
        plan.flames.append(_flame(name, k, count))
    return spots, wick


def _air(plan: Plan, intent: Intent, spots: list[tuple[float, float]], wick: float) -> None:
    """The breath or the wind the prompt asks for, and the checks on the flames."""
    text = intent.text.lower()
    wind = _wind_speed(intent)
    keep = KEEPS_LIT.search(text) is not None
    outs: set[int] | None = None  # the flames put out, when not all or none
    fan = intent.has("fan", "fans")
    row = not any(item.data["asset"] == "birthday_cake" for item in plan.bodies)
    if keep and row and len(spots) > 1 and ONE_GOES_OUT.search(text) and \
            (BLOW_WORDS.search(text) or fan):
        # a wind blows on every flame alike; a jet can put out the one it is aimed at
        end, outs = _one_jet(plan, spots, wick, fan), {0}
    elif wind is not None:  # "a strong wind blows out a candle" is a wind, not a breath
        end, keep = _wind(plan, wind, keep, GOES_OUT.search(text) is not None)
    elif BLOW_WORDS.search(text):
        end = _breath(plan, spots, wick, keep)
    else:
        keep, end = True, BLOW_START
    flames = [item.data["name"] for item in plan.flames]
    candles = [item.data["name"] for item in plan.bodies
               if item.data["asset"] == "candle" or item.data["name"] == "match"]
    plan.check("the candles, and so their flames at the wicks, are in view all through "
               "(checked on render)", visible=candles, fraction=1.0, inside=True)
    for k, name in enumerate(flames):
        if outs is not None:
            if k in outs:
                plan.check("the flame nearest the air goes out", goes_out=name,
                           before=round(end, 2))
            else:
                plan.check("the air passes it by: it burns on", stays_lit=name)
        elif keep:
            plan.check("it burns on", stays_lit=name)
        else:
            plan.check("it is blown out", goes_out=name, before=round(end, 2))
    plan.duration = round(end + SMOKE_AFTER, 1)


def _count(intent: Intent, cake: bool) -> int:
    named = next(m.count for m in intent.mentions if m.asset == "candle")
    if named > 1 or not intent.has("candles"):
        return min(named, 12)
    return 5 if cake else 3


def _ring(count: int, radius: float) -> list[tuple[float, float]]:
    if count == 1:
        return [(0.0, 0.0)]
    return [(radius * math.cos(2 * math.pi * k / count + math.pi / 2),
             radius * math.sin(2 * math.pi * k / count + math.pi / 2)) for k in range(count)]


def _flame(candle: str, k: int, count: int) -> Item:
    name = f"flame_{k + 1}" if count > 1 else "flame"
    return Item({"name": name, "on": candle}, "burning at its wick" if k == 0 else "")


def _breath(plan: Plan, spots: list[tuple[float, float]], wick: float, keep: bool) -> float:
    """One breath aimed at each flame in turn, sweeping across from one side; when the
    prompt says they stay lit, a breath too soft to put any out. Returns when the last
    flame should be out."""
    mouth = [-MOUTH_BACK, 0.0, round(wick + MOUTH_UP, 3)]
    order = sorted(range(len(spots)), key=lambda k: spots[k][1])
    start = BLOW_START
    for turn, k in enumerate(order):
        x, y = spots[k]
        distance = math.dist(mouth, (x, y, wick))
        reach = _reach(MOUTH_DIAMETER, distance)
        needed = CANDLE_BLOW_OUT_SPEED * (0.5 if keep else MARGIN) / reach
        speed = round(min(needed, MAX_BREATH), 1)
        start = BLOW_START + turn * BLOW_SPACING
        name = plan.flames[k].data["name"]
        why = (f"a breath at {speed:g} m/s from the mouth, {distance:.2f} m away: about "
               f"{speed * reach:.1f} m/s at the flame (it goes out above "
               f"{CANDLE_BLOW_OUT_SPEED:g})")
        plan.event(why if turn == 0 else "", at=round(start, 2),
                   blow={"from": mouth, "toward": name, "speed": speed,
                         "diameter": MOUTH_DIAMETER, "duration": BLOW_LENGTH})
    return start + BLOW_LENGTH + 0.2


def _one_jet(plan: Plan, spots: list[tuple[float, float]], wick: float, fan: bool) -> float:
    """A fan's stream (or a breath) from beside the first candle of the row, across it,
    strong enough to put that flame out and too narrow to reach the next: a round jet's
    speed falls off as a Gaussian across it, its half-speed radius growing as 0.094 x.
    Returns when that flame should be out."""
    diameter, back = (FAN_DIAMETER, FAN_BACK) if fan else (MOUTH_DIAMETER, MOUTH_BACK)
    x, y = spots[0]
    source = [round(x - back, 3), round(y, 3), round(wick if fan else wick + MOUTH_UP, 3)]
    distance = math.dist(source, (x, y, wick))
    reach = _reach(diameter, distance)
    speed = round(min(CANDLE_BLOW_OUT_SPEED * MARGIN / reach, MAX_BREATH), 1)
    what = "a desk fan's stream" if fan else "a breath"
    plan.event(f"{what} of {diameter * 100:g} cm at {speed:g} m/s from {distance:.2f} m "
               f"beside the first flame: about {speed * reach:.1f} m/s there (it goes out "
               f"above {CANDLE_BLOW_OUT_SPEED:g}), the next {ROW_SPACING * 100:g} cm away "
               "out of the stream", at=BLOW_START,
               blow={"from": source, "toward": plan.flames[0].data["name"], "speed": speed,
                     "diameter": diameter, "duration": 1.0})
    return BLOW_START + 1.0


def _reach(diameter: float, distance: float) -> float:
    """The share of a round jet's speed at its mouth left on its axis `distance` away."""
    return min(1.0, CORE_DIAMETERS * diameter / distance)


def _wind_speed(intent: Intent) -> float | None:
    if intent.speed is not None and any(intent.has(w) for w in WIND_WORDS):
        return intent.speed
    found = [speed for word, speed in WIND_WORDS.items() if intent.has(word)]
    return max(found) if found else None


def _wind(plan: Plan, speed: float, keep: bool, out: bool) -> tuple[float, bool]:
    """A wind from -x that starts after a moment of still air: as named, but softer than the
    blow-out speed when the prompt says the flames stay lit, and at least 1.5 times it when
    it says the wind puts them out. Returns when they should be out, and whether they stay
    lit (otherwise: as the speed has it)."""
    if keep:
        speed = min(speed, 0.5 * CANDLE_BLOW_OUT_SPEED)
    elif out:
        speed = max(speed, MARGIN * CANDLE_BLOW_OUT_SPEED)
    keep = speed < CANDLE_BLOW_OUT_SPEED
    # a wind whose gusts would reach the blow-out speed its mean stays under blows steadily,
    # so that the outcome the checks claim is the one the speed gives
    steady = speed < CANDLE_BLOW_OUT_SPEED <= speed * peak_factor(GUSTS, FLUTTER)
    plan.wind.append(Item({"velocity": [round(speed, 2), 0.0, 0.0],
                           "gusts": 0.0 if steady else GUSTS,
                           "turbulence": 0.0 if steady else FLUTTER, "start": BLOW_START},
                           f"a wind of {speed:g} m/s (a candle goes out above "
                           f"{CANDLE_BLOW_OUT_SPEED:g} m/s)"))
    return BLOW_START + 1.0, keep


def _camera(spots: list[tuple[float, float]], wick: float, closest: float,
            window: bool = False) -> tuple[dict, str]:
    """Close on the flames from the side away from the breath, a little above them; with a
    window, back far enough for it to show behind them."""
    half = max(max(abs(y) for _, y in spots), max(abs(x) for x, _ in spots)) + 0.08
    distance = max(closest, 2.2 * half)
    if window:
        return ({"position": [round(0.9 * distance, 3), round(-1.35 * distance, 3),
                              round(wick + 0.45 * distance, 3)],
                 "look_at": [round(WINDOW_BACK / 2, 3), 0.0, round(wick + 0.12, 3)],
                 "fov": 55.0},
                "back from the candles, the window the air comes in by behind them")
    look = [0.0, 0.0, round(wick - 0.02, 3)]
    position = [round(0.55 * distance, 3), round(-0.8 * distance, 3),
                round(wick + 0.35 * distance, 3)]
    why = "close on the candles, across from the breath, so each flame is seen to lean"
    return {"position": position, "look_at": look, "fov": 40.0}, why
