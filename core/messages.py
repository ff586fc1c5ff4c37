"""Sentences that read as English and keep their template, for translation; no Django import,
so the pure modules (VIN, paint, market rules, customs) can speak in them."""


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


class Country(str):
    """A country named by its ISO code in a message: it reads as the code, as the rules compare
    it, and a translating caller shows the reader's name for it ("KZ": Kazakhstan, 哈萨克斯坦)."""

    code: str

    def __new__(cls, code: str):
        country = super().__new__(cls, code)
        country.code = code
        return country

    def __reduce__(self):
        return (Country, (self.code,))


def _rebuild(template, params):
    return Message(template, **params)


def as_data(value):
    """A message (or a parameter of one) as plain JSON data that `from_data` turns back into
    the same message, so a stored sentence can still be shown in the reader's language."""
    if isinstance(value, Country):
        return {"country": value.code}
    if isinstance(value, Message):
        return {
            "template": value.template,
            "params": {k: as_data(v) for k, v in value.params.items()},
        }
    if isinstance(value, tuple):
        return [as_data(item) for item in value]
    if isinstance(value, (str, int, float)) or value is None:
        return value
    return str(value)  # dates and decimals read as they print


def from_data(data):
    if isinstance(data, dict) and "country" in data:
        return Country(str(data["country"]))
    if isinstance(data, dict):
        params = {k: from_data(v) for k, v in data.get("params", {}).items()}
        # Stored before countries were parameters of their own: the code as plain text.
        country = params.get("country")
        if type(country) is str and len(country) == 2 and country.isupper():
            params["country"] = Country(country)
        return Message(str(data.get("template", "")), **params)
    if isinstance(data, list):
        return tuple(from_data(item) for item in data)
    return data
