"""The world manufacturer code table: platform operators correct it, managers read it."""

from django.contrib import admin
from django.db import models

from inventory.models import WorldManufacturerCode

from .base import PlatformSettingsAdminMixin


@admin.register(WorldManufacturerCode)
class WorldManufacturerCodeAdmin(PlatformSettingsAdminMixin, admin.ModelAdmin):
    """Shared by every dealer and advisory only: a wrong row fills a wrong make, never blocks a
    car, so each row shows where it comes from and how far to trust it."""

    list_display = ["wmi", "maker", "country", "confidence", "source"]
    list_filter = ["confidence", "country"]
    search_fields = ["wmi", "maker"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = ["wmi", "maker", "country", "confidence", "source", "source_url", "note"]
