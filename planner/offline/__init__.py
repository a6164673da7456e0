"""The built-in offline planner: deterministic, rule-based, no network and no model weights."""
from planner.offline.compose import Draft, plan_offline
from planner.offline.revise import revise_offline

__all__ = ["Draft", "plan_offline", "revise_offline"]
