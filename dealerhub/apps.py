"""App config for the project package (site pages, reports, demo data)."""

from django.apps import AppConfig


class DealerhubConfig(AppConfig):
    name = "dealerhub"
    verbose_name = "DealerHub"
