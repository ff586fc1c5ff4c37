"""python manage.py flag_export_candidates [--dealer ID] [--dry-run]"""

from django.core.management.base import BaseCommand, CommandError

from exports import services
from inventory.models import Dealer, JobRunStatus


class Command(BaseCommand):
    help = (
        "Flag the vehicles that can still leave as zero-km exports: in stock, aged past the "
        "dealer's threshold, under its odometer maximum and exportable to at least one market."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dealer", type=int, help="Only this dealer (its id).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would change; change nothing."
        )

    def handle(self, *args, dealer=None, dry_run=False, **options):
        chosen = None
        if dealer is not None:
            chosen = Dealer.objects.filter(pk=dealer).first()
            if chosen is None:
                raise CommandError(f"No dealer with id {dealer}.")
        run = services.export_candidates_flag(dealer=chosen, dry_run=dry_run)
        if run.status == JobRunStatus.SKIPPED:
            self.stdout.write("Another candidate run is going; this one did nothing.")
            return
        counts = run.counts
        if counts.get("unchanged"):
            self.stdout.write(
                f"Nothing changed since the last run; {counts['candidates']} candidates stand."
            )
            return
        flagged, unflagged = ("would flag", "would unflag") if dry_run else ("flagged", "unflagged")
        self.stdout.write(
            f"{counts['vehicles']} vehicles judged ({counts['profiles']} profiles, "
            f"{counts['papered']} with papers of their own): {flagged} {counts['flagged']}, "
            f"{unflagged} {counts['unflagged']}; {counts['candidates']} candidates."
        )
        for rule in counts.get("not_evaluated_rules", []):
            self.stderr.write(f"Not evaluated, fix it in the admin: {rule}")
