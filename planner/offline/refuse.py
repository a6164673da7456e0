"""Out-of-scope physics: refuse it, or leave it out when it is only scenery."""
from __future__ import annotations

import re

from bridge.errors import RefusedError
from planner.offline import squeezing

# (pattern, what the engine cannot simulate); patterns match whole words in lowercase text.
AGENTS = "humans and animals acting"
TOPICS: list[tuple[str, str]] = [
    ((r"cloth|tablecloth\w*|towel|flags?|fabric|curtain|rope|string|sheet of paper|plastic wrap|"
     r"cling film|rubber sheet|blanket|napkin|ribbon|scarf|scarves|silk|shirt|dress|sock|socks|"
     r"drap\w*|parachute|banner"),
     ("cloth beyond a flag or curtain in the wind, a cloth dropped over a body and a "
      "tablecloth pulled, rope beyond a pendulum's, one hung between two posts or a weight's "
      "on a slack rope, and thin sheets (deformable)")),
    ((r"squeez\w*(?! of)|squash\w*|crush\w*|compress\w*|press\w* down|deform\w*|dent\w*|stretch\w*|"
     r"sponge|jelly|jello|dough|clay model|toothpaste|sagg\w*|bend\w*|bent|squish\w*|"
     r"cushion\w*|pillow\w*|mattress\w*|trampoline|soft body|soft bodies"),
     ("soft bodies beyond a squeezed or pressed toy, sponge, jelly or foam (dough, clay, "
      "cushions, a sponge holding water, stretching, bending)")),
    ((r"balloon\w*|inflat\w*|deflat\w*|puncture\w*|pierc\w*|pop\w*|needle|penetrat\w*|"
     r"soap bubbles?|bubbles?"), "inflation, puncture and bubbles"),
    ((r"fire(?! truck| engine| hydrant| station)|flames?|burn\w*|ignit\w*|candles?|smoke|smoking|match|matches|explo\w*|spark\w*|"
     r"combust\w*"), "fire, flames and smoke"),
    ((r"melt\w*|boil\w*|freez\w*|frozen over|temperature|heat\w*|steam\w*|vapou?r|"
     r"condens\w*|evaporat\w*|sublimat\w*|dry ice|frost\w*|thaw\w*|warm\w*|cool(?!ers?\b)\w*|"
     r"°c|degrees celsius|solidif\w*|fog|mist|dew|dewdrop|humid\w*"),
     "heat and phase changes (melting, boiling, freezing, condensation)"),
    # 'a light bulb falls and shatters' is a thing that breaks; a bulb that lights up glows
    ((r"light(?=\s*(?:$|[.,;]|beams?|rays?|shin\w*|pass\w*|from|of|source|is|and|through))|lights|laser|beam|ray|rays|shadow\w*|reflect\w*|refract\w*|prism\w*|"
     r"rainbow|lens|magnif\w*|sunlight|glow\w*|shine|shines|shining|sparkl\w*|glisten\w*|tyndall|"
     r"iridescen\w*|interference|diffraction|dispersion|projector|flashlight"),
     "optics (light, shadows, reflection, refraction, rainbows)"),
    ((r"dissolv\w*|(?<!chain )reacti\w*|react|chemical\w*|acid\w*|alkal\w*|litmus|rust\w*|oxid\w*|"
     r"corro\w*|decay\w*|ferment\w*|mix\w*|stir\w*|blend\w*|ink|dye|soluble|chang\w* colou?rs?|"
     # colours that mix ('until it turns purple'); a can of paint that spills is a liquid
     r"baking soda|vinegar|(?:turns?|turned|turning) (?!(?:a|an|the|its|his|her|their)\b)"
     r"(?:\w+ )?(?:purple|violet|brown|green|pink|grey|gray)\b|"
     r"(?:pour\w*|add\w*) in(?:to)? an? \w+ of"),
     "chemistry and mixing (dissolving, reacting, rusting)"),
    ((r"surface tension|droplets?|drops of|capillar\w*|meniscus|soap film|film of|"
     r"thin layer"), "surface tension and thin liquid films"),
    ((r"air pressure|vacuum|suction|atmospher\w*|air (is|being) \w+ (out|extracted)|"
     r"extract\w*|pump(?:s|ed|ing)?|wind|blow\w*|breath\w*|gust"),  # not a pumpkin
     "air pressure, wind and airflow"),
    # what writes, where it writes: a pencil that rolls off a desk is a rigid rod (a stand-in),
    # a drawer is no drawing
    (r"chalk|highlighter|writ\w*|draw(?!ers?\b)\w*|scribbl\w*|erase\w*",
     "writing and drawing (material transfer)"),
    # 'a kid's toy tower': whose toy it is, not who acts
    ((r"(?:man|woman|men|women|person|people|boy|girl|child|children|kid|kids|player|hand|hands|"
     r"grandmother|grandma|granny|grandfather|grandpa|"
     r"(?:golfers?|bowlers?|toddlers?|bab(?:y|ies)|waiters?|waitress|students?|teachers?|"
     r"workers?|magicians?)(?!['’]s\b)(?!s?['’])|"
     r"finger\w*|he|she|someone|somebody|chef|athlete|dog|cat|bird|birds|horse|"
     r"animal\w*|insect\w*|(?<!rubber )(?<!toy )duck|robot arm|fish(?! tank| bowl))"
     r"(?!['’]s toys?\b)"), AGENTS),
    (r"timelapse|time-lapse|over (years|decades|months|days)|for (years|decades|hours|days)",
     "processes over hours or years (timelapse)"),
    # "onto the grass", "on grass": the ground a thing lands on, not a plant that acts
    (r"grow\w*|plant\w*|leaf|leaves|flower\w*|(?<!the )(?<!on )(?<!onto )grass|hay",
     "plants and growth"),
    (r"sand|snow(?! globes?)|mud|powder|dust|flour|grains?",
     "granular materials (sand, snow, powder)"),
    (r"electric\w*|magnet\w*|lightning", "electricity and magnetism"),
    (r"sound|music|echo\w*|vibrat\w*", "sound and vibration"),
]
_COMPILED = [(re.compile(rf"\b(?:{p})\b"), reason) for p, reason in TOPICS]

