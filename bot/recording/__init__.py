"""Applying a flow's effects: records, handoffs, staff alerts and audit, in the turn's transaction.

`context` holds what every effect needs, `notices` absences and collection changes, `handoffs`
handoffs and safeguarding concerns, `apply` the dispatch and the other effects."""

from bot.recording.apply import apply_effects
from bot.recording.context import EffectContext

__all__ = ["EffectContext", "apply_effects"]
