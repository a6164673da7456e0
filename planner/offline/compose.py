"""Prompt -> Draft: screen, parse, pick a scenario, write the commented scene document."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from bridge.errors import RefusedError, UserError
from planner.offline import actors as ac
from planner.offline import (
    camera,
    candles,
    fabric,
    gusts,
    refuse,
    scenarios,
    squeezing,
    vehicles,
)
from planner.offline import lexicon as lx
from planner.offline.layout import Item, Plan
from planner.offline.motion_claims import says_it_stops
from planner.offline.parse import Intent, parse
from planner.trace import Claim

MAX_PROMPT = 2000  # characters; a scene sentence is far shorter
STOP = {"a", "an", "the", "of", "is", "are", "and", "on", "in", "to", "with", "from", "into"}

# scenarios that work out their timings for the plan's gravity (the Moon's too)
GRAVITY_AWARE = frozenset({"drop", "bounce"})


@dataclass
class Draft:
    """A planned scene script with what was understood and what was left out."""

    document: CommentedMap
    notes: list[str] = field(default_factory=list)
    omitted: list[str] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    intent: Intent | None = None  # what the prompt asked for: the claim checker's yardstick


def plan_offline(prompt: str, seed: int = 0) -> Draft:
    """Plan a scene for `prompt` without any model; RefusedError or UserError when it cannot."""
    text = _checked(prompt)
    intent = parse(text)
    omitted = refuse.screen(text, has_action=bool(intent.mentions and intent.actions),
                            candles=candles.wanted(intent), cloth=fabric.wanted(intent),
                            soft=squeezing.wanted(intent), rope=scenarios.rope_scene(intent),
                            air=gusts.wanted(intent) is not None and not fabric.wanted(intent),
                            airless=intent.airless is not None)
    plan = Plan(name=_slug(intent))
    _airless(plan, intent)
    asked = {m.word: m.count for m in intent.mentions}  # a scenario may split a count up
    scenario = scenarios.fill(plan, intent)
    if any(o.endswith(f"({refuse.COVER})") for o in omitted) and not _cover_tables(plan):
        omitted = [o.replace(refuse.COVER, NO_TABLE) for o in omitted]
    _airless_claim(plan, intent, scenario)
    _drop_place_claim(plan, intent)
    if intent.ground_material and plan.ground is not None:  # "onto the carpet" names the floor
        plan.ground["material"] = intent.ground_material
    _negate(plan, intent)
    camera.unframe_denied(plan)
    _comes_to_rest(plan, intent)
    _apply_duration(plan, intent)
    environment, why = _place(plan, intent)
    sized = ac.size_particles(plan)
    notes = [f"scenario: {scenario}", *plan.notes, *_understood(intent),
             f"place: {environment} ({why})", *([sized] if sized else [])]
    claims = [*_stand_ins(intent, plan, asked), *plan.claims, *place_claims(intent, environment),
              *map(_left_out, omitted), *_added(plan, intent)]
    return Draft(_document(plan, intent, text, seed, (environment, why)), notes, omitted, claims,
                 intent)


def _checked(prompt: str) -> str:
    if not isinstance(prompt, str) or not prompt.strip():
        raise UserError("the prompt is empty: describe a physical event, e.g. "
                        f"'{scenarios.EXAMPLES[0]}'")
    if len(prompt) > MAX_PROMPT:
        raise UserError(f"the prompt is {len(prompt)} characters long; keep it under "
                        f"{MAX_PROMPT} (one or two sentences about the event)")
    return " ".join(prompt.split())


def _slug(intent: Intent) -> str:
    words = [t for t in intent.tokens if t not in STOP][:6]
    slug = re.sub(r"[^a-z0-9-]", "", "-".join(words))[:60].strip("-")
    return slug or "planned-shot"


SURVIVABLE_FLOOR = "foam"  # a soft mat: what must not break lands on it
REST_BY = 5.0  # s: long enough for a rolling ball to settle
CLOTH_WHITE = (0.95, 0.95, 0.93)  # a white tablecloth
NO_TABLE = "no table in the script for the tablecloth to cover"


def _negate(plan: Plan, intent: Intent) -> None:
    """'does not break': the scenario's own check for that outcome, turned around to hold
    for the whole shot."""
    kinds = lx.denied_checks(intent.negated)
    for item in plan.expect:
        kind = next((k for k in kinds if k in item.data), None)
        if kind is not None:
            item.data.pop("before", None)
            item.data["not"] = True
            item.why = f"the prompt says it does not happen ({kind}, negated)"
    if kinds:
        plan.notes.append(f"negated outcomes: {', '.join(sorted(kinds))}")
    if "shatters" in kinds and plan.ground is not None and intent.ground_material is None:
        plan.ground["material"] = SURVIVABLE_FLOOR
        plan.notes.append(f"a {SURVIVABLE_FLOOR} floor, so that what falls can survive it")


def _comes_to_rest(plan: Plan, intent: Intent) -> None:
    """'rolls to a stop', 'comes to rest': the moving body is checked at rest by the end."""
    checked = {k for item in plan.expect for k in item.data}
    lead = plan.followed()
    # "never comes to rest": no check for that
    if lead is None or "comes_to_rest" in checked or not says_it_stops(intent.text.lower()):
        return
    plan.duration = max(plan.duration, REST_BY)
    plan.check("the prompt has it come to a stop", comes_to_rest=lead)


def _apply_duration(plan: Plan, intent: Intent) -> None:
    if intent.duration:
        plan.duration = round(min(max(intent.duration, 0.5), 20.0), 3)


def _place(plan: Plan, intent: Intent) -> tuple[str, str]:
    """world.environment and the comment saying what chose it: the place the prompt names,
    else the first default that fits the scene."""
    if intent.place:
        return intent.place, "named in the prompt: " + ", ".join(
            f"'{w}'" for w in intent.place_words)
    assets = {item.data["asset"] for item in plan.bodies}
    if intent.zero_g:
        place, why = "space_station", "weightless, so aboard a space station"
    elif intent.has("basketball", "basketballs"):
        place, why = "court", "a basketball, so a court"
    elif "soccer_goal" in assets:
        place, why = "none", "a goal on open turf, under the sky"
    elif "candle" in assets:
        place, why = "living_room", "candles, so a living room"
    elif any(item.data["name"] == "flag" for item in plan.cloth):
        place, why = "none", "a flag in the wind, under the open sky"
    elif "clothesline" in {item.data["name"] for item in plan.bodies}:
        place, why = "none", "washing on a line, out of doors"
    elif any(item.data["name"] == "curtain" for item in plan.cloth):
        place, why = "living_room", "a curtain, so a living room"
    elif "table" in assets and assets & lx.TABLEWARE:
        place, why = "kitchen", "a table set with tableware"
    else:
        place, why = "studio", "a plain studio"
    return place, f"default (no place named): {why}"


def _airless(plan: Plan, intent: Intent) -> None:
    """'on the moon', 'in a vacuum chamber': no air (world.air: false), and the Moon's
    gravity, set before the scenario so that it works out its falls there."""
    if intent.airless is None:
        return
    plan.air = False
    g = lx.AIRLESS[intent.airless]
    if g is not None:
        plan.gravity = (0.0, 0.0, -g)


def _drop_place_claim(plan: Plan, intent: Intent) -> None:
    """'dropped from a balcony': its height stands in for it where the scenario lets things
    go from there; a scenario that does not (into a river's water) drops it, saying so."""
    if intent.drop_place is None:
        return
    tops = [b.data["position"][2] for b in plan.bodies
            if not b.data.get("static") and "position" in b.data]
    if tops and max(tops) >= intent.height - 0.05:
        plan.claims.append(Claim(intent.drop_place, "place", "stood_in", f"not drawn: things "
                                 f"are let go from {intent.height:g} m, its height"))
    else:
        plan.claims.append(Claim(intent.drop_place, "place", "dropped", f"its height "
                                 f"({intent.height:g} m) is not where the scenario lets things "
                                 "go"))


def _airless_claim(plan: Plan, intent: Intent, scenario: str) -> None:
    """The airless place as a claim, once the scenario is known: a drop and a bounce work
    out their timings for the place's gravity; the other scenarios' assume Earth's. Wind, a
    breath or a flame there is refused: they need air."""
    if intent.airless is None:
        return
    if plan.wind or plan.flames or any("blow" in e.data for e in plan.events):
        raise RefusedError(f"refused: '{intent.airless}' has no air, and the prompt needs air "
                           "there (wind, a breath or a flame); drop or roll things there, "
                           "or leave the place out")
    g = lx.AIRLESS[intent.airless]
    worked = "the checks are worked out for it" if scenario in GRAVITY_AWARE else (
        "the scenario's timings assume Earth's gravity, so its checks may take revision "
        "rounds" if g else "nothing in the scenario depends on the air")
    plan.claims.append(Claim(intent.airless, "place", "planned", (
        f"world.gravity {g:g} m/s2 and " if g else "") + "world.air: false, a vacuum: nothing "
        f"feels drag there; {worked}"))


def place_claims(intent: Intent, written: str | None) -> list[Claim]:
    """The place the prompt names as a claim: look alone, so `planned` when the script's
    world.environment (`written`) is that place and never checked; `dropped` when it is not."""
    if intent.place is None:
        return []
    words = ", ".join(intent.place_words)
    if written == intent.place and intent.place_stand_in:
        drawn = "open ground under the sky" if written == "none" else f"the {written}"
        return [Claim(words, "place", "stood_in", f"no {words} surroundings in the library: "
                      f"{drawn} stands in (world.environment: {written}; look alone)")]
    if written == intent.place:
        others = ", ".join(intent.also_named)
        return [Claim(words, "place", "planned", f"world.environment: {written}; look alone, "
                      "drawn around the action but not simulated, so nothing checks it")] + (
            [Claim(others, "place", "stood_in", f"no {others} surroundings in the library: "
                   f"the {written} ({words}) stands in; look alone")] if others else [])
    return [Claim(words, "place", "dropped", f"the prompt names {intent.place} but the script's "
                  f"world.environment is {written or 'missing'}")]


def _cover_tables(plan: Plan) -> bool:
    """A table under a tablecloth: its top is cloth, white felt to the touch and the eye.
    Whether the plan has a table to cover."""
    tables = [item for item in plan.bodies if item.data.get("asset") == "table"]
    for item in tables:
        item.data.update(material="felt", color=list(CLOTH_WHITE))
        item.why += "; its tablecloth is its top, white felt"
    return bool(tables)


def _left_out(omitted: str) -> Claim:
    """refuse.screen's 'candles (fire, flames and smoke is not simulated)' as a claim; an agent
    whose push, launch or squeeze the plan applies ('a cat (only the push it gives is
    simulated)') is stood in for by that force, not dropped."""
    words, _, why = omitted.partition(" (")
    why = why.rstrip(")")
    if why.startswith("only the"):
        return Claim(words, "agent", "stood_in", f"{why}: that force stands in for it")
    if why == refuse.COVER:
        return Claim(words, "object", "stood_in", why)
    if why == NO_TABLE:
        return Claim(words, "object", "dropped", why)
    return Claim(words, "scenery", "dropped", f"left out: {why}")


def _added(plan: Plan, intent: Intent) -> list[Claim]:
    """Each kind of body the plan holds that the prompt did not name, with the scenario's
    reason for it (a table for the glass to stand on, a ball to knock the tower down)."""
    named = {m.asset for m in intent.mentions}
    # a car's wheels are the car's; a sedan is the car
    words = {m.word.split()[-1] for m in intent.mentions} | {k for _, k in vehicles.named(intent)}
    seen, claims = set(), []
    for item in plan.bodies:
        asset = item.data.get("asset", "")
        base = item.data["name"].split("_")[0]  # a flagpole's pole is in the prompt
        if asset in seen or base in words or base in intent.text.lower() or any(
                asset == a or asset.endswith(f"_{a}") or a.endswith(f"_{asset}") for a in named):
            continue
        seen.add(asset)
        reason = item.why or "no reason given"
        claims.append(Claim(item.data["name"], "added", "planned" if item.why else "dropped",
                            f"not in the prompt; added as {asset}: {reason}"))
    return claims


def _copies(plan: Plan, base: str) -> int:
    """The plan's bodies named for `base` ('toy_car', 'toy_car_2', 'toy_car_01')."""
    name = re.compile(rf"{re.escape(base)}(?:_\d+)?")
    return sum(1 for item in plan.bodies if name.fullmatch(item.data["name"]))


def _stand_ins(intent: Intent, plan: Plan | None = None,
               asked: dict[str, int] | None = None) -> list[Claim]:
    """The things a library shape plays, with the count the prompt `asked` for ('2 x toy
    car'), dropped when the plan made fewer of them."""
    claims = []
    for m in {m.word: m for m in intent.mentions if m.noun.stand_in}.values():
        count = (asked or {}).get(m.word, m.count)
        text = f"{count} x {m.word}" if count > 1 else m.word
        made = count if plan is None else _copies(plan, m.noun.label or m.asset)
        article = "an" if m.asset[0] in "aeiou" else "a"
        claims.append(Claim(text, "object", "stood_in", f"not in the asset library; {article} "
                            f"{m.asset} of its size and weight plays it") if made >= count else
                      Claim(text, "object", "dropped", f"the script has {made} of the "
                            f"{count} asked for"))
    return claims


def _understood(intent: Intent) -> list[str]:
    objects = ", ".join(f"{m.count} x {m.word} ({m.asset}"
                        + (f", {m.material}" if m.material else "")
                        + (f", full of {m.liquid}" if m.liquid else "") + ")"
                        for m in intent.mentions)
    found = [f"stand-in: {c.text} is {c.detail}" for c in _stand_ins(intent)]
    found += [f"objects: {objects or 'none named'}",
             f"actions: {', '.join(sorted(intent.actions)) or 'none'}"]
    for label in ("height", "speed", "angle", "duration"):
        value = getattr(intent, label)
        if value is not None:
            found.append(f"{label}: {value:g} (SI units)")
    return found


def _document(plan: Plan, intent: Intent, prompt: str, seed: int,
              place: tuple[str, str]) -> CommentedMap:
    doc = CommentedMap()
    doc["name"] = plan.name
    doc["seed"] = seed
    doc["duration"] = plan.duration
    doc["fps"] = 24
    doc["resolution"] = _flow([512, 512])
    doc["world"] = _world(plan, place)
    doc["bodies"] = _seq(plan.bodies)
    for key, items in (("liquids", plan.liquids), ("joints", plan.joints), ("ropes", plan.ropes),
                       ("water", plan.water), ("wind", plan.wind), ("flames", plan.flames),
                       ("cloth", plan.cloth), ("soft", plan.soft),
                       ("events", plan.events)):
        if items:
            doc[key] = _seq(items)
    view, why = camera.frame(plan, intent.camera)
    doc["camera"] = _nested(view)
    doc["style"] = CommentedMap(prompt=prompt[:500], negative="cartoon, blurry")
    doc["expect"] = _seq(plan.expect + (plan.camera_checks if camera.own_camera(intent.camera)
                                        else []))
    summary = prompt if len(prompt) <= 160 else prompt[:157] + "..."
    doc.yaml_set_start_comment(f"planned offline from: {summary}\nnumbers are SI units; "
                               "every choice is explained beside it")
    doc.yaml_add_eol_comment(f"{plan.duration:g} s is enough for the action to play out",
                             "duration")
    doc.yaml_add_eol_comment(why, "camera")
    return doc


def _world(plan: Plan, place: tuple[str, str]) -> CommentedMap:
    world = CommentedMap(gravity=_flow(list(plan.gravity)))
    world["ground"] = _nested(plan.ground) if plan.ground is not None else None
    if plan.ground is None:
        world.yaml_add_eol_comment("no floor: nothing to land on in free fall", "ground")
    if not plan.air:
        world["air"] = False
        world.yaml_add_eol_comment("a vacuum: nothing feels drag", "air")
    world["environment"] = place[0]
    # two spaces after the value (indented 2): ruamel would align it with the ground's comment
    world.yaml_add_eol_comment(place[1], "environment", column=len(f"environment: {place[0]}") + 4)
    return world


def _seq(items: list[Item]) -> CommentedSeq:
    seq = CommentedSeq()
    for k, item in enumerate(items):
        seq.append(_nested(item.data, flow=True))
        if item.why:
            seq.yaml_add_eol_comment(item.why, k)
    return seq


def _nested(value, flow: bool = False):
    """Plain data -> ruamel containers; lists of numbers always print inline."""
    if isinstance(value, dict):
        out = CommentedMap((k, _nested(v, flow)) for k, v in value.items())
        if flow:
            out.fa.set_flow_style()
        return out
    if isinstance(value, list | tuple):
        if all(isinstance(v, int | float) for v in value):
            return _flow([float(v) if isinstance(v, float) else v for v in value])
        return CommentedSeq([_nested(v, flow) for v in value])
    return value


def _flow(values: list) -> CommentedSeq:
    seq = CommentedSeq(values)
    seq.fa.set_flow_style()
    return seq
