"""The API's JSON parser: DRF's, with a limit on how deeply arrays and objects may nest.

Python's ``json`` module parses nested arrays and objects recursively; a body of 100,000 opening
brackets exhausts the interpreter's recursion limit and the request ended in a 500 (issue 12,
item 8). No request of this API nests more than a few levels (an intake's substance rows, a
taper's steps), so a body nested deeper than ``MAX_JSON_DEPTH`` is refused with a 400 before it
is parsed. The depth is counted over the brackets outside string literals, in one pass with no
recursion, so the check itself costs time linear in the body's length.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from io import BytesIO
from typing import IO, Any, Final

from django.conf import settings
from django.utils.translation import gettext
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_JSON_DEPTH: Final = 32

# The characters that matter for nesting: brackets, and the quotes and backslashes that tell
# whether a bracket is inside a string literal.
_SPECIAL = re.compile(r'[\[\]{}"\\]')


def json_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in ``text`` (0 for a bare value).

    One pass over the special characters, no recursion, no backtracking: linear in the length.
    """
    depth = deepest = 0
    in_string = False
    escaped_until = -1  # the character after a backslash in a string is taken literally
    for match in _SPECIAL.finditer(text):
        position = match.start()
        if position <= escaped_until:
            continue
        char = match.group()
        if in_string:
            if char == "\\":
                escaped_until = position + 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


class DepthLimitedJSONParser(JSONParser):
    """``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``: refuses bodies nested too deeply (400)."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        context = parser_context or {}
        encoding = context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read()
        except (UnicodeDecodeError, ValueError) as exc:
            raise ParseError(gettext("JSON parse error - %s") % exc) from exc
        if json_depth(text) > MAX_JSON_DEPTH:
            raise ParseError(
                gettext("JSON nested more than %(depth)d levels deep is not accepted.")
                % {"depth": MAX_JSON_DEPTH}
            )
        try:
            return super().parse(
                BytesIO(text.encode("utf-8")), media_type, {**context, "encoding": "utf-8"}
            )
        except RecursionError as exc:  # a last guard; the depth check should make it unreachable
            raise ParseError(gettext("JSON nested too deeply.")) from exc
