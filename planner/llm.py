"""The LLM drafter: any OpenAI-compatible chat server writes the scene script as JSON.

The reply is data: it is parsed with `json.loads`, never evaluated, and then validated by
the agent. The client never retries by itself (the graph's RetryPolicy does, on
TransportError only) and every request has a timeout, so no call can hang. The API key
lives only in the client object; it is never logged, traced or put in an error message.
"""
from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass, field
from typing import Any

from bridge import limits
from bridge.assets.registry import ASSETS
from bridge.errors import EXIT_USER, Location, Problem, RefusedError, SimshotError, UserError
from bridge.materials import MATERIALS
from bridge.schema import ACTIONS, CHECKS, ENVIRONMENTS, Scene
from planner.feedback import Feedback
from planner.llm_claims import Stated, hold, read_claims
from planner.llm_schema import response_format, response_schema
from planner.trace import Claim

log = logging.getLogger(__name__)

DEFAULT_MODEL = "gpt-4o-mini"
DEFAULT_TIMEOUT_S = 60.0
KEY_ENV, URL_ENV, MODEL_ENV, TIMEOUT_ENV = (
    "OPENAI_API_KEY", "SIMSHOT_LLM_BASE_URL", "SIMSHOT_LLM_MODEL", "SIMSHOT_LLM_TIMEOUT")
NO_KEY = "unused"  # local servers (Ollama, llama.cpp) ignore the key, but the client wants one
REPLY = "<llm reply>"
_SCHEMA_REJECTED = re.compile(r"response_format|json_schema|schema", re.IGNORECASE)
_FENCE = re.compile(r"^\s*```(?:json)?\s*\n(.*)\n\s*```\s*$", re.DOTALL)


class TransportError(SimshotError):
    """The LLM server could not be reached or was busy (timeout, connection, 429, 5xx)."""


class LLMError(SimshotError):
    """The LLM server refused the request itself (bad key, unknown model): a setup problem."""

    exit_code = EXIT_USER


@dataclass(frozen=True)
class LLMConfig:
    """Where and how to ask; `api_key` is kept out of repr so it never lands in a log."""

    model: str = DEFAULT_MODEL
    base_url: str | None = None
    timeout_s: float = DEFAULT_TIMEOUT_S
    api_key: str = field(default=NO_KEY, repr=False)

    @classmethod
    def from_env(cls, model: str | None = None, base_url: str | None = None,
                 timeout_s: float | None = None, api_key: str | None = None) -> LLMConfig:
        """Arguments first, then OPENAI_API_KEY, SIMSHOT_LLM_BASE_URL, _MODEL and _TIMEOUT."""
        timeout = timeout_s or float(os.environ.get(TIMEOUT_ENV) or DEFAULT_TIMEOUT_S)
        return cls(model=model or os.environ.get(MODEL_ENV) or DEFAULT_MODEL,
                   base_url=base_url or os.environ.get(URL_ENV) or None,
                   timeout_s=timeout,
                   api_key=api_key or os.environ.get(KEY_ENV) or NO_KEY)


def configured(base_url: str | None = None) -> bool:
    """True when a server URL (given or in the env) or an API key is set; else plan offline."""
    return bool(base_url or os.environ.get(KEY_ENV) or os.environ.get(URL_ENV))


