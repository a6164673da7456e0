"""Prompt -> verified scene script: the planner's agent, wired to the physics stage.

`planner/` may not import the stages, so the simulation and the expectation checks are handed
to its agent here, where stages meet.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bridge import shot
from bridge.errors import PromptError, UserError
from bridge.loader import LoadedScene, scene_from_document
from bridge.schema import Scene
from bridge.yamlio import save_document

PLAN_NAME = "<plan>"


@dataclass(frozen=True)
class LLMSettings:
    """Where drafts come from; with no key and no base URL, the built-in planner."""

    base_url: str | None = None
    model: str | None = None
    timeout_s: float = 60.0


def plan_prompt(prompt: str, llm: LLMSettings, rounds: int = 4,
                on_round: Callable[[dict], None] | None = None):
    """Draft, validate, simulate, verify and revise until the shot verifies (or rounds run out).

    Raises UserError when no round produced a valid script at all. `on_round` sees each
    round's trace entry as it ends.
    """
    from planner.agent import plan

    if not prompt.strip():
        raise PromptError("the prompt is empty: describe what should happen, e.g. "
                          "\"a glass falls off a table and shatters\"")
    result = plan(prompt, _drafter(llm), _validate, _simulate, _verify, rounds=rounds,
                  on_round=on_round)
    if result.scene is None:
        errors = result.trace.rounds[-1]["errors"] if result.trace.rounds else []
        raise UserError(f"no valid scene after {rounds} round(s) for this prompt; last "
                        f"errors: {'; '.join(map(str, errors)) or 'none reported'}")
    return result


def _drafter(llm: LLMSettings):
    from planner.agent import OfflineDrafter
    from planner.llm import LLMDrafter, configured

    if configured(base_url=llm.base_url):
        return LLMDrafter(base_url=llm.base_url or None, model=llm.model,
                          timeout_s=llm.timeout_s)
    return OfflineDrafter()


def _validate(document) -> Scene:
    return scene_from_document(document, PLAN_NAME)


def _simulate(scene: Scene):
    from physics.simulate import simulate

    return simulate(scene)


def _verify(scene: Scene, outcome) -> list[dict]:
    from simshot.expectations import check_simulation

    return check_simulation(scene, outcome)


def save_plan(result, script: Path) -> LoadedScene:
    """Write the planned script (with its explaining comments) and return it loaded."""
    from planner.trace import write_trace

    script.parent.mkdir(parents=True, exist_ok=True)
    save_document(result.document, script)
    write_trace(result.trace, script.with_name(shot.PLAN_TRACE))
    return LoadedScene(scene=result.scene, doc=result.document, path=script,
                       folder=script.resolve().parent)
