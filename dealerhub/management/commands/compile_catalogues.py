"""Compile the translation catalogues (.po to .mo) in pure Python, without GNU gettext."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import to_language


class Command(BaseCommand):
    help = (
        "Compile every locale/<language>/LC_MESSAGES/django.po under LOCALE_PATHS to its .mo. "
        "Untranslated and fuzzy entries are left out, so they show in English."
    )

    def handle(self, *args, **options):
        catalogues = sorted(
            po for folder in settings.LOCALE_PATHS for po in Path(folder).glob("*/LC_MESSAGES/*.po")
        )
        if not catalogues:
            raise CommandError("No .po catalogues under LOCALE_PATHS.")
        for po_path in catalogues:
            try:
                catalogue = polib.pofile(str(po_path))
            except OSError as exc:
                raise CommandError(f"{po_path}: {exc}") from exc
            catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
            self.stdout.write(self._outcome(po_path.parent.parent.name, catalogue))

    def _outcome(self, locale, catalogue):
        """What a catalogue holds: a language of the staff site should have every message; one
        that buyers read only on the certificate and verification pages covers those, and the
        rest of its entries stay in English by design."""
        translated = len(catalogue.translated_entries())
        language = to_language(locale)
        if language in dict(settings.LANGUAGES) or language not in dict(settings.VERIFY_LANGUAGES):
            missing = len(catalogue) - translated
            tail = f", {missing} not yet" if missing else ""
            return f"{locale}: {translated} messages translated{tail}"
        return f"{locale}: certificate and verification pages, {translated} messages"