class LLMDrafter:
    """A Drafter that asks a chat model, keeping only the last exchange as context."""

    def __init__(self, config: LLMConfig | None = None, *, model: str | None = None,
                 base_url: str | None = None, timeout_s: float | None = None):
        from openai import OpenAI  # heavy import, only when a model is really asked

        self.config = config or LLMConfig.from_env(model, base_url, timeout_s)
        self.client = OpenAI(api_key=self.config.api_key, base_url=self.config.base_url,
                             timeout=self.config.timeout_s, max_retries=0)
        self.json_mode = False  # set once a server rejects the schema
        self.last_reply = ""
        self.stated: list[Stated] = []  # the claims of the last reply

    # the model is asked again while a claim of the prompt is dropped, not only while a
    # check fails (planner.agent)
    revises_claims = True

    @property
    def name(self) -> str:
        """The backend as the trace names it (no key, no URL credentials)."""
        return f"llm:{self.config.model}"

    def draft(self, prompt: str) -> dict:
        """A first scene document for the prompt."""
        return self._ask([{"role": "user", "content": prompt}])

    def revise(self, prompt: str, document: Any, feedback: Feedback) -> dict:
        """A corrected scene document; the model sees its last reply and the feedback."""
        return self._ask([{"role": "user", "content": prompt},
                          {"role": "assistant", "content": self.last_reply or "{}"},
                          {"role": "user", "content": feedback.text() + "\nReply with the "
                           "whole corrected JSON object."}])

    def claims(self, prompt: str, scene: Scene | None, results: list[dict]) -> list[Claim]:
        """The prompt's objects, outcomes and place as the offline parser reads them, held
        against the model's script (a floor the model cannot talk its way under), then the
        claims the model stated that the parser did not, held to the names and checks the
        model tied them to (planner.llm_claims)."""
        from planner.offline.claims import prompt_claims
        from planner.offline.compose import place_claims
        from planner.offline.parse import parse

        intent = parse(prompt)
        floor = [*place_claims(intent, scene.world.environment if scene else None),
                 *prompt_claims(intent, scene, results, set())]
        said = {c.text.lower() for c in floor}
        return floor + hold([c for c in self.stated if c.text.lower() not in said], scene,
                            results)

    def _ask(self, turns: list[dict]) -> dict:
        messages = [{"role": "system", "content": system_prompt(self.json_mode)}, *turns]
        self.stated = []  # a reply that fails below leaves no claims of the last one behind
        self.last_reply = self._complete(messages)
        reply = parse_envelope(self.last_reply)
        self.stated = read_claims(reply.get("claims"))
        return reply["scene"]

    def _complete(self, messages: list[dict]) -> str:
        import openai

        try:
            return self._create(messages)
        except openai.BadRequestError as err:
            if self.json_mode or not _SCHEMA_REJECTED.search(str(err)):
                raise LLMError(f"the LLM server rejected the request: {_reason(err)}") from None
            log.info("the server rejected the JSON schema; falling back to JSON mode")
            self.json_mode = True
            messages = [{"role": "system", "content": system_prompt(True)}, *messages[1:]]
            return self._complete(messages)

    def _create(self, messages: list[dict]) -> str:
        import openai

        fmt = {"type": "json_object"} if self.json_mode else response_format()
        log.debug("asking %s (%s)", self.config.model, fmt["type"])
        try:
            reply = self.client.chat.completions.create(
                model=self.config.model, messages=messages, response_format=fmt,
                temperature=0.2)
        except (openai.APIConnectionError, openai.RateLimitError,
                openai.InternalServerError) as err:
            raise TransportError(f"LLM server: {type(err).__name__}: {_reason(err)}") from None
        except openai.BadRequestError:
            raise
        except openai.APIStatusError as err:
            raise LLMError(f"the LLM server answered {err.status_code}: {_reason(err)}") \
                from None
        return _content(reply)