# An agent whose only part is the launch or push it gives ("a player shoots", "a hand pushes
# the glass"): the planner applies that launch or force, and the agent is left out.
INCIDENTAL = re.compile(r"(?:'s)?\s+(?:\w+ly\s+)?(?:shoot(?:s|ing)?|throw(?:s|ing)?|threw|"
                        r"toss(?:es|ing|ed)?|kick(?:s|ing|ed)?|push(?:es|ing|ed)?|"
                        r"shov(?:e|es|ing|ed)|knock(?:s|ing|ed)?|flick(?:s|ing|ed)?|"
                        r"tap(?:s|ping|ped)?|lob(?:s|bing|bed)?|hurl(?:s|ing|ed)?|"
                        r"launch(?:es|ing|ed)?|roll(?:s|ing|ed)?|drop(?:s|ping|ped)?|"
                        r"nudg(?:e|es|ing|ed)|bowl(?:s|ing|ed)?|serv(?:e|es|ing|ed)|"
                        r"hit(?:s|ting)?|strik(?:e|es|ing)|struck|paw(?:s|ing|ed)?|"
                        r"swat(?:s|ting|ted)?|bump(?:s|ing|ed)?|putt(?:s|ing|ed)?|"
                        # 'gives the glass a shove', 'gave the ball a good kick'
                        r"(?:giv(?:e|es|ing)|gave)\s+(?:\w+\s+){1,3}?an?\s+(?:\w+\s+)?"
                        r"(?:shove|push|nudge|kick|tap|flick|knock|bump|whack|smack))\b")

# An agent who blows (after `_candle_air`): their breath is simulated, they are not.
BREATHES = re.compile(r"(?:'s)?\s+(?:\w+ly\s+)?(?:puffs)\b")
# An agent who opens a window or a door and lets in the wind that blows on a candle or a
# cloth: that air is simulated, the agent is not.
OPENS = re.compile(r"(?:'s)?\s+(?:\w+ly\s+)?(?:opens?|opened|opening|throws? open)\s+"
                   r"(?:the |a |an |her |his |their )?(?:\w+ )?(?:windows?|doors?|shutters?|"
                   r"casements?)\b")
# Around candles: their flames and smoke, and the air that blows on them, are simulated.
CANDLE = re.compile(r"\b(candles?|match(es)?|matchsticks?)\b")
WAX_BURNING_AWAY = re.compile(r"\b(burn\w* (down|away|out|up)|melt\w*|drip\w*)\b")
# only a candle's own burning: "a burning car" beside a candle is still fire
CANDLE_FIRE = re.compile(r"\b(candles?|match(es)?|matchsticks?|flames?|smoke|smoking|lit|glow\w*|"
                         r"burn\w*(?= candles?)|(?:(?<=candle )|(?<=candles )|(?<=match )|"
                         r"(?<=matches )|(?<=keep )|(?<=keeps )|(?<=still )|(?<=stay ))burn\w*)\b")
CANDLE_BREATH = re.compile(r"\b(blow\w*|blew|breath\w*|exhal\w*|puff\w*)\b")
CANDLE_WIND = re.compile(r"\b(wind|winds|windy|breeze|breezes|gusts?|gusty|draughts?|drafts?)\b")

