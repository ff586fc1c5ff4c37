"""Manager admin for dealers, staff, vehicles, inspections, imports and job runs, per dealer.

Importing the package registers every model admin, one module per sub-domain; the mixins the
other apps' admins build on are re-exported here.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import (  # noqa: F401  (each registers its model admins)
    dealers,
    floor_plan,
    imports,
    inspections,
    jobs,
    programmes,
    users,
    vehicles,
    wmi,
)
from .base import (
    DealerScopedAdminMixin,
    FrozenParentInlineMixin,
    GuardedDeleteAdminMixin,
    PlatformSettingsAdminMixin,
    RecordsInlineMixin,
    ScopedInlineMixin,
    ScopedRelationsMixin,
    delete_selected_guarded,
    refusal_text,
    scoped_choices,
)

__all__ = [
    "DealerScopedAdminMixin",
    "FrozenParentInlineMixin",
    "GuardedDeleteAdminMixin",
    "PlatformSettingsAdminMixin",
    "RecordsInlineMixin",
    "ScopedInlineMixin",
    "ScopedRelationsMixin",
    "delete_selected_guarded",
    "refusal_text",
    "scoped_choices",
]

admin.site.site_header = _("DealerHub administration")
admin.site.site_title = _("DealerHub")
admin.site.index_title = _("Run the dealerships")
