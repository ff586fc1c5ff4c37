"""App config for core: the plumbing every feature app shares (PDFs, Celery tasks, messages,
template filters); it has no models."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    label = "core"