def _reason(err: Exception) -> str:
    """The server's own message, without the request (which holds the headers)."""
    body = getattr(err, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        return str(inner.get("message", inner) if isinstance(inner, dict) else inner)[:500]
    return str(getattr(err, "message", err))[:500]


def _content(reply: Any) -> str:
    if not reply.choices:
        raise UserError([Problem(Location(REPLY), "", "the reply has no choices")])
    choice = reply.choices[0]
    refusal = getattr(choice.message, "refusal", None)
    if refusal:
        raise RefusedError(f"the model refused: {refusal}")
    if choice.finish_reason == "length":
        raise UserError([Problem(Location(REPLY), "", "the reply was cut off at the token "
                                 "limit; write a shorter script")])
    return choice.message.content or ""


def parse_reply(text: str) -> dict:
    """The scene document in a reply, parsed as JSON data (never evaluated)."""
    return parse_envelope(text)["scene"]


def parse_envelope(text: str) -> dict:
    """A reply with a `scene` object (and maybe `claims`, `notes`), parsed as JSON data."""
    if len(text.encode()) > limits.MAX_SCRIPT_BYTES:
        raise _reply_error(f"the reply is longer than {limits.MAX_SCRIPT_BYTES} bytes")
    fenced = _FENCE.match(text)
    try:
        data = json.loads(fenced.group(1) if fenced else text)
    except json.JSONDecodeError as err:
        raise UserError([Problem(Location(REPLY, err.lineno, err.colno), "",
                                 f"the reply is not valid JSON: {err.msg}")]) from None
    except RecursionError:
        raise _reply_error("the reply nests too deeply") from None
    if not isinstance(data, dict):
        raise _reply_error("the reply must be a JSON object with `scene` or `refuse`")
    if isinstance(data.get("refuse"), str) and data["refuse"].strip():
        raise RefusedError(data["refuse"].strip())
    if not isinstance(data.get("scene"), dict):
        raise _reply_error("the reply has no `scene` object; put the script under `scene`")
    return data


def _reply_error(message: str) -> UserError:
    return UserError([Problem(Location(REPLY), "", message)])


def system_prompt(json_mode: bool) -> str:
    """Instructions, the asset and material names, and the schema when the server lacks it."""
    assets = "; ".join(f"{a.name} ({', '.join(a.params) or 'no params'})"
                       for a in ASSETS.values())
    text = _GUIDE.format(assets=assets, materials=", ".join(MATERIALS),
                         checks=", ".join(CHECKS), environments=", ".join(ENVIRONMENTS),
                         actions=", ".join(ACTIONS))
    if json_mode:
        # JSON mode only promises JSON, so the model must see the shape it has to follow
        text += "\nThe reply must follow this JSON schema:\n" + json.dumps(response_schema())
    return text


_GUIDE = """\
You plan physically correct video shots for a simulator of rigid bodies (PyBullet), with
liquids, candle flames in wind or breath, cloth (`cloth`, the `pull` action) and soft bodies
(`soft`, the `squeeze` and `press` actions) beside them.
Reply with one JSON object: {{"scene": {{...}}, "claims": [...], "notes": "..."}}. If the prompt needs physics
the engine cannot simulate (fire other than candles, explosions, gases, magic), reply
{{"refuse": "<why>"}} instead.
Rules: SI units (metres, kilograms, seconds); z is up, gravity -z; angles in degrees.
A body's `position` is the centre of its bottom, so a body resting on the ground has z = 0,
and one on a table of height h has z = h. Bodies must not overlap at t = 0.
`name` is a lowercase slug. Keep duration at most 10 s.
Use library assets (asset name, then params): {assets}.
Materials: {materials}.
Events fire at a time (`at`) or on contact (`on_contact: [a, b]`), with exactly one action
({actions}; a rope is cut by `cut: {{rope, at}}`).
Always add `expect` checks that state what the prompt says happens; check kinds: {checks}.
List every claim of the prompt under `claims`: each object with its count and material ("three
glass bottles"), each arrangement ("a pyramid of cans"), each outcome ("shatters", "does not
spill"), the place and the camera wishes, in the prompt's own words. Tie each to the script:
`bodies` names what plays an object, agent or arrangement; `expect` gives the indices of the
checks that test an outcome. What the script cannot hold gets `left_out` with the reason; never
leave a claim out of the list. Add no body the prompt did not ask for unless the action needs
it (a table for a glass to stand on), and say why in `notes`.
Set `world.environment`, the surroundings drawn around the action, to the place the prompt
names: one of {environments}. It is look alone (the physics never sees it): still model any
table or floor the action touches as bodies and ground. When no place is named, use
space_station in zero gravity, court for a basketball, kitchen for a table set with
tableware, and studio otherwise.
Example: {{"scene": {{"name": "ball-drop", "duration": 2.0,
"world": {{"environment": "court"}}, "bodies": [{{"name": "ball",
"asset": "basketball", "position": [0, 0, 1.5]}}], "expect": [{{"bounces": "ball"}},
{{"comes_to_rest": "ball", "on": "ground"}}]}}, "claims": [{{"text": "a basketball",
"kind": "object", "bodies": ["ball"]}}, {{"text": "bounces", "kind": "outcome",
"expect": [0]}}], "notes": "a basketball dropped from 1.5 m"}}
"""
