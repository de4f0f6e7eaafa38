"""What a turn's pure parts see of the world: the setting as flows see it, and what the
understanding step may know besides the text."""

from __future__ import annotations

from datetime import datetime

from bot.db.models import Setting
from bot.flows.turn import SenderView, SettingView
from bot.nlu import NluContext


def nlu_context(sender: SenderView, setting: SettingView, now: datetime) -> NluContext:
    """What the understanding step may know about a guardian's message besides its text."""
    return NluContext(
        children=tuple(child.ref for child in sender.children),
        now=now,
        timezone=setting.timezone,
        preferred_language=sender.language,
        closed_dates=setting.closed_dates,
        open_weekdays=setting.open_weekdays,
    )


def setting_view(setting: Setting) -> SettingView:
    """The setting as flows see it: its public facts, open days and options."""
    return SettingView(
        name=setting.name,
        phone=setting.phone,
        email=setting.email,
        address=setting.address,
        timezone=setting.timezone,
        closed_dates=setting.closed_days,
        open_weekdays=setting.open_weekdays,
        options=dict(setting.options),
    )
