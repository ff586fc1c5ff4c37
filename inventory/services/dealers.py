"""Dealers, the people who work for them and the admin groups that say what they may do."""

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from .. import judging
from ..access import PLATFORM_OPERATORS_GROUP
from ..models import Dealer, Language, Membership, UserPreferences

# The dealer's settings the candidate test reads: its day, its aged threshold, its zero-km limit.
CANDIDATE_SETTINGS = frozenset({"time_zone", "aged_threshold_days", "zero_km_max_odometer_km"})


@transaction.atomic
def dealer_save(*, dealer: Dealer, changed: Iterable[str] = ()) -> Dealer:
    """Save a dealer's details and settings; when a setting the candidate test reads changed,
    every one of its cars is judged again in the same transaction."""
    dealer.save()
    if CANDIDATE_SETTINGS & set(changed):
        judging.rejudge_dealer(dealer)
    return dealer


@transaction.atomic
def membership_save(*, membership: Membership) -> Membership:
    """Give a user a role at a dealer, or change it: what decides which dealers they see."""
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def membership_delete(*, membership: Membership) -> None:
    """Take a user off a dealer; what they authored there stays, under their name."""
    Membership.objects.filter(pk=membership.pk).delete()


@transaction.atomic
def user_save(*, user: User, password: str | None = None, groups: Iterable[Group] = ()) -> User:
    """Create or change a login: `password`, when given, replaces the old one (hashed), and the
    user joins `groups`, staying in any others."""
    if password is not None:
        user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.add(*groups)
    return user


@transaction.atomic
def user_language_set(*, user: User, language: str) -> UserPreferences:
    """The language `user`'s e-mails come in; "" for the language of the dealer each one is
    about. Anything but an offered language is refused, naming the field."""
    if language not in {"", *Language.values}:
        raise ValidationError({"language": _("Choose one of the languages offered.")})
    preferences, _created = UserPreferences.objects.get_or_create(user=user)
    preferences = UserPreferences.objects.select_for_update().get(pk=preferences.pk)
    if preferences.language != language:
        preferences.language = language
        preferences.full_clean()
        preferences.save(update_fields=["language"])
    return preferences


MANAGER_APPS = ("inventory", "exports", "django_celery_beat", "dealerhub", "api")
MANAGER_EXCLUDED = {
    "add_dealer",
    "delete_dealer",
    "add_jobrun",
    "change_jobrun",
    "delete_jobrun",
    # API tokens are revoked, never deleted; the kept responses are the API's own business.
    "delete_apitoken",
    "add_idempotencyrecord",
    "change_idempotencyrecord",
    "delete_idempotencyrecord",
    "view_idempotencyrecord",
}
MANAGER_USER_PERMS = {"view_user", "add_user", "change_user"}


@transaction.atomic
def managers_group_sync() -> Group:
    """The "Managers" group: what a dealer manager may do in the admin, kept up to date."""
    group, _created = Group.objects.get_or_create(name="Managers")
    perms = Permission.objects.filter(
        Q(content_type__app_label__in=MANAGER_APPS) & ~Q(codename__in=MANAGER_EXCLUDED)
        | Q(content_type__app_label="auth", codename__in=MANAGER_USER_PERMS)
    )
    group.permissions.set(perms)
    return group


# Settings shared by every dealer, which platform operators maintain.
PLATFORM_MODELS = (
    ("exports", "destinationmarket"),
    ("exports", "marketrule"),
    ("inventory", "worldmanufacturercode"),
    ("django_celery_beat", "periodictask"),
    ("django_celery_beat", "intervalschedule"),
    ("django_celery_beat", "crontabschedule"),
    ("django_celery_beat", "solarschedule"),
    ("django_celery_beat", "clockedschedule"),
)


@transaction.atomic
def platform_operators_group_sync() -> Group:
    """The platform operators' group: may change the markets, rules and schedules."""
    group, _created = Group.objects.get_or_create(name=PLATFORM_OPERATORS_GROUP)
    models_q = Q()
    for app_label, model in PLATFORM_MODELS:
        models_q |= Q(content_type__app_label=app_label, content_type__model=model)
    group.permissions.set(Permission.objects.filter(models_q))
    return group
