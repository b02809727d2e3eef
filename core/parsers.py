"""The API's request parsers. A module of its own: DRF reads DEFAULT_PARSER_CLASSES while rest_framework.views is
being imported, so the parser cannot live in a module that imports it (core.api does)."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser, refusing documents nested deeper than `max_depth` with a 400.

    Python's json module recurses once per level: a body of a few thousand brackets exhausts the interpreter's stack
    (RecursionError, a server error), and a document that still parses, a few hundred levels deep, can exhaust it
    later in validation or rendering. No request of this API nests more than a handful of levels.
    """

    max_depth = 64

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise self._too_deep() from None
        if not _depth_within(data, self.max_depth):
            raise self._too_deep()
        return data

    def _too_deep(self) -> ParseError:
        return ParseError(
            _("JSON parse error: the document is nested more than %(depth)d levels deep.") % {"depth": self.max_depth}
        )


def _depth_within(data, max_depth: int) -> bool:
    """Whether no list or object in `data` lies more than `max_depth` levels deep; a loop, not recursion."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            value = value.values()
        elif not isinstance(value, list):
            continue
        if depth > max_depth:
            return False
        pending.extend((item, depth + 1) for item in value)
    return True
