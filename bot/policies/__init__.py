"""Policy documents: import, passage retrieval, quoted answers with sources, and setting facts."""

from bot.policies.answer import PolicyAnswer
from bot.policies.askback import Consultation, SectionChoice
from bot.policies.facts import SettingFacts, answer_setting_fact
from bot.policies.index import PolicyIndex
from bot.policies.loaders import PolicyReadError
from bot.policies.matches import IndexedPassage
from bot.policies.parse import ParsedDocument, ParsedPassage, load_document, parse_text
from bot.policies.store import (
    DocumentSummary,
    ImportFailure,
    PolicyImportReport,
    import_policies,
    list_documents,
)

__all__ = [
    "Consultation",
    "DocumentSummary",
    "ImportFailure",
    "IndexedPassage",
    "ParsedDocument",
    "ParsedPassage",
    "PolicyAnswer",
    "PolicyImportReport",
    "PolicyIndex",
    "PolicyReadError",
    "SectionChoice",
    "SettingFacts",
    "answer_setting_fact",
    "import_policies",
    "list_documents",
    "load_document",
    "parse_text",
]
