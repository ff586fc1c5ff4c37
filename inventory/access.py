"""Who may see and change what: dealer data, people's accounts and platform settings.

Every choice a form offers and accepts (a foreign key, a many-to-many, a user) is narrowed by
`restrict_choices`, so an id of a row the acting user may not see is refused like an unknown
one. A model this module does not know is refused outright (fails closed) for anyone but a
superuser: a new relation must be classified here before a manager can pick from it.
"""

from django.contrib.auth import get_user_model

from .models import Dealer, Membership, Role

PLATFORM_OPERATORS_GROUP = "Platform operators"

# Rows every signed-in manager may pick from: settings shared by all dealers and Django's own
# bookkeeping. Changing them is a platform operator's job (see `is_platform_operator`); the
# admin pages for them are read-only to managers.
_SHARED_LABELS = {
    "exports.destinationmarket",
    "exports.marketrule",
    "inventory.worldmanufacturercode",
    "django_celery_beat.intervalschedule",
    "django_celery_beat.crontabschedule",
    "django_celery_beat.solarschedule",
    "django_celery_beat.clockedschedule",
    "django_celery_beat.periodictask",
}


def is_platform_operator(user) -> bool:
    """Superusers and the platform operators' group maintain markets, rules and schedules."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=PLATFORM_OPERATORS_GROUP).exists()


def users_manageable_by(user):
    """The accounts `user` may change: password, e-mail, name, memberships.

    A manager may change an account only when every membership it holds is at a dealer the
    manager manages; an account that belongs to nobody yet (just created) counts, unless it is
    a superuser's or a platform operator's. Superusers are changed by superusers only.
    """
    users = get_user_model()._default_manager.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return users.none()
    if user.is_superuser:
        return users
    managed = Dealer.objects.managed_by(user).values("pk")
    if not managed.exists():
        return users.none()
    elsewhere = Membership.objects.exclude(dealer__in=managed).values("user_id")
    return (
        users.filter(is_superuser=False)
        .exclude(pk__in=elsewhere)
        .exclude(groups__name=PLATFORM_OPERATORS_GROUP)
    )


def restrict_choices(queryset, user, *, roles=(Role.MANAGER,)):
    """Narrow the rows a relation field offers and accepts to what `user` may pick.

    Dealer data: the dealers `user` holds one of `roles` at. Users: `users_manageable_by`.
    Shared settings: all of them. Anything else: nothing, unless `user` is a superuser.
    """
    model = queryset.model
    if user is not None and user.is_active and user.is_superuser:
        return queryset
    if hasattr(queryset, "visible_to"):
        return queryset.visible_to(user, roles=list(roles) if roles else None)
    if model is get_user_model():
        return queryset.filter(pk__in=users_manageable_by(user).values("pk"))
    if model._meta.label_lower in _SHARED_LABELS:
        return queryset
    # Anything else, groups and permissions included: only superusers pick from it.
    return queryset.none()
