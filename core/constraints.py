"""A model's check constraints judged in Python, for validating many unsaved rows at once.

Django validates a `CheckConstraint` by asking the database, one query per constraint and
row (and a savepoint each inside a transaction): right for one form, far too slow for a file
of 50,000 cars. The conditions DealerHub writes are comparisons, null tests, `in`, lengths
and their combinations, which read the same in Python; SQL's three-valued logic is kept (a
comparison with NULL is unknown, and a constraint fails only when its condition is false).
A condition this module cannot read is asked of the database as before, so a new kind of
constraint is never skipped, only slower.
"""

import functools
import operator

from django.core.exceptions import ValidationError
from django.db import router
from django.db.models import CheckConstraint, F, Q, Value
from django.db.models.functions import Length
from django.db.models.lookups import (
    Exact,
    GreaterThan,
    GreaterThanOrEqual,
    In,
    IsNull,
    LessThan,
    LessThanOrEqual,
)


class Unreadable(Exception):
    """The condition uses something this module does not evaluate."""


class _Excluded(Exception):
    """The condition reads a field left out of the validation, which Django then skips."""


_COMPARE = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}
_LOOKUP_CLASSES = {
    Exact: "exact",
    GreaterThan: "gt",
    GreaterThanOrEqual: "gte",
    LessThan: "lt",
    LessThanOrEqual: "lte",
    In: "in",
    IsNull: "isnull",
}


def _value(expression, read):
    if isinstance(expression, F):
        return read(expression.name)
    if isinstance(expression, Value):
        return expression.value
    if isinstance(expression, Length):
        (inner,) = expression.get_source_expressions()
        text = _value(inner, read)
        return None if text is None else len(str(text))
    if hasattr(expression, "resolve_expression"):
        raise Unreadable(repr(expression))
    return expression


def _reader(instance, exclude):
    attributes = _attributes(type(instance))

    def read(name):
        if name in exclude:
            raise _Excluded(name)
        if name not in attributes:
            raise Unreadable(name)
        return getattr(instance, attributes[name])

    return read


@functools.cache
def _attributes(model) -> dict[str, str]:
    """The attribute that holds each field's value (a relation's id, not the related row)."""
    return {
        field.name: field.attname if field.is_relation else field.name
        for field in model._meta.concrete_fields
    }


def _compare(lookup, left, right):
    """SQL's answer: None (unknown) when either side is NULL, except for IS NULL."""
    if lookup == "isnull":
        return (left is None) == bool(right)
    if left is None:
        return None
    if lookup == "in":
        values = list(right)
        if left in values:
            return True
        return None if None in values else False
    if right is None:
        return None
    if lookup not in _COMPARE:
        raise Unreadable(lookup)
    return _COMPARE[lookup](left, right)


def _child(child, read):
    if isinstance(child, Q):
        return _q(child, read)
    if isinstance(child, tuple):
        path, right = child
        name, _sep, lookup = path.partition("__")
        lookup = lookup or "exact"
        if "__" in lookup:
            raise Unreadable(path)
        return _compare(lookup, read(name), _value(right, read))
    lookup = _LOOKUP_CLASSES.get(type(child))
    if lookup is None:
        raise Unreadable(repr(child))
    return _compare(lookup, _value(child.lhs, read), _value(child.rhs, read))


def _q(condition, read):
    results = [_child(child, read) for child in condition.children]
    if condition.connector == Q.AND:
        result = False if False in results else (None if None in results else True)
    elif condition.connector == Q.OR:
        result = True if True in results else (None if None in results else False)
    else:
        raise Unreadable(condition.connector)
    if condition.negated:
        result = None if result is None else not result
    return result


def holds(condition, instance, *, exclude=()) -> bool | None:
    """Whether `condition` holds for `instance`: True, False, or None when SQL would call it
    unknown. `Unreadable` when the condition is beyond this module; `_Excluded` when it
    reads a field in `exclude`."""
    read = _reader(instance, set(exclude))
    if isinstance(condition, Q):
        return _q(condition, read)
    return _child(condition, read)


def validate_constraints(instance, *, exclude=None, unique=True) -> None:
    """Django's `Model.validate_constraints`, with the check constraints judged here rather
    than by a query each; the same errors, keyed the same way. `unique=False` leaves the
    unique constraints to a caller that checks them for a whole batch at once."""
    exclude = set(exclude or ())
    using = router.db_for_write(type(instance), instance=instance)
    errors = {}
    for model_class, constraints in instance.get_constraints():
        for constraint in constraints:
            try:
                if isinstance(constraint, CheckConstraint):
                    _check(constraint, instance, exclude, using)
                elif unique:
                    constraint.validate(model_class, instance, exclude=exclude, using=using)
            except ValidationError as exc:
                if getattr(exc, "code", None) == "unique" and len(constraint.fields) == 1:
                    errors.setdefault(constraint.fields[0], []).append(exc)
                else:
                    errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _check(constraint, instance, exclude, using) -> None:
    try:
        passed = holds(constraint.condition, instance, exclude=exclude) is not False
    except _Excluded:
        return
    except Unreadable:
        constraint.validate(type(instance), instance, exclude=exclude, using=using)
        return
    if not passed:
        raise ValidationError(
            constraint.get_violation_error_message(), code=constraint.violation_error_code
        )


class ConstraintsInPython:
    """A model whose `full_clean` judges its check constraints in Python (see the module)."""

    def validate_constraints(self, exclude=None):
        validate_constraints(self, exclude=exclude)
