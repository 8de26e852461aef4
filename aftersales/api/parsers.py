"""The API's JSON parser: DRF's, with a bound on nesting.

Python's JSON decoder recurses once per level, so a body nested a few thousand levels deep raised
``RecursionError`` (a 500) on every JSON endpoint. No input of this API is nested more than a few levels
(``{"parts": [{"part": ...}]}``), so anything deeper than ``MAX_DEPTH`` is a 400 before a serializer sees it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 20


def nesting_depth(data) -> int:
    """How deeply lists and objects nest in ``data`` (a scalar is 0), without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
        stack.extend((child, depth + 1) for child in children)
    return deepest


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error - the body is nested too deeply.")) from None
        if nesting_depth(data) > MAX_DEPTH:
            raise ParseError(
                _("JSON parse error - the body is nested more than %(depth)s levels deep.") % {"depth": MAX_DEPTH}
            )
        return data
