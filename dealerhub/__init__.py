"""DealerHub project package: settings, URLs, the Celery app and site-wide pages."""

from .celery import app as celery_app

__all__ = ("celery_app",)
