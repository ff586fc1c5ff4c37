"""The mixins every admin of dealer data builds on: scoped relations, shared settings,
deletes that go through a service, and inlines of records kept elsewhere."""

from django.contrib import messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from inventory.access import is_platform_operator, restrict_choices
from inventory.models import Role


def scoped_choices(db_field, request, kwargs):
    """Offer and accept only rows the signed-in user may pick in a relation field.

    The admin validates a posted id against the field's queryset, so narrowing it here refuses
    another dealer's row, or an account the manager may not change, like an unknown id.
    """
    queryset = kwargs.get("queryset")
    if queryset is None:
        queryset = db_field.remote_field.model._default_manager.get_queryset()
    kwargs["queryset"] = restrict_choices(queryset, request.user)
    return kwargs


class ScopedRelationsMixin:
    """Every foreign-key and many-to-many field of an admin form or inline goes through
    `scoped_choices`, whatever the widget (select, autocomplete, raw id)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(
            db_field, request, **scoped_choices(db_field, request, kwargs)
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(
            db_field, request, **scoped_choices(db_field, request, kwargs)
        )


class PlatformSettingsAdminMixin(ScopedRelationsMixin):
    """Settings shared by every dealer (markets, rules, schedules): platform operators change
    them, managers read them."""

    def has_add_permission(self, request, *args):
        return is_platform_operator(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return is_platform_operator(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_platform_operator(request.user) and super().has_delete_permission(request, obj)

    def get_actions(self, request):
        # Some actions (the beat schedule's "disable", "run") declare no permission of their own.
        return super().get_actions(request) if is_platform_operator(request.user) else {}


class DealerScopedAdminMixin(ScopedRelationsMixin):
    """Limit an admin to the dealers the signed-in manager manages.

    Change lists, change and history pages, foreign-key dropdowns and autocomplete all go
    through `visible_to`, and an object outside the scope answers 404 rather than a redirect.
    Fields in `fixed_after_create` (a row's dealer, say) are read-only once the row exists.
    """

    fixed_after_create = ()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, *self.fixed_after_create] if obj is not None else fields

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs.visible_to(request.user, roles=[Role.MANAGER])

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404(_("No %(name)s with this ID.") % {"name": opts.verbose_name})

    def _require_visible(self, request, object_id):
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._require_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_visible(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


def delete_selected_guarded(modeladmin, request, queryset):
    """Django's "delete selected", for the rows that may go; every row that must stay is named
    with the reason, and left alone."""
    allowed = []
    for obj in queryset:
        refusal = modeladmin.delete_refusal(obj)
        if refusal:
            modeladmin.message_user(request, f"{obj}: {refusal}", messages.ERROR)
        else:
            allowed.append(obj.pk)
    if not allowed:
        return None
    return delete_selected(modeladmin, request, queryset.filter(pk__in=allowed))


class GuardedDeleteAdminMixin:
    """Deletion of records that keep history, only through a service that may refuse it.

    Django's "delete selected" checks the delete permission without an object, and a refused
    delete must read as a message, never a server error: both the single and the bulk delete
    ask `delete_refusal` per row and delete through `delete_through_service`, which also
    removes stored files.
    """

    def delete_refusal(self, obj) -> str | None:
        """Why this row must not be deleted, or None."""
        raise NotImplementedError

    def delete_through_service(self, request, obj) -> None:
        raise NotImplementedError

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self.delete_refusal(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _func, name, description = actions["delete_selected"]
            actions["delete_selected"] = (delete_selected_guarded, name, description)
        return actions

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if not any(self.delete_refusal(obj) for obj in objs):
            # What may be deleted goes through the service, which takes the rows that protect
            # it (a draft shipment's lines, say) with it.
            protected = []
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        self.delete_through_service(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            try:
                self.delete_through_service(request, obj)
            except (ValidationError, ProtectedError) as exc:
                self.message_user(request, f"{obj}: {refusal_text(exc)}", messages.ERROR)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except (ValidationError, ProtectedError) as exc:
            self.message_user(request, refusal_text(exc), messages.ERROR)
            return HttpResponseRedirect(request.path.rsplit("/delete/", 1)[0] + "/change/")


def refusal_text(exc) -> str:
    if isinstance(exc, ProtectedError):
        return str(_("Other records refer to it, so it stays on record."))
    return " ".join(exc.messages)


class ScopedInlineMixin(ScopedRelationsMixin):
    pass


class FrozenParentInlineMixin(ScopedInlineMixin):
    """An inline that becomes read-only once its parent may no longer change."""

    def parent_is_open(self, obj):
        raise NotImplementedError

    def _open(self, obj):
        return obj is None or self.parent_is_open(obj)

    def has_add_permission(self, request, obj=None):
        return self._open(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._open(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._open(obj) and super().has_delete_permission(request, obj)


class RecordsInlineMixin:
    """An inline that lists records written elsewhere (a service, a staff page): shown in full,
    never added or deleted here."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False
