"""Sign-in records in the admin: superusers only, and unlocking is deleting the attempt."""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin


class SuperuserOnly:
    """Failed sign-ins name accounts and addresses across every dealer, so only platform
    operators see them, even if a manager were given the model permissions."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class LockoutAdmin(SuperuserOnly, AccessAttemptAdmin):
    """Deleting an attempt (or the "delete selected" action) unlocks that name and address."""


class SignInLogAdmin(SuperuserOnly, AccessLogAdmin):
    pass


class FailedSignInLogAdmin(SuperuserOnly, AccessFailureLogAdmin):
    pass


for model, model_admin in [
    (AccessAttempt, LockoutAdmin),
    (AccessLog, SignInLogAdmin),
    (AccessFailureLog, FailedSignInLogAdmin),
]:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
