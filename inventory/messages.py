"""Sentences that read as English and keep their template, for translation; no Django import."""


def gettext_noop(text: str) -> str:
    """Mark a message for the translation catalogue without importing Django."""
    return text


class Message(str):
    """A finished English sentence that also keeps its template and parameters.

    It reads and compares as the plain sentence; a translating caller formats its own
    language's version of `template` with `params` (which may be Messages, or tuples of them,
    joined with commas) instead.
    """

    template: str
    params: dict

    def __new__(cls, template: str, **params):
        shown = {k: ", ".join(v) if isinstance(v, tuple) else v for k, v in params.items()}
        message = super().__new__(cls, template % shown if params else template)
        message.template = template
        message.params = params
        return message

    def __reduce__(self):
        return (_rebuild, (self.template, self.params))


def _rebuild(template, params):
    return Message(template, **params)
