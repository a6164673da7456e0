"""What a planning round tells the drafter when its script did not verify."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Feedback:
    """What was wrong with a round's script: errors, expectations that failed, or claims of
    the prompt it left out."""

    round: int
    errors: list[str]
    failed: list[dict]
    dropped: list[str] = field(default_factory=list)

    def text(self) -> str:
        """A plain account for the drafter: each error, then each failed check with its detail."""
        lines = [f"Round {self.round} did not verify."]
        if self.errors:
            lines.append("The script has errors; fix every one:")
            lines += [f"- {e}" for e in self.errors]
        if self.failed:
            lines.append("The simulation ran, but these expectations failed; change the scene "
                         "(positions, impulses, timing, materials) so that they hold, and keep "
                         "the expectations faithful to the prompt:")
            lines += [f"- {_check_line(r)}" for r in self.failed]
        if self.dropped:
            lines.append("These claims of the prompt are not in the script; add each one (a body "
                         "that plays it, a check that tests it), or give it `left_out` with the "
                         "reason the engine cannot do it:")
            lines += [f"- {d}" for d in self.dropped]
        if not self.errors and not self.failed and not self.dropped:
            lines.append("The script has no expectations; add `expect` checks that state what "
                         "the prompt asks to happen.")
        return "\n".join(lines)


def _check_line(result: dict) -> str:
    subject = result.get("subject")
    name = f"{result.get('check')} {subject}" if subject else str(result.get("check"))
    return f"{name}: {result.get('detail', 'failed')}"
