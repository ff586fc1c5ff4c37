"""Manager admin for dealers, staff, vehicles, inspections and job runs, scoped per dealer.

Importing the package registers every model admin; the mixins the other apps' admins build
on are re-exported here.
"""

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
