"""App config for the project package (site pages, reports, demo data)."""

from django.apps import AppConfig


class DealerhubConfig(AppConfig):
    name = "dealerhub"
    verbose_name = "DealerHub"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import checks, static_files, two_factor  # noqa: F401 (they register checks)

        def second_factor_owed(sender, request, user, **kwargs):
            # Worked out once per sign-in, so that staff pages need no query for it.
            if request is not None and hasattr(request, "session"):
                two_factor.remember_owed(request, user)

        user_logged_in.connect(second_factor_owed, weak=False, dispatch_uid="second_factor_owed")
