"""API tokens in the admin: a manager creates one for a dealer they manage (its key is shown
once, then only its hash is kept) and revokes it; tokens are never edited or deleted."""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from inventory.admin.base import DealerScopedAdminMixin

from . import services
from .models import ApiToken


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["dealer", "name", "scope", "expires_at"]

    def clean_expires_at(self):
        expires_at = self.cleaned_data.get("expires_at")
        if expires_at is not None and expires_at <= timezone.now():
            raise forms.ValidationError(_("The expiry must be in the future."))
        return expires_at


@admin.register(ApiToken)
class ApiTokenAdmin(DealerScopedAdminMixin, admin.ModelAdmin):
    form = ApiTokenForm
    list_display = [
        "name",
        "dealer",
        "scope",
        "shown_prefix",
        "state",
        "created_by",
        "created_at",
        "last_used_at",
        "expires_at",
    ]
    list_filter = ["scope", ("dealer", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "prefix"]
    actions = ["revoke"]
    readonly_fields = [
        "shown_prefix",
        "state",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["dealer", "name", "scope", "expires_at"]
        return [
            "dealer",
            "name",
            "scope",
            "shown_prefix",
            "state",
            "created_by",
            "created_at",
            "last_used_at",
            "expires_at",
            "revoked_at",
            "revoked_by",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return self.get_fields(request, obj)

    @admin.display(description=_("key"))
    def shown_prefix(self, token):
        return f"{token.prefix}…"

    @admin.display(description=_("state"))
    def state(self, token):
        return token.state()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return  # every field of a token is fixed once it exists
        token, key = services.api_token_create(
            dealer=obj.dealer,
            name=obj.name,
            scope=obj.scope,
            expires_at=obj.expires_at,
            by=request.user,
        )
        obj.pk, obj.prefix, obj.created_by = token.pk, token.prefix, token.created_by
        obj._state.adding = False
        messages.warning(
            request,
            _(
                "Copy the key of “%(name)s” now; it is shown only this once and cannot be "
                "recovered: %(key)s"
            )
            % {"name": token.name, "key": key},
        )

    @admin.action(description=_("Revoke the selected API tokens"), permissions=["change"])
    def revoke(self, request, queryset):
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            services.api_token_revoke(token=token, by=request.user)
            revoked += 1
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", revoked)
            % {"count": revoked},
        )
