"""What a planning round tells the drafter when its script did not verify."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Feedback:
    """What was wrong with a round's script: errors, or expectations that failed."""

    round: int
    errors: list[str]
    failed: list[dict]

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
        if not self.errors and not self.failed:
            lines.append("The script has no expectations; add `expect` checks that state what "
                         "the prompt asks to happen.")
        return "\n".join(lines)


def _check_line(result: dict) -> str:
    subject = result.get("subject")
    name = f"{result.get('check')} {subject}" if subject else str(result.get("check"))
    return f"{name}: {result.get('detail', 'failed')}"
