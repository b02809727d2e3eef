"""The two languages a contract document is written in, and what people and clients type to ask for one."""

from django.utils import translation

LANGUAGES = ("zh-hans", "en")
# What people and clients type for the two document languages (?lang=zh, zh-CN, en-US...), lower case, "-" for "_".
LANGUAGE_ALIASES = {"zh": "zh-hans", "zh-cn": "zh-hans", "zh-hans-cn": "zh-hans", "en-us": "en", "en-gb": "en"}


def document_language(requested: str | None) -> str | None:
    """The document language that `requested` names (zh-hans or en, or a common spelling of either); None if none."""
    language = (requested or "").strip().lower().replace("_", "-")
    language = LANGUAGE_ALIASES.get(language, language)
    return language if language in LANGUAGES else None


def interface_document_language() -> str:
    """The document language matching the language the request is served in: what a PDF defaults to."""
    return "en" if translation.get_language() == "en" else "zh-hans"
