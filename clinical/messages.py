"""The kernel's message marker: what the apps translate, without importing Django here.

Engines return message ids (English, with ``%(name)s`` placeholders) and their parameters; the
Django side renders them in the reader's language (``core.messages.render_message``). The marker
is named ``gettext_noop`` so ``makemessages`` (xgettext's default keywords) finds the ids.
"""

from __future__ import annotations


def gettext_noop(message: str) -> str:
    """Mark ``message`` for translation; return it unchanged."""
    return message
