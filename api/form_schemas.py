"""Request bodies described from the Django forms that validate them.

The API validates a write with the same form as the staff page, so that it refuses with the
same messages; what it publishes in OpenAPI is read from that form's fields (type, length,
choices, label, help text), so the schema cannot drift from what is checked. Before the form,
a body is only checked to be an object of known fields holding single values."""

from decimal import Decimal
from typing import Annotated, Any

from django import forms
from ninja import Schema
from pydantic import ConfigDict, Field, WithJsonSchema, create_model

# Whatever a form field can be given in JSON; the form turns it into its own type or says why
# it cannot.
Scalar = str | int | float | bool | None

DECIMAL_PATTERN = r"^-?\d+(\.\d+)?$"


class StrictBody(Schema):
    """A body that names only fields the operation knows."""

    model_config = ConfigDict(extra="forbid")


def field_json_schema(field: forms.Field, *, nullable: bool) -> dict[str, Any]:
    """The JSON schema of what `field` accepts."""
    if isinstance(field, forms.BooleanField):
        schema: dict[str, Any] = {"type": "boolean"}
    elif isinstance(field, forms.DecimalField):
        schema = {
            "type": "string",
            "pattern": DECIMAL_PATTERN,
            "examples": [str(Decimal("179800.00"))],
        }
    elif isinstance(field, forms.IntegerField):
        schema = {"type": "integer"}
        if field.min_value is not None:
            schema["minimum"] = field.min_value
        if field.max_value is not None:
            schema["maximum"] = field.max_value
    elif isinstance(field, forms.DateField):
        schema = {"type": "string", "format": "date"}
    elif isinstance(field, forms.ChoiceField):
        values = [str(value) for value, _label in field.choices if value != ""]
        if not field.required:
            values.append("")
        schema = {"type": "string", "enum": values}
    else:
        schema = {"type": "string"}
        if getattr(field, "max_length", None):
            schema["maxLength"] = field.max_length
    if nullable:
        schema = {"anyOf": [schema, {"type": "null"}]}
    if field.label:
        schema["title"] = str(field.label)
    if field.help_text:
        schema["description"] = str(field.help_text)
    return schema


def body_schema(
    name: str,
    form_class: type[forms.BaseForm],
    *,
    fields,
    required=(),
    defaults=None,
    descriptions=None,
) -> type[Schema]:
    """A body of `fields` of `form_class`: `required` ones must be sent; `defaults` documents
    what an absent one becomes."""
    defaults = defaults or {}
    descriptions = descriptions or {}
    definitions = {}
    for field_name in fields:
        field = form_class.base_fields[field_name]
        schema = field_json_schema(field, nullable=not field.required)
        if field_name in defaults:
            schema["default"] = defaults[field_name]
        if field_name in descriptions:
            schema["description"] = str(descriptions[field_name])
        annotated = Annotated[Scalar, WithJsonSchema(schema)]
        if field_name in required:
            definitions[field_name] = (annotated, Field(...))
        else:
            definitions[field_name] = (annotated, Field(None))
    return create_model(name, __base__=StrictBody, **definitions)
