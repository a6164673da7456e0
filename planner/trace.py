"""plan_trace.json: what each planning round wrote, what was wrong with it, what it proved, and
what became of each claim of the prompt.

The trace is written atomically (temporary file, fsync, rename) and scrubbed of secrets:
it holds only documents, error text, expectation results and the prompt's claims, never
request headers, and any API key found in the environment is replaced before writing, in case
a model or a server echoed it back.
"""
from __future__ import annotations

import difflib
import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bridge.files import atomic_write
from bridge.yamlio import dump_document

SECRET_ENV = ("OPENAI_API_KEY",)
REDACTED = "[redacted]"
# What became of a claim: its expectation check ran, a library shape plays the object, it is
# in the script but nothing can check it (look alone: a place, a camera), or it was left out.
# A body the prompt did not ask for is a claim of kind `added`: `planned` with the reason the
# plan needs it, `dropped` when there is none (the plan is not faithful to the prompt).
FATES = ("checked", "stood_in", "planned", "dropped")


@dataclass(frozen=True)
class Claim:
    """One thing the prompt asks for and its fate in the plan."""

    text: str  # the prompt's words
    kind: str  # object, arrangement, outcome, place, camera, agent, scenery, quantity, added
    fate: str  # one of FATES
    detail: str = ""

    def __post_init__(self) -> None:
        if self.fate not in FATES:
            raise ValueError(f"unknown claim fate {self.fate!r}; one of {', '.join(FATES)}")


VERDICT = {True: "passed", False: "FAILED", None: "could not be evaluated"}


def result_subjects(result: dict) -> list[str]:
    """The body names a check result is about."""
    subject = result.get("subject")
    return [str(s) for s in subject] if isinstance(subject, list) else [str(subject)]


def describe_results(results: list[dict]) -> str:
    """Check results as a claim's detail: 'check not bounces on ball: passed (...)'."""
    return "; ".join(f"check {'not ' if r.get('negated') else ''}{r.get('check')} on "
                     f"{', '.join(result_subjects(r))}: {VERDICT[r.get('passed')]} "
                     f"({r.get('detail', '')})" for r in results)


@dataclass
class PlanTrace:
    """The planning rounds of one prompt, and its claims."""

    prompt: str
    backend: str
    rounds: list[dict] = field(default_factory=list)
    verified: bool = False
    claims: list[Claim] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rounds)

    def add_round(self, number: int, action: str, diff: str, feedback: str,
                  errors: list[str], expectations: list[dict]) -> None:
        """Record one round: the script diff against the last round, its errors and checks."""
        self.rounds.append({"round": number, "action": action, "feedback": feedback,
                            "diff": diff, "errors": errors, "expectations": expectations})


def document_text(document: Any) -> str:
    """The YAML text of a script document, or '' when a round produced none."""
    return "" if document is None else dump_document(document)


def script_diff(before: str, after: str, number: int) -> str:
    """A unified diff of the YAML text between the previous round and this one."""
    lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                 fromfile=f"round-{number - 1}.yaml", tofile=f"round-{number}.yaml")
    return "".join(lines)


def write_trace(trace: PlanTrace, path: Path, secrets: Iterable[str] = ()) -> None:
    """Write the trace as JSON atomically, with every known secret replaced."""
    text = json.dumps(asdict(trace), indent=2, ensure_ascii=False, default=_plain)
    text = scrub(text, secrets)
    atomic_write(path, text + "\n")


def _plain(value: Any) -> Any:
    """JSON for what checks may return: numpy scalars become numbers, the rest text."""
    return value.item() if hasattr(value, "item") else str(value)


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """The text with the given secrets and the API keys in the environment replaced."""
    values = [*secrets, *(os.environ.get(name, "") for name in SECRET_ENV)]
    # a short value would redact ordinary words; real keys are long
    for value in sorted({v for v in values if len(v) >= 8}, key=len, reverse=True):
        text = text.replace(value, REDACTED)
    return text