# In the cloth scenarios (planner/offline/fabric.py): the cloth, a flag's wind, and who pulls
CLOTH_WORDS = re.compile(r"\b(table ?cloths?|cloths?|flags?|banners?|pennants?|fabric|silk|"
                         r"cotton|canvas)\b")
CURTAIN_WORDS = r"curtains?|drapes"
DROPPED_CLOTH_WORDS = r"towels?|blankets?|(?:bed ?)?sheets?|napkins?|scarf|scarves"
HUNG_CLOTH = re.compile(rf"\b({CURTAIN_WORDS}|{DROPPED_CLOTH_WORDS}|drap\w*)\b")
AIR_WORDS = r"winds?|windy|breezes?|gusts?|gusty|gales?|blow\w*"
PULL_WORDS = r"pull\w*|yank\w*|snatch\w*|whip\w*|jerk\w*|tug\w*|whisk\w*"
CLOTH_AIR = re.compile(rf"\b({AIR_WORDS})\b")
WINDBLOWN = ("flag", "curtain", "laundry")  # the cloth scenarios with a wind
PULLS = re.compile(rf"(?:'s)?\s+(?:\w+ly\s+)?(?:{PULL_WORDS})\b")

# In the soft-body scenarios (planner/offline/squeezing.py): the thing, how it is deformed,
# and who squeezes it
SQUEEZES = re.compile(r"(?:'s)?\s+(?:\w+ly\s+)?handles\b")
HANDS = re.compile(r"hands?|fingers?")  # "squeezed by hand": the hand is the squeeze

# Words that introduce scenery: what follows them sets the scene, it does not act.
# a tablecloth something spills on, soaks or stains, lying still on its table
TABLE_COVER = re.compile(r"\b(?:on|onto|across|over|into|soak\w*|stain\w*)\b(?: \w+){0,2}? "
                         r"(table ?cloths?)\b")
PULLED_CLOTH = re.compile(rf"\b(?:{PULL_WORDS})\b")
COVER = ("stood in by the table's top, drawn as white cloth: a tablecloth lying still on its "
         "table is its cover, not simulated as cloth")
SCENERY_CUES = re.compile(
    r"\b(lit by|in a room (?:lit by|with|full of)|by the light of|in the background|"
    r"background|next to|beside|near|under|beneath|surrounded by|while|as .{0,20} watch\w*|"
    r"in front of|with .{0,30} behind|decorated with|on a (?:sunny|rainy|windy) day|"
    r"at (?:sunset|dusk|dawn|night)|in (?:the )?(?:sunlight|candlelight|moonlight))\b")


def screen(text: str, has_action: bool, candles: bool = False,
           cloth: str | None = None, soft: str | None = None, rope: bool = False,
           air: bool = False, airless: bool = False) -> list[str]:
    """Raise RefusedError for out-of-scope physics; return the scenery left out, and the
    agents that act only through the launch or push they give (a player who shoots). With
    `candles` (the prompt is about candle flames in the air) their words are in scope; with
    `cloth` ('flag' or 'tablecloth', the cloth scenario planned), its cloth and air words;
    with `soft` ('squeeze' or 'press'), the soft thing and the squeezing words; with `rope`
    (a slack rope planned), its rope words; with `air` (wind on light things planned), its
    wind words; with `airless` (things fall in a vacuum), the vacuum's words."""
    lowered, covered = _covered(_hung_ropes(_billiards_rails(text.lower()), rope), cloth)
    if airless:  # a vacuum chamber's vacuum is world.air: false, not air pressure
        lowered = re.sub(r"\bvacuum\b(?! (?:cleaner|sealed|packed|tube|pump|bag|hose))",
                         "airless", lowered)
    if air:  # the leaf blower's leaf is no plant
        lowered = CLOTH_AIR.sub("airflow", re.sub(r"\bleaf blowers?\b", "blower", lowered))
    if air or candles:  # an electric fan's air is simulated; its motor is no subject
        lowered = re.sub(r"\belectric (fans?|blowers?)\b", r"\1", lowered)
    if candles:
        lowered = _candle_air(lowered)
    if cloth:
        lowered = _cloth_words(lowered, cloth)
    if soft:
        lowered = squeezing.PRESS.sub("handles", squeezing.SQUEEZE.sub(
            "handles", squeezing.SOFT_WORDS.sub("toy", lowered)))
    omitted = covered
    for pattern, reason in _COMPILED:
        for match in pattern.finditer(lowered):
            if has_action and _is_scenery(lowered, match.start()):
                omitted.append(f"{match.group(0)} ({reason.split(' (')[0]} is not simulated)")
                continue
            if reason == AGENTS and BREATHES.match(lowered, match.end()):
                omitted.append(f"{match.group(0)} (only the breath it gives is simulated)")
                continue
            if reason == AGENTS and _lets_in_air(text.lower(), candles, cloth, air) and \
                    OPENS.match(lowered, match.end()):
                omitted.append(f"{match.group(0)} (only the air it lets in is simulated)")
                continue
            if reason == AGENTS and cloth == "tablecloth" and PULLS.match(lowered, match.end()):
                omitted.append(f"{match.group(0)} (only the pull it gives the cloth is "
                               "simulated)")
                continue
            if reason == AGENTS and soft and (SQUEEZES.match(lowered, match.end())
                                              or HANDS.fullmatch(match.group(0))):
                omitted.append(f"{match.group(0)} (only the squeeze or press it gives is "
                               "simulated)")
                continue
            if reason == AGENTS and INCIDENTAL.match(lowered, match.end()):
                omitted.append(f"{match.group(0)} (only the launch or push it gives is "
                               "simulated)")
                continue
            raise RefusedError(
                f"refused: the prompt needs {reason}, which the engine cannot simulate "
                f"('{match.group(0)}'); it simulates rigid bodies, breakage, poured liquids "
                "in containers, buoyancy and gravity changes, candles or a match in a breath "
                "or a wind, a flag or a curtain in the wind, a cloth dropped (or sliding off a "
                "drying rack) over a table, a box, a ball or a bucket, a tablecloth pulled "
                "from under dishes or flinging them off, a rubber duck, sponge, "
                "jelly or foam squeezed or pressed, and ropes and chains that swing, hang "
                "between two posts or snap taut under a weight")
    return list(dict.fromkeys(omitted))


