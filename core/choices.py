"""Choice labels (`get_status_display()` and the like) looked up once per field and language
instead of on every call."""

from django.utils.translation import get_language

# Django builds a dict of every choice of the field, and translates every label to hash it, on
# each call: a list of 50 cars spent a sixth of its rendering there. The catalogues do not
# change while a process runs, so a label translated once stays right for that language.
_LABELS: dict = {}


class CachedChoiceLabels:
    """Mixin for a model whose fields' choices are fixed in code (TextChoices): the same
    labels as Django's `get_FOO_display()`, each translated once per language."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        key = (field.model, field.name, get_language())
        labels = _LABELS.get(key)
        if labels is None:
            labels = _LABELS[key] = {choice: str(label) for choice, label in field.flatchoices}
        try:
            return labels.get(value, value)
        except TypeError:  # an unhashable value is in no choice; Django answers it as it is
            return value
