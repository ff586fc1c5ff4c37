"""Saved views of the inventory list: keep one under a name, change, share or drop it."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..models import Dealer, SavedView
from .vehicles import UNSET, Unset


def _refuse_unless_owner(view: SavedView, by: User) -> None:
    if by is None or view.user_id != by.pk:
        raise ValidationError(
            _("Only %(owner)s can change the view %(name)s.")
            % {"owner": view.user.get_username(), "name": view.name},
            code="not_owner",
        )


def _save(view: SavedView) -> None:
    """Validate and save, the person's other default cleared first; a name or default that
    another request took meanwhile reads as the same refusal validation gives."""
    view.name = view.name.strip()
    if view.is_default:
        others = SavedView.objects.filter(user_id=view.user_id, dealer_id=view.dealer_id)
        others.filter(is_default=True).exclude(pk=view.pk).update(is_default=False)
    view.full_clean()
    try:
        with transaction.atomic():
            view.save()
    except IntegrityError as exc:
        raise ValidationError({"name": _("You already have a view with this name.")}) from exc


@transaction.atomic
def saved_view_create(
    *,
    dealer: Dealer,
    name: str,
    query: str,
    is_default: bool = False,
    is_shared: bool = False,
    by: User,
) -> SavedView:
    """Keep the list's `query` under `name` for `by` at `dealer`, a dealer `by` works for."""
    if not Dealer.objects.visible_to(by).filter(pk=dealer.pk).exists():
        raise ValidationError(_("You do not work for this dealer."), code="not_a_member")
    # Lock the person's views at the dealer, so two saves of a default follow each other.
    list(SavedView.objects.select_for_update().filter(user=by, dealer=dealer))
    view = SavedView(
        user=by,
        dealer=dealer,
        name=name,
        query=query,
        is_default=is_default,
        is_shared=is_shared,
    )
    _save(view)
    return view


@transaction.atomic
def saved_view_update(
    *,
    view: SavedView,
    by: User,
    name: str | Unset = UNSET,
    query: str | Unset = UNSET,
    is_default: bool | Unset = UNSET,
    is_shared: bool | Unset = UNSET,
) -> SavedView:
    """Rename, re-point, make default or share a view; only its owner may."""
    _refuse_unless_owner(view, by)
    list(SavedView.objects.select_for_update().filter(user=by, dealer_id=view.dealer_id))
    locked = SavedView.objects.select_related("user").get(pk=view.pk)
    given = {"name": name, "query": query, "is_default": is_default, "is_shared": is_shared}
    changed = {
        key: value
        for key, value in given.items()
        if value is not UNSET and getattr(locked, key) != value
    }
    if not changed:
        return locked
    for key, value in changed.items():
        setattr(locked, key, value)
    _save(locked)
    return locked


@transaction.atomic
def saved_view_delete(*, view: SavedView, by: User) -> None:
    _refuse_unless_owner(view, by)
    SavedView.objects.select_for_update().filter(pk=view.pk).delete()
