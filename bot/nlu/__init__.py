"""The understanding step: intent and slots from what parents write, offline, in ten languages.

understand(text, NluContext(children=..., now=..., timezone="Europe/London")) -> Understanding
"""

from bot.nlu.core import NluContext, suggests_harm, understand, warm_up
from bot.nlu.language import SUPPORTED_LANGUAGES, detect_language

__all__ = [
    "SUPPORTED_LANGUAGES",
    "NluContext",
    "detect_language",
    "suggests_harm",
    "understand",
    "warm_up",
]
