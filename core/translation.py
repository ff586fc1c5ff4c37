"""Messages of the pure modules (`core.messages`) as sentences in the active language."""

from django.utils.translation import gettext

from .messages import Message


def message_text(message) -> str:
    """A message from a pure module (`inventory.vin`, `exports.rules`) in the active language."""
    if not isinstance(message, Message):
        return str(message)

    def param(value):
        if isinstance(value, tuple):
            return ", ".join(param(item) for item in value)
        return message_text(value)

    translated = gettext(message.template)
    if not message.params:
        return translated
    return translated % {k: param(v) for k, v in message.params.items()}
