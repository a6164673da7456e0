"""The planning agent: a LangGraph loop of draft, validate, simulate, verify and revise.

Simulation and verification are injected, so this package never imports the physics stage.
Any UserError on the way (a reply that is not JSON, a schema or semantic problem, bodies
overlapping at t = 0) and any failed expectation goes back to the drafter as feedback, until
the shot verifies or the rounds are spent. Transport failures are retried by the graph's
RetryPolicy on the drafting nodes only; a RefusedError ends the run and propagates. A drafter
that can tell what became of the prompt's claims (`claims(prompt, scene, results)`) has them recorded
in the trace; one that can also act on them (`revises_claims`, the LLM) is asked again while a
claim is dropped, with the dropped claims in its feedback, even when every check passed.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypedDict

from langgraph.graph import END, START, StateGraph
from langgraph.types import RetryPolicy

from bridge.errors import PromptError, SimshotError, SimulationError, UserError
from bridge.schema import Scene
from planner.feedback import Feedback
from planner.llm import TransportError
from planner.llm_claims import LEFT_OUT
from planner.trace import Claim, PlanTrace, document_text, script_diff

DEFAULT_ROUNDS = 4
DEFAULT_RETRY = RetryPolicy(initial_interval=1.0, backoff_factor=2.0, max_interval=20.0,
                            max_attempts=4, retry_on=TransportError)

Validate = Callable[[Any], Scene]
Simulate = Callable[[Scene], Any]
Verify = Callable[[Scene, Any], list[dict]]
OnRound = Callable[[dict], None]


class Drafter(Protocol):
    """Writes a scene-script document from a prompt, and rewrites it from feedback."""

    def draft(self, prompt: str) -> Any:
        """A first script document for the prompt."""
        ...

    def revise(self, prompt: str, document: Any, feedback: Feedback) -> Any:
        """A new script document that answers the feedback on `document` (None if unusable)."""
        ...


class OfflineDrafter:
    """The built-in rule-based planner (planner.offline) as a Drafter; needs no network."""

    name = "offline"

    def __init__(self, seed: int = 0):
        self.seed = seed
        self.last: Any = None  # the offline Draft, which revise_offline continues from

    def draft(self, prompt: str) -> Any:
        """The offline planner's script for the prompt."""
        from planner.offline import plan_offline

        try:
            self.last = plan_offline(prompt, self.seed)
        except UserError as err:  # about the prompt, not a draft: no round can fix it
            raise PromptError(str(err)) from None
        return self.last.document

    def revise(self, prompt: str, document: Any, feedback: Feedback) -> Any:
        """The offline planner's revision, given the failed expectation results."""
        from planner.offline import revise_offline

        self.last = revise_offline(self.last, feedback.failed, feedback.round)
        return self.last.document

    def claims(self, prompt: str, scene: Scene | None, results: list[dict]) -> list[Claim]:
        """The last draft's own claims (stand-ins, things left out), then every object and
        outcome of the prompt held against the last script and its checks' results."""
        if getattr(self.last, "intent", None) is None:  # no intent: the draft's claims alone
            return list(getattr(self.last, "claims", []))
        from planner.offline.claims import draft_claims

        return draft_claims(self.last, scene, results)


@dataclass
class PlanResult:
    """The last script (validated when `scene` is set), the trace, and whether it verified:
    its checks passed (`checks_passed`) and no claim of the prompt was dropped."""

    scene: Scene | None
    document: Any
    trace: PlanTrace
    verified: bool
    outcome: Any = None  # the last script's simulation, when it ran
    checks_passed: bool = False

    @property
    def dropped(self) -> list[Claim]:
        """The prompt's claims the plan left out."""
        return dropped(self.trace.claims)


class _State(TypedDict, total=False):
    round: int
    action: str
    document: Any
    text: str  # YAML of the last script that parsed, for the next round's diff
    diff: str
    feedback: str
    errors: list[str]  # set by the one node that failed this round; drafting clears it
    scene: Scene | None
    outcome: Any
    results: list[dict]
    dropped: list[str]  # the prompt's claims this round's script left out, as feedback


def plan(prompt: str, drafter: Drafter, validate: Validate, simulate: Simulate,
         verify: Verify, rounds: int = DEFAULT_ROUNDS,
         retry: RetryPolicy = DEFAULT_RETRY, on_round: OnRound | None = None) -> PlanResult:
    """Draft, check and revise a script until its expectations pass or `rounds` are spent.

    `on_round` is called with each round's trace entry as the round ends (a live view)."""
    if rounds < 1:
        raise ValueError("rounds must be at least 1")
    trace = PlanTrace(prompt=prompt, backend=getattr(drafter, "name", type(drafter).__name__))
    graph = _build(prompt, drafter, validate, simulate, verify, rounds, retry, trace, on_round)
    # each round visits at most six nodes; the margin covers the start
    final = graph.invoke({"round": 0, "text": "", "errors": []},
                         {"recursion_limit": rounds * 6 + 4})
    trace.claims = _claims(drafter, prompt, final.get("scene"), final.get("results") or [])
    # verified: the checks pass and nothing the prompt asked for was dropped
    checks_passed = _verified(final)
    verified = checks_passed and not dropped(trace.claims)
    trace.verified = verified
    return PlanResult(scene=final.get("scene"), document=final.get("document"),
                      trace=trace, verified=verified, outcome=final.get("outcome"),
                      checks_passed=checks_passed)


