"""Applying effects: records, handoffs, staff alerts, messages and audit, in the transaction of the
turn or scheduled job that asked for them.

`context` holds what every effect needs and what they changed, `notices` absences and collection
changes, `handoffs` handoffs and safeguarding concerns, `staff` staff commands' effects, `chases`
the scheduled chase's, `apply` the one dispatch (every kind of effect, checked) and the others."""

from bot.recording.apply import AnyEffect, apply_effects
from bot.recording.context import EffectContext

__all__ = ["AnyEffect", "EffectContext", "apply_effects"]
