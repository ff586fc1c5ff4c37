"""`format_money`, kept importable here; `{% load money %}` loads `core.templatetags.money`.

No `register` on purpose: Django takes a templatetags module for a tag library only when it
has one, so the name `money` keeps meaning one library."""

from core.templatetags.money import format_money

__all__ = ["format_money"]