def dropped(claims: list[Claim]) -> list[Claim]:
    """The claims the plan left out."""
    return [c for c in claims if c.fate == "dropped"]


def _claims(drafter: Drafter, prompt: str, scene: Scene | None,
            results: list[dict]) -> list[Claim]:
    """What the drafter says became of the prompt's claims in the last script, if it can."""
    report = getattr(drafter, "claims", None)
    return list(report(prompt, scene, results)) if callable(report) else []


def _verified(state: _State) -> bool:
    results = state.get("results") or []
    return (state.get("scene") is not None and not state.get("errors") and bool(results)
            and all(r.get("passed") is not False for r in results))


def _build(prompt: str, drafter: Drafter, validate: Validate, simulate: Simulate,
           verify: Verify, rounds: int, retry: RetryPolicy, trace: PlanTrace,
           on_round: OnRound | None) -> Any:
    graph = StateGraph(_State)
    graph.add_node("draft", _drafting(lambda s: drafter.draft(prompt), "draft"),
                   retry_policy=retry)
    graph.add_node("revise", _drafting(lambda s: drafter.revise(prompt, s.get("document"),
                                                                _feedback(s)), "revise"),
                   retry_policy=retry)
    graph.add_node("validate", _guarded(lambda s: {"scene": validate(s["document"])}))
    graph.add_node("simulate", _guarded(lambda s: {"outcome": simulate(s["scene"])}))
    graph.add_node("verify", _verifying(prompt, drafter, verify))
    graph.add_node("record", _recording(trace, on_round))
    graph.add_edge(START, "draft")
    graph.add_conditional_edges("draft", _next("validate"), ["validate", "record"])
    graph.add_conditional_edges("revise", _next("validate"), ["validate", "record"])
    graph.add_conditional_edges("validate", _next("simulate"), ["simulate", "record"])
    graph.add_conditional_edges("simulate", _next("verify"), ["verify", "record"])
    graph.add_edge("verify", "record")
    graph.add_conditional_edges("record", _after_round(rounds), ["revise", END])
    return graph.compile()


def _drafting(write: Callable[[_State], Any], action: str) -> Callable[[_State], dict]:
    """A node that writes a new document; it starts a round and clears the last one's results."""
    def node(state: _State) -> dict:
        number = state["round"] + 1
        update = {"round": number, "action": action, "scene": None, "outcome": None,
                  "results": [], "dropped": [], "diff": "", "feedback": _feedback(state).text() if number > 1
                  else ""}
        try:
            document = write(state)
        except UserError as err:
            return {**update, "document": None, "errors": _messages(err)}
        text = document_text(document)
        return {**update, "document": document, "text": text, "errors": [],
                "diff": script_diff(state["text"], text, number)}
    return node


def _verifying(prompt: str, drafter: Drafter, verify: Verify) -> Callable[[_State], dict]:
    """The checks, then, for a drafter that revises claims, the claims its script dropped."""
    def node(state: _State) -> dict:
        results = verify(state["scene"], state["outcome"])
        if not getattr(drafter, "revises_claims", False):
            return {"results": results}
        # a claim the drafter itself says it cannot plan stays dropped, but asking again is moot
        left_out = [c for c in dropped(_claims(drafter, prompt, state["scene"], results))
                    if not c.detail.startswith(LEFT_OUT)]
        return {"results": results, "dropped": [f"'{c.text}' ({c.kind}): {c.detail}"
                                                for c in left_out]}
    return node


def _guarded(step: Callable[[_State], dict]) -> Callable[[_State], dict]:
    """A node whose script problems (schema, overlapping bodies, divergence) become feedback."""
    def node(state: _State) -> dict:
        try:
            return step(state)
        except (UserError, SimulationError) as err:
            return {"errors": _messages(err)}
    return node


def _recording(trace: PlanTrace, on_round: OnRound | None) -> Callable[[_State], dict]:
    def node(state: _State) -> dict:
        trace.add_round(state["round"], state["action"], state.get("diff", ""),
                        state.get("feedback", ""), list(state.get("errors", [])),
                        list(state.get("results") or []))
        if on_round is not None:
            on_round(trace.rounds[-1])
        return {}
    return node


def _next(target: str) -> Callable[[_State], str]:
    return lambda state: "record" if state.get("errors") else target


def _after_round(rounds: int) -> Callable[[_State], str]:
    def route(state: _State) -> str:
        if (_verified(state) and not state.get("dropped")) or state["round"] >= rounds:
            return END
        if state["round"] > 1 and state.get("document") is not None and not state.get("diff"):
            return END  # the revision changed nothing: the same script gives the same results
        return "revise"
    return route


def _feedback(state: _State) -> Feedback:
    failed = [r for r in state.get("results") or [] if r.get("passed") is False]
    return Feedback(round=state["round"], errors=list(state.get("errors", [])), failed=failed,
                    dropped=list(state.get("dropped") or []))


def _messages(err: SimshotError) -> list[str]:
    return [str(p) for p in getattr(err, "problems", [])] or [str(err)]