def _covered(text: str, cloth: str | None) -> tuple[str, list[str]]:
    """A tablecloth lying still on its table, a liquid spilled on it ('red wine spreads across
    the white tablecloth'), is the table top's cover: the text with it read as that, and
    its claim. A tablecloth pulled, and other cloth, are not."""
    found = TABLE_COVER.search(text)
    if cloth is not None or found is None or PULLED_CLOTH.search(text):
        return text, []
    return re.sub(r"\btable ?cloths?\b", "table top", text), [f"{found.group(1)} ({COVER})"]


def _billiards_rails(text: str) -> str:
    """On a pool table a cushion is the rigid rail, not a soft pillow."""
    if re.search(r"\b(pool|billiards?|snooker)\b", text):
        return re.sub(r"\bcushions?\b", "rail", text)
    return text


def _candle_air(text: str) -> str:
    """A candle's flame, its smoke and a breath or a wind on it are simulated (an air
    field and a flame model); other fire is not."""
    if WAX_BURNING_AWAY.search(text):
        return text  # scenery, or wax burning away over minutes, which is not simulated
    text = CANDLE_FIRE.sub("taper", text)
    return CANDLE_WIND.sub("airflow", CANDLE_BREATH.sub("puffs", text))


def _cloth_words(text: str, cloth: str) -> str:
    """A tablecloth pulled from a table, a flag or a curtain and the wind on it, and a cloth
    dropped over a body are simulated (a MuJoCo sheet, an air field); other cloth, and air
    elsewhere, are not."""
    text = CLOTH_WORDS.sub("sheet", text)
    if cloth in ("curtain", "drape", "laundry"):
        text = HUNG_CLOTH.sub("sheet", text)
    return CLOTH_AIR.sub("airflow", text) if cloth in WINDBLOWN else text


def _lets_in_air(text: str, candles: bool, cloth: str | None, air: bool) -> bool:
    """A wind is planned that an opened window or door can let in: on candles that the
    prompt says it blows on, on a flag, a curtain or washing on a line, or on light things."""
    return air or cloth in WINDBLOWN or (
        candles and CANDLE_WIND.search(text) is not None)


def candles_act(text: str) -> bool:
    """Candles are what the prompt is about, not scenery ('a room lit by candles')."""
    lowered = text.lower()
    return any(not _is_scenery(lowered, m.start()) for m in CANDLE.finditer(lowered))


def _hung_ropes(text: str, slack: bool = False) -> str:
    """A rope or string a pendulum hangs from, or one hung slack, is a chain of rigid links,
    which the engine simulates; a rope in a heap or a knot it does not."""
    if slack:  # strung or stretched between posts is how a rope is hung, not a soft body
        text = re.sub(r"\bstretch\w*", "strung", text)
    if slack or re.search(r"\b(pendul\w*|swing\w*|hang\w*|hung)\b", text):
        return re.sub(r"\b(ropes?|strings?)\b", "tether", text)
    return text


def _is_scenery(text: str, at: int) -> bool:
    """A term is scenery when a scenery cue precedes it in the same clause."""
    clause_start = max(text.rfind(p, 0, at) for p in (",", ".", ";", " and ", " but "))
    return SCENERY_CUES.search(text, max(clause_start, 0), at) is not None
