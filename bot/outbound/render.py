"""The one renderer and the one choice parser: a `Reply` as a channel can show it, and back.

`render(reply, capabilities)` keeps a reply's choices as buttons when the channel shows that many
buttons with labels that long (`ChannelCapabilities.max_buttons`, `max_button_label`); otherwise
they degrade to a numbered list after the text, as Rasa's output channels degrade buttons to text.
Adapters only transport what it returns (Telegram's keyboard, SMS segments, the web chat's JSON).

`choice_for(text, offered)` reads an answer to such a list back: "2", "2.", " 2 ", "(2)", "two",
"dwa", "دو", in any of the bot's languages (digits of any script too), whole message only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.nlu.text import fold
from bot.types import ChannelCapabilities, Choice, Reply

MOST_DIGITS = 3  # no list is longer than this; a longer number answers nothing
MOST_LETTERS = 12  # longer than any number word: not looked up
WRAPPING = " \t\r\n.)(#:!"  # around a number: "2.", "(2)", "#2", "2)"

# Number words, one to ten, in the bot's languages; a word must mean the same number in every
# language that has it (checked as the table is built). Portuguese "um"/"uma" are left out:
# English "um" is a hesitation, never an answer. Looked up folded (no Latin diacritics needed).
_WORDS = {
    "en": "one two three four five six seven eight nine ten",
    "pl": "jeden dwa trzy cztery pięć sześć siedem osiem dziewięć dziesięć",
    "es": "uno dos tres cuatro cinco seis siete ocho nueve diez",
    "pt": "- dois três quatro cinco seis sete oito nove dez",
    "ro": "unu doi trei patru cinci șase șapte opt nouă zece",
    "so": "kow laba saddex afar shan lix toddoba siddeed sagaal toban",
    "ur": "ایک دو تین چار پانچ چھ سات آٹھ نو دس",
    "ar": "واحد اثنان ثلاثة أربعة خمسة ستة سبعة ثمانية تسعة عشرة",
    "pa": "ਇੱਕ ਦੋ ਤਿੰਨ ਚਾਰ ਪੰਜ ਛੇ ਸੱਤ ਅੱਠ ਨੌਂ ਦਸ",
    "bn": "এক দুই তিন চার পাঁচ ছয় সাত আট নয় দশ",
    "gu": "એક બે ત્રણ ચાર પાંચ છ સાત આઠ નવ દસ",
}
# Other forms a reader writes alone for a number: feminine and neuter, and common spellings.
_MORE_WORDS = {
    1: "una jedna jedno",
    2: "dwie două duas اثنين",
    6: "چھے",
}


def _number_words() -> dict[str, int]:
    """Every folded number word -> its number; ValueError if a word names two numbers."""
    pairs = [
        (word, number)
        for line in _WORDS.values()
        for number, word in enumerate(line.split(), 1)
        if word != "-"
    ]
    pairs += [(word, number) for number, more in _MORE_WORDS.items() for word in more.split()]
    words: dict[str, int] = {}
    for word, number in pairs:
        if words.setdefault(fold(word), number) != number:
            raise ValueError(f"{word!r} names two numbers")
    return words


NUMBER_WORDS = _number_words()


@dataclass(frozen=True, slots=True)
class Rendered:
    """A reply as one channel shows it: `text`, then the choices as `buttons` (each comes back as
    its id), or, when the channel cannot show them as buttons, as `listed` ("\\n1. Yes\\n2. No",
    answered with the number)."""

    text: str
    buttons: tuple[Choice, ...] = ()
    listed: str = ""

    @property
    def body(self) -> str:
        """The text with the numbered list, if any: what a text-only transport carries."""
        return self.text + self.listed


def render(reply: Reply, capabilities: ChannelCapabilities) -> Rendered:
    """The reply's choices as buttons when they fit the channel's, else as a numbered list."""
    choices = reply.choices
    if not choices:
        return Rendered(reply.text)
    if len(choices) <= capabilities.max_buttons and all(
        len(choice.label) <= capabilities.max_button_label for choice in choices
    ):
        return Rendered(reply.text, buttons=choices)
    return Rendered(reply.text, listed=numbered(choices))


def numbered(choices: Sequence[Choice]) -> str:
    """Choices as lines "1. Label" to put after a text, answered with the number."""
    return "".join(f"\n{number}. {choice.label}" for number, choice in enumerate(choices, 1))


def answer_number(text: str) -> int | None:
    """The number a message is, when it is nothing but one ("2", "two", "٢"); else None."""
    answer = text.strip(WRAPPING)
    if answer.isdecimal():
        return int(answer) if len(answer) <= MOST_DIGITS else None
    return NUMBER_WORDS.get(fold(answer)) if len(answer) <= MOST_LETTERS else None


def choice_for(text: str, offered: Sequence[str]) -> str | None:
    """The offered choice id a numbered answer picks (the first is 1), or None."""
    number = answer_number(text)
    if number is None or not 1 <= number <= len(offered):
        return None
    return offered[number - 1]
