"""`{% form_token %}`: the hidden one-time token of a form that books money or moves a state."""

from django import template
from django.utils.html import format_html

from inventory.idempotency import FIELD_NAME, issue_token

register = template.Library()


@register.simple_tag(takes_context=True)
def form_token(context):
    request = context["request"]
    return format_html(
        '<input type="hidden" name="{}" value="{}">', FIELD_NAME, issue_token(request.user)
    )
