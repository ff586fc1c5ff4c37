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


def _expression(expression):
    """A function of `read` (field name -> value) giving the expression's value."""
    if isinstance(expression, F):
        name = expression.name
        return lambda read: read(name)
    if isinstance(expression, Value):
        value = expression.value
        return lambda read: value
    if isinstance(expression, Length):
        (inner,) = expression.get_source_expressions()
        text = _expression(inner)

        def length(read):
            value = text(read)
            return None if value is None else len(str(value))

        return length
    if hasattr(expression, "resolve_expression"):
        raise Unreadable(repr(expression))
    return lambda read: expression


def _comparison(lookup, left, right):
    """SQL's answer: None (unknown) when either side is NULL, except for IS NULL."""
    if lookup == "isnull":
        return lambda read: (left(read) is None) == bool(right(read))
    if lookup == "in":

        def among(read):
            value, values = left(read), list(right(read))
            if value is None:
                return None
            if value in values:
                return True
            return None if None in values else False

        return among
    if lookup not in _COMPARE:
        raise Unreadable(lookup)
    compare = _COMPARE[lookup]

    def compared(read):
        first, second = left(read), right(read)
        if first is None or second is None:
            return None
        return compare(first, second)

    return compared


def _node(child):
    if isinstance(child, Q):
        return _q(child)
    if isinstance(child, tuple):
        path, right = child
        name, _sep, lookup = path.partition("__")
        if "__" in lookup:
            raise Unreadable(path)
        return _comparison(lookup or "exact", _expression(F(name)), _expression(right))
    lookup = _LOOKUP_CLASSES.get(type(child))
    if lookup is None:
        raise Unreadable(repr(child))
    return _comparison(lookup, _expression(child.lhs), _expression(child.rhs))


def _q(condition):
    children = [_node(child) for child in condition.children]
    conjunction = condition.connector == Q.AND
    if not conjunction and condition.connector != Q.OR:
        raise Unreadable(condition.connector)
    # Kleene's logic: AND is false if any part is, OR true if any part is, else unknown.
    decisive = not conjunction
    negated = condition.negated

    def evaluate(read):
        unknown = False
        for child in children:
            result = child(read)
            if result is decisive:
                break
            if result is None:
                unknown = True
        else:
            result = None if unknown else not decisive
        if result is None or not negated:
            return result
        return not result

    return evaluate


# Each condition is turned into Python once: constraints live as long as their model.
_compiled: dict[int, tuple] = {}


def _compile(condition):
    kept = _compiled.get(id(condition))
    if kept is None or kept[0] is not condition:
        try:
            function = _q(condition) if isinstance(condition, Q) else _node(condition)
        except Unreadable as exc:
            function = exc
        kept = _compiled[id(condition)] = (condition, function)
    if isinstance(kept[1], Unreadable):
        raise kept[1]
    return kept[1]


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


def holds(condition, instance, *, exclude=()) -> bool | None:
    """Whether `condition` holds for `instance`: True, False, or None when SQL would call it
    unknown. `Unreadable` when the condition is beyond this module; `_Excluded` when it
    reads a field in `exclude`."""
    return _compile(condition)(_reader(instance, set(exclude)))


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
