"""``{% load clock %}``: times the plan keeps as text ("08:00") in the page's language."""

from __future__ import annotations

from django import template

from core.formatting import clock_time

register = template.Library()


@register.filter(name="clock")
def clock(value: object) -> str:
    """``{{ dose.time|clock }}``: ``08.00`` on a Norwegian page, ``08:00`` on an English one."""
    return clock_time(str(value)) if value else ""
