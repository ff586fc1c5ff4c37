"""Static files with DEBUG off: WhiteNoise serves what `collectstatic` gathered in STATIC_ROOT,
and a server started before anyone collected them still sends its pages with their styles."""

import logging
from pathlib import Path

from django.conf import settings
from django.core import checks
from whitenoise.middleware import WhiteNoiseMiddleware

logger = logging.getLogger(__name__)
_warned = False


def collected(static_root) -> bool:
    """Whether `collectstatic` has put anything in STATIC_ROOT."""
    if not static_root:
        return False
    root = Path(static_root)
    return root.is_dir() and any(root.iterdir())


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, falling back to the apps' and STATICFILES_DIRS' own folders (Django's
    finders, read once at start) when STATIC_ROOT holds no collected file.

    Without it, a server started before `collectstatic` answers 404 for the stylesheet and
    shows every page unstyled. The fallback serves the same files, only not compressed and
    without the long cache lifetime; the system check `dealerhub.W001` says to collect them.
    """

    def __init__(self, get_response=None, settings=settings):
        super().__init__(get_response, settings=settings)
        if self.use_finders or self.autorefresh:
            return  # development: WhiteNoise already reads the source folders
        if any(url.startswith(self.static_prefix) for url in self.files):
            return
        global _warned
        if not _warned:  # once a process, not for every middleware chain a test builds
            _warned = True
            logger.warning(
                "No collected static files in %s; serving them from the source folders. "
                "Run `manage.py collectstatic`.",
                settings.STATIC_ROOT,
            )
        self.add_files_from_finders()


@checks.register(checks.Tags.staticfiles)
def static_files_collected(app_configs, **kwargs):
    """With DEBUG off the static files are served from STATIC_ROOT: warn while it is empty."""
    if settings.DEBUG or collected(settings.STATIC_ROOT):
        return []
    return [
        checks.Warning(
            f"STATIC_ROOT ({settings.STATIC_ROOT}) holds no collected static files.",
            hint=(
                "Run `python manage.py collectstatic --noinput` before starting the server "
                "(`make serve` does). Until then the files are served uncompressed from the "
                "source folders."
            ),
            id="dealerhub.W001",
        )
    ]
