"""Rename every stored inspection photo and document scan to a server-chosen name whose
extension is what the file's content is."""

from collections import Counter

from django.core.management.base import BaseCommand

from inventory import services
from inventory.services import StoredFileOutcome


class Command(BaseCommand):
    help = (
        "Give every stored inspection photo and document scan a server-chosen name with the "
        "extension of its detected type (files stored before uploads were named by content "
        "keep the client's extension). Safe to run again; lists files that are no allowed "
        "type or are missing, and leaves them as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be renamed; change nothing."
        )

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        counts = Counter()
        for model, field, kinds in services.STORED_UPLOADS:
            label = model._meta.label
            stored = model.objects.exclude(**{field: ""}).order_by(field)
            names = list(stored.values_list(field, flat=True).distinct())
            for name in names:
                outcome, now = services.stored_upload_normalise(
                    model=model, field=field, name=name, kinds=kinds, dry_run=dry_run
                )
                counts[outcome] += 1
                if outcome == StoredFileOutcome.RENAMED and verbosity > 1:
                    self.stdout.write(f"{label} {name} -> {now}")
                elif outcome in (StoredFileOutcome.REFUSED, StoredFileOutcome.MISSING):
                    rows = ", ".join(
                        str(pk)
                        for pk in stored.filter(**{field: name}).values_list("pk", flat=True)
                    )
                    problem = (
                        "is no allowed type; left as it is (served only as a download)"
                        if outcome == StoredFileOutcome.REFUSED
                        else "is missing from storage"
                    )
                    self.stderr.write(f"{label} {name} (rows {rows}) {problem}")
        renamed = "would rename" if dry_run else "renamed"
        self.stdout.write(
            f"{renamed} {counts[StoredFileOutcome.RENAMED]}, "
            f"already named by type {counts[StoredFileOutcome.UNCHANGED]}, "
            f"not an allowed type {counts[StoredFileOutcome.REFUSED]}, "
            f"missing {counts[StoredFileOutcome.MISSING]}"
        )
