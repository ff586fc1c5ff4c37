"""Accounts: managers see their dealers' people, and change an account only when they manage
every dealer it works for."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from inventory import services
from inventory.access import users_manageable_by
from inventory.forms import EMAIL_LANGUAGES, EmailLanguageField, email_language_of
from inventory.models import Dealer, Membership

from .base import ScopedRelationsMixin

User = get_user_model()
admin.site.unregister(User)


class UserWithLanguageForm(UserChangeForm):
    """The account form, with the language the person's e-mails come in."""

    email_language = EmailLanguageField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["email_language"].initial = email_language_of(self.instance)


@admin.register(User)
class DealerUserAdmin(ScopedRelationsMixin, UserAdmin):
    """Managers see the people of their own dealers, plus accounts not yet given a dealer.

    They change an account (password, e-mail, name) only when every dealer it works for is one
    they manage; someone who also works elsewhere is shown read-only.
    """

    form = UserWithLanguageForm
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "email", "email_language"]}),
        *UserAdmin.fieldsets[2:],
    ]

    @admin.display(description=_("E-mail language"))
    def email_language(self, obj):
        """Shown where the account is read-only."""
        return dict(EMAIL_LANGUAGES)[email_language_of(obj)]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        managed = Dealer.objects.managed_by(request.user)
        colleagues = Membership.objects.filter(dealer__in=managed).values("user_id")
        manageable = users_manageable_by(request.user).values("pk")
        return qs.filter(Q(pk__in=colleagues) | Q(pk__in=manageable), is_superuser=False)

    def _may_change(self, request, obj):
        return obj is None or users_manageable_by(request.user).filter(pk=obj.pk).exists()

    def has_change_permission(self, request, obj=None):
        return self._may_change(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_change(request, obj) and super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Managers look after their people's accounts but never hand out powers.
            fields += [
                "is_staff",
                "is_superuser",
                "groups",
                "user_permissions",
                "last_login",
                "date_joined",
            ]
        return fields

    def save_model(self, request, obj, form, change):
        # The account forms have already hashed any new password.
        services.user_save(user=obj)
        if "email_language" in form.cleaned_data:
            services.user_language_set(user=obj, language=form.cleaned_data["email_language"])

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404
